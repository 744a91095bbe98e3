import type { IncomingHttpHeaders } from 'node:http'
import type { TtlCache } from './layer-cache.ts'
import type { RequestLogEntry } from './request-log-types.ts'
import type { UpstreamError } from './secret-store.ts'
import type { Store } from './store.ts'

/**
 * What a profile sees of a request.
 *
 * @example
 * ```ts
 * const view: RequestView = { method: 'GET', path: '/ping', rawQuery: '', headers: {}, openConnections: 1 }
 * ```
 */
export interface RequestView {
  method: string
  /** The raw (still percent-encoded) path. */
  path: string
  /** The raw query string without `?`. */
  rawQuery: string
  headers: IncomingHttpHeaders
  /** Connections open at arrival, this one included. */
  openConnections: number
}

/**
 * A complete answer to send.
 *
 * @example
 * ```ts
 * const answer: Answer = { status: 200, body: 'healthy', headers: {}, kind: 'ping', cache: 'none' }
 * ```
 */
export interface Answer {
  status: number
  body: string
  headers: Record<string, string>
  kind: RequestLogEntry['kind']
  id?: string
  cache: RequestLogEntry['cache']
  /** The upstream error code behind a failure, for the log. */
  error?: string
  /**
   * Stores a fresh upstream answer in the cache. The server calls it when it answers, after any
   * injected delay: requests that arrive meanwhile miss too, as they would while the upstream call
   * is in flight (neither server coalesces).
   */
  commit?: () => void
}

/**
 * A request that passed every check and names one secret or parameter: faults may apply to it
 * before `resolve()` computes the real answer (through the cache and the store).
 *
 * @example
 * ```ts
 * const routed = profile.route(view)
 * if ('resolve' in routed) send(routed.resolve())
 * ```
 */
export interface DataRequest {
  kind: 'secret' | 'parameter'
  id: string
  resolve(): Answer
  /** Headers of a 200 from this server. */
  successHeaders: Record<string, string>
  /** Headers of this server's plain-text failures. */
  errorHeaders: Record<string, string>
  /** A 200 body of valid JSON without the value fields (the `wrong-shape` fault). */
  wrongShapeBody: string
}

/**
 * How one server answers: statuses, bodies, headers, field shapes.
 *
 * @example
 * ```ts
 * const profile: Profile = createLayerProfile(context)
 * ```
 */
export interface Profile {
  readonly name: 'layer' | 'agent'
  route(request: RequestView): Answer | DataRequest
}

/**
 * What a profile needs from the emulator.
 *
 * @example
 * ```ts
 * const context: ProfileContext = { store, cache, ttlMs: { secrets: 300_000, parameters: 300_000 }, token: 't',
 *   strictQuery: true, isReady: () => true, countUpstream: () => {} }
 * ```
 */
export interface ProfileContext {
  store: Store
  cache: TtlCache
  ttlMs: { secrets: number; parameters: number }
  token: string
  strictQuery: boolean
  maxConnections: number
  isReady(): boolean
  countUpstream(kind: 'secret' | 'parameter'): void
}

/**
 * The result of a read through the cache.
 *
 * @example
 * ```ts
 * const read: CachedRead = { body: '{...}', cache: 'hit' }
 * ```
 */
export type CachedRead =
  | { body: string; cache: 'hit' | 'miss'; commit?: () => void }
  | { error: UpstreamError; cache: 'miss' }

const TRANSIENT = new Set(['ThrottlingException', 'TimeoutError', 'ConnectionError', 'InternalFailure'])

/**
 * Reads through the TTL cache: a fresh entry is a hit; otherwise one store read (counted), whose
 * answer enters the cache on `commit()`. Neither server coalesces concurrent misses, so neither
 * does this. With `staleOnTransient` (the agent's
 * `ignore_transient_errors`), an expired entry is served again when the store read fails
 * transiently; `bypass` (the agent's `refreshNow`) skips the lookup but still stores the result.
 *
 * @example
 * ```ts
 * const read = cachedRead(context, { kind: 'secret', key: 'db', ttlMs: 300_000,
 *   read: () => renderOrError() })
 * ```
 */
export function cachedRead(
  context: ProfileContext,
  request: {
    kind: 'secret' | 'parameter'
    key: string
    ttlMs: number
    bypass?: boolean
    staleOnTransient?: boolean
    read: () => string | UpstreamError
  },
): CachedRead {
  const found = context.cache.lookup(request.key, request.ttlMs)
  if (found?.fresh && !request.bypass) return { body: found.value, cache: 'hit' }
  context.countUpstream(request.kind)
  const result = request.read()
  if (typeof result !== 'string') {
    if (request.staleOnTransient && !request.bypass && found && TRANSIENT.has(result.code)) {
      return { body: found.value, cache: 'miss' }
    }
    return { error: result, cache: 'miss' }
  }
  const commit = () => {
    if (request.ttlMs > 0) context.cache.set(request.key, result)
  }
  return { body: result, cache: 'miss', commit }
}

/**
 * The value of a header as one string.
 *
 * @example
 * ```ts
 * headerValue({ 'x-a': ['1', '2'] }, 'x-a') // '1, 2'
 * ```
 */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value.join(', ') : value
}

/**
 * Which endpoint a path addresses, for the log.
 *
 * @example
 * ```ts
 * kindOfPath('/secretsmanager/get') // 'secret'
 * ```
 */
export function kindOfPath(path: string): RequestLogEntry['kind'] {
  if (path === '/secretsmanager/get' || path.startsWith('/v1/')) return 'secret'
  if (path === '/systemsmanager/parameters/get' || path === '/systemsmanager/parameters/get/')
    return 'parameter'
  if (path === '/ping') return 'ping'
  return 'other'
}
