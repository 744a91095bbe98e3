/**
 * Figure 1: a warm invocation (every value cached) with 1, 10 and 50 keys on `context`, against
 * bare middy, `@middy/secrets-manager` and Powertools on the same keys.
 */
import type { WarmParams, WarmSubject } from '../children/warm.ts'
import { type FigureContext, metricStat, pairStat } from '../lib/figure.ts'
import { type FigureReport, num, ratio, stat } from '../lib/report.ts'
import { interleave, runChild, scriptPath } from '../lib/spawn.ts'
import { summarize } from '../lib/stats.ts'

const COUNTS = [1, 10, 50]
const SUBJECTS: WarmSubject[] = ['bare', 'ours', 'middy', 'powertools']
const RATIO_GOAL = 0.1
const PER_KEY_GOAL_NS = 30

/** Runs figure 1. */
export const runWarm = async (ctx: FigureContext): Promise<FigureReport> => {
  const script = scriptPath('../children/warm.ts', import.meta.url)
  const results = await interleave(
    ctx.quick ? 2 : 10,
    SUBJECTS,
    (subject) => {
      const params: WarmParams = { subject, counts: COUNTS, servers: ctx.servers.params, targetMs: 150 }
      return runChild(script, params, { env: ctx.servers.env }).finally(ctx.servers.reset)
    },
    ctx.progress,
  )
  const { bare, ours, middy, powertools } = results
  const overhead = (subject: typeof ours, metric: string) =>
    pairStat(subject, bare, (s, b) => s[metric] - b[metric])

  const rows = COUNTS.map((count) => {
    const m = `ns${count}`
    const ratioStat = pairStat(ours, bare, (o, b, r) => (o[m] - b[m]) / (middy[r]![m] - b[m]))
    return {
      count,
      ratio: ratioStat,
      cells: [
        String(count),
        stat(metricStat(bare, m), 'ns'),
        stat(metricStat(ours, m), 'ns'),
        stat(metricStat(middy, m), 'ns'),
        stat(metricStat(powertools, m), 'ns'),
        stat(overhead(ours, m), 'ns'),
        stat(overhead(middy, m), 'ns'),
        stat(overhead(powertools, m), 'ns'),
        ratio(ratioStat),
      ],
    }
  })
  const [low, high] = [COUNTS[0]!, COUNTS.at(-1)!]
  const perKey = (subject: typeof ours) =>
    summarize(subject.map((m) => (m[`ns${high}`] - m[`ns${low}`]) / (high - low)))
  const oursPerKey = perKey(ours)

  return {
    id: '1',
    title: 'Warm invocation',
    method:
      `A no-op handler in \`middy()\`, \`setToContext: true\`, values cached before timing (the ` +
      `prefetch resolved against the emulator, or a first invocation against the AWS JSON server), then ` +
      `invoked in a tight loop with a new \`context\` each time: ns per invocation, the fastest of 7 timed ` +
      `batches after a warm-up, in each of ${ours.length} rounds. Each key count has its own keys. ` +
      `Powertools: \`getSecret(id, { maxAge })\` per key, awaited together, in a minimal middleware. ` +
      `Overhead = subject − bare middy in the same round.`,
    tables: [
      {
        header: [
          'keys',
          'bare middy',
          'ours',
          '@middy/secrets-manager',
          'Powertools',
          'ours overhead',
          'middy-sm overhead',
          'Powertools overhead',
          'ours / middy-sm overhead',
        ],
        rows: rows.map((r) => r.cells),
      },
      {
        title: `ns per added key (between ${low} and ${high} keys)`,
        header: ['ours', '@middy/secrets-manager', 'Powertools'],
        rows: [[stat(oursPerKey, 'ns'), stat(perKey(middy), 'ns'), stat(perKey(powertools), 'ns')]],
      },
    ],
    goals: [
      ...rows.map((r) => ({
        what: `overhead over bare middy vs @middy/secrets-manager's, ${r.count} key${r.count > 1 ? 's' : ''}`,
        goal: `≤ ${RATIO_GOAL}x`,
        measured: ratio(r.ratio),
        met: r.ratio.median <= RATIO_GOAL,
      })),
      {
        what: 'ns per added key (warm)',
        goal: `≤ ${PER_KEY_GOAL_NS} ns`,
        measured: `${num(oursPerKey.median)} ns (${num(oursPerKey.min)}–${num(oursPerKey.max)})`,
        met: oursPerKey.median <= PER_KEY_GOAL_NS,
      },
    ],
    data: results,
  }
}
