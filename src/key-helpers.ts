/**
 * The typed helpers that declare a key: `secret()`, `parameter()`, `parametersByPath()`. They only
 * build a spec; keys.ts validates it at construction.
 */
import type {
  Optional,
  ParameterOptions,
  ParameterSpec,
  PathOptions,
  PathSpec,
  SecretId,
  SecretOptions,
  SecretSpec,
} from './types.ts'

/**
 * Declares a Secrets Manager key. With no options it returns the id itself, typed with the value's
 * type (as middy's `secret()` does); with options, a key spec.
 *
 * @example
 * ```ts
 * paramsSecrets({ fetchData: { db: secret<{ username: string; password: string }>('prod/db') }, setToContext: true })
 * paramsSecrets({ fetchData: { apiKey: secret<string>('prod/api-key', { json: false, maxAge: 60_000 }) } })
 * ```
 */
export function secret<T = unknown>(secretId: string): SecretId<T>
export function secret<T = unknown>(
  secretId: string,
  options: SecretOptions & Optional,
): SecretSpec<T> & Optional
export function secret<T = unknown>(secretId: string, options: SecretOptions): SecretSpec<T>
export function secret<T = unknown>(secretId: string, options?: SecretOptions): SecretId<T> | SecretSpec<T> {
  return options === undefined ? secretId : { ...options, secret: secretId }
}

/** middy 7's name for {@link secret}. */
export const secretsManagerParam = secret

/**
 * Declares an SSM Parameter Store key (`withDecryption` defaults to true).
 *
 * @example
 * ```ts
 * paramsSecrets({ fetchData: { flags: parameter<{ beta: boolean }>('/app/flags', { maxAge: 30_000 }) } })
 * ```
 */
export function parameter<T = string>(
  name: string,
  options: ParameterOptions & Optional,
): ParameterSpec<T> & Optional
export function parameter<T = string>(name: string, options?: ParameterOptions): ParameterSpec<T>
export function parameter<T = string>(name: string, options: ParameterOptions = {}): ParameterSpec<T> {
  return { ...options, parameter: name }
}

/**
 * Declares every SSM parameter under a path as one key (GetParametersByPath, all pages, through
 * the SDK). The value is `{ [sanitizeKey(name without the path)]: value }`, each value decoded as
 * a single parameter's would be; `recursive` and `withDecryption` default to `true`.
 *
 * @example
 * ```ts
 * paramsSecrets({ fetchData: { db: parametersByPath<{ url: string; pool_size: string }>('/prod/db/') } })
 * // '/prod/db/url' -> internal.db.url, '/prod/db/pool/size' -> internal.db.pool_size
 * ```
 */
export function parametersByPath<T = Record<string, unknown>>(
  path: string,
  options: PathOptions & Optional,
): PathSpec<T> & Optional
export function parametersByPath<T = Record<string, unknown>>(
  path: string,
  options?: PathOptions,
): PathSpec<T>
export function parametersByPath<T = Record<string, unknown>>(
  path: string,
  options: PathOptions = {},
): PathSpec<T> {
  return { ...options, path }
}
