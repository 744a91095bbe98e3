/**
 * The extension transport: HTTP/1.1 to 127.0.0.1:PORT with the token header (see connection.ts
 * for the HTTP client). It maps every answer of the Lambda layer and of the Secrets Manager
 * Agent (see EXTENSION-PROTOCOL.md) to a value or a `ParamsSecretsError`, and retries only what
 * is transient (429, 5xx, a reset connection).
 */
import { ParamsSecretsError } from '../errors.ts'
import type { KeyDef } from '../model.ts'
import { type Connection, type ConnectionError, createConnection, type RawResponse } from './connection.ts'
import { decodeBody } from './extension-body.ts'
import {
  closedError,
  extensionError,
  invalidTokenError,
  isRetryable,
  networkError,
  type RequestScope,
  timeoutError,
} from './extension-errors.ts'
import type { FetchContext, Transport, Upstream } from './types.ts'

/** How the transport reaches the extension. */
export interface ExtensionTransportOptions {
  port: number
  /** read at each request */
  token: () => string | undefined
  timeoutMs: number
  /** send `refreshNow=true` on a forced refresh: only the agent understands it */
  refreshNow: boolean
  connections: number
}

const TOKEN_HEADER = 'x-aws-parameters-secrets-token'
const MAX_ATTEMPTS = 3
const BACKOFF_BASE_MS = 10

/** Every value is form-decoded by the servers (`+` is a space), so each is percent-encoded in full. */
export const requestPath = (def: KeyDef, force: boolean, refreshNow: boolean): string => {
  const e = encodeURIComponent
  if (def.kind === 'secret') {
    let path = `/secretsmanager/get?secretId=${e(def.id)}`
    if (def.versionId !== undefined) path += `&versionId=${e(def.versionId)}`
    if (def.versionStage !== undefined) path += `&versionStage=${e(def.versionStage)}`
    // Only the agent knows refreshNow; the layer's answer to unknown parameters is not documented.
    if (force && refreshNow) path += '&refreshNow=true'
    return path
  }
  let path = `/systemsmanager/parameters/get?name=${e(def.id)}`
  if (def.version !== undefined) path += `&version=${def.version}`
  if (def.label !== undefined) path += `&label=${e(def.label)}`
  if (def.withDecryption) path += '&withDecryption=true'
  return path
}

/** Exponential backoff with full jitter, so concurrent cold starts do not retry in step. */
export const backoffMs = (attempt: number, baseMs = BACKOFF_BASE_MS): number =>
  Math.round(Math.random() * baseMs * 2 ** (attempt - 1))

/**
 * Sleeps `ms`, or less: it ends early (resolves) when `signal` aborts. Ref'd on purpose: an
 * invocation waits on it, and an empty event loop would end the Lambda invocation.
 */
const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })

/** The fetch's own signal: aborted by the caller's (`ctx.signal`) or by `close()`. */
const fetchSignal = (ctx: FetchContext, closing: Set<AbortController>) => {
  const controller = new AbortController()
  const forward = () => controller.abort(ctx.signal?.reason)
  if (ctx.signal?.aborted) forward()
  else ctx.signal?.addEventListener('abort', forward, { once: true })
  closing.add(controller)
  const release = () => {
    ctx.signal?.removeEventListener('abort', forward)
    closing.delete(controller)
  }
  return { signal: controller.signal, release }
}

const CLOSED = Symbol('closed')

/** A transport to the extension, plus `close()` for its connections. */
export const createExtensionTransport = (options: ExtensionTransportOptions): Transport => {
  let connection: Connection | undefined
  let closed = false
  const inFlight = new Set<AbortController>()

  /** Why the fetch was cut: the caller's ParamsSecretsError, `Closed`, or else `Timeout`. */
  const abortError = (def: KeyDef, signal: AbortSignal, scope: RequestScope): ParamsSecretsError => {
    const reason = signal.reason
    if (reason === CLOSED) return closedError(def)
    if (reason instanceof ParamsSecretsError) return reason
    return timeoutError(def, { ...scope, budgetCut: true }, reason)
  }

  /**
   * One HTTP request, within `timeoutMs` or what is left of the deadline, whichever ends first.
   * `count.sent` counts the requests that went out (none when the budget is already spent).
   */
  const send = async (
    def: KeyDef,
    call: { path: string; token: string; signal: AbortSignal; ctx: FetchContext },
    count: { sent: number },
  ): Promise<RawResponse> => {
    const { ctx, signal } = call
    const left = ctx.deadline === undefined ? Infinity : Math.ceil(ctx.deadline - performance.now())
    const scope: RequestScope = {
      port: options.port,
      timeoutMs: options.timeoutMs,
      budgetCut: left < options.timeoutMs,
    }
    if (left <= 0) throw timeoutError(def, scope)
    connection ??= createConnection(options.port, options.connections, options.timeoutMs)
    count.sent++
    try {
      const response = await connection.get(
        call.path,
        { [TOKEN_HEADER]: call.token },
        Math.min(options.timeoutMs, left),
        {
          signal,
        },
      )
      count.sent += response.requests - 1
      return response
    } catch (error) {
      if (signal.aborted) throw abortError(def, signal, scope)
      count.sent += ((error as ConnectionError)?.requests ?? 1) - 1
      throw networkError(def, error, scope)
    }
  }

  return {
    async fetch(def: KeyDef, ctx: FetchContext): Promise<Upstream> {
      if (closed) throw closedError(def)
      const token = options.token() ?? ''
      // Refused here, before any byte: a header value with CR/LF would be refused by the client anyway.
      const badToken = invalidTokenError(def, token)
      if (badToken !== undefined) {
        badToken.attempts = 0
        throw badToken
      }
      const path = requestPath(def, ctx.force, options.refreshNow)
      const { signal, release } = fetchSignal(ctx, inFlight)
      const count = { sent: 0 }
      try {
        for (let attempt = 1; ; attempt++) {
          try {
            if (signal.aborted)
              throw abortError(def, signal, { port: options.port, timeoutMs: options.timeoutMs })
            const response = await send(def, { path, token, signal, ctx }, count)
            if (response.status === 200) return { ...decodeBody(def, response.body), attempts: count.sent }
            throw extensionError(def, response.status, response.body)
          } catch (error) {
            const wait = backoffMs(attempt)
            // Retries and their sleeps stop at the deadline: a retry that cannot start in time is not made.
            const inTime = ctx.deadline === undefined || performance.now() + wait < ctx.deadline
            if (attempt < MAX_ATTEMPTS && isRetryable(error, attempt) && inTime && !signal.aborted) {
              await sleep(wait, signal)
              continue
            }
            // The caller's own error object is left as it is (it may be shared by several keys).
            if (error instanceof ParamsSecretsError && error !== ctx.signal?.reason)
              error.attempts = count.sent
            throw error
          }
        }
      } finally {
        release()
      }
    },
    async close() {
      closed = true
      for (const controller of [...inFlight]) controller.abort(CLOSED)
      await connection?.close()
    },
  }
}
