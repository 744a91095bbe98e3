/**
 * Child of figure 2: one invocation that misses on every key (all fetched at once through the
 * extension emulator, its TTL cache on), per key count, for one client.
 */
import { childParams, runMain } from '../lib/child.ts'
import { secretKeys } from '../lib/keys.ts'
import type { ServerParams } from '../lib/servers.ts'
import { timePerCall } from '../lib/timing.ts'
import { createClientMiddleware, createFetchGet, createUndiciGet } from '../subjects/clients.ts'
import { createHandler, EVENT, invokeAndCheck } from '../subjects/handler.ts'
import { createOurs } from '../subjects/ours.ts'

/** The subjects of the extension-miss figure. */
export type MissExtensionSubject = 'ours' | 'fetch' | 'undici'

/** The parameters the parent passes. */
export interface MissExtensionParams {
  subject: MissExtensionSubject
  counts: number[]
  servers: ServerParams
  targetMs: number
}

runMain(async () => {
  const { subject, counts, servers, targetMs } = childParams<MissExtensionParams>()
  const floor = subject === 'undici' ? createUndiciGet(servers) : undefined
  const fetchGet = createFetchGet(servers)
  const result: Record<string, number> = {}
  for (const count of counts) {
    // The same keys for every subject: the emulator's cache answers them all alike.
    const keys = secretKeys(0, count)
    const spec = { keys, cacheExpiryMs: 0, cacheKey: `miss-${count}`, servers }
    const invoke = createHandler(
      subject === 'ours'
        ? createOurs(spec, 'extension')
        : createClientMiddleware(keys, floor?.get ?? fetchGet),
    )
    await invokeAndCheck(invoke, keys)
    result[`ns${count}`] = await timePerCall(() => invoke(EVENT, {}), { targetMs, warmupMs: 100 })
  }
  await floor?.close()
  return result
})
