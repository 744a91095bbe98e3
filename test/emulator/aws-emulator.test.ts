/**
 * startAwsEmulator against the real SDK v3 clients (signing, retrying, paginating for real), and
 * its store shared with the extension emulator.
 */
import {
  BatchGetSecretValueCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager'
import {
  GetParameterCommand,
  GetParametersCommand,
  paginateGetParametersByPath,
  SSMClient,
} from '@aws-sdk/client-ssm'
import {
  type AwsEmulator,
  createEmulatorStore,
  startAwsEmulator,
  startExtensionEmulator,
} from '../../src/testing/index.ts'

const ROTATION = new Date('2031-05-06T07:08:09Z')
let aws: AwsEmulator
const clients: Array<{ destroy(): void }> = []
const saved = { ...process.env }

/** Clients configured only by the emulator's `env`, as a function's code would be. */
const secretsManager = () => {
  const client = new SecretsManagerClient({ maxAttempts: 2 })
  clients.push(client)
  return client
}
const ssm = () => {
  const client = new SSMClient({ maxAttempts: 1 })
  clients.push(client)
  return client
}

beforeEach(async () => {
  aws = await startAwsEmulator({
    secrets: { db: '{"user":"app"}', rotating: { SecretString: 'r1', NextRotationDate: ROTATION } },
    parameters: {
      '/app/a': 'a1',
      '/app/b': { value: 'b1', type: 'StringList' },
      '/app/c': { value: 'c1', type: 'SecureString' },
      '/app/deep/d': 'd1',
      '/app/deep/e': 'e1',
      '/other': 'o1',
    },
  })
  Object.assign(process.env, aws.env)
})

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy()
  await aws.close()
  process.env = { ...saved }
})

describe('startAwsEmulator', () => {
  it('serves GetSecretValue to a client configured by env alone, signed with its dummy key', async () => {
    const out = await secretsManager().send(new GetSecretValueCommand({ SecretId: 'db' }))
    expect(out).toMatchObject({ Name: 'db', SecretString: '{"user":"app"}', VersionStages: ['AWSCURRENT'] })
    expect(out.CreatedDate).toBeInstanceOf(Date)
    expect(aws.calls).toEqual([
      {
        target: 'secretsmanager.GetSecretValue',
        body: { SecretId: 'db' },
        accessKeyId: aws.env.AWS_ACCESS_KEY_ID,
      },
    ])
  })

  it('serves a previous version by stage, and BatchGetSecretValue with per-secret errors', async () => {
    aws.putSecret('db', 'v2')
    const client = secretsManager()
    const previous = await client.send(
      new GetSecretValueCommand({ SecretId: 'db', VersionStage: 'AWSPREVIOUS' }),
    )
    expect(previous.SecretString).toBe('{"user":"app"}')
    aws.denyAccess('secret', 'rotating')
    const batch = await client.send(
      new BatchGetSecretValueCommand({ SecretIdList: ['db', 'rotating', 'nope'] }),
    )
    expect(batch.SecretValues?.map((v) => [v.Name, v.SecretString])).toEqual([['db', 'v2']])
    expect(batch.Errors?.map((e) => [e.SecretId, e.ErrorCode])).toEqual([
      ['rotating', 'AccessDeniedException'],
      ['nope', 'ResourceNotFoundException'],
    ])
    expect(JSON.stringify(batch.Errors)).not.toContain('r1')
  })

  it('describes a secret with its rotation date and stages', async () => {
    const out = await secretsManager().send(new DescribeSecretCommand({ SecretId: 'rotating' }))
    expect(out.NextRotationDate).toEqual(ROTATION)
    expect(out.RotationEnabled).toBe(true)
    expect(Object.values(out.VersionIdsToStages ?? {})).toEqual([['AWSCURRENT']])
  })

  it('serves GetParameter with and without decryption, and GetParameters with invalid names', async () => {
    const client = ssm()
    const plain = await client.send(new GetParameterCommand({ Name: '/app/c' }))
    expect(plain.Parameter?.Value).not.toBe('c1')
    const decrypted = await client.send(new GetParameterCommand({ Name: '/app/c', WithDecryption: true }))
    expect(decrypted.Parameter).toMatchObject({
      Name: '/app/c',
      Type: 'SecureString',
      Value: 'c1',
      Version: 1,
    })
    const many = await client.send(new GetParametersCommand({ Names: ['/app/a', '/app/b:1', '/nope'] }))
    expect(many.Parameters?.map((p) => [p.Name, p.Value, p.Selector])).toEqual([
      ['/app/a', 'a1', undefined],
      ['/app/b', 'b1', ':1'],
    ])
    expect(many.InvalidParameters).toEqual(['/nope'])
  })

  it('pages GetParametersByPath, direct children unless recursive', async () => {
    const names = async (Recursive: boolean) => {
      const seen: string[] = []
      const pages = paginateGetParametersByPath(
        { client: ssm(), pageSize: 2 },
        { Path: '/app', Recursive, WithDecryption: true },
      )
      for await (const page of pages) seen.push(...(page.Parameters ?? []).map((p) => p.Name!))
      return seen
    }
    expect(await names(false)).toEqual(['/app/a', '/app/b', '/app/c'])
    expect(await names(true)).toEqual(['/app/a', '/app/b', '/app/c', '/app/deep/d', '/app/deep/e'])
    const byPath = aws.calls.filter((c) => c.target === 'AmazonSSM.GetParametersByPath')
    expect(byPath.map((c) => c.body.NextToken === undefined)).toEqual([true, false, true, false, false])
  })

  it('answers AWS errors the SDK maps by name, never with a value in the message', async () => {
    aws.denyAccess('secret', 'db')
    const error = await secretsManager()
      .send(new GetSecretValueCommand({ SecretId: 'db' }))
      .catch((e: Error) => e)
    expect(error).toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } })
    expect((error as Error).message).not.toContain('app')
    const missing = await ssm()
      .send(new GetParameterCommand({ Name: '/nope' }))
      .catch((e: Error) => e)
    expect(missing).toMatchObject({ name: 'ParameterNotFound' })
  })
})

