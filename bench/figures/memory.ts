/**
 * Figure 5: memory. Heap and RSS after 1,000 distinct keys are resolved (per-key overhead), then
 * the growth over repeated rounds of 100,000 warm invocations (it should be nil), against
 * `@middy/secrets-manager` on the same keys.
 */
import type { MemoryParams, MemorySubject } from '../children/memory.ts'
import { type FigureContext, metricStat, pairStat } from '../lib/figure.ts'
import { type FigureReport, num, ratio, stat } from '../lib/report.ts'
import { interleave, type Metrics, runChild, scriptPath } from '../lib/spawn.ts'
import { type Stat, scale, summarize } from '../lib/stats.ts'

const SUBJECTS: MemorySubject[] = ['ours', 'middy']
const KEY_COUNT = 1000
const INVOCATIONS = 100_000
const WARM_ROUNDS = 4
/** "no growth": under one byte per invocation, i.e. less than this per round of 100,000 */
const GROWTH_GOAL_BYTES = INVOCATIONS

/** Heap growth per warm round after the first (the first may still settle caches and JIT). */
const growthAfterFirst = (rounds: readonly Metrics[], field: 'roundsHeap' | 'roundsRss'): Stat =>
  summarize(
    rounds.flatMap((m) => {
      const series = m[field] as number[]
      return series.slice(2).map((v, i) => v - series[i + 1]!)
    }),
  )

const kb = (s: Stat): string => stat(scale(s, 1 / 1024), 'KiB')
const mb = (s: Stat): string => stat(scale(s, 1 / 1024 / 1024), 'MiB')

/** Runs figure 5. */
export const runMemory = async (ctx: FigureContext): Promise<FigureReport> => {
  const script = scriptPath('../children/memory.ts', import.meta.url)
  const results = await interleave(
    ctx.quick ? 2 : 5,
    SUBJECTS,
    (subject) => {
      const params: MemoryParams = {
        subject,
        servers: ctx.servers.params,
        keyCount: KEY_COUNT,
        invocations: ctx.quick ? INVOCATIONS / 10 : INVOCATIONS,
        warmRounds: WARM_ROUNDS,
      }
      return runChild(script, params, { env: ctx.servers.env, execArgv: ['--expose-gc'] }).finally(
        ctx.servers.reset,
      )
    },
    ctx.progress,
  )
  const { ours, middy } = results
  const perKey = (rounds: typeof ours) => scale(metricStat(rounds, 'keysHeap'), 1 / KEY_COUNT)
  const firstRound = (rounds: typeof ours) => summarize(rounds.map((m) => (m.roundsHeap as number[])[1]!))
  const perKeyRatio = pairStat(ours, middy, (o, m) => o.keysHeap / m.keysHeap)
  const oursGrowth = growthAfterFirst(ours, 'roundsHeap')

  return {
    id: '5',
    title: 'Memory',
    method:
      `In a child run with \`--expose-gc\` (two full collections before each reading): a 1-key instance ` +
      `warms up what every instance needs; then the heap is read, an instance with ${num(KEY_COUNT)} ` +
      `distinct secrets resolves them all, and the heap is read again (per-key overhead = the ` +
      `difference / ${num(KEY_COUNT)}, values included). Then a 10-key instance runs ${WARM_ROUNDS} ` +
      `rounds of ${num(INVOCATIONS)} warm invocations, read after each. ${ours.length} processes per ` +
      'subject; growth between rounds is pooled over the rounds after the first of every process.',
    tables: [
      {
        header: [
          'subject',
          `heap per key (${num(KEY_COUNT)} keys)`,
          `RSS after ${num(KEY_COUNT)} keys (over the start)`,
          'heap at start',
          `heap, first ${num(INVOCATIONS)} warm invocations`,
          'heap growth per later round',
          'RSS growth per later round',
        ],
        rows: SUBJECTS.map((s) => [
          s === 'ours' ? 'ours' : '@middy/secrets-manager',
          stat(perKey(results[s]), 'B'),
          mb(metricStat(results[s], 'keysRss')),
          mb(metricStat(results[s], 'baseHeap')),
          kb(firstRound(results[s])),
          kb(growthAfterFirst(results[s], 'roundsHeap')),
          kb(growthAfterFirst(results[s], 'roundsRss')),
        ]),
      },
    ],
    goals: [
      {
        what: `heap growth per round of ${num(INVOCATIONS)} warm invocations`,
        goal: `~0 (< ${num(GROWTH_GOAL_BYTES / 1024)} KiB: 1 B per invocation)`,
        measured: kb(oursGrowth),
        met: Math.abs(oursGrowth.median) < GROWTH_GOAL_BYTES,
      },
      {
        what: 'heap per key, vs @middy/secrets-manager',
        goal: 'reported',
        measured: `${stat(perKey(ours), 'B')}; ${ratio(perKeyRatio)}`,
        met: undefined,
      },
    ],
    data: results,
  }
}
