/** Public types of what the extension emulator records: its request log and counters. */

/**
 * One request as the emulator saw it.
 *
 * @example
 * ```ts
 * const denied = emulator.requests.filter((r) => r.status === 400 && r.kind === 'secret')
 * ```
 */
export interface RequestLogEntry {
  method: string
  /** The path without the query. */
  path: string
  /** The form-decoded query (the last value of a repeated name). */
  query: Record<string, string>
  /** Request headers, lower-case names; the token headers' values are `'[redacted]'`. */
  headers: Record<string, string>
  /** The status sent; 0 when the connection was dropped before any response byte. */
  status: number
  kind: 'secret' | 'parameter' | 'ping' | 'other'
  /** The decoded secretId or parameter name. */
  id?: string
  /** `hit`: served from the cache; `miss`: the store was read; `none`: neither. */
  cache: 'hit' | 'miss' | 'none'
  /** Time of arrival (`Date.now()`). */
  at: number
  /** The upstream error code behind a failure (what the layer writes only to its log). */
  error?: string
}

/**
 * Counters since the start or the last {@link ExtensionEmulator.resetLog}.
 *
 * @example
 * ```ts
 * expect(emulator.counters.upstream.secret).toBe(1)
 * ```
 */
export interface EmulatorCounters {
  requests: number
  /** Store reads, i.e. cache misses, by kind. */
  upstream: { secret: number; parameter: number }
  byStatus: Record<number, number>
}
