import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager'
import { mockClient } from 'aws-sdk-client-mock'
import { createSdkTransport, type SdkTransport } from '../../src/transport/sdk.ts'
import { outcome, secretDef } from './defs.ts'

const sm = mockClient(SecretsManagerClient)
const ctx = { force: false }
let transport: SdkTransport

const awsError = (name: string, fields: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${name} from the service`), {
    name,
    $metadata: { httpStatusCode: 400 },
    ...fields,
  })

beforeEach(() => {
  sm.reset()
  transport = createSdkTransport({ awsClientOptions: { region: 'us-east-1' } })
})
afterEach(() => transport.close())

describe('sdk transport: secrets', () => {
  it('sends GetSecretValue with the secret id alone when no version is asked', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: 'dummy' })
    await transport.fetch(secretDef('prod/db'), ctx)
    expect(sm.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).toEqual([
      { SecretId: 'prod/db' },
    ])
  })

  it('maps versionId and versionStage exactly', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: 'dummy' })
    await transport.fetch(secretDef('a', { versionId: 'v-1' }), ctx)
    await transport.fetch(secretDef('b', { versionStage: 'AWSPREVIOUS' }), ctx)
    expect(sm.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).toEqual([
      { SecretId: 'a', VersionId: 'v-1' },
      { SecretId: 'b', VersionStage: 'AWSPREVIOUS' },
    ])
  })

  it('gives SecretString as text with one attempt', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: '{"user":"dummy"}' })
    const upstream = await transport.fetch(secretDef('s'), ctx)
    expect(upstream).toEqual({ text: '{"user":"dummy"}', attempts: 1 })
  })

  it('gives an empty SecretString as text', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: '' })
    expect((await transport.fetch(secretDef('s'), ctx)).text).toBe('')
  })

  it('gives SecretBinary as a Buffer over exactly its bytes', async () => {
    const backing = new Uint8Array([9, 1, 2, 3, 9])
    sm.on(GetSecretValueCommand).resolves({ SecretBinary: backing.subarray(1, 4) })
    const { binary, text } = await transport.fetch(secretDef('bin'), ctx)
    expect(Buffer.isBuffer(binary)).toBe(true)
    expect([...binary!]).toEqual([1, 2, 3])
    expect(text).toBeUndefined()
  })

  it('fails with InvalidResponse when neither SecretString nor SecretBinary is there', async () => {
    sm.on(GetSecretValueCommand).resolves({ Name: 's' })
    expect(await outcome(transport.fetch(secretDef('s', { key: 'k' }), ctx))).toMatchObject({
      code: 'InvalidResponse',
      key: 'k',
      source: 'sdk',
    })
  })

  it.each([
    ['name', { name: 'InvalidSignatureException' }],
    ['__type', { name: 'Error', __type: 'InvalidSignatureException' }],
  ])('retries once after InvalidSignatureException in %s', async (_, fields) => {
    sm.on(GetSecretValueCommand)
      .rejectsOnce(Object.assign(new Error('Signature expired'), fields))
      .resolves({ SecretString: 'dummy' })
    const upstream = await transport.fetch(secretDef('s'), ctx)
    expect(upstream.attempts).toBe(2)
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2)
  })

  it('retries InvalidSignatureException only once', async () => {
    sm.on(GetSecretValueCommand).rejects(awsError('InvalidSignatureException'))
    expect(await outcome(transport.fetch(secretDef('s'), ctx))).toMatchObject({
      code: 'InvalidSignatureException',
      status: 400,
    })
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2)
  })

  it('does not retry other errors itself', async () => {
    sm.on(GetSecretValueCommand).rejects(awsError('ResourceNotFoundException'))
    expect(await outcome(transport.fetch(secretDef('gone', { key: 'k' }), ctx))).toEqual({
      name: 'ParamsSecretsError',
      code: 'ResourceNotFoundException',
      key: 'k',
      source: 'sdk',
      status: 400,
    })
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1)
  })

  it('counts the SDK retries reported in $metadata.attempts', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: 'dummy', $metadata: { attempts: 3 } })
    expect((await transport.fetch(secretDef('s'), ctx)).attempts).toBe(3)
  })

  it('makes no difference for a forced refresh', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: 'dummy' })
    await transport.fetch(secretDef('s'), { force: true })
    expect(sm.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).toEqual([{ SecretId: 's' }])
  })
})

describe('sdk transport: rotationSchedule', () => {
  it('reads NextRotationDate from DescribeSecret in epoch ms', async () => {
    const next = new Date('2030-01-02T03:04:05Z')
    sm.on(DescribeSecretCommand).resolves({ RotationEnabled: true, NextRotationDate: next })
    expect((await transport.rotationSchedule(secretDef('s'), ctx)).nextMs).toBe(next.getTime())
    expect(sm.commandCalls(DescribeSecretCommand)[0]!.args[0].input).toEqual({ SecretId: 's' })
  })

  it('is undefined when the secret does not rotate', async () => {
    sm.on(DescribeSecretCommand)
      .resolvesOnce({ RotationEnabled: false, NextRotationDate: new Date() })
      .resolvesOnce({})
    expect((await transport.rotationSchedule(secretDef('s'), ctx)).nextMs).toBeUndefined()
    expect((await transport.rotationSchedule(secretDef('s'), ctx)).nextMs).toBeUndefined()
  })

  it('names secretsmanager:DescribeSecret when access is denied', async () => {
    sm.on(DescribeSecretCommand).rejects(awsError('AccessDeniedException'))
    const error = await transport.rotationSchedule(secretDef('s', { key: 'db' }), ctx).catch((e: any) => e)
    expect(error).toMatchObject({ code: 'AccessDeniedException', key: 'db', status: 400 })
    expect(error.message).toContain('secretsmanager:DescribeSecret')
  })

  it('retries once after InvalidSignatureException', async () => {
    const next = new Date('2030-01-01T00:00:00Z')
    sm.on(DescribeSecretCommand)
      .rejectsOnce(awsError('InvalidSignatureException'))
      .resolves({ NextRotationDate: next })
    expect((await transport.rotationSchedule(secretDef('s'), ctx)).nextMs).toBe(next.getTime())
  })
})
