/**
 * One GET to the extension, on either client: `node:http` or an undici pool's `dispatch`. Whatever
 * listens on the port is not trusted to be well behaved: a body is read up to a cap, a body cut
 * short is told apart from a reset before the answer, every wait is bounded (a timer, an abort
 * signal, `close()`), and no listener can throw: what one throws becomes the rejection.
 */
import type { Agent, ClientRequest, IncomingMessage } from 'node:http'
import type { Dispatcher } from 'undici'

/** One answer of the extension. */
export interface RawResponse {
  status: number
  body: string
  /** HTTP requests sent for it: 2 when an interim (1xx) answer made the pool hand over to node:http */
  requests: number
}

/** What a request may be cut by. */
export interface GetOptions {
  /** destroys the request at once; the promise rejects with `signal.reason` */
  signal?: AbortSignal | undefined
}

/** The code of an error raised when a request outruns its time budget. */
export const REQUEST_TIMEOUT = 'MPS_REQUEST_TIMEOUT'
/** The code of an error raised when a body (declared or read) passes {@link MAX_BODY_BYTES}. */
export const BODY_TOO_LARGE = 'MPS_BODY_TOO_LARGE'
/** The code of an error raised when the connection ends after the status line, before the body's end. */
export const BODY_CUT_SHORT = 'MPS_BODY_CUT_SHORT'
/** The code of an error raised by a request after (or cut by) `close()`. */
export const CONNECTION_CLOSED = 'MPS_CONNECTION_CLOSED'

/**
 * 1 MiB. A Secrets Manager value is at most 64 KB and an SSM one 8 KB; a 64 KB binary secret is
 * ~87 KB of base64, and Go's JSON escaping (`<>&` and control characters as \u00XX) grows text at
 * most 6x: the largest honest answer, envelope included, stays well under it. Nothing past it is
 * read: an endless body costs at most this much memory.
 */
export const MAX_BODY_BYTES = 1024 * 1024

/** An error of this module: a `code`, the `status` seen (0 before any), the requests it spent. */
export type ConnectionError = Error & { code: string; status?: number; requests?: number }

const failure = (code: string, message: string, fields: object = {}): ConnectionError =>
  Object.assign(new Error(message), { code }, fields)

export const timeoutError = (timeoutMs: number) =>
  failure(REQUEST_TIMEOUT, `no answer within ${timeoutMs} ms`)
const tooLarge = (status: number) =>
  failure(BODY_TOO_LARGE, `a ${status} body over ${MAX_BODY_BYTES} bytes`, { status })
const cutShort = (status: number, cause: unknown) =>
  failure(BODY_CUT_SHORT, `a ${status} body cut short by the connection's end`, { status, cause })
export const closedError = () => failure(CONNECTION_CLOSED, 'the connection was closed')

const declaredTooLarge = (contentLength: unknown): boolean =>
  typeof contentLength === 'string' && Number(contentLength) > MAX_BODY_BYTES

/** Chunks up to the cap: `add` answers false (and keeps nothing more) once the cap is passed. */
const bodyBuffer = () => {
  const chunks: Buffer[] = []
  let size = 0
  return {
    add(chunk: Buffer): boolean {
      size += chunk.length
      if (size > MAX_BODY_BYTES) return false
      chunks.push(chunk)
      return true
    },
    text: (): string =>
      chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'),
  }
}

/**
 * One settlement per request: the first outcome wins, its cleanup runs once, and `drop` (timeout,
 * cap, abort, close) rejects before it tears the request down, so the teardown's own error is
 * ignored. `guard` wraps a listener: what it throws becomes the rejection, never an uncaught error.
 */
const settlement = <T>(resolve: (value: T) => void, reject: (error: unknown) => void) => {
  let done = false
  const cleanups: Array<() => void> = []
  const finish = () => {
    done = true
    for (const cleanup of cleanups.splice(0)) cleanup()
  }
  const s = {
    get done() {
      return done
    },
    onFinish: (cleanup: () => void) => cleanups.push(cleanup),
    ok(value: T) {
      if (done) return
      finish()
      resolve(value)
    },
    fail(error: unknown) {
      if (done) return
      finish()
      reject(error)
    },
    /** what tears the request down once it has failed */
    teardown: (_error: unknown): void => undefined,
    drop(error: unknown) {
      const wasDone = done
      s.fail(error)
      if (wasDone) return
      try {
        s.teardown(error)
      } catch {
        // the request has failed already; a teardown that throws must not escape a listener or a timer
      }
    },
    guard:
      <A extends unknown[]>(fn: (...args: A) => void) =>
      (...args: A): void => {
        try {
          fn(...args)
        } catch (error) {
          s.drop(error)
        }
      },
  }
  return s
}
export type Settlement = ReturnType<typeof settlement>

