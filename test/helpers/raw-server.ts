/**
 * A raw `node:net` server on 127.0.0.1 that sends exactly the bytes a test scripts: no HTTP
 * library between the test and the wire, so a test can send what no well-behaved server would
 * (a body longer or shorter than its Content-Length, an unsolicited `100 Continue`, an endless
 * stream). Each request head is logged, then handed to the script with its socket.
 */
import { once } from 'node:events'
import { type AddressInfo, createServer, type Socket } from 'node:net'

/** One request as the server read it. */
export interface RawRequest {
  /** the request line, e.g. `GET /secretsmanager/get?secretId=s HTTP/1.1` */
  line: string
  /** header names in lower case */
  headers: Record<string, string>
}

/** What the script does with a request: write to the socket, end it, destroy it, or nothing. */
export type Script = (socket: Socket, request: RawRequest, index: number) => void | Promise<void>

export interface RawServer {
  port: number
  /** every request head received, in order */
  requests: RawRequest[]
  /** sockets accepted so far */
  connections: number
  /** replaces the script for the requests to come */
  script(next: Script): void
  /** resolves once `count` requests have arrived */
  waitForRequests(count: number): Promise<void>
  close(): Promise<void>
}

const parseHead = (head: string): RawRequest => {
  const [line = '', ...rest] = head.split('\r\n')
  const headers: Record<string, string> = {}
  for (const h of rest) {
    const colon = h.indexOf(':')
    if (colon > 0) headers[h.slice(0, colon).trim().toLowerCase()] = h.slice(colon + 1).trim()
  }
  return { line, headers }
}

/** A complete `200` answer with a Content-Length that matches `body`. */
export const ok = (body: string, extraHeaders = ''): string =>
  `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extraHeaders}\r\n${body}`

/**
 * Writes `total` bytes of `fill` as fast as the client reads them (waiting on `drain`, so the
 * server itself never buffers more than a chunk), until done or the client goes away.
 */
export const stream = async (socket: Socket, total: number, fill = 0x61): Promise<number> => {
  const chunk = Buffer.alloc(64 * 1024, fill)
  let written = 0
  socket.on('error', () => undefined)
  while (written < total && !socket.destroyed) {
    const part = total - written >= chunk.length ? chunk : chunk.subarray(0, total - written)
    written += part.length
    if (!socket.write(part)) {
      // `once` rejects on 'error': a reset by the client ends the stream like a close.
      await Promise.race([once(socket, 'drain'), once(socket, 'close')]).catch(() => undefined)
    }
  }
  return written
}

/** Starts the server on port 0 with `script` (answers nothing until one is set). */
export const startRawServer = async (initial: Script = () => undefined): Promise<RawServer> => {
  let script = initial
  const requests: RawRequest[] = []
  const sockets = new Set<Socket>()
  const waiters: Array<{ count: number; resolve: () => void }> = []
  let connections = 0

  const server = createServer((socket) => {
    connections++
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => undefined)
    let pending = ''
    socket.on('data', (data) => {
      pending += data.toString('latin1')
      for (let end = pending.indexOf('\r\n\r\n'); end >= 0; end = pending.indexOf('\r\n\r\n')) {
        const request = parseHead(pending.slice(0, end))
        pending = pending.slice(end + 4)
        const index = requests.push(request) - 1
        for (const w of waiters.filter((w) => requests.length >= w.count)) {
          waiters.splice(waiters.indexOf(w), 1)
          w.resolve()
        }
        void Promise.resolve(script(socket, request, index)).catch(() => socket.destroy())
      }
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')

  return {
    port: (server.address() as AddressInfo).port,
    requests,
    get connections() {
      return connections
    },
    script(next) {
      script = next
    },
    waitForRequests: (count) =>
      requests.length >= count
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ count, resolve })),
    async close() {
      for (const socket of sockets) socket.destroy()
      server.close()
      await once(server, 'close').catch(() => undefined)
    },
  }
}
