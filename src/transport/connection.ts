/**
 * The HTTP connection to the extension: GET a path, get back the status and the body as text.
 *
 * The steady state is a keep-alive undici `Pool` (its `dispatch`, with no streams): the fastest
 * client measured (bench/, figure 2). Its cost is at cold start: loading it (~14 ms) and its first
 * request (llhttp compiled from WebAssembly, ~10 ms), where `node:http`, already loaded with
 * middy, answers in ~7 ms. So the first requests go through `node:http`, the pool loads in the
 * background once the first answer is in, and every request after that uses the pool
 * (bench/, figure 4).
 *
 * Each request, on either client, is bounded and capped (requests.ts).
 */
import type { Agent } from 'node:http'
import type { Pool } from 'undici'
import {
  type Call,
  type ConnectionError,
  closedError,
  dispatchGet,
  type GetOptions,
  httpGet,
  type RawResponse,
  type Settlement,
  timeoutError,
} from './requests.ts'

export {
  BODY_CUT_SHORT,
  BODY_TOO_LARGE,
  CONNECTION_CLOSED,
  type ConnectionError,
  type GetOptions,
  MAX_BODY_BYTES,
  type RawResponse,
  REQUEST_TIMEOUT,
} from './requests.ts'

/** GET `path` with `headers` within `timeoutMs`, from 127.0.0.1:`port`. */
export interface Connection {
  get(
    path: string,
    headers: Record<string, string>,
    timeoutMs: number,
    options?: GetOptions,
  ): Promise<RawResponse>
  close(): Promise<void>
}

// Loaded once per process, on demand: a handler that never reaches the extension pays nothing.
// undici has no `exports` map, so its Pool loads without the rest of the package. The specifier
// reaches import() as an argument, which no bundler follows: a bundle does not carry undici's
// 1.35 MB (~19 ms of load at every cold start, bench/ figure 7) and runs on node:http unless
// undici is shipped beside it; where undici cannot be loaded, node:http serves for good.
const importAtRunTime = (specifier: string): Promise<any> => import(specifier)
let poolClass: Promise<typeof Pool> | undefined
const loadPool = (): Promise<typeof Pool> => {
  poolClass ??= importAtRunTime('undici/lib/dispatcher/pool.js').then(
    (m: { default: typeof Pool }) => m.default,
    () => importAtRunTime('undici').then((m: { Pool: typeof Pool }) => m.Pool),
  )
  return poolClass
}

/**
 * undici refuses an unsolicited `100 Continue` ("bad response", before any status reaches the
 * handler); node:http reads past it. Such a server is then served by node:http for good.
 */
const isInterimRefused = (error: unknown): boolean =>
  (error as ConnectionError)?.code === 'UND_ERR_SOCKET' && (error as Error).message === 'bad response'

/**
 * Test seam: pins the connections created from now on to one client, so a test can run a fault on
 * each path (which one serves a request is otherwise a matter of when the pool has loaded).
 */
export const clientPin: { client?: 'node:http' | 'undici' | undefined } = {}

/** A connection that starts on `node:http` and moves to an undici pool once it has loaded. */
export const createConnection = (port: number, connections: number, timeoutMs: number): Connection => {
  const origin = `http://127.0.0.1:${port}`
  const pinned = clientPin.client
  let pool: Pool | undefined
  let agent: Agent | undefined
  let agentInFlight = 0
  let poolRequested = false
  let httpOnly = pinned === 'node:http'
  const newPool = (PoolClass: typeof Pool) =>
    new PoolClass(origin, { connections, pipelining: 1, connectTimeout: timeoutMs })
  let closed = false
  const live = new Set<Settlement>()

  const startPool = (): void => {
    if (poolRequested) return
    poolRequested = true
    // Off the critical path: the first answer is already in.
    setTimeout(() => {
      loadPool().then(
        (PoolClass) => {
          if (closed || httpOnly) return
          pool ??= newPool(PoolClass)
          if (agentInFlight === 0) agent?.destroy()
        },
        () => undefined,
      )
    }, 0).unref()
  }

  const viaHttp = async (call: Call): Promise<RawResponse> => {
    // Taken from the process, not import()ed: an ESM import of node:http costs ~30 ms (bench/).
    const http = process.getBuiltinModule('node:http')
    agent ??= new http.Agent({ keepAlive: true, maxSockets: connections })
    agentInFlight++
    let answered = false
    try {
      const response = await httpGet(http, agent, port, call)
      answered = true
      return response
    } finally {
      agentInFlight--
      if (!httpOnly) {
        // Only an answer shows a server there: a refused port (no layer, the SDK serves) loads no
        // pool, whose ~14 ms of load would compete with the SDK's on the cold start (bench/, figure 4).
        if (answered) startPool()
        if (pool !== undefined && agentInFlight === 0) agent.destroy()
      }
    }
  }

  return {
    async get(path, headers, budgetMs, options = {}) {
      if (closed) throw closedError()
      const call: Call = { path, headers, timeoutMs: budgetMs, signal: options.signal, live }
      if (pinned === 'undici' && !httpOnly) pool ??= newPool(await loadPool())
      if (pool === undefined || httpOnly) return viaHttp(call)
      const started = performance.now()
      try {
        return await dispatchGet(pool, origin, call)
      } catch (error) {
        if (!isInterimRefused(error) || closed) throw error
      }
      httpOnly = true
      void pool.destroy().catch(() => undefined)
      const left = Math.ceil(budgetMs - (performance.now() - started))
      try {
        if (left <= 0) throw timeoutError(budgetMs)
        return { ...(await viaHttp({ ...call, timeoutMs: left })), requests: 2 }
      } catch (error) {
        // An abort's reason belongs to the caller: left as it is.
        if (!call.signal?.aborted && error instanceof Error) Object.assign(error, { requests: 2 })
        throw error
      }
    },
    async close() {
      if (closed) return
      closed = true
      // At once: requests in flight are cut, not waited for.
      for (const s of [...live]) s.drop(closedError())
      agent?.destroy()
      await pool?.destroy().catch(() => undefined)
    },
  }
}
