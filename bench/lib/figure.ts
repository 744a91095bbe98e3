/**
 * What every figure module gets from the runner, and small helpers over round results.
 */
import type { Servers } from './servers.ts'
import type { Metrics } from './spawn.ts'
import { type Stat, summarize } from './stats.ts'

/** The runner's services to a figure. */
export interface FigureContext {
  servers: Servers
  /** prints one progress line under the figure's name */
  progress(line: string): void
  /** fewer rounds and shorter timings, to try the harness (`BENCH_QUICK=1`) */
  quick: boolean
}

/**
 * One metric of each round, summarized.
 *
 * @example
 * ```ts
 * metricStat(results.ours, 'ns10') // median, min, max of the rounds' ns10
 * ```
 */
export const metricStat = (rounds: readonly Metrics[], metric: string): Stat =>
  summarize(rounds.map((r) => r[metric] as number))

/**
 * A value computed within each round from two subjects' metrics (a ratio, a difference), summarized.
 *
 * @example
 * ```ts
 * const ratio = pairStat(results.ours, results.fetch, (a, b) => a.ns10 / b.ns10)
 * ```
 */
export const pairStat = (
  a: readonly Metrics[],
  b: readonly Metrics[],
  compute: (a: Metrics, b: Metrics, round: number) => number,
): Stat => summarize(a.map((m, round) => compute(m, b[round]!, round)))
