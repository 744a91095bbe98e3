/**
 * Child of figure 5 (run with `--expose-gc`): heap and RSS of one subject after 1,000 distinct keys
 * are resolved, then over rounds of 100,000 warm invocations of a 10-key instance.
 */
import { childParams, runMain } from '../lib/child.ts'
import { secretKeys } from '../lib/keys.ts'
import type { ServerParams } from '../lib/servers.ts'
import { type BenchMiddleware, createHandler, EVENT, invokeAndCheck } from '../subjects/handler.ts'
import type { SubjectSpec } from '../subjects/spec.ts'

/** The subjects of the memory figure. */
export type MemorySubject = 'ours' | 'middy'

/** The parameters the parent passes. */
export interface MemoryParams {
  subject: MemorySubject
  servers: ServerParams
  keyCount: number
  invocations: number
  warmRounds: number
}

const gc = globalThis.gc
if (gc === undefined) throw new Error('run with --expose-gc')

/** Heap used and RSS in bytes, after full collections. */
const measure = (): { heap: number; rss: number } => {
  gc()
  gc()
  const { heapUsed, rss } = process.memoryUsage()
  return { heap: heapUsed, rss }
}

const build = async (subject: MemorySubject, spec: SubjectSpec): Promise<BenchMiddleware> =>
  subject === 'ours'
    ? ((await import('../subjects/ours.ts')).createOurs(spec, 'extension') as BenchMiddleware)
    : (await import('../subjects/middy-secrets-manager.ts')).createMiddySecretsManager(spec)

runMain(async () => {
  const { subject, servers, keyCount, invocations, warmRounds } = childParams<MemoryParams>()
  // A first 1-key instance loads and warms what any instance needs (HTTP client, SDK, JIT).
  const warmKeys = secretKeys(0, 1)
  await invokeAndCheck(
    createHandler(await build(subject, { keys: warmKeys, cacheExpiryMs: -1, cacheKey: 'mem-warm', servers })),
    warmKeys,
  )
  const base = measure()

  const keys = secretKeys(0, keyCount)
  const many = createHandler(await build(subject, { keys, cacheExpiryMs: -1, cacheKey: 'mem-many', servers }))
  await invokeAndCheck(many, keys)
  const afterKeys = measure()

  const tenKeys = secretKeys(0, 10)
  const ten = createHandler(
    await build(subject, { keys: tenKeys, cacheExpiryMs: -1, cacheKey: 'mem-ten', servers }),
  )
  await invokeAndCheck(ten, tenKeys)
  const rounds = [measure()]
  for (let round = 0; round < warmRounds; round++) {
    for (let i = 0; i < invocations; i++) await ten(EVENT, {})
    rounds.push(measure())
  }
  // Keep both instances reachable until every measurement is taken.
  if (typeof many !== 'function') throw new Error('unreachable')
  return {
    baseHeap: base.heap,
    baseRss: base.rss,
    keysHeap: afterKeys.heap - base.heap,
    keysRss: afterKeys.rss - base.rss,
    roundsHeap: rounds.map((m) => m.heap - rounds[0]!.heap),
    roundsRss: rounds.map((m) => m.rss - rounds[0]!.rss),
  }
})
