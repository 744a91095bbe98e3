/**
 * `npm run example`: starts the extension emulator with demo values, loads the handler as Lambda
 * would (its prefetch meets the layer's INIT-phase "not ready"), then invokes it a few times and
 * prints where each value came from. Values are never printed.
 */
import { readFile } from 'node:fs/promises'
// The source, so a fresh clone runs it without a build; in your project: 'middy-params-secrets/testing'.
import { startExtensionEmulator } from '../../src/testing/index.ts'

const store = JSON.parse(await readFile(new URL('./demo-store.json', import.meta.url), 'utf8'))
const token = 'local-example-token'
const emulator = await startExtensionEmulator({ ...store, token, ready: false })
// What Lambda sets: the layer's port and the session token.
Object.assign(process.env, emulator.env)
console.log(`emulator (layer profile) on ${emulator.url}, in its INIT phase ("not ready")`)

// INIT: the module loads and prefetches; the layer answers "not ready", so the keys wait for the first invocation.
const { handler, events, secrets } = await import('./handler.ts')

const context = (n: number) => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'example',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:example',
  memoryLimitInMB: '128',
  awsRequestId: `example-request-${n}`,
  logGroupName: '/aws/lambda/example',
  logStreamName: 'local',
  getRemainingTimeInMillis: () => 3000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
})

const invoke = async (n: number, label: string) => {
  events.length = 0
  const started = performance.now()
  const result = await handler({}, context(n) as never)
  const ms = (performance.now() - started).toFixed(1)
  console.log(`\ninvocation ${n} (${label}): ${ms} ms, handler returned ${JSON.stringify(result)}`)
  for (const e of events) {
    console.log(
      `  ${e.key.padEnd(8)} ${e.kind.padEnd(9)} from ${e.source.padEnd(9)} ${e.durationMs.toFixed(1)} ms`,
    )
  }
}

// The rest of INIT (imports, clients...) takes a moment; the prefetch hears "not ready" meanwhile.
await new Promise((resolve) => setTimeout(resolve, 100))
console.log('\nduring INIT:')
for (const e of events)
  console.log(
    `  ${e.key.padEnd(8)} ${e.kind.padEnd(9)} ${e.errorCode ?? e.source}: left to the first invocation`,
  )
// The first invocation begins: the layer becomes ready.
emulator.ready()
await invoke(1, 'cold: fetched through the extension')
await invoke(2, 'warm: served from the in-process cache')
await invoke(3, 'warm again')
console.log(`\nthe emulator served ${emulator.requests.length} requests; no value was printed`)

await secrets.close()
await emulator.close()
