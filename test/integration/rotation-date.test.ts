/**
 * fetchRotationDate (middy-compatible): values expire at the secret's next rotation, read with
 * DescribeSecret through the SDK (real clients over HTTP to a loopback AWS JSON endpoint).
 */
import middy from '@middy/core'
import paramsSecrets, { secret } from '../../src/index.ts'
import { type ExtensionEmulator, startExtensionEmulator } from '../../src/testing/index.ts'
import { type AwsJsonServer, startAwsJsonServer } from '../helpers/aws-json-server.ts'
import { lambdaContext, manualClock } from '../helpers/lambda.ts'

// Credentials from the environment, as in Lambda: in the client options they would route to the SDK.
process.env.AWS_REGION = 'us-east-1'
process.env.AWS_ACCESS_KEY_ID = 'AKID'
process.env.AWS_SECRET_ACCESS_KEY = 'SECRET'

const TOKEN = 'rotation-token'

describe('fetchRotationDate', () => {
  let emu: ExtensionEmulator
  let aws: AwsJsonServer
  const start = Math.floor(Date.now() / 1000) * 1000
  const next = new Date(start + 60_000)
  const clock = manualClock(start)

  beforeEach(async () => {
    clock.set(start)
    emu = await startExtensionEmulator({
      token: TOKEN,
      secrets: { rot: 'v1', plain: 'p1' },
      ttlSeconds: { secrets: 0 },
    })
    aws = await startAwsJsonServer({
      secrets: { rot: { SecretString: 'v1', NextRotationDate: next }, plain: 'p1' },
    })
  })

  afterEach(async () => {
    await emu.close()
    await aws.close()
  })

  const build = (options: Record<string, unknown>) =>
    paramsSecrets({
      extension: { port: emu.port, token: TOKEN },
      awsClientOptions: {
        endpoint: aws.endpoint,
        region: 'us-east-1',
      },
      setToContext: true,
      disablePrefetch: true,
      now: clock,
      ...options,
    } as any)

  it('expires a rotating secret at its NextRotationDate, and only the keys asked for', async () => {
    const mw = build({ fetchData: { rot: 'rot', plain: 'plain' }, fetchRotationDate: { rot: true } })
    const handler = middy(async (_e: unknown, c: any) => [c.rot, c.plain]).use(mw)
    expect(await handler({}, lambdaContext())).toEqual(['v1', 'p1'])
    emu.putSecret('rot', 'v2')
    emu.putSecret('plain', 'p2')
    clock.set(next.getTime() - 1)
    expect(await handler({}, lambdaContext())).toEqual(['v1', 'p1'])
    clock.set(next.getTime())
    expect(await handler({}, lambdaContext())).toEqual(['v2', 'p1'])
    expect(
      aws.calls.filter((c) => c.target === 'secretsmanager.DescribeSecret').map((c) => c.body.SecretId),
    ).toEqual(['rot', 'rot'])
    await mw.close()
  })

  it('with a max age longer than the time to rotation, still expires at the rotation', async () => {
    const mw = build({ fetchData: { rot: secret('rot', { maxAge: 120_000 }) }, fetchRotationDate: true })
    const handler = middy(async (_e: unknown, c: any) => c.rot).use(mw)
    await handler({}, lambdaContext())
    clock.set(next.getTime() - 1)
    await handler({}, lambdaContext())
    expect(emu.requests).toHaveLength(1)
    clock.set(next.getTime())
    await handler({}, lambdaContext())
    expect(emu.requests).toHaveLength(2)
    await mw.close()
  })

  it('names secretsmanager:DescribeSecret when the role lacks it', async () => {
    aws.fail('secretsmanager.DescribeSecret', { status: 400, type: 'AccessDeniedException' })
    const mw = build({ fetchData: { rot: 'rot' }, fetchRotationDate: true })
    const handler = middy(async () => undefined).use(mw)
    const error = await handler({}, lambdaContext()).catch((e: any) => e)
    expect(error).toMatchObject({ code: 'AccessDeniedException', key: 'rot', source: 'sdk' })
    expect(error.message).toContain('secretsmanager:DescribeSecret')
    await mw.close()
  })
})
