import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { createDelays } from './delays.ts'
import {
  type FaultOutcome,
  type FaultRegistry,
  faultOutcome,
  needsRealAnswer,
  programmedFault,
} from './faults.ts'
import type { Answer, Profile, RequestView } from './profile.ts'
import { parseQuery, queryRecord } from './query.ts'
import type { EmulatorCounters, RequestLogEntry } from './request-log-types.ts'

/**
 * The HTTP side of the emulator: a server on 127.0.0.1 that can stop and start listening on the
 * same port, and that logs and counts every request.
 *
 * @example
 * ```ts
 * const http = createEmulatorServer({ port: 0, profile, faults, token: 't', requests: [], counters })
 * await http.listen()
 * ```
 */
export interface EmulatorServer {
  readonly port: number
  /** Connections open now (accepted and not yet closed). */
  readonly openConnections: number
  /** Start listening; resolves once bound. */
  listen(): Promise<void>
  /** Start listening now without waiting (the bind completes before any later connect). */
  listenNow(): void
  /** Stop listening and destroy every open connection. */
  stopListening(): Promise<void>
  close(): Promise<void>
}

/**
 * Options of {@link createEmulatorServer}.
 *
 * @example
 * ```ts
 * const options: EmulatorServerOptions = { port: 0, profile, faults, token: 't', requests: [], counters }
 * ```
 */
export interface EmulatorServerOptions {
  port: number
  profile: Profile
  faults: FaultRegistry
  token: string
  requests: RequestLogEntry[]
  counters: EmulatorCounters
  log?: (line: string) => void
}

// Redacted in the log whatever their value: a wrong token may still be someone's real one.
const TOKEN_HEADERS = new Set(['x-aws-parameters-secrets-token', 'x-vault-token'])

/**
 * Creates the server (not yet listening).
 *
 * @example
 * ```ts
 * const http = createEmulatorServer(options)
 * await http.listen()
 * await http.close()
 * ```
 */
export function createEmulatorServer(options: EmulatorServerOptions): EmulatorServer {
  const { profile, faults, counters } = options
  const sockets = new Set<Socket>()
  const delays = createDelays()
  let port = options.port
  let closed = false

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.log?.(`emulator error: ${error instanceof Error ? error.message : String(error)}`)
      if (!res.headersSent) res.writeHead(500).end()
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  server.on('error', (error) => options.log?.(`emulator error: ${error.message}`))

  function record(
    req: IncomingMessage,
    view: RequestView,
    answer: Omit<Answer, 'body' | 'headers'>,
    note = '',
  ) {
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(req.headers)) {
      const text = Array.isArray(value) ? value.join(', ') : (value ?? '')
      headers[name] = TOKEN_HEADERS.has(name) || text === options.token ? '[redacted]' : text
    }
    const entry: RequestLogEntry = {
      method: view.method,
      path: view.path,
      query: queryRecord(parseQuery(view.rawQuery, 'rust')),
      headers,
      status: answer.status,
      kind: answer.kind,
      cache: answer.cache,
      at: Date.now(),
    }
    if (answer.id !== undefined) entry.id = answer.id
    if (answer.error !== undefined) entry.error = answer.error
    options.requests.push(entry)
    counters.requests += 1
    counters.byStatus[answer.status] = (counters.byStatus[answer.status] ?? 0) + 1
    const query = view.rawQuery ? `?${view.rawQuery}` : ''
    const error = answer.error ? ` error=${answer.error}` : ''
    options.log?.(`${view.method} ${view.path}${query} ${answer.status} cache=${answer.cache}${error}${note}`)
  }

  function send(res: ServerResponse, answer: Answer): void {
    const body = Buffer.from(answer.body)
    res.writeHead(answer.status, { ...answer.headers, 'content-length': String(body.length) })
    res.end(body)
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/'
    const mark = url.indexOf('?')
    const view: RequestView = {
      method: req.method ?? 'GET',
      path: mark === -1 ? url : url.slice(0, mark),
      rawQuery: mark === -1 ? '' : url.slice(mark + 1),
      headers: req.headers,
      openConnections: sockets.size,
    }
    const routed = profile.route(view)
    if (!('resolve' in routed)) {
      send(res, routed)
      return record(req, view, routed)
    }
    const request = {
      kind: routed.kind,
      id: routed.id,
      query: queryRecord(parseQuery(view.rawQuery, 'rust')),
    }
    const taken = faults.take(request)
    const fault = taken && programmedFault(taken, request)
    // The real answer is computed on arrival (the upstream call starts then) and enters the cache
    // when it is sent, after any delay.
    const real = fault && !needsRealAnswer(fault) ? undefined : routed.resolve()
    if (fault?.delayMs) await delays.wait(fault.delayMs)
    real?.commit?.()
    if (!fault) {
      send(res, real!)
      return record(req, view, real!)
    }
    if (closed || req.socket.destroyed) {
      return record(
        req,
        view,
        { status: 0, kind: routed.kind, id: routed.id, cache: 'none' },
        ' fault=closed',
      )
    }
    applyFault(req, res, view, faultOutcome(fault, routed, real))
  }

  function applyFault(req: IncomingMessage, res: ServerResponse, view: RequestView, outcome: FaultOutcome) {
    if (outcome.drop === 'before-response') {
      req.socket.destroy()
      return record(req, view, outcome.answer, outcome.note)
    }
    if (outcome.drop === 'mid-body') {
      const body = Buffer.from(outcome.answer.body)
      res.writeHead(200, { ...outcome.answer.headers, 'content-length': String(body.length) })
      res.write(body.subarray(0, Math.max(1, Math.floor(body.length / 2))), () => req.socket.destroy())
      return record(req, view, outcome.answer, outcome.note)
    }
    send(res, outcome.answer)
    record(req, view, outcome.answer, outcome.note)
  }

  function destroySockets(): void {
    for (const socket of sockets) socket.destroy()
    sockets.clear()
  }

  let binding: Promise<void> | undefined
  function startListening(): Promise<void> {
    if (server.listening) return Promise.resolve()
    binding ??= new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => {
        server.off('listening', onListening)
        reject(error)
      }
      const onListening = () => {
        server.off('error', onError)
        port = (server.address() as AddressInfo).port
        resolve()
      }
      server.once('error', onError)
      server.once('listening', onListening)
      server.listen(port, '127.0.0.1')
    }).finally(() => {
      binding = undefined
    })
    return binding
  }

  async function stopListening(): Promise<void> {
    if (binding) await binding.catch(() => undefined)
    if (!server.listening) return destroySockets()
    const done = new Promise<void>((resolve) => server.close(() => resolve()))
    destroySockets()
    await done
  }

  return {
    get port() {
      return port
    },
    get openConnections() {
      return sockets.size
    },
    listen: () => (closed ? Promise.reject(new Error('the emulator is closed')) : startListening()),
    listenNow() {
      // A failed bind is reported through the 'error' listener (the log).
      if (!closed) startListening().catch(() => undefined)
    },
    stopListening,
    async close() {
      closed = true
      delays.releaseAll()
      await stopListening()
    },
  }
}
