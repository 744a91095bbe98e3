/**
 * Test helpers for the emulator's own tests: start emulators that are all closed after each test,
 * and a raw `node:http` client (one connection per request, no pooling) that reports dropped
 * connections by their error code.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import {
  type EmulatorOptions,
  type ExtensionEmulator,
  startExtensionEmulator,
} from '../../src/testing/index.ts'

export const TOKEN = 'emulator-test-token'
export const TOKEN_HEADER = 'X-Aws-Parameters-Secrets-Token'

const running = new Set<ExtensionEmulator>()

/** Starts an emulator with the test token; every one is closed after each test. */
export async function start(options: EmulatorOptions = {}): Promise<ExtensionEmulator> {
  const emulator = await startExtensionEmulator({ token: TOKEN, env: {}, ...options })
  running.add(emulator)
  return emulator
}

/** Registers the teardown in the calling test file. */
export function closeEmulatorsAfterEach(): void {
  afterEach(async () => {
    await Promise.all([...running].map((emulator) => emulator.close()))
    running.clear()
  })
}

export interface Reply {
  status: number
  statusMessage: string
  headers: IncomingHttpHeaders
  body: string
}

export interface RequestOptions {
  method?: string
  /** Headers to send; the token header is added unless `token: null`. */
  headers?: Record<string, string>
  token?: string | null
}

/** One GET (or `method`) on a fresh connection; rejects with the socket error (`code`) when dropped. */
export function request(
  target: ExtensionEmulator | number,
  path: string,
  options: RequestOptions = {},
): Promise<Reply> {
  const port = typeof target === 'number' ? target : target.port
  const headers: Record<string, string> = { ...options.headers }
  const token = options.token === undefined ? TOKEN : options.token
  if (token !== null) headers[TOKEN_HEADER] = token
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers, agent: false },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('error', reject)
        res.on('aborted', () => reject(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })))
        res.on('end', () => {
          if (!res.complete)
            return reject(Object.assign(new Error('incomplete body'), { code: 'ECONNRESET' }))
          resolve({
            status: res.statusCode ?? 0,
            statusMessage: res.statusMessage ?? '',
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          })
        })
      },
    )
    req.on('error', reject)
    req.end()
  })
}

/** GET and parse a 200 JSON body. */
export async function getJson(target: ExtensionEmulator, path: string): Promise<any> {
  const reply = await request(target, path)
  if (reply.status !== 200) throw new Error(`expected 200, got ${reply.status}: ${reply.body}`)
  return JSON.parse(reply.body)
}

export const secretPath = (id: string, extra = '') =>
  `/secretsmanager/get?secretId=${encodeURIComponent(id)}${extra}`
export const parameterPath = (name: string, extra = '') =>
  `/systemsmanager/parameters/get?name=${encodeURIComponent(name)}${extra}`

export const GENERIC_400 = 'an unexpected error occurred while executing request'

/** A fake clock for the TTL cache. */
export function fakeClock(start = 1_700_000_000_000) {
  let now = start
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms
    },
  }
}
