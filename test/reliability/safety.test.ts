/**
 * Host safety: the transport only ever connects to 127.0.0.1, and no option or variable can point
 * it elsewhere. Process safety: no process-wide handlers, nothing left keeping a process alive
 * after close(), close() releases the pool, and the timers an invocation waits on keep it alive.
 */
import diagnosticsChannel from 'node:diagnostics_channel'
import type { Socket } from 'node:net'
import paramsSecrets, { ParamsSecretsError, secret } from '../../src/index.ts'
import { startExtensionEmulator } from '../../src/testing/index.ts'
import { eventually, lambdaContext } from '../helpers/lambda.ts'
import { startWorld, TOKEN, type World } from '../helpers/world.ts'
import { listenerCounts } from './process-listeners.ts'
import { runChild } from './run-child.ts'

/**
 * Records every client socket the process opens (`net.client.socket`: node:http and undici both
 * connect through `net`), with where each one connected.
 */
const watchConnections = () => {
  const connects: Array<{ address: string | undefined; port: number | undefined }> = []
  const sockets: Socket[] = []
  const onSocket = (message: unknown) => {
    const { socket } = message as { socket: Socket }
    sockets.push(socket)
    socket.once('connect', () => connects.push({ address: socket.remoteAddress, port: socket.remotePort }))
  }
  diagnosticsChannel.subscribe('net.client.socket', onSocket)
  return {
    connects,
    sockets,
    stop: () => diagnosticsChannel.unsubscribe('net.client.socket', onSocket),
  }
}

const invokeOnce = async (mw: ReturnType<typeof paramsSecrets>) => {
  const request = { internal: {} as Record<string, unknown>, context: lambdaContext() as any }
  await mw.before!(request as any)
  return request.internal
}

const withEnv = async <T>(
  vars: Record<string, string | undefined>,
  run: () => Promise<T> | T,
): Promise<T> => {
  const saved = { ...process.env }
  for (const [name, value] of Object.entries(vars)) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
  try {
    return await run()
  } finally {
    process.env = saved
  }
}

describe('host safety', () => {
  let world: World | undefined
  afterEach(async () => {
    await world?.close()
    world = undefined
  })

  it('connects to 127.0.0.1 on the configured port only, whatever the proxy variables say', async () => {
    const w = await startWorld({ secrets: { db: 'v1' }, ttlSeconds: { secrets: 0 } })
    world = w
    const watch = watchConnections()
    try {
      await withEnv(
        {
          HTTP_PROXY: 'http://example.com:3128',
          HTTPS_PROXY: 'http://example.com:3128',
          http_proxy: 'http://example.com:3128',
          NO_PROXY: '',
          PARAMETERS_SECRETS_EXTENSION_HOST: 'example.com',
        },
        async () => {
          for (const transport of ['extension', 'auto'] as const) {
            const { invoke } = w.middleware({ transport, fetchData: { db: 'db' }, setToContext: true })
            expect((await invoke()).db).toBe('v1')
          }
          // a connection reset makes the pool connect again: the same place
          w.emu.inject({ kind: 'secret', id: 'db', drop: 'before-response', times: 1 })
          const { invoke } = w.middleware({
            transport: 'extension',
            fetchData: { db: 'db' },
            setToContext: true,
          })
          expect((await invoke()).db).toBe('v1')
        },
      )
    } finally {
      watch.stop()
    }
    expect(watch.connects.length).toBeGreaterThanOrEqual(3)
    for (const where of watch.connects) expect(where).toEqual({ address: '127.0.0.1', port: w.emu.port })
  })

  const badPorts = [
    'example.com:80',
    'example.com',
    '0x7f.1',
    '127.0.0.1:2773',
    'localhost',
    '[::1]:2773',
    '2773/evil',
    '2773?x=1',
    ' 2773',
    '2773 ',
    '+2773',
    '-1',
    '0',
    '65536',
    '99999',
    '1e3',
    '2773.0',
    '0x0ad5',
    '２７７３',
  ]

  it.each(badPorts)(
    'PARAMETERS_SECRETS_EXTENSION_HTTP_PORT=%j is refused with InvalidOptions',
    async (value) => {
      await withEnv({ PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: value }, () => {
        let error: unknown
        try {
          paramsSecrets({ fetchData: { db: 'db' }, disablePrefetch: true, extension: { token: 't' } })
        } catch (e) {
          error = e
        }
        expect(error).toBeInstanceOf(ParamsSecretsError)
        expect(error).toMatchObject({ code: 'InvalidOptions', source: 'options' })
        expect((error as Error).message).toContain('PARAMETERS_SECRETS_EXTENSION_HTTP_PORT')
      })
    },
  )

  it.each<unknown>([...badPorts, 0, -1, 65_536, 1.5, Number.NaN, Number.POSITIVE_INFINITY, true, {}, [2773]])(
    'extension.port %p is refused with InvalidOptions',
    (port) => {
      expect(() =>
        paramsSecrets({ disablePrefetch: true, extension: { port: port as number, token: 't' } }),
      ).toThrow(expect.objectContaining({ code: 'InvalidOptions', key: undefined }))
    },
  )

  it.each([
    { host: 'example.com' },
    { hostname: '10.0.0.1' },
    { url: 'http://example.com:2773' },
    { origin: 'x' },
  ])('extension %p: there is no option to choose the host', (extension) => {
    expect(() =>
      paramsSecrets({ disablePrefetch: true, extension: { token: 't', ...(extension as object) } }),
    ).toThrow(expect.objectContaining({ code: 'InvalidOptions' }))
  })

  it('a valid port variable is used (the refusals above are not a refusal of everything)', async () => {
    const emu = await startExtensionEmulator({ token: 't', secrets: { db: 'v1' } })
    try {
      await withEnv({ PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(emu.port) }, async () => {
        const mw = paramsSecrets({
          transport: 'extension',
          fetchData: { db: 'db' },
          disablePrefetch: true,
          extension: { token: 't' },
        })
        expect((await invokeOnce(mw)).db).toBe('v1')
        await mw.close()
      })
    } finally {
      await emu.close()
    }
  })
})

