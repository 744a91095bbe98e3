/**
 * Drop-in, the way @middy/secrets-manager's own tests are written: its SDK client mocked with
 * aws-sdk-client-mock, no extension token in the environment (so 'auto' takes the SDK path), and
 * the import swapped. Each scenario is one of middy's documented behaviours.
 */
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager'
import middy from '@middy/core'
import { getInternal } from '@middy/util'
import { mockClient } from 'aws-sdk-client-mock'
import secretsManager, { secretsManagerParam } from '../../src/index.ts'

const context = { getRemainingTimeInMillis: () => 1000 } as any
const TOKENS = ['AWS_TOKEN', 'AWS_SESSION_TOKEN', 'AWS_CONTAINER_AUTHORIZATION_TOKEN']

describe('drop-in on the SDK path (middy-style tests)', () => {
  const saved = { ...process.env }
  const sm = mockClient(SecretsManagerClient)
  const closers: Array<() => Promise<void>> = []

  beforeAll(() => {
    for (const name of TOKENS) delete process.env[name]
  })
  afterAll(() => {
    process.env = saved
    sm.restore()
  })
  beforeEach(() => sm.reset())
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((c) => c()))
  })

  const use = (options: Record<string, unknown>) => {
    const mw = secretsManager({
      AwsClient: SecretsManagerClient,
      awsClientOptions: { region: 'us-east-1' },
      ...options,
    } as any)
    closers.push(() => mw.close())
    return mw
  }

  it('sets secrets to internal storage, JSON parsed, readable with getInternal paths', async () => {
    sm.on(GetSecretValueCommand, { SecretId: 'rds_login' })
      .resolves({ SecretString: '{"username":"admin","password":"secret"}' })
      .on(GetSecretValueCommand, { SecretId: 'api_key' })
      .resolves({ SecretString: 'token' })
    let values: unknown
    const handler = middy(() => undefined)
      .use(
        use({
          cacheExpiry: 0,
          fetchData: { credentials: 'rds_login', token: 'api_key' },
          disablePrefetch: true,
        }),
      )
      .before(async (request) => {
        values = await getInternal({ username: 'credentials.username', token: 'token' }, request)
      })
    await handler({}, context)
    expect(values).toEqual({ username: 'admin', token: 'token' })
  })

  it('does not call the SDK again for a cached value (prefetch included)', async () => {
    sm.on(GetSecretValueCommand, { SecretId: 'api_key' }).resolves({ SecretString: 'token' })
    const handler = middy(() => undefined).use(
      use({ cacheExpiry: -1, fetchData: { token: 'api_key' }, setToContext: true }),
    )
    await handler({}, context)
    await handler({}, context)
    expect(sm.send.callCount).toBe(1)
  })

  it('retries once after InvalidSignatureException (given as __type)', async () => {
    const invalid = Object.assign(new Error('InvalidSignatureException'), {
      __type: 'InvalidSignatureException',
    })
    sm.on(GetSecretValueCommand, { SecretId: 'api_key' })
      .rejectsOnce(invalid)
      .resolves({ SecretString: 'secret' })
    const handler = middy(() => undefined).use(
      use({ cacheExpiry: 0, fetchData: { token: 'api_key' }, setToContext: true, disablePrefetch: true }),
    )
    await handler({}, context)
    expect(sm.send.callCount).toBe(2)
  })

  it('fetches only the failed key again after a partial failure', async () => {
    let calls = 0
    sm.on(GetSecretValueCommand).callsFake(async (input: { SecretId: string }) => {
      calls++
      if (input.SecretId === 'secret2' && calls <= 2) throw new Error('timeout')
      return { SecretString: input.SecretId === 'secret1' ? 'value1' : 'value2' }
    })
    let values: any
    const handler = middy(() => undefined)
      .use(use({ cacheExpiry: 1000, fetchData: { key1: 'secret1', key2: 'secret2' } }))
      .before(async (request) => {
        values = await getInternal(true, request)
      })
    await handler({}, context).catch(() => undefined)
    await handler({}, context)
    expect(values).toEqual({ key1: 'value1', key2: 'value2' })
    // (and one BatchGetSecretValue, which this mock does not answer: then one call per secret)
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(3)
  })

  it('expires at LastRotationDate + cacheExpiry with fetchRotationDate (dates in epoch seconds)', async () => {
    let t = 1_700_000_000_000
    const seconds = t / 1000
    sm.on(DescribeSecretCommand, { SecretId: 'rotating' })
      .resolves({
        LastRotationDate: seconds - 50,
        LastChangedDate: seconds - 50,
        NextRotationDate: seconds + 3600,
      } as any)
      .on(GetSecretValueCommand, { SecretId: 'rotating' })
      .resolves({ SecretString: 'token' })
    const handler = middy(() => undefined).use(
      use({
        cacheExpiry: 15 * 60 * 1000,
        fetchData: { token: 'rotating' },
        fetchRotationDate: true,
        disablePrefetch: true,
        now: () => t,
      }),
    )
    await handler({}, context)
    await handler({}, context)
    t += 15 * 60 * 1000 - 50_000
    await handler({}, context)
    expect(sm.send.callCount).toBe(2 * 2)
  })

  it('exports secretsManagerParam returning the name itself', () => {
    expect(secretsManagerParam('test-secret')).toBe('test-secret')
  })
})
