/**
 * Child of figure 6: bursts of concurrent invocations on one instance whose keys have all just
 * expired. Reports each burst's wall-clock window (the parent counts the emulator's requests in
 * it) and latency percentiles, then the latency of one invocation alone after the same expiry.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { childParams, runMain } from '../lib/child.ts'
import { secretKeys } from '../lib/keys.ts'
import type { ServerParams } from '../lib/servers.ts'
import { percentile } from '../lib/stats.ts'
import { createClientMiddleware, createFetchGet } from '../subjects/clients.ts'
import { createHandler, EVENT, type Invoke, invokeAndCheck } from '../subjects/handler.ts'
import { createOurs } from '../subjects/ours.ts'

/** The subjects of the concurrency figure. */
export type ConcurrencySubject = 'ours' | 'fetch'

/** The parameters the parent passes. */
export interface ConcurrencyParams {
  subject: ConcurrencySubject
  servers: ServerParams
  /** the first secret number of the keys (distinct from other figures' keys) */
  firstKey: number
  keyCount: number
  concurrency: number
  bursts: number
  expiryMs: number
}

/** One burst as the parent needs it. */
export interface Burst {
  /** epoch ms, to match the emulator's request log */
  startAt: number
  endAt: number
  p50Ms: number
  p99Ms: number
}

/** Latency of one invocation, ms. */
const timed = async (invoke: Invoke): Promise<number> => {
  const t0 = performance.now()
  await invoke(EVENT, {})
  return performance.now() - t0
}

runMain(async () => {
  const { subject, servers, firstKey, keyCount, concurrency, bursts, expiryMs } =
    childParams<ConcurrencyParams>()
  const keys = secretKeys(firstKey, keyCount)
  const invoke = createHandler(
    subject === 'ours'
      ? createOurs({ keys, cacheExpiryMs: expiryMs, cacheKey: 'concurrency', servers }, 'extension')
      : createClientMiddleware(keys, createFetchGet(servers)),
  )
  await invokeAndCheck(invoke, keys)
  const result: Burst[] = []
  for (let b = 0; b < bursts; b++) {
    await sleep(expiryMs + 50)
    const startAt = Date.now()
    const latencies = await Promise.all(Array.from({ length: concurrency }, () => timed(invoke)))
    // The log's arrival times are whole ms: the window ends a tick after the last answer.
    await sleep(2)
    result.push({
      startAt,
      endAt: Date.now(),
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
    })
  }
  const alone: number[] = []
  for (let b = 0; b < bursts; b++) {
    await sleep(expiryMs + 50)
    alone.push(await timed(invoke))
  }
  return { bursts: result, aloneMs: alone }
})
