/**
 * Figure 3: misses through the SDK path (`transport: 'sdk'`) to a loopback AWS JSON endpoint,
 * against `@middy/secrets-manager` and Powertools on the same endpoint; and 10 parameters due
 * together (the package batches them into one GetParameters) against Powertools.
 */
import type { MissSdkParams, MissSdkSubject } from '../children/miss-sdk.ts'
import { type FigureContext, metricStat, pairStat } from '../lib/figure.ts'
import { type FigureReport, type Goal, ratio, stat } from '../lib/report.ts'
import { interleave, runChild, scriptPath } from '../lib/spawn.ts'
import { scale } from '../lib/stats.ts'

const SUBJECTS: MissSdkSubject[] = ['ours', 'middy', 'powertools']
const NOT_SLOWER = 1
/** "clearly faster": our reading of the words, at most half the time */
const BATCH_GOAL = 0.4
const CLEARLY_FASTER = 0.5

/** Runs figure 3. */
export const runMissSdk = async (ctx: FigureContext): Promise<FigureReport> => {
  const script = scriptPath('../children/miss-sdk.ts', import.meta.url)
  const results = await interleave(
    ctx.quick ? 2 : 10,
    SUBJECTS,
    (subject) => {
      const params: MissSdkParams = { subject, servers: ctx.servers.params, targetMs: 250 }
      return runChild(script, params, { env: ctx.servers.env }).finally(ctx.servers.reset)
    },
    ctx.progress,
  )
  const { ours, middy, powertools } = results
  const us = (rounds: typeof ours, metric: string) => stat(scale(metricStat(rounds, metric), 1e-3), 'µs')
  const vs = (rounds: typeof ours, metric: string, baselineMetric = metric) =>
    pairStat(ours, rounds, (o, b) => o[metric] / b[baselineMetric])

  const goals: Goal[] = []
  const goal = (what: string, target: number, s: ReturnType<typeof vs>) =>
    goals.push({ what, goal: `≤ ${target}x`, measured: ratio(s), met: s.median <= target })
  const secretRows = ['secrets1', 'secrets10'].map((m) => {
    const n = m.slice('secrets'.length)
    const toMiddy = vs(middy, m)
    const toPowertools = vs(powertools, m)
    // 10 secrets are one BatchGetSecretValue (issue 17: ≤ 0.4x); 1 secret is the same GetSecretValue.
    const target = n === '10' ? BATCH_GOAL : NOT_SLOWER
    goal(`SDK miss vs @middy/secrets-manager, ${n} secret${n === '1' ? '' : 's'}`, target, toMiddy)
    goal(`SDK miss vs Powertools getSecret, ${n} secret${n === '1' ? '' : 's'}`, NOT_SLOWER, toPowertools)
    return [n, us(ours, m), us(middy, m), us(powertools, m), ratio(toMiddy), ratio(toPowertools)]
  })
  const toGetParameter = vs(powertools, 'parameters10')
  const toByName = vs(powertools, 'parameters10', 'parameters10ByName')
  goal('10 parameters vs Powertools getParameter x10', CLEARLY_FASTER, toGetParameter)
  goal('10 parameters vs Powertools getParametersByName', NOT_SLOWER, toByName)

  return {
    id: '3',
    title: 'Miss through the SDK path',
    method:
      'Each invocation misses on every key (`cacheExpiry: 0`; Powertools `maxAge: 0`) and reads them ' +
      'at once through the AWS SDK v3 clients of each library, pointed at the loopback AWS JSON 1.1 ' +
      'server by `AWS_ENDPOINT_URL`. Secrets: GetSecretValue per key for all three. Parameters: ours ' +
      'batches the 10 due together into one GetParameters; Powertools `getParameter` makes 10 ' +
      'GetParameter calls, and its batching `getParametersByName` (whose cache ignores `maxAge: 0`, ' +
      'so it is cleared before each call) one GetParameters. µs per invocation, the fastest of 7 ' +
      `timed batches after a warm-up, in each of ${ours.length} rounds.`,
    tables: [
      {
        header: [
          'secrets',
          'ours',
          '@middy/secrets-manager',
          'Powertools getSecret',
          'ours / middy-sm',
          'ours / Powertools',
        ],
        rows: secretRows,
      },
      {
        header: [
          'parameters',
          'ours (GetParameters)',
          'Powertools getParameter x10',
          'Powertools getParametersByName',
          'ours / getParameter x10',
          'ours / getParametersByName',
        ],
        rows: [
          [
            '10',
            us(ours, 'parameters10'),
            us(powertools, 'parameters10'),
            us(powertools, 'parameters10ByName'),
            ratio(toGetParameter),
            ratio(toByName),
          ],
        ],
      },
    ],
    goals,
    notes: [
      `"Parameters clearly faster" is read as at most ${CLEARLY_FASTER}x Powertools' getParameter x10.`,
    ],
    data: results,
  }
}
