/**
 * Child of figure 3: one invocation that misses on every key through an AWS SDK client to the
 * loopback AWS JSON server, for one library: 1 and 10 secrets, and 10 parameters due together.
 */
import { childParams, runMain } from '../lib/child.ts'
import { type BenchKey, parameterKeys, secretKeys } from '../lib/keys.ts'
import type { ServerParams } from '../lib/servers.ts'
import { timePerCall } from '../lib/timing.ts'
import { type BenchMiddleware, createHandler, EVENT, invokeAndCheck } from '../subjects/handler.ts'
import type { SubjectSpec } from '../subjects/spec.ts'

/** The subjects of the SDK-miss figure. */
export type MissSdkSubject = 'ours' | 'middy' | 'powertools'

/** The parameters the parent passes. */
export interface MissSdkParams {
  subject: MissSdkSubject
  servers: ServerParams
  targetMs: number
}

type Factory = (spec: SubjectSpec) => BenchMiddleware

/** Each subject's cells: metric name -> keys and middleware factory. */
const cellsOf = async (subject: MissSdkSubject): Promise<Array<[string, BenchKey[], Factory]>> => {
  const secrets1 = secretKeys(0, 1)
  const secrets10 = secretKeys(0, 10)
  const parameters10 = parameterKeys(10)
  if (subject === 'ours') {
    const { createOurs } = await import('../subjects/ours.ts')
    const ours: Factory = (spec) => createOurs(spec, 'sdk') as BenchMiddleware
    return [
      ['secrets1', secrets1, ours],
      ['secrets10', secrets10, ours],
      ['parameters10', parameters10, ours],
    ]
  }
  if (subject === 'middy') {
    const { createMiddySecretsManager } = await import('../subjects/middy-secrets-manager.ts')
    return [
      ['secrets1', secrets1, createMiddySecretsManager],
      ['secrets10', secrets10, createMiddySecretsManager],
    ]
  }
  const { createPowertools, createPowertoolsByName } = await import('../subjects/powertools.ts')
  return [
    ['secrets1', secrets1, createPowertools],
    ['secrets10', secrets10, createPowertools],
    ['parameters10', parameters10, createPowertools],
    ['parameters10ByName', parameters10, createPowertoolsByName],
  ]
}

runMain(async () => {
  const { subject, servers, targetMs } = childParams<MissSdkParams>()
  const result: Record<string, number> = {}
  for (const [metric, keys, factory] of await cellsOf(subject)) {
    const invoke = createHandler(factory({ keys, cacheExpiryMs: 0, cacheKey: `sdk-${metric}`, servers }))
    await invokeAndCheck(invoke, keys)
    result[metric] = await timePerCall(() => invoke(EVENT, {}), { targetMs, warmupMs: 150 })
  }
  return result
})
