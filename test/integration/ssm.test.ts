/**
 * The @middy/ssm drop-in and parameters by path end to end, with real middy: through the
 * emulator's layer profile ('auto': named parameters from the layer, paths from the SDK) and
 * through the SDK alone (the loopback AWS JSON server), over real sockets. A handler written for
 * @middy/ssm runs with only its import changed.
 */
import middy from '@middy/core'
import { getInternal } from '@middy/util'
import paramsSecrets, { parameter, parametersByPath } from '../../src/index.ts'
import ssm, { ssmParam } from '../../src/ssm.ts'
import { lambdaContext } from '../helpers/lambda.ts'
import { startWorld, TOKEN, type World } from '../helpers/world.ts'

const PARAMETERS = {
  '/prod/app/db/url': 'postgres://db',
  '/prod/app/db/pool': '{"max":5}',
  '/prod/app/hosts': { value: 'a,b,c', type: 'StringList' as const },
  '/prod/app/password': { value: 'dummy-secure', type: 'SecureString' as const },
  '/prod/flags': '{"beta":true}',
  '/prod/regions': { value: 'eu-west-1,us-east-1', type: 'StringList' as const },
}

describe('middy-params-secrets/ssm', () => {
  let world: World
  beforeEach(async () => {
    world = await startWorld({ parameters: PARAMETERS })
  })
  afterEach(() => world.close())

  // The same handler a @middy/ssm user wrote; only the transport options differ per run.
  const handlerFor = (transportOptions: Record<string, unknown>) => {
    const mw = ssm({
      fetchData: {
        flags: ssmParam<{ beta: boolean }>('/prod/flags'),
        regions: '/prod/regions',
        app: '/prod/app/',
      },
      setToContext: true,
      disablePrefetch: true,
      awsClientOptions: world.sdkOptions,
      ...transportOptions,
    })
    const seen: Record<string, unknown> = {}
    const handler = middy(async (_event: unknown, context: any) => {
      Object.assign(seen, { flags: context.flags, regions: context.regions, app: context.app })
    })
      .use(mw)
      .before(async (request) => {
        seen.internal = await getInternal(['flags', 'app'], request)
      })
    return { handler, seen, close: () => mw.close() }
  }

  const expected = {
    flags: { beta: true },
    regions: ['eu-west-1', 'us-east-1'],
    app: { db_url: 'postgres://db', db_pool: { max: 5 }, hosts: ['a', 'b', 'c'], password: 'dummy-secure' },
  }

  it("through the layer ('auto'): named parameters from the layer, the path from the SDK", async () => {
    const { handler, seen, close } = handlerFor({ extension: { port: world.emu.port, token: TOKEN } })
    await handler({}, lambdaContext())
    await close()
    expect({ flags: seen.flags, regions: seen.regions, app: seen.app }).toEqual(expected)
    expect(seen.internal).toEqual({ flags: expected.flags, app: expected.app })
    const layer = world.emu.requests.filter((r) => r.kind === 'parameter')
    expect(layer.map((r) => [r.id, r.query.withDecryption]).sort()).toEqual([
      ['/prod/flags', 'true'],
      ['/prod/regions', 'true'],
    ])
    expect(world.aws.calls.map((c) => c.target)).toEqual(['AmazonSSM.GetParametersByPath'])
  })

  it("through the SDK ('sdk'): one GetParameters of the names, GetParametersByPath for the path", async () => {
    const { handler, seen, close } = handlerFor({ transport: 'sdk' })
    await handler({}, lambdaContext())
    await close()
    expect({ flags: seen.flags, regions: seen.regions, app: seen.app }).toEqual(expected)
    const targets = world.aws.calls.map((c) => c.target).sort()
    expect(targets).toEqual(['AmazonSSM.GetParameters', 'AmazonSSM.GetParametersByPath'])
    const batch = world.aws.calls.find((c) => c.target === 'AmazonSSM.GetParameters')!
    expect(batch.body).toEqual({ Names: ['/prod/flags', '/prod/regions'], WithDecryption: true })
    expect(world.emu.requests).toHaveLength(0)
  })

  it("keeps @middy/ssm's default cacheKey", async () => {
    const { clearCache } = await import('@middy/util')
    const { handler, close } = handlerFor({ transport: 'sdk' })
    await handler({}, lambdaContext())
    clearCache(['@middy/ssm'])
    await handler({}, lambdaContext())
    await close()
    expect(world.aws.calls.filter((c) => c.target === 'AmazonSSM.GetParametersByPath')).toHaveLength(2)
  })
})

describe('parameters by path and StringList on the main entry', () => {
  let world: World
  beforeEach(async () => {
    world = await startWorld({ parameters: PARAMETERS })
  })
  afterEach(() => world.close())

  it('serves a path through the SDK and StringLists as arrays on both paths; json: false keeps the text', async () => {
    const { invoke, events } = world.middleware({
      fetchData: {
        app: parametersByPath<{ db_url: string }>('/prod/app/', { maxAge: 60_000 }),
        regions: parameter('/prod/regions'),
        rawRegions: parameter('/prod/regions', { json: false }),
      },
      setToContext: true,
      disablePrefetch: true,
    })
    const context = await invoke()
    expect(context.app.db_url).toBe('postgres://db')
    expect(context.app.hosts).toEqual(['a', 'b', 'c'])
    expect(context.regions).toEqual(['eu-west-1', 'us-east-1'])
    expect(context.rawRegions).toBe('eu-west-1,us-east-1')
    expect(events.find((e) => e.key === 'app')).toMatchObject({
      kind: 'path',
      source: 'sdk',
      id: '/prod/app/',
    })
    expect(events.find((e) => e.key === 'regions')).toMatchObject({ source: 'extension' })

    const sdkOnly = world.middleware({
      transport: 'sdk',
      fetchData: {
        regions: parameter('/prod/regions'),
        rawRegions: parameter('/prod/regions', { json: false }),
      },
      setToContext: true,
      disablePrefetch: true,
    })
    const viaSdk = await sdkOnly.invoke()
    expect([viaSdk.regions, viaSdk.rawRegions]).toEqual([['eu-west-1', 'us-east-1'], 'eu-west-1,us-east-1'])
  })

  it('caches a path as one entry with its own maxAge', async () => {
    const { invoke } = world.middleware({
      fetchData: { app: parametersByPath('/prod/app/', { maxAge: 60_000 }) },
      disablePrefetch: true,
    })
    await invoke()
    await invoke()
    expect(world.aws.calls.filter((c) => c.target === 'AmazonSSM.GetParametersByPath')).toHaveLength(1)
  })

  it('prefetches a path at module load, through the SDK', async () => {
    const mw = paramsSecrets({
      fetchData: { app: { path: '/prod/app/' } },
      ssmAwsClientOptions: world.sdkOptions,
      extension: { port: world.emu.port, token: TOKEN },
    })
    const handler = middy(async (_e: unknown, context: any) => context).use(mw)
    await handler({}, lambdaContext()).then(() => mw.close())
    expect(world.aws.calls.filter((c) => c.target === 'AmazonSSM.GetParametersByPath')).toHaveLength(1)
  })
})
