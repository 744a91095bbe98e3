/**
 * Child of figure 1: ns per warm invocation of one subject, for each key count. Values are cached
 * first (the prefetch resolved, or a first invocation), then the handler runs in a tight loop.
 */
import { childParams, runMain } from '../lib/child.ts'
import { secretKeys } from '../lib/keys.ts'
import type { ServerParams } from '../lib/servers.ts'
import { timePerCall } from '../lib/timing.ts'
import { type BenchMiddleware, createHandler, EVENT, invokeAndCheck } from '../subjects/handler.ts'
import type { SubjectSpec } from '../subjects/spec.ts'

/** The subjects of the warm figure. */
export type WarmSubject = 'bare' | 'ours' | 'middy' | 'powertools'

/** The parameters the parent passes. */
export interface WarmParams {
  subject: WarmSubject
  counts: number[]
  servers: ServerParams
  targetMs: number
}

const build = async (subject: WarmSubject, spec: SubjectSpec): Promise<BenchMiddleware | undefined> => {
  switch (subject) {
    case 'bare':
      return undefined
    case 'ours':
      return (await import('../subjects/ours.ts')).createOurs(spec, 'extension') as BenchMiddleware
    case 'middy':
      return (await import('../subjects/middy-secrets-manager.ts')).createMiddySecretsManager(spec)
    case 'powertools':
      return (await import('../subjects/powertools.ts')).createPowertools(spec)
  }
}

runMain(async () => {
  const { subject, counts, servers, targetMs } = childParams<WarmParams>()
  const result: Record<string, number> = {}
  // Each count gets its own keys ("fresh keys"), after those of the counts before it.
  let first = 0
  for (const count of counts) {
    const keys = secretKeys(first, count)
    first += count
    const invoke = createHandler(
      await build(subject, { keys, cacheExpiryMs: -1, cacheKey: `warm-${count}`, servers }),
    )
    if (subject !== 'bare') await invokeAndCheck(invoke, keys)
    result[`ns${count}`] = await timePerCall(() => invoke(EVENT, {}), { targetMs })
  }
  return result
})