describe('process safety', () => {
  it('installs no process-wide handler: building, invoking (faults, stale, SDK) and closing', async () => {
    const before = listenerCounts()
    const world = await startWorld({ secrets: { db: 'v1', other: 'o1' }, ttlSeconds: { secrets: 0 } })
    try {
      let t = 1_000_000
      const { invoke, mw } = world.middleware({
        fetchData: { db: secret('db', { maxAge: 10, staleWhileRevalidate: 1000 }), other: 'other' },
        setToContext: true,
        now: () => t,
      })
      await invoke()
      t += 10
      world.emu.inject({ status: 503, times: 1 })
      await invoke()
      world.emu.denyAccess('secret', 'other')
      mw.invalidate('other')
      await invoke()
      await mw.close()
    } finally {
      await world.close()
    }
    expect(listenerCounts()).toEqual(before)
  })

  it('a child that imports the package, runs every path and closes everything exits by itself', async () => {
    const child = await runChild('safety-child.ts', ['lifecycle'], { deadlineMs: 15_000 })
    expect({ timedOut: child.timedOut, code: child.code, stderr: child.stderr }).toEqual({
      timedOut: false,
      code: 0,
      stderr: '',
    })
    const report = JSON.parse(child.stdout.trim().split('\n').at(-1)!)
    expect(report.outcomes).toEqual(Array(3).fill(['value-a', 'value-b', 'value-p']))
    // the run covered the background refresh that times out
    expect(report.refreshA).toBe('Timeout')
    const { beforeImport, afterImport, afterRun, afterClose } = report.listeners
    expect(afterImport).toEqual(beforeImport)
    expect(afterRun).toEqual(beforeImport)
    expect(afterClose).toEqual(beforeImport)
    expect(report.resources).toEqual([])
  })

  it('close() releases the pool: every socket it opened is closed, and close() may be called again', async () => {
    const world = await startWorld({ secrets: { a: 'va', b: 'vb', c: 'vc' }, ttlSeconds: { secrets: 0 } })
    const watch = watchConnections()
    try {
      const { mw } = world.middleware({
        transport: 'extension',
        fetchData: { a: 'a', b: 'b', c: 'c' },
        disablePrefetch: true,
        extension: { connections: 3 },
      })
      world.emu.inject({ delayMs: 20 })
      expect(await invokeOnce(mw)).toEqual({ a: 'va', b: 'vb', c: 'vc' })
      // The first requests go through node:http, whose sockets close once undici's pool has
      // loaded; fetch again until the pool has connected (it keeps its sockets alive).
      const poolSockets: unknown[] = []
      const onPoolSocket = (message: unknown) => poolSockets.push(message)
      diagnosticsChannel.subscribe('undici:client:connected', onPoolSocket)
      try {
        await eventually(() => {
          mw.invalidate()
          void invokeOnce(mw).catch(() => undefined)
          return poolSockets.length > 0
        }, 5000)
      } finally {
        diagnosticsChannel.unsubscribe('undici:client:connected', onPoolSocket)
      }
      mw.invalidate()
      await invokeOnce(mw)
      expect(watch.sockets.length).toBeGreaterThanOrEqual(1)
      expect(watch.sockets.some((s) => !s.destroyed)).toBe(true)
      await mw.close()
      await new Promise((resolve) => setImmediate(resolve))
      expect(watch.sockets.every((s) => s.destroyed)).toBe(true)
      await expect(mw.close()).resolves.toBeUndefined()
    } finally {
      watch.stop()
      await world.close()
    }
  })

  describe('timers an invocation waits on keep the process alive', () => {
    // The retry backoff and the not-ready step are timers the invocation awaits: they must stay
    // ref'd, or, with nothing else holding the event loop (an idle undici socket is unref'd), the
    // loop would empty mid-invocation and the Lambda runtime's beforeExit hook would answer with a
    // null result before the handler ran. Only work nobody waits for (a background refresh) may be
    // unref'd. These tests keep it so.
    let emu: Awaited<ReturnType<typeof startExtensionEmulator>>
    /** Called with each line the layer logs, as it answers. */
    let onLayerLog: (line: string) => void = () => undefined
    beforeEach(async () => {
      emu = await startExtensionEmulator({
        token: TOKEN,
        secrets: { a: 'value-a' },
        ttlSeconds: { secrets: 0 },
        log: (line) => onLayerLog(line),
      })
    })
    afterEach(async () => {
      onLayerLog = () => undefined
      await emu.close()
    })

    const runAwaited = () =>
      runChild('safety-child.ts', ['awaited', String(emu.port), TOKEN], { deadlineMs: 10_000 })

    it('a plain answer: the value (the child itself works)', async () => {
      const child = await runAwaited()
      expect(child.timedOut).toBe(false)
      expect(JSON.parse(child.stdout.trim())).toEqual({ outcome: 'value', value: 'value-a' })
    })

    it('a 503 retried after its backoff: the value, not an emptied loop', async () => {
      emu.inject({ kind: 'secret', id: 'a', status: 503, times: 1 })
      const child = await runAwaited()
      expect(child.timedOut).toBe(false)
      expect(JSON.parse(child.stdout.trim())).toEqual({ outcome: 'value', value: 'value-a' })
      expect(emu.requests).toHaveLength(2)
    })

    it('the not-ready window of the first invocation: the value once ready, not an emptied loop', async () => {
      emu.setNotReady()
      // Ready as the layer answers the first "not ready": the child then awaits one not-ready step
      // (the timer whose unref would empty the loop) and must live on to ask again. Readied by the
      // answer itself, not by polling: on a loaded machine a poll of this process came after the
      // child's 500 ms window had ended (ExtensionNotReady instead of the value).
      onLayerLog = (line) => {
        if (!/ 400 /.test(line)) return
        onLayerLog = () => undefined
        emu.ready()
      }
      const child = await runAwaited()
      expect(child.timedOut).toBe(false)
      expect(JSON.parse(child.stdout.trim())).toEqual({ outcome: 'value', value: 'value-a' })
      expect(emu.requests.length).toBeGreaterThan(1)
    })
  })
})
