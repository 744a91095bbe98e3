import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { createAwsFaultRegistry } from './aws-faults.ts'
import { AwsError, createAwsOperations } from './aws-operations.ts'
import type { AwsAnswer, AwsCall, AwsEmulator, AwsEmulatorOptions } from './aws-types.ts'
import { resolveStore } from './shared-store.ts'

const JSON_11 = 'application/x-amz-json-1.1'
// Dummy credentials: the SDK signs with them; the emulator checks a signature is there, not its maths.
const ACCESS_KEY_ID = 'AKIAEMULATOR0000TEST'
const SECRET_ACCESS_KEY = 'emulator-secret-access-key-not-a-real-one'

/**
 * Starts a loopback server speaking the AWS JSON 1.1 protocol of Secrets Manager
 * (`GetSecretValue`, `BatchGetSecretValue`, `DescribeSecret`) and SSM Parameter Store
 * (`GetParameter`, `GetParameters`, `GetParametersByPath` with paging), for the real SDK v3
 * clients: test the SDK path, `transport: 'auto'` and a function without the layer. Requests must
 * be signed (`AWS4-HMAC-SHA256`); the signature itself is not checked.
 *
 * @example
 * ```ts
 * import { startAwsEmulator, startExtensionEmulator } from 'middy-params-secrets/testing'
 *
 * await using extension = await startExtensionEmulator({ token: 'test-token', secrets: { db: 'v1' } })
 * await using aws = await startAwsEmulator({ store: extension.store })
 * Object.assign(process.env, extension.env, aws.env)
 * aws.inject({ operation: 'GetSecretValue', id: 'db', times: 1, type: 'ThrottlingException' })
 * // ... run the handler: the layer path and the SDK path serve the same store ...
 * ```
 */
export async function startAwsEmulator(options: AwsEmulatorOptions = {}): Promise<AwsEmulator> {
  const port = options.port ?? 0
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError('startAwsEmulator: port must be an integer from 0 to 65535')
  }
  const { store, shared } = resolveStore(options.store, options, 'startAwsEmulator')
  const operations = createAwsOperations(store)
  const faults = createAwsFaultRegistry()
  const calls: AwsCall[] = []
  const sockets = new Set<Socket>()
  const timers = new Set<() => void>()

  const send = (res: ServerResponse, answer: AwsAnswer) => {
    const error = answer.type !== undefined
    const body =
      typeof answer.body === 'string'
        ? answer.body
        : JSON.stringify(
            error ? { __type: answer.type, message: answer.message ?? answer.type } : answer.body,
          )
    res.writeHead(answer.status ?? (error ? 400 : 200), {
      'content-type': JSON_11,
      'x-amzn-requestid': randomUUID(),
      ...(error && { 'x-amzn-errortype': answer.type }),
    })
    res.end(body)
  }

  // Bounded by the fault's delay, and cut short by close().
  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer)
        timers.delete(done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      timers.add(done)
    })

  const real = (call: AwsCall): AwsAnswer => {
    const operation = operations[call.target]
    if (!operation) return { type: 'UnknownOperationException', message: `Unknown operation ${call.target}` }
    try {
      return { body: operation(call.body) as object }
    } catch (error) {
      if (!(error instanceof AwsError)) throw error
      return { type: error.type, message: error.message, status: error.status }
    }
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const authorization = String(req.headers.authorization ?? '')
    if (req.headers['content-type'] !== JSON_11) {
      return send(res, { type: 'SerializationException', message: `Content-Type must be ${JSON_11}` })
    }
    if (!authorization.startsWith('AWS4-HMAC-SHA256 ')) {
      return send(res, {
        type: 'MissingAuthenticationTokenException',
        message: 'Missing Authentication Token',
      })
    }
    let body: Record<string, any>
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')
    } catch {
      return send(res, { type: 'SerializationException', message: 'The request body is not JSON' })
    }
    const call: AwsCall = {
      target: String(req.headers['x-amz-target'] ?? ''),
      body,
      accessKeyId: /Credential=([^/]+)\//.exec(authorization)?.[1],
    }
    calls.push(call)
    const fault = faults.take(call)
    if (fault?.delayMs) await delay(fault.delayMs)
    if (fault?.drop || req.socket.destroyed) return void req.socket.destroy()
    const programmed = fault?.respond ? fault.respond(call) : fault
    const faulted = programmed && (programmed.type !== undefined || programmed.body !== undefined)
    send(res, faulted ? programmed : real(call))
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy()
      send(res, {
        type: 'InternalFailure',
        status: 500,
        message: error instanceof Error ? error.message : 'error',
      })
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const bound = (server.address() as AddressInfo).port
  const endpoint = `http://127.0.0.1:${bound}`

  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      for (const release of [...timers]) release()
      server.close(() => resolve())
      for (const socket of sockets) socket.destroy()
    })
    return closing
  }

  return {
    endpoint,
    port: bound,
    env: {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
      AWS_ENDPOINT_URL_SSM: endpoint,
      AWS_REGION: options.region ?? store.region,
      AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
    },
    store: shared,
    calls,
    putSecret: (id, value, stages) => store.putSecret(id, value, stages),
    deleteSecret: (id) => store.deleteSecret(id),
    putParameter: (name, value) => store.putParameter(name, value),
    deleteParameter: (name) => store.deleteParameter(name),
    denyAccess: (kind, id) => store.deny(kind, id),
    allowAccess: (kind, id) => store.allow(kind, id),
    throttle: (on) => store.setThrottled(on),
    inject: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    pendingFaults: () => faults.pending(),
    assertNoPendingFaults() {
      const pending = faults.pending()
      if (pending.length > 0) {
        throw new Error(`${pending.length} injected AWS fault(s) not used up:\n  ${pending.join('\n  ')}`)
      }
    },
    close,
    [Symbol.asyncDispose]: close,
  }
}
