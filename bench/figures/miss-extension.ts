/**
 * Figure 2: misses through the extension (the emulator's layer profile, its TTL cache on, so this
 * measures the transport alone): 1, 10 and 50 keys fetched at once per invocation, against a
 * global-`fetch` client and against the floor, undici's `Pool.request` on a warm pool.
 */
import type { MissExtensionParams, MissExtensionSubject } from '../children/miss-extension.ts'
import { type FigureContext, metricStat, pairStat } from '../lib/figure.ts'
import type { FigureReport } from '../lib/report.ts'
import { ratio, stat } from '../lib/report.ts'
import { interleave, runChild, scriptPath } from '../lib/spawn.ts'
import { scale } from '../lib/stats.ts'

const COUNTS = [1, 10, 50]
const SUBJECTS: MissExtensionSubject[] = ['ours', 'fetch', 'undici']
const FETCH_GOAL = 0.55
const FLOOR_GOAL = 1.1

/** Runs figure 2. */
export const runMissExtension = async (ctx: FigureContext): Promise<FigureReport> => {
  const script = scriptPath('../children/miss-extension.ts', import.meta.url)
  const results = await interleave(
    ctx.quick ? 2 : 10,
    SUBJECTS,
    (subject) => {
      const params: MissExtensionParams = {
        subject,
        counts: COUNTS,
        servers: ctx.servers.params,
        targetMs: 200,
      }
      return runChild(script, params, { env: ctx.servers.env }).finally(ctx.servers.reset)
    },
    ctx.progress,
  )
  const { ours, fetch, undici } = results
  const rows = COUNTS.map((count) => {
    const m = `ns${count}`
    return {
      count,
      toFetch: pairStat(ours, fetch, (o, f) => o[m] / f[m]),
      toFloor: pairStat(ours, undici, (o, u) => o[m] / u[m]),
      stats: [metricStat(ours, m), metricStat(fetch, m), metricStat(undici, m)].map((s) => scale(s, 1e-3)),
    }
  })
  return {
    id: '2',
    title: 'Miss through the extension',
    method:
      'Each invocation misses on every key (`cacheExpiry: 0`) and fetches them all at once from the ' +
      'emulator (layer profile; its own TTL cache answers, so only the transport is measured). ' +
      'Baselines, in the same kind of middleware (fetch all keys at once, parse the body, set ' +
      '`context`): the global `fetch` with the same token header, and the floor, the full `undici` ' +
      "package's `Pool.request` (10 connections, the package's default) on a warm pool. µs per " +
      `invocation, the fastest of 7 timed batches after a warm-up, in each of ${ours.length} rounds.`,
    tables: [
      {
        header: [
          'keys',
          'ours',
          'global fetch',
          'undici Pool.request (floor)',
          'ours / fetch',
          'ours / floor',
        ],
        rows: rows.map((r) => [
          String(r.count),
          ...r.stats.map((s) => stat(s, 'µs')),
          ratio(r.toFetch),
          ratio(r.toFloor),
        ]),
      },
    ],
    goals: rows.flatMap((r) => [
      {
        what: `miss vs global fetch, ${r.count} key${r.count > 1 ? 's' : ''}`,
        goal: `≤ ${FETCH_GOAL}x`,
        measured: ratio(r.toFetch),
        met: r.toFetch.median <= FETCH_GOAL,
      },
      {
        what: `miss vs undici floor, ${r.count} key${r.count > 1 ? 's' : ''}`,
        goal: `≤ ${FLOOR_GOAL}x`,
        measured: ratio(r.toFloor),
        met: r.toFloor.median <= FLOOR_GOAL,
      },
    ]),
    data: results,
  }
}
