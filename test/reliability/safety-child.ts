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
  // Credentials from the environment, as in Lambda: credentials in the client options would send
  // every key to the SDK (the layer reads with the function's own role), and the layer's paths
  // (retry, timeout, the generic 400) would not run at all.
  process.env.AWS_REGION = 'us-east-1'
  process.env.AWS_ACCESS_KEY_ID = 'AKID'
  process.env.AWS_SECRET_ACCESS_KEY = 'SECRET'
  const sdk = { endpoint: aws.endpoint, region: 'us-east-1', maxAttempts: 1 }
  let t = 1_000_000
  // a's background refresh ends with an event (it times out): the run waits for it, not a timer.
  let refreshOfA: (code: string | undefined) => void = () => undefined
  const refreshedA = new Promise<string | undefined>((resolve) => {
    refreshOfA = resolve
  })
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
    onEvent: (event) => {
      if (event.key === 'a' && event.background === true && event.source !== 'stale')
        refreshOfA(event.errorCode)
    },
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
  const refreshA = await refreshedA
  const afterRun = listenerCounts()

  await mw.close()
  await mw.close() // twice is fine
  await emu.close()
  await aws.close()
  const afterClose = listenerCounts()
  // Sockets and servers finish closing over the next turns of the loop, and nothing signals it: check
  // at each turn (a bounded number of them) until only stdio's pipes are left; print what is left then.
  const leftOpen = () =>
    process.getActiveResourcesInfo().filter((type) => type !== 'PipeWrap' && type !== 'TTYWrap')
  for (let turn = 0; turn < 10_000 && leftOpen().length > 0; turn++) await new Promise(setImmediate)
  print({
    outcomes,
    refreshA,
    listeners: { beforeImport, afterImport, afterRun, afterClose },
    resources: leftOpen(),
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
