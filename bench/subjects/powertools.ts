/**
 * The peer: Powertools for AWS Lambda's Parameters utility (`getSecret`, `getParameter`,
 * `getParametersByName`), wrapped in the smallest middleware that puts its values on `context`.
 * Its default providers build SDK clients that `AWS_ENDPOINT_URL` points at the loopback server.
 */
import { clearCaches } from '@aws-lambda-powertools/parameters'
import { getSecret } from '@aws-lambda-powertools/parameters/secrets'
import { getParameter, getParametersByName } from '@aws-lambda-powertools/parameters/ssm'
import type { BenchKey } from '../lib/keys.ts'
import type { BenchMiddleware } from './handler.ts'
import type { SubjectSpec } from './spec.ts'

/** Powertools' `maxAge` is in seconds; "never expires" becomes a day. */
const maxAgeSeconds = (cacheExpiryMs: number): number => (cacheExpiryMs < 0 ? 86_400 : cacheExpiryMs / 1000)

/**
 * One `getSecret`/`getParameter` per key, all awaited together, with `maxAge` always passed (without
 * it Powertools re-reads an environment variable on every call).
 *
 * @example
 * ```ts
 * const middleware = createPowertools({ keys, cacheExpiryMs: 0, cacheKey: 'unused', servers })
 * ```
 */
export const createPowertools = (spec: SubjectSpec): BenchMiddleware => {
  const maxAge = maxAgeSeconds(spec.cacheExpiryMs)
  const read = (key: BenchKey): Promise<unknown> =>
    key.kind === 'secret' ? getSecret(key.id, { maxAge }) : getParameter(key.id, { maxAge, decrypt: true })
  return {
    before: async (request) => {
      const values = await Promise.all(spec.keys.map(read))
      spec.keys.forEach((key, i) => {
        request.internal[key.key] = values[i]
        request.context[key.key] = values[i]
      })
    },
  }
}

/**
 * Parameters only: one `getParametersByName` for all keys (Powertools' batching, GetParameters).
 * Its batch path caches whatever `maxAge` says (`maxAge || 5` s) and ignores `forceFetch`, so a
 * miss on every call (`cacheExpiryMs: 0`) needs its caches cleared first.
 *
 * @example
 * ```ts
 * const middleware = createPowertoolsByName({ keys: parameterKeys(10), cacheExpiryMs: 0, cacheKey: 'unused', servers })
 * ```
 */
export const createPowertoolsByName = (spec: SubjectSpec): BenchMiddleware => {
  const maxAge = maxAgeSeconds(spec.cacheExpiryMs)
  const names = Object.fromEntries(spec.keys.map((key) => [key.id, {}]))
  return {
    before: async (request) => {
      if (spec.cacheExpiryMs === 0) clearCaches()
      const values = await getParametersByName<string>(names, { maxAge, decrypt: true })
      for (const key of spec.keys) {
        request.internal[key.key] = values[key.id]
        request.context[key.key] = values[key.id]
      }
    },
  }
}
