/**
 * The middleware through the emulator's layer profile over real HTTP, with real middy.
 */
import middy from '@middy/core'
import { clearCache, getInternal } from '@middy/util'
import type { ResolutionEvent } from '../../src/index.ts'
import paramsSecrets, { ParamsSecretsError, parameter, secret } from '../../src/index.ts'
import { type ExtensionEmulator, startExtensionEmulator } from '../../src/testing/index.ts'
import { lambdaContext } from '../helpers/lambda.ts'
import { DOCUMENTED_QUERY } from '../helpers/world.ts'

const TOKEN = 'test-session-token'

describe('middleware', () => {
  let emu: ExtensionEmulator
  const closers: Array<() => Promise<void>> = []

  beforeEach(async () => {
    emu = await startExtensionEmulator({
      token: TOKEN,
      secrets: {
        db: '{"username":"app","password":"pw-1"}',
        'api-key': 'plain-api-key',
        bin: new Uint8Array([0, 1, 2, 255]),
      },
      parameters: {
        '/app/flags': '{"beta":true}',
        '/app/list': { value: 'a,b,c', type: 'StringList' },
        '/app/secure': { value: 'decrypted-value', type: 'SecureString' },
      },
    })
  })

  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()))
    await emu.close()
  })

  const use = <T extends Parameters<typeof paramsSecrets>[0]>(options: T) => {
    const mw = paramsSecrets({
      transport: 'extension',
      extension: { port: emu.port, token: TOKEN },
      ...options,
    })
    closers.push(() => mw.close())
    return mw
  }

  it('puts every value on internal and, with setToContext, on context', async () => {
    const seen: Record<string, unknown> = {}
    const handler = middy(async (_event: unknown, context: any) => {
      Object.assign(seen, {
        db: context.db,
        api_key: context.api_key,
        flags: context.flags,
        list: context.list,
        secure: context.secure,
        bin: context.bin,
      })
    }).use(
      use({
        fetchData: {
          db: secret<{ username: string; password: string }>('db'),
          'api-key': 'api-key',
          flags: parameter('/app/flags'),
          list: parameter('/app/list'),
          secure: parameter('/app/secure'),
          bin: 'bin',
        },
        setToContext: true,
      }),
    )
    await handler({}, lambdaContext())
    expect(seen).toEqual({
      db: { username: 'app', password: 'pw-1' },
      api_key: 'plain-api-key',
      flags: { beta: true },
      list: ['a', 'b', 'c'],
      secure: 'decrypted-value',
      bin: Buffer.from([0, 1, 2, 255]),
    })
  })

  it('works with getInternal of @middy/util, dotted paths included', async () => {
    let got: unknown
    const handler = middy(async () => undefined)
      .use(use({ fetchData: { db: 'db' } }))
      .before(async (request) => {
        got = await getInternal({ user: 'db.username', all: 'db' }, request)
      })
    await handler({}, lambdaContext())
    expect(got).toEqual({ user: 'app', all: { username: 'app', password: 'pw-1' } })
  })

  it('keeps what earlier middlewares put on internal, and internal inherits nothing on warm invocations', async () => {
    const seen: Array<Record<string, unknown>> = []
    const handler = middy(async () => undefined)
      .before((request) => {
        if ((request.event as { seed?: boolean }).seed)
          (request.internal as Record<string, unknown>).earlier = 'kept'
      })
      .use(use({ fetchData: { db: 'db', key: 'api-key' }, disablePrefetch: true }))
      .before(async (request) => {
        const internal = request.internal as Record<string, unknown>
        seen.push({
          ...(await getInternal(true, request)),
          toString: 'toString' in internal,
          constructor: 'constructor' in internal,
        })
      })
    await handler({}, lambdaContext())
    await handler({}, lambdaContext())
    await handler({ seed: true }, lambdaContext())
    const values = {
      db: { username: 'app', password: 'pw-1' },
      key: 'plain-api-key',
      toString: false,
      constructor: false,
    }
    expect(seen).toEqual([values, values, { ...values, earlier: 'kept' }])
  })

  it('prefetches at module load, so the first invocation sends nothing more', async () => {
    const mw = use({ fetchData: { db: 'db', flags: parameter('/app/flags') } })
    const handler = middy(async () => undefined).use(mw)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(emu.requests).toHaveLength(2)
    await handler({}, lambdaContext())
    await handler({}, lambdaContext())
    expect(emu.requests).toHaveLength(2)
  })

  it('fetches nothing before the first invocation with disablePrefetch', async () => {
    const handler = middy(async () => undefined).use(use({ fetchData: { db: 'db' }, disablePrefetch: true }))
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(emu.requests).toHaveLength(0)
    await handler({}, lambdaContext())
    expect(emu.requests).toHaveLength(1)
  })

  it('sends the token header and only documented query parameters', async () => {
    const handler = middy(async () => undefined).use(
      use({
        fetchData: {
          a: secret('db', { versionStage: 'AWSCURRENT' }),
          b: parameter('/app/flags', { version: 1 }),
          c: parameter('/app/secure', { label: undefined }),
        },
        disablePrefetch: true,
      }),
    )
    await handler({}, lambdaContext())
    for (const request of emu.requests) {
      expect(request.headers['x-aws-parameters-secrets-token']).toBe('[redacted]')
      expect(request.status).toBe(200)
      for (const name of Object.keys(request.query)) expect(DOCUMENTED_QUERY.has(name)).toBe(true)
    }
    expect(emu.requests.map((r) => r.query)).toEqual(
      expect.arrayContaining([
        { secretId: 'db', versionStage: 'AWSCURRENT' },
        { name: '/app/flags', version: '1', withDecryption: 'true' },
        { name: '/app/secure', withDecryption: 'true' },
      ]),
    )
  })

  it('round-trips hard names through the URL', async () => {
    const names = [
      'with space',
      'plus+sign',
      'amp&er=sand',
      'hash#tag',
      'per%cent',
      'ünï/cødé',
      'a:b/c',
      '/x y/z+1',
    ]
    for (const name of names) emu.putSecret(name, `value of ${name}`)
    const fetchData = Object.fromEntries(names.map((name, i) => [`k${i}`, name]))
    let internal: Record<string, unknown> = {}
    const handler = middy(async () => undefined)
      .use(use({ fetchData, disablePrefetch: true }))
      .before((request) => {
        internal = { ...request.internal }
      })
    await handler({}, lambdaContext())
    names.forEach((name, i) => {
      expect(internal[`k${i}`]).toBe(`value of ${name}`)
    })
  })

  it('decodes JSON as auto, strict or raw per key', async () => {
    emu.putSecret('num', '123')
    emu.putSecret('bad', '{oops')
    let ctx: any
    const handler = middy(async (_e: unknown, context: any) => {
      ctx = context
    }).use(
      use({
        fetchData: { num: 'num', raw: secret('db', { json: false }), strict: secret('num', { json: true }) },
        setToContext: true,
      }),
    )
    await handler({}, lambdaContext())
    expect([ctx.num, ctx.raw, ctx.strict]).toEqual(['123', '{"username":"app","password":"pw-1"}', 123])

    const failing = middy(async () => undefined).use(
      use({ fetchData: { bad: secret('bad', { json: true }) } }),
    )
    await expect(failing({}, lambdaContext())).rejects.toMatchObject({ code: 'InvalidJson', key: 'bad' })
  })

  it('sends one request per key for 20 concurrent cold invocations', async () => {
    const handler = middy(async (_e: unknown, context: any) => context.db.password).use(
      use({
        fetchData: { db: 'db', flags: parameter('/app/flags') },
        setToContext: true,
        disablePrefetch: true,
      }),
    )
    const results = await Promise.all(Array.from({ length: 20 }, () => handler({}, lambdaContext())))
    expect(new Set(results)).toEqual(new Set(['pw-1']))
    expect(emu.requests).toHaveLength(2)
  })

  it('refetches a key after its own maxAge and leaves fresh keys alone', async () => {
    let t = 1_000_000
    const handler = middy(async () => undefined).use(
      use({
        fetchData: { db: secret('db', { maxAge: 1000 }), key: 'api-key' },
        disablePrefetch: true,
        now: () => t,
      }),
    )
    await handler({}, lambdaContext())
    expect(emu.requests).toHaveLength(2)
    t += 999
    await handler({}, lambdaContext())
    expect(emu.requests).toHaveLength(2)
    t += 1
    await handler({}, lambdaContext())
    expect(emu.requests.map((r) => r.id)).toEqual(expect.arrayContaining(['db', 'api-key']))
    expect(emu.requests.slice(2).map((r) => r.id)).toEqual(['db'])
  })

  it('fetches on every invocation with cacheExpiry 0, and does not prefetch', async () => {
    const handler = middy(async () => undefined).use(use({ fetchData: { db: 'db' }, cacheExpiry: 0 }))
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(emu.requests).toHaveLength(0)
    await handler({}, lambdaContext())
    await handler({}, lambdaContext())
    expect(emu.requests).toHaveLength(2)
  })

  it('refetches after clearCache of @middy/util, for its cacheKey or all', async () => {
    const handler = middy(async () => undefined).use(
      use({ fetchData: { db: 'db' }, cacheKey: 'mine', disablePrefetch: true }),
    )
    await handler({}, lambdaContext())
    await handler({}, lambdaContext())
    expect(emu.requests).toHaveLength(1)
    clearCache(['other'])
    await handler({}, lambdaContext())
    expect(emu.requests).toHaveLength(1)
    clearCache(['mine'])
    await handler({}, lambdaContext())
    expect(emu.requests).toHaveLength(2)
    clearCache()
    await handler({}, lambdaContext())
    expect(emu.requests).toHaveLength(3)
  })

  it('keeps two instances with the same cacheKey apart', async () => {
    const a = middy(async (_e: unknown, c: any) => c.v).use(
      use({ fetchData: { v: 'db' }, setToContext: true }),
    )
    const b = middy(async (_e: unknown, c: any) => c.v).use(
      use({ fetchData: { v: 'api-key' }, setToContext: true }),
    )
    expect(await a({}, lambdaContext())).toEqual({ username: 'app', password: 'pw-1' })
    expect(await b({}, lambdaContext())).toBe('plain-api-key')
    expect(await a({}, lambdaContext())).toEqual({ username: 'app', password: 'pw-1' })
  })

  it('reports access denied through the layer as ExtensionRequestFailed with the key and the fix', async () => {
    emu.denyAccess('secret', 'db')
    const handler = middy(async () => undefined).use(use({ fetchData: { db: 'db' } }))
    const error = (await handler({}, lambdaContext()).catch((e) => e)) as ParamsSecretsError
    expect(error).toBeInstanceOf(ParamsSecretsError)
    expect(error).toMatchObject({
      code: 'ExtensionRequestFailed',
      status: 400,
      key: 'db',
      source: 'extension',
    })
    expect(error.message).toContain('secretsmanager:GetSecretValue')
    expect(error.message).toContain('log group')
    expect(error.message).not.toMatch(/JSON|Unexpected token/)
  })

  it('drops a failed key and fetches it again on the next invocation; other keys stay cached', async () => {
    emu.denyAccess('secret', 'db')
    const handler = middy(async () => undefined).use(use({ fetchData: { db: 'db', key: 'api-key' } }))
    await expect(handler({}, lambdaContext())).rejects.toMatchObject({ key: 'db' })
    emu.allowAccess('secret', 'db')
    emu.flushCache()
    await handler({}, lambdaContext())
    const ids = emu.requests.map((r) => r.id)
    expect(ids.filter((id) => id === 'api-key')).toHaveLength(1)
    expect(ids.filter((id) => id === 'db').length).toBeGreaterThanOrEqual(2)
  })

  it('never fails the first invocation because the prefetch failed', async () => {
    emu.denyAccess('secret', 'db')
    const mw = use({ fetchData: { db: 'db' }, setToContext: true })
    await new Promise((resolve) => setTimeout(resolve, 50))
    emu.allowAccess('secret', 'db')
    emu.flushCache()
    const handler = middy(async (_e: unknown, c: any) => c.db.username).use(mw)
    await expect(handler({}, lambdaContext())).resolves.toBe('app')
  })

  it('raises MissingToken with transport extension and no token', async () => {
    const saved = { ...process.env }
    for (const name of ['AWS_TOKEN', 'AWS_SESSION_TOKEN', 'AWS_CONTAINER_AUTHORIZATION_TOKEN'])
      delete process.env[name]
    try {
      const mw = paramsSecrets({
        transport: 'extension',
        extension: { port: emu.port },
        fetchData: { db: 'db' },
      })
      closers.push(() => mw.close())
      const handler = middy(async () => undefined).use(mw)
      await expect(handler({}, lambdaContext())).rejects.toMatchObject({ code: 'MissingToken', key: 'db' })
      expect(emu.requests).toHaveLength(0)
    } finally {
      process.env = saved
    }
  })

  it('emits one event per key resolution, never the value', async () => {
    const events: ResolutionEvent[] = []
    const handler = middy(async () => undefined).use(
      use({
        fetchData: { db: 'db', flags: parameter('/app/flags') },
        disablePrefetch: true,
        onEvent: (e) => events.push(e),
      }),
    )
    await handler({}, lambdaContext())
    await handler({}, lambdaContext())
    expect(events.map((e) => [e.key, e.kind, e.source])).toEqual([
      ['db', 'secret', 'extension'],
      ['flags', 'parameter', 'extension'],
      ['db', 'secret', 'cache'],
      ['flags', 'parameter', 'cache'],
    ])
    expect(events[0]).toMatchObject({ id: 'db', attempts: 1 })
    expect(JSON.stringify(events)).not.toContain('pw-1')
  })

  it('retries a 503 with backoff and serves the value', async () => {
    emu.inject({ kind: 'secret', id: 'db', status: 503, body: 'busy', times: 2 })
    const events: ResolutionEvent[] = []
    const handler = middy(async (_e: unknown, c: any) => c.db.username).use(
      use({
        fetchData: { db: 'db' },
        setToContext: true,
        disablePrefetch: true,
        onEvent: (e) => events.push(e),
      }),
    )
    await expect(handler({}, lambdaContext())).resolves.toBe('app')
    expect(events[0]).toMatchObject({ source: 'extension', attempts: 3 })
  })

  it('times out a request that outruns extension.timeoutMs', async () => {
    emu.inject({ kind: 'secret', id: 'db', delayMs: 500 })
    const mw = paramsSecrets({
      transport: 'extension',
      extension: { port: emu.port, token: TOKEN, timeoutMs: 100 },
      fetchData: { db: 'db' },
      disablePrefetch: true,
    })
    closers.push(() => mw.close())
    const handler = middy(async () => undefined).use(mw)
    await expect(handler({}, lambdaContext())).rejects.toMatchObject({ code: 'Timeout', key: 'db' })
  })

  it('refuses bad options at construction', () => {
    expect(() =>
      paramsSecrets({ fetchData: { db: { secret: 'x', versionId: 'a', versionStage: 'b' } } }),
    ).toThrow(expect.objectContaining({ code: 'InvalidOptions', key: 'db' }))
  })
})
