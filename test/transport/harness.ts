/**
 * The extension transport against a raw server, on either client path: `node:http` (the first
 * requests of an instance) or undici's pool (every request once it has loaded).
 */
import diagnosticsChannel from 'node:diagnostics_channel'
import type { KeyDef } from '../../src/keys.ts'
import { createExtensionTransport } from '../../src/transport/extension.ts'
import type { FetchContext, Transport, Upstream } from '../../src/transport/types.ts'
import { ok, type RawServer, type Script, startRawServer } from '../helpers/raw-server.ts'

export const TOKEN = 'raw-server-token'
export const SECRET_BODY = JSON.stringify({ ARN: 'arn:s', Name: 's', SecretString: 'v', VersionId: '1' })
export const PATHS = ['node:http', 'undici'] as const
export type ClientPath = (typeof PATHS)[number]

export const secretDef = (id = 's'): KeyDef => ({
  key: id,
  contextKey: id,
  kind: 'secret',
  id,
  withDecryption: true,
  json: 'auto',
  maxAge: -1,
  staleWhileRevalidate: 0,
  staleIfError: 0,
  fetchRotationDate: false,
  recursive: false,
  optional: false,
})

export const parameterDef = (name: string, label?: string): KeyDef => ({
  ...secretDef(name),
  kind: 'parameter',
  label,
})

/** An answer to every request: the secret `s` = 'v'. */
export const answerOk: Script = (socket) => {
  socket.write(ok(SECRET_BODY))
}

// undici's pool announces each connection it makes: the sign that requests now go through it.
let undiciConnects = 0
diagnosticsChannel.subscribe('undici:client:connected', () => {
  undiciConnects++
})

export interface Rig {
  server: RawServer
  transport: Transport
  fetch(def?: KeyDef, ctx?: Partial<FetchContext>): Promise<Upstream>
  /** the fetch's rejection (fails the test when it resolves) */
  failure(def?: KeyDef, ctx?: Partial<FetchContext>): Promise<any>
  /** requests the server received since the rig was put on `path` */
  requests(): number
  close(): Promise<void>
}

/**
 * A transport on a raw server, put on `path`: for undici, good answers are served until a request
 * has gone through the pool. Then `script` answers every request, and the request count restarts.
 */
export const startRig = async (
  path: ClientPath,
  script: Script,
  options: { timeoutMs?: number; token?: () => string | undefined } = {},
): Promise<Rig> => {
  const server = await startRawServer(answerOk)
  const transport = createExtensionTransport({
    port: server.port,
    token: options.token ?? (() => TOKEN),
    timeoutMs: options.timeoutMs ?? 2000,
    refreshNow: false,
    connections: 3,
  })
  const fetch = (def = secretDef(), ctx: Partial<FetchContext> = {}) =>
    transport.fetch(def, { force: false, ...ctx })
  if (path === 'undici') {
    const before = undiciConnects
    // The pool loads in the background after the first answer; each round trip gives it a chance.
    for (let round = 0; undiciConnects === before; round++) {
      if (round > 200) throw new Error('the undici pool never took over')
      await fetch()
      await new Promise((resolve) => setImmediate(resolve))
    }
  }
  const skip = server.requests.length
  server.script((socket, request, index) => script(socket, request, index - skip))
  return {
    server,
    transport,
    fetch,
    failure: (def, ctx) =>
      fetch(def, ctx).then(
        () => {
          throw new Error('expected the fetch to fail')
        },
        (error: unknown) => error,
      ),
    requests: () => server.requests.length - skip,
    async close() {
      await transport.close()
      await server.close()
    },
  }
}
