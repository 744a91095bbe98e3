/**
 * The peer: `@middy/secrets-manager` with its own SDK client, pointed at the loopback AWS JSON
 * server by `AWS_ENDPOINT_URL` (the children's environment).
 */
import secretsManager from '@middy/secrets-manager'
import type { BenchMiddleware } from './handler.ts'
import type { SubjectSpec } from './spec.ts'

/**
 * `@middy/secrets-manager` over the spec's keys (secrets only: it has no parameters).
 *
 * @example
 * ```ts
 * const middleware = createMiddySecretsManager({ keys, cacheExpiryMs: -1, cacheKey: 'warm-10', servers })
 * ```
 */
export const createMiddySecretsManager = (spec: SubjectSpec): BenchMiddleware => {
  if (spec.keys.some((key) => key.kind !== 'secret'))
    throw new Error('@middy/secrets-manager reads secrets only')
  return secretsManager({
    fetchData: Object.fromEntries(spec.keys.map((key) => [key.key, key.id])),
    setToContext: true,
    cacheExpiry: spec.cacheExpiryMs,
    cacheKey: spec.cacheKey,
    awsClientOptions: {},
  }) as BenchMiddleware
}
