/**
 * Testing your own handler with `middy-params-secrets/testing`: the emulator stands in for the AWS
 * Parameters and Secrets Lambda Extension, over real HTTP on 127.0.0.1, so the handler runs exactly
 * as deployed: no mocks, no AWS account.
 */
import { ParamsSecretsError } from 'middy-params-secrets'
import { type ExtensionEmulator, startExtensionEmulator } from 'middy-params-secrets/testing'

// The handler's context type includes the values the middleware adds.
type HandlerContext = Parameters<typeof import('./handler.js').handler>[1]
const context = { getRemainingTimeInMillis: () => 3000 } as HandlerContext
const savedEnv = { ...process.env }

let emulator: ExtensionEmulator
let app: typeof import('./handler.js')

beforeAll(async () => {
  emulator = await startExtensionEmulator({
    token: 'test-token',
    secrets: { 'prod/db': JSON.stringify({ username: 'app', password: 'test-password' }) },
    parameters: { '/prod/app/flags': '{"beta":false}' },
  })
  // What Lambda sets: the layer's port and the session token (the port is read when the module loads).
  Object.assign(process.env, emulator.env)
  app = await import('./handler.js')
})

afterEach(() => emulator.clearFaults())

afterAll(async () => {
  await app.secrets.close()
  await emulator.close()
  process.env = savedEnv
})

describe('handler', () => {
  it('gets the secret and the parameter, typed and decoded', async () => {
    await expect(app.handler({ name: 'Ada' }, context)).resolves.toEqual({
      greeting: 'Hello, Ada',
      dbUser: 'app',
    })
  })

  it('reads the secret once per execution environment and the flags on every invocation', async () => {
    emulator.resetLog()
    await app.handler({}, context)
    await app.handler({}, context)
    expect(emulator.requests.map((r) => r.id)).toEqual(['/prod/app/flags', '/prod/app/flags'])
  })

  it("sees changed flags once the layer's own cache lets them through", async () => {
    emulator.putParameter('/prod/app/flags', '{"beta":true}')
    // The layer caches for SSM_PARAMETER_STORE_TTL (300 s by default): still the old flags.
    await expect(app.handler({}, context)).resolves.toMatchObject({ greeting: 'Hello, world' })
    emulator.flushCache()
    await expect(app.handler({}, context)).resolves.toMatchObject({ greeting: 'Welcome to the beta, world' })
  })

  it('fails the invocation with a ParamsSecretsError naming the key when the layer keeps failing', async () => {
    emulator.inject({ kind: 'parameter', id: '/prod/app/flags', status: 503, body: 'busy' })
    const error = await app.handler({}, context).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ParamsSecretsError)
    expect(error).toMatchObject({ code: 'ExtensionRequestFailed', status: 503, key: 'flags' })
  })
})
