/**
 * Child processes for safety.test.ts (run by Node directly: only type syntax it can strip).
 *
 * `lifecycle`: imports the package, runs invocations through every path (prefetch, layer, retry,
 * timeout, stale-while-revalidate, SDK fallback) against an emulator and an AWS JSON server
 * started here, closes everything, prints the process listener counts at each step and the
 * resources left, then must exit by itself: no process.exit anywhere.
 *
 * `awaited <port> <token>`: one invocation against an emulator in the parent process, so that
 * nothing else keeps this process alive; prints the outcome, or `loop-emptied` if the event loop
 * ran dry while the invocation was still pending (what the Lambda runtime answers as a null result).
 */
import { listenerCounts } from './process-listeners.ts'

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`)
const lambdaContext = () => ({ getRemainingTimeInMillis: () => 10_000, awsRequestId: 'child' })

const lifecycle = async () => {
  const beforeImport = listenerCounts()
  const { default: paramsSecrets, parameter, secret } = await import('../../src/index.ts')
  const { startExtensionEmulator } = await import('../../src/testing/index.ts')
  const { startAwsJsonServer } = await import('../helpers/aws-json-server.ts')
  const { default: middy } = await import('@middy/core')
  const afterImport = listenerCounts()

  const secrets = { a: 'value-a', b: 'value-b' }
  const parameters = { '/p': 'value-p' }
  const emu = await startExtensionEmulator({
    token: 't',
    secrets,
    parameters,
    ttlSeconds: { secrets: 0, parameters: 0 },
  })
  const aws = await startAwsJsonServer({ secrets, parameters })
  const sdk = {
    endpoint: aws.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKID', secretAccessKey: 'SECRET' },
    maxAttempts: 1,
  }
  let t = 1_000_000
  const mw = paramsSecrets({
    transport: 'auto',
    extension: { port: emu.port, token: 't', timeoutMs: 300 },
    awsClientOptions: sdk,
    ssmAwsClientOptions: sdk,
    fetchData: {
      a: secret('a', { maxAge: 1000, staleWhileRevalidate: 10_000 }),
      b: secret('b', { maxAge: 1000, staleIfError: 10_000 }),
      p: parameter('/p', { maxAge: 1000 }),
    },
    setToContext: true,
    now: () => t,
  })
  const handler = middy(async (_event: unknown, context: any) => [context.a, context.b, context.p]).use(mw)
  const outcomes: unknown[] = []
  const invoke = async () => {
    try {
      outcomes.push(await handler({}, lambdaContext() as any))
    } catch (error) {
      outcomes.push((error as { code?: string }).code ?? 'not a ParamsSecretsError')
    }
  }
  await invoke() // joins the prefetch
  t += 1000
  emu.inject({ kind: 'secret', id: 'a', delayMs: 600 }) // a's background refresh times out
  emu.inject({ kind: 'secret', id: 'b', status: 503, times: 1 }) // b retried once
  await invoke()
  t += 1000
  emu.clearFaults()
  emu.denyAccess('parameter', '/p') // the layer's generic 400: the SDK answers
  await invoke()
  await new Promise((resolve) => setTimeout(resolve, 350))
  const afterRun = listenerCounts()

  await mw.close()
  await mw.close() // twice is fine
  await emu.close()
  await aws.close()
  const afterClose = listenerCounts()
  // sockets and servers finish closing over the next turns of the loop
  await new Promise((resolve) => setTimeout(resolve, 30))
  print({
    outcomes,
    listeners: { beforeImport, afterImport, afterRun, afterClose },
    resources: process.getActiveResourcesInfo().filter((type) => type !== 'PipeWrap' && type !== 'TTYWrap'),
  })
}

const awaited = async (port: number, token: string) => {
  const { default: paramsSecrets } = await import('../../src/index.ts')
  const mw = paramsSecrets({
    transport: 'extension',
    extension: { port, token },
    fetchData: { a: 'a' },
    disablePrefetch: true,
  })
  let pending = true
  // The Lambda runtime's own hook: when the loop empties during an invocation, it ends it.
  process.on('beforeExit', () => {
    if (pending) print({ outcome: 'loop-emptied' })
    pending = false
  })
  const request = { internal: {} as Record<string, unknown>, context: lambdaContext() }
  // not awaited at the top level: the loop must be kept alive by the invocation's own work
  void (mw.before as (r: unknown) => Promise<void>)(request).then(
    async () => {
      pending = false
      print({ outcome: 'value', value: request.internal.a })
      await mw.close()
    },
    async (error: { code?: string }) => {
      pending = false
      print({ outcome: 'error', code: error.code })
      await mw.close()
    },
  )
}

const [mode, ...args] = process.argv.slice(2)
if (mode === 'lifecycle') await lifecycle()
else if (mode === 'awaited') await awaited(Number(args[0]), String(args[1]))
else throw new Error(`unknown mode ${mode}`)
