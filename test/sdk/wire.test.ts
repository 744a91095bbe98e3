/**
 * The real SDK v3 clients, signing and retrying for real, against the loopback AWS JSON 1.1 server.
 */

import { createSdkTransport, type SdkTransport, type SdkTransportOptions } from '../../src/transport/sdk.ts'
import { type AwsJsonServer, startAwsJsonServer } from '../helpers/aws-json-server.ts'
import { outcome, parameterDef, secretDef } from './defs.ts'

const ctx = { force: false }
const credentials = { accessKeyId: 'AKID', secretAccessKey: 'SECRET' }
const BYTES = new Uint8Array([0, 1, 2, 253, 254, 255])
const ROTATION = new Date('2031-05-06T07:08:09Z')

let server: AwsJsonServer
let transport: SdkTransport

const connect = (extra: SdkTransportOptions = {}): SdkTransport => {
  const clientOptions = { endpoint: server.endpoint, region: 'us-east-1', credentials, maxAttempts: 2 }
  transport = createSdkTransport({
    awsClientOptions: clientOptions,
    ssmAwsClientOptions: clientOptions,
    ...extra,
  })
  return transport
}

const targets = () => server.calls.map((c) => c.target)

beforeEach(async () => {
  server = await startAwsJsonServer({
    secrets: {
      text: 'dummy-text',
      json: '{"user":"dummy","port":5432}',
      binary: BYTES,
      rotating: { SecretString: 'dummy', NextRotationDate: ROTATION },
    },
    parameters: {
      '/app/plain': 'dummy-plain',
      '/app/list': { value: 'a,b,c', type: 'StringList' },
      '/app/secure': { value: 'dummy-secure', type: 'SecureString', labels: ['stable'] },
    },
  })
  connect()
})

afterEach(async () => {
  await transport.close()
  await server.close()
})

