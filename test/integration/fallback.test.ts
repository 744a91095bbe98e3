/**
 * Transports: the layer absent, late or failing, the SDK at hand (real SDK clients over HTTP to a
 * loopback AWS JSON endpoint), both emulator profiles, tokens, and forced refreshes.
 */
import { secret } from '../../src/index.ts'
import { eventually, lambdaContext } from '../helpers/lambda.ts'
import { DOCUMENTED_QUERY, sdkCalls, startWorld, type World } from '../helpers/world.ts'

const SECRETS = { db: '{"password":"pw-1"}', bin: new Uint8Array([0, 159, 146, 150]) }
const PARAMETERS = { '/p/a': 'a', '/p/b': 'b', '/p/c': { value: 's3cret', type: 'SecureString' as const } }

describe('transports', () => {
  let world: World

  afterEach(async () => {
    // No request to the layer profile ever carries a query parameter it does not document.
    if (world.emu.profile === 'layer') {
      for (const r of world.emu.requests)
        for (const name of Object.keys(r.query)) expect(DOCUMENTED_QUERY.has(name)).toBe(true)
    }
    await world.close()
  })

  describe('layer absent', () => {
    beforeEach(async () => {
      world = await startWorld({ secrets: SECRETS, parameters: PARAMETERS })
      await world.emu.pause()
    })

    it("serves through the SDK with 'auto', also for the prefetch, and batches parameters", async () => {
      const { invoke, events } = world.middleware({
        fetchData: { db: 'db', a: { parameter: '/p/a' }, b: { parameter: '/p/b' }, c: { parameter: '/p/c' } },
        setToContext: true,
      })
      // the prefetch of all four keys through the SDK is over
      await eventually(() => events.filter((e) => e.source === 'sdk').length === 4)
      const before = world.aws.calls.length
      expect(before).toBeGreaterThanOrEqual(2)
      const context = await invoke()
      expect([context.db, context.a, context.b, context.c]).toEqual([
        { password: 'pw-1' },
        'a',
        'b',
        's3cret',
      ])
      expect(world.aws.calls.length).toBe(before)
      expect(
        events
          .filter((e) => e.source === 'sdk')
          .map((e) => e.key)
          .sort(),
      ).toEqual(['a', 'b', 'c', 'db'])
    })

    it('remembers the absence and probes the port again after REPROBE_MS', async () => {
      let t = 1_000_000
      const { invoke, events } = world.middleware({
        fetchData: { db: secret('db', { maxAge: 1000 }) },
        setToContext: true,
        disablePrefetch: true,
        now: () => t,
      })
      await invoke()
      await world.emu.resume()
      t += 1000
      await invoke()
      expect(world.emu.requests).toHaveLength(0)
      t += 180_000
      await invoke()
      expect(world.emu.requests).toHaveLength(1)
      expect(events.map((e) => e.source)).toEqual(['sdk', 'sdk', 'extension'])
    })

    it("raises ExtensionUnavailable with 'extension'", async () => {
      const { invoke } = world.middleware({
        transport: 'extension',
        fetchData: { db: 'db' },
        disablePrefetch: true,
      })
      await expect(invoke()).rejects.toMatchObject({
        code: 'ExtensionUnavailable',
        key: 'db',
        source: 'extension',
      })
      expect(sdkCalls(world)).toBe(0)
    })
  })

  describe('SDK only', () => {
    it("never touches the port with 'sdk'", async () => {
      world = await startWorld({ secrets: SECRETS, parameters: PARAMETERS })
      const { invoke } = world.middleware({
        transport: 'sdk',
        fetchData: { db: 'db', a: { parameter: '/p/a' } },
        setToContext: true,
      })
      const context = await invoke()
      expect(context.a).toBe('a')
      expect(world.emu.requests).toHaveLength(0)
    })
  })

  describe('the layer generic 400', () => {
    beforeEach(async () => {
      world = await startWorld({ secrets: SECRETS, parameters: PARAMETERS })
    })

    it('recovers a layer failure through the SDK (one layer request, one SDK request)', async () => {
      world.emu.denyAccess('secret', 'db')
      const { invoke, events } = world.middleware({
        fetchData: { db: 'db' },
        setToContext: true,
        disablePrefetch: true,
      })
      const context = await invoke()
      expect(context.db).toEqual({ password: 'pw-1' })
      expect(world.emu.requests).toHaveLength(1)
      expect(sdkCalls(world, 'GetSecretValue')).toBe(1)
      expect(events.at(-1)).toMatchObject({ key: 'db', source: 'sdk' })
    })

    it("names the service's own error when the SDK is denied too", async () => {
      world.emu.denyAccess('secret', 'db')
      world.aws.deny('db')
      const { invoke } = world.middleware({ fetchData: { db: 'db' }, disablePrefetch: true })
      await expect(invoke()).rejects.toMatchObject({
        code: 'AccessDeniedException',
        status: 400,
        key: 'db',
        source: 'sdk',
      })
    })

    it('names ResourceNotFoundException and ParameterNotFound', async () => {
      const { invoke } = world.middleware({ fetchData: { nope: 'nope' }, disablePrefetch: true })
      await expect(invoke()).rejects.toMatchObject({ code: 'ResourceNotFoundException', key: 'nope' })
      const p = world.middleware({ fetchData: { nope: { parameter: '/nope' } }, disablePrefetch: true })
      await expect(p.invoke()).rejects.toMatchObject({ code: 'ParameterNotFound', key: 'nope' })
    })

    it('backs off a throttled key and serves stale meanwhile where its policy allows', async () => {
      let t = 2_000_000
      const { invoke, events } = world.middleware({
        fetchData: { db: secret('db', { maxAge: 1000, staleIfError: 60_000 }) },
        setToContext: true,
        disablePrefetch: true,
        now: () => t,
      })
      await invoke()
      world.emu.throttle(true)
      world.emu.flushCache()
      world.aws.throttle(100)
      t += 1000
      expect((await invoke()).db).toEqual({ password: 'pw-1' })
      const layerCalls = world.emu.requests.length
      const awsCalls = world.aws.calls.length
      t += 1
      expect((await invoke()).db).toEqual({ password: 'pw-1' })
      expect([world.emu.requests.length, world.aws.calls.length]).toEqual([layerCalls, awsCalls])
      expect(events.filter((e) => e.source === 'stale').map((e) => e.errorCode)).toEqual([
        'ThrottlingException',
        'ThrottlingException',
      ])
    })
  })

  describe('agent profile', () => {
    it('passes AWS errors with their code and status', async () => {
      world = await startWorld({ profile: 'agent', secrets: SECRETS })
      world.emu.denyAccess('secret', 'db')
      const { invoke } = world.middleware({
        transport: 'extension',
        fetchData: { db: 'db' },
        disablePrefetch: true,
      })
      await expect(invoke()).rejects.toMatchObject({
        code: 'AccessDeniedException',
        status: 400,
        key: 'db',
        source: 'extension',
      })
    })

    it('takes the SnapStart token (AWS_CONTAINER_AUTHORIZATION_TOKEN) when there is no session token', async () => {
      const saved = { ...process.env }
      for (const name of ['AWS_TOKEN', 'AWS_SESSION_TOKEN']) delete process.env[name]
      process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN = 'snapstart-token'
      try {
        world = await startWorld({ profile: 'agent', secrets: SECRETS })
        const { startExtensionEmulator } = await import('../../src/testing/index.ts')
        const agent = await startExtensionEmulator({ profile: 'agent', secrets: SECRETS })
        expect(agent.token).toBe('snapstart-token')
        const { default: paramsSecrets } = await import('../../src/index.ts')
        const mw = paramsSecrets({
          transport: 'extension',
          extension: { port: agent.port },
          fetchData: { db: 'db' },
          disablePrefetch: true,
        })
        const request = {
          internal: {} as Record<string, unknown>,
          context: lambdaContext() as any,
          event: {},
          response: undefined,
          error: undefined,
        }
        await mw.before!(request as any)
        expect(request.internal.db).toEqual({ password: 'pw-1' })
        await mw.close()
        await agent.close()
      } finally {
        process.env = saved
      }
    })

    it('rotation: refreshOnError sends refreshNow=true to the agent and gets the new value at once', async () => {
      world = await startWorld({ profile: 'agent', secrets: SECRETS })
      const { invoke, mw } = world.middleware({
        extension: { refreshNow: true },
        fetchData: { db: secret('db', { refreshOnError: () => true }) },
        setToContext: true,
        disablePrefetch: true,
      })
      expect((await invoke()).db).toEqual({ password: 'pw-1' })
      world.rotate('db', '{"password":"pw-2"}')
      expect((await invoke()).db).toEqual({ password: 'pw-1' })
      mw.invalidate('db')
      expect((await invoke()).db).toEqual({ password: 'pw-2' })
      expect(world.emu.requests.at(-1)?.query).toEqual({ secretId: 'db', refreshNow: 'true' })
      expect(sdkCalls(world)).toBe(0)
    })
  })

  describe('rotation through the layer', () => {
    it('gets the new value on the very next invocation after refreshOnError, past the layer TTL cache', async () => {
      world = await startWorld({ secrets: SECRETS })
      const { mw, events } = world.middleware({
        fetchData: {
          db: secret('db', {
            refreshOnError: (e) => (e as Error).message === 'password authentication failed',
          }),
        },
        setToContext: true,
        disablePrefetch: true,
      })
      const middy = (await import('@middy/core')).default
      const passwords: string[] = []
      let current = 'pw-1'
      const handler = middy(async (_e: unknown, context: any) => {
        passwords.push(context.db.password)
        if (context.db.password !== current) throw new Error('password authentication failed')
      }).use(mw)
      await handler({}, lambdaContext())
      world.rotate('db', '{"password":"pw-2"}')
      current = 'pw-2'
      await expect(handler({}, lambdaContext())).rejects.toThrow('password authentication failed')
      await handler({}, lambdaContext())
      expect(passwords).toEqual(['pw-1', 'pw-1', 'pw-2'])
      expect(events.at(-1)).toMatchObject({ key: 'db', source: 'sdk', forced: true })
      // the layer itself still answers the old value from its TTL cache
      expect(world.emu.requests).toHaveLength(1)
    })

    it("without the SDK ('extension'), a forced refresh is an ordinary request: the layer TTL applies", async () => {
      world = await startWorld({ secrets: SECRETS })
      const { invoke, mw } = world.middleware({
        transport: 'extension',
        fetchData: { db: 'db' },
        setToContext: true,
        disablePrefetch: true,
      })
      await invoke()
      world.rotate('db', '{"password":"pw-2"}')
      mw.invalidate('db')
      expect((await invoke()).db).toEqual({ password: 'pw-1' })
      expect(world.emu.requests.at(-1)?.query).toEqual({ secretId: 'db' })
    })
  })

  describe('INIT phase', () => {
    it('a prefetch meeting "not ready" stops at once and leaves the key to the first invocation', async () => {
      world = await startWorld({ secrets: SECRETS, ready: false })
      const { invoke, events } = world.middleware({ fetchData: { db: 'db' }, setToContext: true })
      await eventually(() => events.length === 1)
      expect(events[0]).toMatchObject({ errorCode: 'ExtensionNotReady' })
      expect(world.emu.requests).toHaveLength(1)
      expect(sdkCalls(world)).toBe(0)
      world.emu.ready()
      expect((await invoke()).db).toEqual({ password: 'pw-1' })
      expect(world.emu.requests).toHaveLength(2)
      expect(sdkCalls(world)).toBe(0)
      expect(events.map((e) => e.errorCode ?? e.source)).toEqual(['ExtensionNotReady', 'extension'])
    })

    it('the first invocation racing readiness by a few ms retries and gets the value from the layer', async () => {
      world = await startWorld({ secrets: SECRETS, ready: false })
      const { invoke } = world.middleware({
        fetchData: { db: 'db' },
        setToContext: true,
        disablePrefetch: true,
      })
      // the layer gets ready once it has answered the first request "not ready"
      const ready = eventually(() => world.emu.requests.length >= 1).then(() => world.emu.ready())
      expect((await invoke()).db).toEqual({ password: 'pw-1' })
      await ready
      expect(world.emu.requests.length).toBeGreaterThan(1)
      expect(sdkCalls(world)).toBe(0)
    })

    it('racing readiness with a prefetch still in flight', async () => {
      world = await startWorld({ secrets: SECRETS, ready: false })
      const { invoke } = world.middleware({ fetchData: { db: 'db' }, setToContext: true })
      // the invocation starts at once, joining the prefetch; the layer gets ready once it has
      // answered the prefetch's first request "not ready"
      const ready = eventually(() => world.emu.requests.length >= 1).then(() => world.emu.ready())
      expect((await invoke()).db).toEqual({ password: 'pw-1' })
      await ready
      expect(world.emu.requests.length).toBeGreaterThan(1)
      expect(sdkCalls(world)).toBe(0)
    })

    it("a layer that never gets ready: 'auto' uses the SDK after the window", async () => {
      world = await startWorld({ secrets: SECRETS, ready: false })
      const { invoke, events } = world.middleware({ fetchData: { db: 'db' }, setToContext: true })
      expect((await invoke()).db).toEqual({ password: 'pw-1' })
      expect(events.at(-1)).toMatchObject({ source: 'sdk' })
      expect(sdkCalls(world)).toBe(1)
    })

    it("a layer that never gets ready: 'extension' raises ExtensionNotReady", async () => {
      world = await startWorld({ secrets: SECRETS, ready: false })
      const { invoke } = world.middleware({ transport: 'extension', fetchData: { db: 'db' } })
      await expect(invoke()).rejects.toMatchObject({ code: 'ExtensionNotReady', key: 'db' })
    })

    it('keeps the not-ready window within the remaining time', async () => {
      world = await startWorld({ secrets: SECRETS, ready: false })
      const { invoke } = world.middleware({
        transport: 'extension',
        fetchData: { db: 'db' },
        disablePrefetch: true,
      })
      // 400 ms left: the budget is 320 ms (a fifth kept for the handler), so the 500 ms window is
      // cut to it: each retry waits 20 ms, so at most 17 requests fit. On a loaded machine one slow
      // request can meet the budget itself (Timeout): either way the wait ends within it.
      await expect(invoke(400)).rejects.toMatchObject({
        code: expect.stringMatching(/^(ExtensionNotReady|Timeout)$/),
      })
      expect(world.emu.requests.length).toBeGreaterThanOrEqual(1)
      expect(world.emu.requests.length).toBeLessThanOrEqual(17)
    })
  })

  describe('prefetch failures never fail the first invocation', () => {
    it('the agent packaged as an extension: refused at module load, served by it from the first invocation', async () => {
      world = await startWorld({ profile: 'agent', secrets: SECRETS, ready: false })
      const { invoke, events } = world.middleware({
        extension: { refreshNow: true },
        fetchData: { db: 'db', bin: 'bin' },
        setToContext: true,
      })
      // refused during INIT: the SDK prefetched the keys
      await eventually(() => events.length === 2)
      expect(events.map((e) => e.source)).toEqual(['sdk', 'sdk'])
      world.emu.ready()
      world.emu.putSecret('db', '{"password":"from-agent"}')
      const mwOther = world.middleware({
        extension: { refreshNow: true },
        fetchData: { db: 'db' },
        setToContext: true,
        disablePrefetch: true,
      })
      expect((await invoke()).db).toEqual({ password: 'pw-1' })
      // a key fetched at the first invocation goes to the agent, now listening
      expect((await mwOther.invoke()).db).toEqual({ password: 'from-agent' })
      expect(mwOther.events.at(-1)).toMatchObject({ source: 'extension' })
    })

    it('a throttled prefetch does not put the key in backoff for the first invocation', async () => {
      world = await startWorld({ secrets: SECRETS })
      await world.emu.pause()
      world.aws.throttle(1)
      const { invoke, events } = world.middleware({ fetchData: { db: 'db' }, setToContext: true })
      await eventually(() => events.length === 1)
      expect(events[0]).toMatchObject({ errorCode: 'ThrottlingException' })
      expect((await invoke()).db).toEqual({ password: 'pw-1' })
    })

    it('emits an event for a value that fails to decode (json: true)', async () => {
      world = await startWorld({ secrets: { text: 'not json' } })
      const { invoke, events } = world.middleware({
        fetchData: { t: secret('text', { json: true }) },
        disablePrefetch: true,
      })
      await expect(invoke()).rejects.toMatchObject({ code: 'InvalidJson', key: 't' })
      expect(events).toEqual([
        expect.objectContaining({ key: 't', source: 'extension', errorCode: 'InvalidJson' }),
      ])
    })

    it("refuses fetchRotationDate with transport 'extension' at construction", async () => {
      world = await startWorld({ secrets: SECRETS })
      expect(() =>
        world.middleware({ transport: 'extension', fetchData: { db: 'db' }, fetchRotationDate: true }),
      ).toThrow(expect.objectContaining({ code: 'InvalidOptions' }))
    })
  })

  describe('tokens and values', () => {
    it("with no token at all, 'auto' uses the SDK", async () => {
      world = await startWorld({ secrets: SECRETS })
      const saved = { ...process.env }
      for (const name of ['AWS_TOKEN', 'AWS_SESSION_TOKEN', 'AWS_CONTAINER_AUTHORIZATION_TOKEN'])
        delete process.env[name]
      try {
        const { default: paramsSecrets } = await import('../../src/index.ts')
        const mw = paramsSecrets({
          extension: { port: world.emu.port },
          awsClientOptions: world.sdkOptions,
          fetchData: { db: 'db' },
          disablePrefetch: true,
        })
        const request = { internal: {} as Record<string, unknown>, context: lambdaContext() as any }
        await mw.before!(request as any)
        expect(request.internal.db).toEqual({ password: 'pw-1' })
        expect(world.emu.requests).toHaveLength(0)
        await mw.close()
      } finally {
        process.env = saved
      }
    })

    it('gives identical values whichever path fetched them, binary secrets included', async () => {
      world = await startWorld({ secrets: SECRETS, parameters: PARAMETERS })
      const fetchData = { db: 'db', bin: 'bin', a: { parameter: '/p/a' }, c: { parameter: '/p/c' } }
      const viaLayer = await world
        .middleware({ transport: 'extension', fetchData, setToContext: true })
        .invoke()
      const viaSdk = await world.middleware({ transport: 'sdk', fetchData, setToContext: true }).invoke()
      for (const key of Object.keys(fetchData)) expect(viaSdk[key]).toEqual(viaLayer[key])
      expect(viaLayer.bin).toEqual(Buffer.from([0, 159, 146, 150]))
      // each path really ran: the layer answered the first instance (the token sent, redacted in
      // its log), the SDK the second
      expect(world.emu.requests).toHaveLength(4)
      for (const r of world.emu.requests) {
        expect(r.status).toBe(200)
        expect(r.headers['x-aws-parameters-secrets-token']).toBe('[redacted]')
      }
      // the two secrets in one BatchGetSecretValue, the two parameters in one GetParameters
      expect(
        sdkCalls(world, 'BatchGetSecretValue') + sdkCalls(world, 'GetSecretValue'),
      ).toBeGreaterThanOrEqual(1)
      expect(sdkCalls(world, 'GetParameters') + sdkCalls(world, 'GetParameter')).toBeGreaterThanOrEqual(1)
    })
  })
})