/** The timer, the abort signal and the close registry of one request, wired to its settlement. */
const bound = (s: Settlement, timeoutMs: number, signal: AbortSignal | undefined, live: Set<Settlement>) => {
  const timer = setTimeout(() => s.drop(timeoutError(timeoutMs)), timeoutMs)
  timer.unref()
  const onAbort = () => s.drop(signal?.reason)
  signal?.addEventListener('abort', onAbort, { once: true })
  live.add(s)
  s.onFinish(() => {
    clearTimeout(timer)
    signal?.removeEventListener('abort', onAbort)
    live.delete(s)
  })
}

/** One request's inputs; `live` is the connection's registry of requests that `close()` cuts. */
export interface Call {
  path: string
  headers: Record<string, string>
  timeoutMs: number
  signal: AbortSignal | undefined
  live: Set<Settlement>
}

/**
 * One request on the pool. undici's own header and body timeouts run on its coarse timers (about
 * a second of resolution), so the budget is a native timer that aborts the request.
 */
export const dispatchGet = (pool: Dispatcher, origin: string, call: Call) =>
  new Promise<RawResponse>((resolve, reject) => {
    const s = settlement<RawResponse>(resolve, reject)
    if (call.signal?.aborted) return s.fail(call.signal.reason)
    let status = 0
    let controller: { abort(reason: unknown): void } | undefined
    const body = bodyBuffer()
    // Aborting a running request makes undici destroy its socket: nothing more is read.
    s.teardown = (error) => controller?.abort(error)
    bound(s, call.timeoutMs, call.signal, call.live)
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart: s.guard((c) => {
        controller = c
        if (s.done) c.abort(new Error('settled before the request started'))
      }),
      onResponseStart: s.guard((_c, statusCode, headers) => {
        if (statusCode < 200) return
        status = statusCode
        if (declaredTooLarge(headers['content-length'])) s.drop(tooLarge(status))
      }),
      onResponseData: s.guard((_c, chunk) => {
        if (!body.add(chunk)) s.drop(tooLarge(status))
      }),
      onResponseEnd: s.guard(() => s.ok({ status, body: body.text(), requests: 1 })),
      onResponseError: s.guard((_c, error) => s.fail(status === 0 ? error : cutShort(status, error))),
    }
    try {
      pool.dispatch({ origin, path: call.path, method: 'GET', headers: call.headers }, handler)
    } catch (error) {
      s.fail(error)
    }
  })

/** One request through `node:http`. */
export const httpGet = (http: typeof import('node:http'), agent: Agent, port: number, call: Call) =>
  new Promise<RawResponse>((resolve, reject) => {
    const s = settlement<RawResponse>(resolve, reject)
    if (call.signal?.aborted) return s.fail(call.signal.reason)
    let status = 0
    let request: ClientRequest | undefined
    s.teardown = () => request?.destroy()
    bound(s, call.timeoutMs, call.signal, call.live)
    const onResponse = s.guard((response: IncomingMessage) => {
      status = response.statusCode ?? 0
      if (declaredTooLarge(response.headers['content-length'])) return s.drop(tooLarge(status))
      const body = bodyBuffer()
      response.on(
        'data',
        s.guard((chunk: Buffer) => {
          if (!body.add(chunk)) s.drop(tooLarge(status))
        }),
      )
      // Not emitted when the connection ends before Content-Length bytes: 'error' ('aborted') is.
      response.on(
        'end',
        s.guard(() => s.ok({ status, body: body.text(), requests: 1 })),
      )
      response.on('error', (error) => s.fail(cutShort(status, error)))
    })
    try {
      request = http.get(
        { host: '127.0.0.1', port, path: call.path, headers: call.headers, agent },
        onResponse,
      )
      request.on('error', (error) => s.fail(status === 0 ? error : cutShort(status, error)))
    } catch (error) {
      s.fail(error)
    }
  })