describe('sdk transport over HTTP: secrets', () => {
  it('reads string and JSON-looking secrets as their text', async () => {
    expect((await transport.fetch(secretDef('text'), ctx)).text).toBe('dummy-text')
    expect((await transport.fetch(secretDef('json'), ctx)).text).toBe('{"user":"dummy","port":5432}')
    expect(server.calls[0]).toEqual({
      target: 'secretsmanager.GetSecretValue',
      body: { SecretId: 'text' },
      accessKeyId: 'AKID',
    })
  })

  it('reads a binary secret as a Buffer of its bytes', async () => {
    const { binary, text, attempts } = await transport.fetch(secretDef('binary'), ctx)
    expect(Buffer.isBuffer(binary)).toBe(true)
    expect(Buffer.compare(binary!, BYTES)).toBe(0)
    expect([text, attempts]).toEqual([undefined, 1])
  })

  it('reads a version by id and by stage', async () => {
    const first = server.putSecret('rotated', 'dummy-v1')
    server.putSecret('rotated', 'dummy-v2')
    server.putSecret('rotated', 'dummy-pending', ['AWSPENDING'])
    const read = async (over: object) => (await transport.fetch(secretDef('rotated', over), ctx)).text
    expect(await read({})).toBe('dummy-v2')
    expect(await read({ versionId: first })).toBe('dummy-v1')
    expect(await read({ versionStage: 'AWSPREVIOUS' })).toBe('dummy-v1')
    expect(await read({ versionStage: 'AWSPENDING' })).toBe('dummy-pending')
    expect(server.calls.map((c) => c.body)).toEqual([
      { SecretId: 'rotated' },
      { SecretId: 'rotated', VersionId: first },
      { SecretId: 'rotated', VersionStage: 'AWSPREVIOUS' },
      { SecretId: 'rotated', VersionStage: 'AWSPENDING' },
    ])
  })

  it('raises ResourceNotFoundException with status 400', async () => {
    expect(await outcome(transport.fetch(secretDef('missing', { key: 'db' }), ctx))).toEqual({
      name: 'ParamsSecretsError',
      code: 'ResourceNotFoundException',
      key: 'db',
      source: 'sdk',
      status: 400,
    })
  })

  it('raises AccessDeniedException with status 400 and the permission to grant', async () => {
    server.deny('text')
    const error = await transport.fetch(secretDef('text', { key: 'db' }), ctx).catch((e) => e)
    expect(error).toMatchObject({ code: 'AccessDeniedException', key: 'db', source: 'sdk', status: 400 })
    expect(error.message).toContain('secretsmanager:GetSecretValue')
  })

  it('lets the SDK retry ThrottlingException, then surfaces it', async () => {
    server.throttle(5)
    expect(await outcome(transport.fetch(secretDef('text'), ctx))).toMatchObject({
      code: 'ThrottlingException',
      status: 400,
    })
    expect(server.calls).toHaveLength(2)
  })

  it('counts the SDK retry of a throttled request in attempts', async () => {
    server.throttle(1)
    const upstream = await transport.fetch(secretDef('text'), ctx)
    expect([upstream.text, upstream.attempts]).toEqual(['dummy-text', 2])
  })

  it('retries once after InvalidSignatureException', async () => {
    server.fail('secretsmanager.GetSecretValue', { status: 400, type: 'InvalidSignatureException' }, 1)
    const upstream = await transport.fetch(secretDef('text'), ctx)
    expect([upstream.text, upstream.attempts]).toEqual(['dummy-text', 2])
    expect(targets()).toEqual(['secretsmanager.GetSecretValue', 'secretsmanager.GetSecretValue'])
  })

  it('raises InvalidResponse without the raw body for an answer it cannot read', async () => {
    const body = '{"SecretString":"dummy-secret-value", truncated'
    server.fail('secretsmanager.GetSecretValue', { status: 200, type: 'Truncated', body }, 1)
    const error = await transport.fetch(secretDef('text', { key: 'db' }), ctx).catch((e) => e)
    expect(error).toMatchObject({ code: 'InvalidResponse', key: 'db', status: 200 })
    expect(error.cause).toBeUndefined()
    expect(error.message.includes('dummy-secret-value')).toBe(false)
  })

  it('reads the next rotation date with DescribeSecret', async () => {
    expect((await transport.rotationSchedule(secretDef('rotating'), ctx)).nextMs).toBe(ROTATION.getTime())
    expect((await transport.rotationSchedule(secretDef('text'), ctx)).nextMs).toBeUndefined()
    expect(targets()).toEqual(['secretsmanager.DescribeSecret', 'secretsmanager.DescribeSecret'])
  })

  it('signs with the credentials of awsClientAssumeRole', async () => {
    await transport.close()
    const role = { accessKeyId: 'ROLEKEY', secretAccessKey: 'dummy', sessionToken: 'dummy' }
    connect({
      awsClientAssumeRole: 'role',
      awsClientOptions: { endpoint: server.endpoint, region: 'us-east-1' },
    })
    await transport.fetch(secretDef('text'), {
      force: false,
      request: { internal: { role: Promise.resolve(role) } },
    })
    expect(server.calls.map((c) => c.accessKeyId)).toEqual(['ROLEKEY'])
  })
})

