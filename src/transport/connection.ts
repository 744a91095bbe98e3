/**
 * The HTTP connection to the extension: GET a path, get back the status and the body as text.
 *
 * The steady state is a keep-alive undici `Pool` (its `dispatch`, with no streams): the fastest
 * client measured (bench/, figure 2). Its cost is at cold start: loading it (~14 ms) and its first
 * request (llhttp compiled from WebAssembly, ~10 ms), where `node:http`, already loaded with
 * middy, answers in ~7 ms. So the first requests go through `node:http`, the pool loads in the
 * background once the first answer is in, and every request after that uses the pool
 * (bench/, figure 4).
 */
import type { Agent, ClientRequest, IncomingMessage } from 'node:http'
import type { Dispatcher, Pool } from 'undici'

/** One answer of the extension. */
export interface RawResponse {
  status: number
  body: string
}

/** GET `path` with `headers` within `timeoutMs`, from 127.0.0.1:`port`. */
export interface Connection {
  get(path: string, headers: Record<string, string>, timeoutMs: number): Promise<RawResponse>
  close(): Promise<void>
}

/** The code of an error raised when a request outruns its time budget. */
export const REQUEST_TIMEOUT = 'MPS_REQUEST_TIMEOUT'

const timeoutError = (timeoutMs: number): Error =>
  Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: REQUEST_TIMEOUT })

const text = (chunks: Buffer[]): string =>
  chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')

// Loaded once per process, on demand: a handler that never reaches the extension pays nothing.
// undici has no `exports` map, so its Pool loads without the rest of the package.
let poolClass: Promise<typeof Pool> | undefined
const loadPool = (): Promise<typeof Pool> => {
  poolClass ??= import('undici/lib/dispatcher/pool.js').then(
    (m) => m.default,
    () => import('undici').then((m) => m.Pool),
  )
  return poolClass
}

/**
 * One request on the pool. undici's own header and body timeouts run on its coarse timers (about
 * a second of resolution), so the budget is a native timer that aborts the request.
 */
const dispatchGet = (
  pool: Dispatcher,
  origin: string,
  path: string,
  headers: Record<string, string>,
  timeoutMs: number,
) =>
  new Promise<RawResponse>((resolve, reject) => {
    let status = 0
    const chunks: Buffer[] = []
    let controller: { abort(reason: Error): void } | undefined
    let timedOut: Error | undefined
    const timer = setTimeout(() => {
      timedOut = timeoutError(timeoutMs)
      controller?.abort(timedOut)
      reject(timedOut)
    }, timeoutMs)
    timer.unref()
    pool.dispatch(
      { origin, path, method: 'GET', headers },
      {
        onRequestStart(c) {
          controller = c
          if (timedOut) c.abort(timedOut)
        },
        onResponseStart(_controller, statusCode) {
          status = statusCode
        },
        onResponseData(_controller, chunk) {
          chunks.push(chunk)
        },
        onResponseEnd() {
          clearTimeout(timer)
          resolve({ status, body: text(chunks) })
        },
        onResponseError(_controller, error) {
          clearTimeout(timer)
          reject(error)
        },
      },
    )
  })

/** One request through `node:http`. */
const httpGet = (
  http: typeof import('node:http'),
  agent: Agent,
  port: number,
  path: string,
  headers: Record<string, string>,
  timeoutMs: number,
) =>
  new Promise<RawResponse>((resolve, reject) => {
    const request: ClientRequest = http.get(
      { host: '127.0.0.1', port, path, headers, agent },
      (response: IncomingMessage) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () => {
          clearTimeout(timer)
          resolve({ status: response.statusCode ?? 0, body: text(chunks) })
        })
        response.on('error', fail)
      },
    )
    const timer = setTimeout(() => request.destroy(timeoutError(timeoutMs)), timeoutMs)
    timer.unref()
    function fail(error: Error) {
      clearTimeout(timer)
      reject(error)
    }
    request.on('error', fail)
  })

/** A connection that starts on `node:http` and moves to an undici pool once it has loaded. */
export const createConnection = (port: number, connections: number, timeoutMs: number): Connection => {
  const origin = `http://127.0.0.1:${port}`
  let pool: Pool | undefined
  let agent: Agent | undefined
  let agentInFlight = 0
  let poolRequested = false
  let closed = false

  const startPool = (): void => {
    if (poolRequested) return
    poolRequested = true
    // Off the critical path: the first answer is already in.
    setTimeout(() => {
      loadPool().then(
        (PoolClass) => {
          if (closed) return
          pool = new PoolClass(origin, { connections, pipelining: 1, connectTimeout: timeoutMs })
          if (agentInFlight === 0) agent?.destroy()
        },
        () => undefined,
      )
    }, 0).unref()
  }

  return {
    async get(path, headers, budgetMs) {
      if (pool !== undefined) return dispatchGet(pool, origin, path, headers, budgetMs)
      // Taken from the process, not import()ed: an ESM import of node:http costs ~30 ms (bench/).
      const http = process.getBuiltinModule('node:http')
      agent ??= new http.Agent({ keepAlive: true, maxSockets: connections })
      agentInFlight++
      try {
        return await httpGet(http, agent, port, path, headers, budgetMs)
      } finally {
        agentInFlight--
        startPool()
        if (pool !== undefined && agentInFlight === 0) agent.destroy()
      }
    },
    async close() {
      if (closed) return
      closed = true
      agent?.destroy()
      await pool?.close()
    },
  }
}
