/**
 * The subject: this package, imported as a user imports it (the built `dist/` through the exports
 * map), values put on `context`.
 */
import paramsSecrets, { type KeySpec, type ParamsSecretsMiddleware, parameter } from 'middy-params-secrets'
import type { SubjectSpec } from './spec.ts'

/**
 * The package's middleware over the spec's keys, on the given transport.
 *
 * @example
 * ```ts
 * const middleware = createOurs({ keys, cacheExpiryMs: 0, cacheKey: 'miss-10', servers }, 'extension')
 * ```
 */
export const createOurs = (
  spec: SubjectSpec,
  transport: 'auto' | 'extension' | 'sdk',
  extra: { disablePrefetch?: boolean } = {},
): ParamsSecretsMiddleware => {
  const fetchData: Record<string, KeySpec> = {}
  for (const key of spec.keys) fetchData[key.key] = key.kind === 'secret' ? key.id : parameter(key.id)
  return paramsSecrets({
    fetchData,
    setToContext: true,
    cacheExpiry: spec.cacheExpiryMs,
    cacheKey: spec.cacheKey,
    transport,
    extension: { port: spec.servers.port, token: spec.servers.token },
    ...extra,
  })
}