describe('sdk transport over HTTP: parameters', () => {
  it('reads each parameter type, decrypting a SecureString by default', async () => {
    const results = await Promise.all(
      ['/app/plain', '/app/list', '/app/secure'].map((name) => transport.fetch(parameterDef(name), ctx)),
    )
    expect(results.map((r) => [r.text, r.parameterType])).toEqual([
      ['dummy-plain', 'String'],
      ['a,b,c', 'StringList'],
      ['dummy-secure', 'SecureString'],
    ])
    expect(server.calls).toEqual([
      {
        target: 'AmazonSSM.GetParameters',
        body: { Names: ['/app/plain', '/app/list', '/app/secure'], WithDecryption: true },
        accessKeyId: 'AKID',
      },
    ])
  })

  it('gives the ciphertext of a SecureString read without decryption', async () => {
    const { text } = await transport.fetch(parameterDef('/app/secure', { withDecryption: false }), ctx)
    expect(text === 'dummy-secure').toBe(false)
    expect(server.calls[0]!.body).toEqual({ Name: '/app/secure', WithDecryption: false })
  })

  it('reads versions and labels, alone and batched', async () => {
    server.putParameter('/app/plain', 'dummy-plain-2')
    const read = async (over: object) => (await transport.fetch(parameterDef('/app/plain', over), ctx)).text
    expect(await read({ version: 1 })).toBe('dummy-plain')
    expect(await read({})).toBe('dummy-plain-2')
    const batch = await Promise.all([
      transport.fetch(parameterDef('/app/plain', { key: 'v1', version: 1 }), ctx),
      transport.fetch(parameterDef('/app/plain', { key: 'latest' }), ctx),
      transport.fetch(parameterDef('/app/secure', { key: 'stable', label: 'stable' }), ctx),
    ])
    expect(batch.map((r) => r.text)).toEqual(['dummy-plain', 'dummy-plain-2', 'dummy-secure'])
    expect(targets()).toEqual(['AmazonSSM.GetParameter', 'AmazonSSM.GetParameter', 'AmazonSSM.GetParameters'])
    expect(server.calls[2]!.body.Names).toEqual(['/app/plain:1', '/app/plain', '/app/secure:stable'])
  })

  it('sends 12 parameters of one tick in two GetParameters calls', async () => {
    for (let i = 0; i < 12; i++) server.putParameter(`/many/${i}`, `dummy-${i}`)
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => transport.fetch(parameterDef(`/many/${i}`), ctx)),
    )
    expect(results.map((r) => r.text)).toEqual(Array.from({ length: 12 }, (_, i) => `dummy-${i}`))
    expect(server.calls.map((c) => c.body.Names.length)).toEqual([10, 2])
  })

  it('raises ParameterNotFound with status 400, alone and in a batch', async () => {
    expect(await outcome(transport.fetch(parameterDef('/nope', { key: 'n' }), ctx))).toEqual({
      name: 'ParamsSecretsError',
      code: 'ParameterNotFound',
      key: 'n',
      source: 'sdk',
      status: 400,
    })
    const [found, missing] = await Promise.all([
      outcome(transport.fetch(parameterDef('/app/plain'), ctx)),
      outcome(transport.fetch(parameterDef('/app/plain', { key: 'v9', version: 9 }), ctx)),
    ])
    expect([found, missing]).toEqual([
      'ok',
      expect.objectContaining({ code: 'ParameterNotFound', key: 'v9', status: 400 }),
    ])
  })

  it('isolates a denied parameter of a batch: the others are served, it alone fails', async () => {
    server.deny('/app/secure')
    const [plain, secure] = await Promise.all(
      ['/app/plain', '/app/secure'].map((name) => outcome(transport.fetch(parameterDef(name), ctx))),
    )
    expect(plain).toBe('ok')
    expect(secure).toEqual(
      expect.objectContaining({ code: 'AccessDeniedException', key: '/app/secure', status: 400 }),
    )
    expect(server.calls.map((c) => c.target)).toEqual([
      'AmazonSSM.GetParameters',
      'AmazonSSM.GetParameter',
      'AmazonSSM.GetParameter',
    ])
  })
})

describe('sdk transport over HTTP: endpoints from the environment', () => {
  afterEach(() => {
    delete process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER
    delete process.env.AWS_ENDPOINT_URL_SSM
  })

  it('reaches both services through AWS_ENDPOINT_URL_SECRETS_MANAGER and AWS_ENDPOINT_URL_SSM', async () => {
    await transport.close()
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = server.endpoint
    process.env.AWS_ENDPOINT_URL_SSM = server.endpoint
    const options = { region: 'us-east-1', credentials }
    transport = createSdkTransport({ awsClientOptions: options, ssmAwsClientOptions: options })
    const [secret, parameter] = await Promise.all([
      transport.fetch(secretDef('text'), ctx),
      transport.fetch(parameterDef('/app/plain'), ctx),
    ])
    expect([secret.text, parameter.text]).toEqual(['dummy-text', 'dummy-plain'])
    expect(targets().sort()).toEqual(['AmazonSSM.GetParameter', 'secretsmanager.GetSecretValue'])
  })
})
