/**
 * Figure 6: 100 concurrent invocations on one instance whose 10 keys have just expired. The
 * emulator counts the requests that reach it (single flight: exactly 10); latencies against one
 * invocation alone after the same expiry, and against a client without single flight.
 */
import type { Burst, ConcurrencyParams, ConcurrencySubject } from '../children/concurrency.ts'
import type { FigureContext } from '../lib/figure.ts'
import { type FigureReport, num, ratio, stat } from '../lib/report.ts'
import { interleave, runChild, scriptPath } from '../lib/spawn.ts'
import { median, summarize } from '../lib/stats.ts'

const SUBJECTS: ConcurrencySubject[] = ['ours', 'fetch']
const KEYS = 10
const CONCURRENCY = 100
const BURSTS = 3

/** Runs figure 6. */
export const runConcurrency = async (ctx: FigureContext): Promise<FigureReport> => {
  const script = scriptPath('../children/concurrency.ts', import.meta.url)
  const { emulator } = ctx.servers
  const results = await interleave(
    ctx.quick ? 2 : 6,
    SUBJECTS,
    async (subject) => {
      const params: ConcurrencyParams = {
        subject,
        servers: ctx.servers.params,
        firstKey: 900,
        keyCount: KEYS,
        concurrency: CONCURRENCY,
        bursts: BURSTS,
        expiryMs: 100,
      }
      try {
        const result = await runChild(script, params, { env: ctx.servers.env })
        // The emulator's log holds this child's requests only: count those inside each burst.
        const upstream = (result.bursts as Burst[]).map(
          (b) => emulator.requests.filter((r) => r.at >= b.startAt && r.at <= b.endAt).length,
        )
        return { ...result, upstream }
      } finally {
        ctx.servers.reset()
      }
    },
    ctx.progress,
  )
  const all = (subject: ConcurrencySubject, pick: (b: Burst) => number) =>
    summarize(results[subject].map((m) => median((m.bursts as Burst[]).map(pick))))
  const alone = (subject: ConcurrencySubject) =>
    summarize(results[subject].map((m) => median(m.aloneMs as number[])))
  const counts = (subject: ConcurrencySubject) => results[subject].flatMap((m) => m.upstream as number[])
  const oursCounts = counts('ours')
  const p99ToAlone = summarize(
    results.ours.map(
      (m) => median((m.bursts as Burst[]).map((b) => b.p99Ms)) / median(m.aloneMs as number[]),
    ),
  )
  const countText = (subject: ConcurrencySubject) => {
    const c = counts(subject)
    return `${num(Math.min(...c))}–${num(Math.max(...c))} (${c.length} bursts)`
  }

  return {
    id: '6',
    title: 'Concurrency',
    method:
      `One instance with ${KEYS} keys (\`cacheExpiry: 100\` ms); after each expiry, ${CONCURRENCY} ` +
      `invocations start at once. The emulator's request log, read by the parent, counts the requests ` +
      `that arrived during each burst. Latency of each invocation from its call to its answer; p50/p99 ` +
      `per burst, the median of ${BURSTS} bursts per process, ${results.ours.length} processes. "Alone": ` +
      'one invocation after the same expiry. The fetch client fetches every key on every invocation ' +
      '(no cache, no single flight): what the burst costs without it.',
    tables: [
      {
        header: [
          'subject',
          'upstream requests per burst',
          'p50',
          'p99',
          'alone (1 invocation)',
          'p99 / alone',
        ],
        rows: SUBJECTS.map((s) => [
          s === 'ours' ? 'ours' : 'global fetch, no single flight',
          countText(s),
          stat(
            all(s, (b) => b.p50Ms),
            'ms',
          ),
          stat(
            all(s, (b) => b.p99Ms),
            'ms',
          ),
          stat(alone(s), 'ms'),
          s === 'ours' ? ratio(p99ToAlone) : '—',
        ]),
      },
    ],
    goals: [
      {
        what: `upstream requests, ${CONCURRENCY} concurrent invocations, ${KEYS} expired keys`,
        goal: `exactly ${KEYS} per burst`,
        measured: countText('ours'),
        met: oursCounts.every((c) => c === KEYS),
      },
      {
        what: 'p50 / p99 latency of the burst',
        goal: 'reported',
        measured: `${stat(
          all('ours', (b) => b.p50Ms),
          'ms',
        )} / ${stat(
          all('ours', (b) => b.p99Ms),
          'ms',
        )}`,
        met: undefined,
      },
    ],
    data: results,
  }
}
