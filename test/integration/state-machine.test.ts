/**
 * The state machine's promises over real HTTP (the emulator, the loopback AWS JSON server, raw
 * sockets), one test per case of the third-round review; the interleavings themselves are in
 * test/unit/{flight,resolve,select}.test.ts.
 */
import { createServer, type Server, type Socket } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import middy from '@middy/core'
import { processCache } from '@middy/util'
import paramsSecrets, { type ResolutionEvent } from '../../src/index.ts'
import { lambdaContext } from '../helpers/lambda.ts'
import { sdkCalls, startWorld, TOKEN, type World } from '../helpers/world.ts'

/** A TCP server that accepts and never answers (a hung endpoint). */
const silentServer = async () => {
  const sockets = new Set<Socket>()
  const server: Server = createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => undefined)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    accepted: () => sockets.size,
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

const CLOSED_PORT = 1 // nothing listens there: the layer is absent

describe('state machine over HTTP', () => {
  let world: World
  beforeEach(async () => {
    world = await startWorld({ secrets: { db: '{"password":"pw-1"}' }, parameters: { '/p': 'v' } })
  })
  afterEach(async () => {
    await world.close()
  })

  it('case 2: a forced refresh the service throttles fails with the throttle, not the layer cached value', async () => {
    const { mw, invoke, events } = world.middleware({ fetchData: { db: 'db' }, setToContext: true })
    expect((await invoke()).db).toEqual({ password: 'pw-1' })
    world.rotate('db', '{"password":"pw-2"}')
    world.aws.throttle(1)
    mw.invalidate('db')
    const layerBefore = world.emu.requests.length
    await expect(invoke()).rejects.toMatchObject({ code: 'ThrottlingException', key: 'db' })
    expect(world.emu.requests.length).toBe(layerBefore)
    expect(events.at(-1)).toMatchObject({ key: 'db', forced: true, errorCode: 'ThrottlingException' })
  })

  it('case 3: after invalidate() with the service failing, one SDK request per invocation and none to the layer', async () => {
    world.emu.inject({ status: 400, body: 'an unexpected error occurred while executing request' })
    const { mw, invoke } = world.middleware({ fetchData: { db: 'db' }, disablePrefetch: true })
    world.aws.deny('db')
    await expect(invoke()).rejects.toMatchObject({ code: 'AccessDeniedException' })
    const layer = world.emu.requests.length
    const sdk = sdkCalls(world)
    expect([layer, sdk]).toEqual([1, 1])
    mw.invalidate('db')
    for (let i = 0; i < 10; i++)
      await expect(invoke()).rejects.toMatchObject({ code: 'AccessDeniedException' })
    expect(world.emu.requests.length).toBe(layer)
    expect(sdkCalls(world)).toBe(sdk + 10)
  })

  it("case 4: the SDK's default retries do not stack on ours: one HTTP request, attempts 1", async () => {
    const events: ResolutionEvent[] = []
    world.aws.fail('secretsmanager.GetSecretValue', { status: 500, type: 'InternalServiceError' })
    const mw = paramsSecrets({
      transport: 'sdk',
      fetchData: { db: 'db' },
      disablePrefetch: true,
      // The SDK's default retry settings: only the endpoint is given.
      awsClientOptions: { endpoint: world.aws.endpoint },
      onEvent: (e) => events.push(e),
    })
    const handler = middy(async () => 'ok').use(mw)
    await expect(handler({}, lambdaContext())).rejects.toMatchObject({
      code: 'InternalServiceError',
      attempts: 1,
    })
    expect(sdkCalls(world, 'GetSecretValue')).toBe(1)
    expect(events.at(-1)).toMatchObject({ source: 'sdk', attempts: 1 })
    await mw.close()
  })

  it('case 5: an SDK endpoint that never answers ends within the invocation budget (layer absent)', async () => {
    const silent = await silentServer()
    const mw = paramsSecrets({
      fetchData: { db: 'db' },
      disablePrefetch: true,
      extension: { port: CLOSED_PORT, token: TOKEN },
      awsClientOptions: { endpoint: silent.endpoint },
    })
    const handler = middy(async () => 'ok').use(mw)
    // 1.5 s left: the budget is 1.2 s; the test's own timeout (20 s) would catch a hang.
    await expect(handler({}, lambdaContext(1500))).rejects.toMatchObject({ code: 'Timeout', key: 'db' })
    expect(silent.accepted()).toBe(1)
    await mw.close()
    await silent.close()
  })

  it('case 5: a remaining time that is NaN or throws counts as unknown: the not-ready window stays bounded', async () => {
    const emu = await import('../../src/testing/index.ts').then((m) =>
      m.startExtensionEmulator({ token: TOKEN, secrets: { db: 'v' }, ready: false }),
    )
    const mw = paramsSecrets({
      transport: 'extension',
      fetchData: { db: 'db' },
      disablePrefetch: true,
      extension: { port: emu.port, token: TOKEN },
    })
    const handler = middy(async () => 'ok').use(mw)
    for (const getRemainingTimeInMillis of [
      () => Number.NaN,
      () => {
        throw new Error('no deadline here')
      },
    ]) {
      emu.resetLog()
      const context = { ...lambdaContext(), getRemainingTimeInMillis }
      const failure = await handler({}, context).catch((error: unknown) => error)
      expect(failure).toMatchObject({ name: 'ParamsSecretsError', code: 'ExtensionNotReady' })
    }
    // 500 ms windows of 20 ms steps: bounded (an endless loop made hundreds).
    expect(emu.requests.length).toBeLessThanOrEqual(2 * 26)
    await mw.close()
    await emu.close()
  })

  it('case 7: request.internal is written in place on warm invocations', async () => {
    const { mw } = world.middleware({ fetchData: { db: 'db' } })
    const kept = Symbol('other-middleware')
    const internals: Array<Record<string | symbol, unknown>> = []
    const handler = middy(async (_e: unknown, _c: unknown) => 'ok')
      .use({
        before: (request) => {
          const internal = request.internal as Record<string | symbol, unknown>
          internal[kept] = 'symbol value'
          Object.defineProperty(internal, 'hidden', { value: 'non-enumerable', enumerable: false })
          internals.push(internal)
        },
      })
      .use(mw)
      .use({
        before: (request) => {
          internals.push(request.internal as Record<string | symbol, unknown>)
        },
      })
    for (let i = 0; i < 2; i++) await handler({}, lambdaContext())
    // Each invocation: the object the first middleware saw is the one after ours, its data intact.
    expect(internals[2]).toBe(internals[3])
    expect(internals[3]![kept]).toBe('symbol value')
    expect(internals[3]!.hidden).toBe('non-enumerable')
    expect(internals[3]!.db).toEqual({ password: 'pw-1' })
  })

  it('case 8: an async onEvent or refreshOnError that rejects is contained', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      const { invoke } = world.middleware({
        fetchData: {
          db: { secret: 'db', refreshOnError: (async () => Promise.reject(new Error('predicate'))) as any },
        },
        onEvent: (async () => Promise.reject(new Error('listener'))) as any,
      })
      await invoke()
      const handler = world.middleware({
        fetchData: { db: { secret: 'db', refreshOnError: (async () => true) as any } },
      })
      await handler.invoke()
      // Unhandled rejections are reported after the microtask queue drains: let two macrotasks pass.
      await new Promise((resolve) => setImmediate(resolve))
      await new Promise((resolve) => setImmediate(resolve))
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })

  it('case 9: another region in the client options reads through the SDK, never the layer', async () => {
    const { invoke, events } = world.middleware({
      fetchData: { db: 'db' },
      setToContext: true,
      awsClientOptions: { ...world.sdkOptions, region: 'eu-west-1' },
    })
    expect((await invoke()).db).toEqual({ password: 'pw-1' })
    expect(world.emu.requests).toHaveLength(0)
    expect(events.every((e) => e.source === 'sdk' || e.source === 'cache')).toBe(true)
  })

  it('case 10: close() ends a request in flight at once with Closed, and later invocations fail Closed', async () => {
    const silent = await silentServer()
    const port = Number(new URL(silent.endpoint).port)
    const mw = paramsSecrets({
      transport: 'extension',
      fetchData: { db: 'db' },
      disablePrefetch: true,
      extension: { port, token: TOKEN, timeoutMs: 60_000 },
    })
    const handler = middy(async () => 'ok').use(mw)
    const pending = handler({}, lambdaContext(120_000))
    // The request is on the wire once the server has accepted its connection.
    while (silent.accepted() === 0) await new Promise((resolve) => setImmediate(resolve))
    await mw.close()
    await expect(pending).rejects.toMatchObject({ code: 'Closed', key: 'db' })
    await expect(handler({}, lambdaContext())).rejects.toMatchObject({ code: 'Closed' })
    await silent.close()
  })

  it('case 11: a cacheKey another middy middleware already uses is refused, naming it', async () => {
    processCache({ cacheKey: 'shared-key', cacheExpiry: -1 }, () => ({ theirs: 'value' }))
    const { invoke } = world.middleware({ fetchData: { db: 'db' }, cacheKey: 'shared-key' })
    await expect(invoke()).rejects.toMatchObject({
      code: 'InvalidOptions',
      message: expect.stringContaining("'shared-key'"),
    })
  })

  it('case 11: a middy middleware that reads this package cache entry as its own fails naming the key', async () => {
    const { invoke } = world.middleware({ fetchData: { db: 'db' }, cacheKey: 'ours-first' })
    await invoke()
    const { value } = processCache({ cacheKey: 'ours-first', cacheExpiry: -1 }, () => ({ theirs: 1 })) as {
      value: object
    }
    expect(() => Object.assign({}, value)).toThrow(expect.objectContaining({ code: 'InvalidOptions' }))
  })
})
