/**
 * Hand-rolled extension clients, the baselines of the extension figures: global `fetch`, and the
 * floor, undici's `Pool.request` on a warm pool. Both send the same requests as the package (path,
 * token header) and read the value out of the same JSON body.
 */
import { Pool } from 'undici'
import type { BenchKey } from '../lib/keys.ts'
import type { ServerParams } from '../lib/servers.ts'
import type { BenchMiddleware } from './handler.ts'

/** Reads one key's raw value from the extension. */
export type ExtensionGet = (key: BenchKey) => Promise<string>

const TOKEN_HEADER = 'x-aws-parameters-secrets-token'

/** The extension path of a key, encoded as the package encodes it. */
export const extensionPath = (key: BenchKey): string =>
  key.kind === 'secret'
    ? `/secretsmanager/get?secretId=${encodeURIComponent(key.id)}`
    : `/systemsmanager/parameters/get?name=${encodeURIComponent(key.id)}&withDecryption=true`

const readValue = (key: BenchKey, status: number, body: string): string => {
  if (status !== 200) throw new Error(`${key.id}: status ${status}`)
  const json = JSON.parse(body)
  return key.kind === 'secret' ? json.SecretString : json.Parameter.Value
}

/**
 * A client on the global `fetch` (Node's bundled undici, its default agent).
 *
 * @example
 * ```ts
 * const get = createFetchGet(servers)
 * const value = await get(secretKeys(0, 1)[0]!)
 * ```
 */
export const createFetchGet = (servers: ServerParams): ExtensionGet => {
  const origin = `http://127.0.0.1:${servers.port}`
  const headers = { [TOKEN_HEADER]: servers.token }
  return async (key) => {
    const response = await fetch(origin + extensionPath(key), { headers })
    return readValue(key, response.status, await response.text())
  }
}

/**
 * The floor: the full `undici` package's `Pool` (10 connections, as the package's default), `request`.
 *
 * @example
 * ```ts
 * const { get, close } = createUndiciGet(servers)
 * ```
 */
export const createUndiciGet = (servers: ServerParams): { get: ExtensionGet; close(): Promise<void> } => {
  const pool = new Pool(`http://127.0.0.1:${servers.port}`, { connections: 10 })
  const headers = { [TOKEN_HEADER]: servers.token }
  return {
    get: async (key) => {
      const { statusCode, body } = await pool.request({ path: extensionPath(key), method: 'GET', headers })
      return readValue(key, statusCode, await body.text())
    },
    close: () => pool.close(),
  }
}

/**
 * A middleware that reads every key through `get` on every invocation, all at once: no cache and
 * no single flight (a miss every time, as the package's `cacheExpiry: 0`).
 *
 * @example
 * ```ts
 * const middleware = createClientMiddleware(keys, createFetchGet(servers))
 * ```
 */
export const createClientMiddleware = (keys: readonly BenchKey[], get: ExtensionGet): BenchMiddleware => ({
  before: async (request) => {
    const values = await Promise.all(keys.map(get))
    keys.forEach((key, i) => {
      request.internal[key.key] = values[i]
      request.context[key.key] = values[i]
    })
  },
})