describe('startAwsEmulator faults', () => {
  it('matches on operation, id and body fields, counts uses, and reports the ones never hit', async () => {
    aws.inject({
      operation: 'GetSecretValue',
      id: 'db',
      match: { VersionStage: 'AWSPREVIOUS' },
      times: 1,
      type: 'InternalServiceError',
      status: 500,
    })
    aws.inject({ operation: 'DescribeSecret', times: 1, type: 'AccessDeniedException' })
    aws.putSecret('db', 'v2')
    const client = new SecretsManagerClient({ maxAttempts: 1 })
    clients.push(client)
    expect((await client.send(new GetSecretValueCommand({ SecretId: 'db' }))).SecretString).toBe('v2')
    const failed = await client
      .send(new GetSecretValueCommand({ SecretId: 'db', VersionStage: 'AWSPREVIOUS' }))
      .catch((e: Error) => e)
    expect(failed).toMatchObject({ name: 'InternalServiceError', $metadata: { httpStatusCode: 500 } })
    expect(aws.pendingFaults()).toEqual(['DescribeSecret any id, times 1, used 0'])
    expect(() => aws.assertNoPendingFaults()).toThrow(
      /1 injected AWS fault\(s\) not used up:\n {2}DescribeSecret/,
    )
    await client.send(new DescribeSecretCommand({ SecretId: 'db' })).catch(() => undefined)
    expect(() => aws.assertNoPendingFaults()).not.toThrow()
  })

  it('counts an unbounded fault as pending until it is used once', async () => {
    const remove = aws.inject({ operation: 'AmazonSSM.GetParameter', delayMs: 1 })
    expect(aws.pendingFaults()).toHaveLength(1)
    await ssm().send(new GetParameterCommand({ Name: '/app/a' }))
    expect(aws.pendingFaults()).toEqual([])
    remove()
  })

  it('answers from a respond function, or lets the real answer through when it returns undefined', async () => {
    let n = 0
    aws.inject({
      operation: 'GetSecretValue',
      respond: (call) =>
        ++n === 1 ? { type: 'ThrottlingException', message: `slow down ${call.body.SecretId}` } : undefined,
    })
    // maxAttempts 2: the SDK retries the throttled call, the second one gets the real answer.
    const out = await secretsManager().send(new GetSecretValueCommand({ SecretId: 'db' }))
    expect(out.SecretString).toBe('{"user":"app"}')
    expect(aws.calls).toHaveLength(2)
  })

  it('drops the connection on request: the SDK sees a network error', async () => {
    aws.inject({ operation: 'GetParameter', drop: true })
    const error = await ssm()
      .send(new GetParameterCommand({ Name: '/app/a' }))
      .catch((e: Error) => e)
    expect(error).toBeInstanceOf(Error)
    // No HTTP answer at all: no status, and the one attempt was logged.
    expect((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBeUndefined()
    expect(aws.calls).toHaveLength(1)
  })

  it('refuses a fault it cannot apply, naming the field', () => {
    expect(() => aws.inject({ times: 0 })).toThrow('aws inject: times must be a positive integer')
    expect(() => aws.inject({ type: 'X', drop: true })).toThrow('pick one of type/body, drop and respond')
  })
})

describe('a store shared by both emulators', () => {
  it('serves one rotation on the SDK path and, with evictOnWrite, at once through the layer', async () => {
    const store = createEmulatorStore({ secrets: { shared: 'v1' } })
    await using extension = await startExtensionEmulator({ store, token: 't', evictOnWrite: true })
    await using sdkSide = await startAwsEmulator({ store })
    const client = new SecretsManagerClient({ endpoint: sdkSide.endpoint, maxAttempts: 1 })
    clients.push(client)
    const viaLayer = async () => {
      const res = await fetch(`${extension.url}/secretsmanager/get?secretId=shared`, {
        headers: { 'X-Aws-Parameters-Secrets-Token': 't' },
      })
      return ((await res.json()) as { SecretString: string }).SecretString
    }
    expect(await viaLayer()).toBe('v1')
    sdkSide.putSecret('shared', 'v2')
    expect(await viaLayer()).toBe('v2')
    expect((await client.send(new GetSecretValueCommand({ SecretId: 'shared' }))).SecretString).toBe('v2')
    expect(extension.requests.map((r) => r.cache)).toEqual(['miss', 'miss'])
    expect(extension.store).toBe(store)
  })

  it('disposes with await using: the port refuses connections after the block', async () => {
    let endpoint = ''
    {
      await using scoped = await startAwsEmulator()
      endpoint = scoped.endpoint
    }
    await expect(fetch(endpoint)).rejects.toThrow()
  })

  it('refuses a store that did not come from createEmulatorStore', async () => {
    await expect(startAwsEmulator({ store: {} as never })).rejects.toThrow(
      'startAwsEmulator: store must come from createEmulatorStore()',
    )
  })
})
