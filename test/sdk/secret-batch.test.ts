/**
 * BatchGetSecretValue for secrets due together on the SDK path: the real Secrets Manager client
 * against the loopback AWS server (startAwsEmulator), and aws-sdk-client-mock for answers the
 * emulator does not give (ids by partial ARN, a mock that only knows GetSecretValue).
 */
import {
  BatchGetSecretValueCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager'
import { mockClient } from 'aws-sdk-client-mock'
import type { KeyDef } from '../../src/model.ts'
import { createSdkTransport, type SdkTransport } from '../../src/transport/sdk.ts'
import { type AwsJsonServer, startAwsJsonServer } from '../helpers/aws-json-server.ts'
import { startWorld } from '../helpers/world.ts'
import { outcome, secretDef } from './defs.ts'

const ctx = { force: false }
const credentials = { accessKeyId: 'AKID', secretAccessKey: 'SECRET' }
const VALUES = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`app/s${i}`, `dummy-value-${i}`]))

describe('sdk transport: BatchGetSecretValue (wire)', () => {
  let server: AwsJsonServer
  let transport: SdkTransport

  const targets = () => server.calls.map((c) => c.target.replace('secretsmanager.', ''))
  const fetchAll = (defs: KeyDef[]) => Promise.all(defs.map((def) => transport.fetch(def, ctx)))

  beforeEach(async () => {
    server = await startAwsJsonServer({ secrets: { ...VALUES, 'app/bin': new Uint8Array([0, 159, 146]) } })
    transport = createSdkTransport({
      awsClientOptions: { endpoint: server.endpoint, region: 'us-east-1', credentials },
    })
  })
  afterEach(async () => {
    await transport.close()
    await server.close()
  })

  it('reads secrets due together in one call, each value to its key, duplicates sent once', async () => {
    const got = await fetchAll([
      secretDef('app/s0'),
      secretDef('app/s1'),
      secretDef('app/bin'),
      secretDef('app/s1', { key: 'again' }),
    ])
    expect(got).toEqual([
      { text: 'dummy-value-0', attempts: 1 },
      { text: 'dummy-value-1', attempts: 1 },
      { binary: Buffer.from([0, 159, 146]), attempts: 1 },
      { text: 'dummy-value-1', attempts: 1 },
    ])
    expect(targets()).toEqual(['BatchGetSecretValue'])
    expect(server.calls[0]!.body.SecretIdList).toEqual(['app/s0', 'app/s1', 'app/bin'])
  })

  it('sends at most 20 ids a call', async () => {
    await fetchAll(Object.keys(VALUES).map((id) => secretDef(id)))
    expect(server.calls.map((c) => c.body.SecretIdList.length)).toEqual([20, 5])
  })

  it('keeps a secret due alone, and versioned or staged keys, on GetSecretValue', async () => {
    await transport.fetch(secretDef('app/s0'), ctx)
    expect(targets()).toEqual(['GetSecretValue'])
    server.calls.length = 0
    await fetchAll([
      secretDef('app/s1', { versionStage: 'AWSCURRENT' }),
      secretDef('app/s2', { versionStage: 'AWSCURRENT' }),
    ])
    expect(targets()).toEqual(['GetSecretValue', 'GetSecretValue'])
  })

  it("maps each entry of the answer's Errors to its key, with the AWS code and no value", async () => {
    server.deny('app/s2')
    const results = await Promise.all(
      [secretDef('app/s1'), secretDef('app/s2'), secretDef('app/missing', { key: 'gone' })].map((def) =>
        transport.fetch(def, ctx).catch((error: unknown) => error),
      ),
    )
    expect(results[0]).toEqual({ text: 'dummy-value-1', attempts: 1 })
    expect(results[1]).toMatchObject({
      name: 'ParamsSecretsError',
      code: 'AccessDeniedException',
      key: 'app/s2',
    })
    expect(results[2]).toMatchObject({
      name: 'ParamsSecretsError',
      code: 'ResourceNotFoundException',
      key: 'gone',
    })
    expect((results[1] as Error).message).toMatch(/BatchGetSecretValue of secret 'app\/s2' for key 'app\/s2'/)
    expect((results[1] as Error).message).toMatch(/Grant secretsmanager:GetSecretValue/)
    for (const r of results.slice(1)) expect(JSON.stringify(r)).not.toMatch(/dummy-value/)
    expect(targets()).toEqual(['BatchGetSecretValue'])
  })

  it('falls back to one GetSecretValue per secret when the role lacks BatchGetSecretValue, and remembers', async () => {
    server.fail('secretsmanager.BatchGetSecretValue', { status: 400, type: 'AccessDeniedException' })
    const first = await fetchAll([secretDef('app/s0'), secretDef('app/s1')])
    expect(first.map((u) => u.text)).toEqual(['dummy-value-0', 'dummy-value-1'])
    expect(targets()).toEqual(['BatchGetSecretValue', 'GetSecretValue', 'GetSecretValue'])
    server.calls.length = 0
    await fetchAll([secretDef('app/s2'), secretDef('app/s3')])
    expect(targets()).toEqual(['GetSecretValue', 'GetSecretValue'])
  })

  it('serves a throttled batch by one GetSecretValue per secret (a quota 100 times larger), and batches again after', async () => {
    server.fail('secretsmanager.BatchGetSecretValue', { status: 400, type: 'ThrottlingException' }, 1)
    const got = await fetchAll([secretDef('app/s0'), secretDef('app/s1')])
    expect(got.map((u) => u.text)).toEqual(['dummy-value-0', 'dummy-value-1'])
    expect(targets()).toEqual(['BatchGetSecretValue', 'GetSecretValue', 'GetSecretValue'])
    server.calls.length = 0
    await fetchAll([secretDef('app/s0'), secretDef('app/s1')])
    expect(targets()).toEqual(['BatchGetSecretValue'])
  })

  it('fails each key with ThrottlingException when GetSecretValue is throttled too', async () => {
    server.throttle(3)
    const results = await Promise.all(
      [secretDef('app/s0'), secretDef('app/s1')].map((def) => outcome(transport.fetch(def, ctx))),
    )
    expect(results).toEqual([
      expect.objectContaining({ code: 'ThrottlingException', key: 'app/s0', source: 'sdk' }),
      expect.objectContaining({ code: 'ThrottlingException', key: 'app/s1', source: 'sdk' }),
    ])
  })

  it('ends a batch at the keys budget as Timeout for each key', async () => {
    const deadline = performance.now() - 1
    const results = await Promise.all(
      [secretDef('app/s0'), secretDef('app/s1')].map((def) =>
        outcome(transport.fetch(def, { force: false, deadline })),
      ),
    )
    expect(results).toEqual([
      expect.objectContaining({ code: 'Timeout', key: 'app/s0' }),
      expect.objectContaining({ code: 'Timeout', key: 'app/s1' }),
    ])
  })
})

describe('sdk transport: BatchGetSecretValue (mocked answers)', () => {
  // Mocked in this block only: the wire tests above need the real client.
  let sm: ReturnType<typeof mockClient>
  let transport: SdkTransport

  beforeAll(() => {
    sm = mockClient(SecretsManagerClient)
  })
  afterAll(() => sm.restore())
  beforeEach(() => {
    sm.reset()
    transport = createSdkTransport({ awsClientOptions: { region: 'us-east-1' } })
  })
  afterEach(() => transport.close())

  it('matches ids asked by ARN and by partial ARN', async () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db'
    sm.on(BatchGetSecretValueCommand).resolves({
      SecretValues: [
        { ARN: `${arn}-AbCdEf`, Name: 'app/db', SecretString: 'dummy-db' },
        { ARN: `${arn}x-GhIjKl`, Name: 'app/dbx', SecretString: 'dummy-dbx' },
      ],
      Errors: [],
    })
    const got = await Promise.all([
      transport.fetch(secretDef(arn), ctx),
      transport.fetch(secretDef(`${arn}x-GhIjKl`), ctx),
    ])
    expect(got.map((u) => u.text)).toEqual(['dummy-db', 'dummy-dbx'])
  })

  it('asks GetSecretValue for a secret the answer leaves out', async () => {
    sm.on(BatchGetSecretValueCommand).resolves({ SecretValues: [{ Name: 'a', SecretString: 'dummy-a' }] })
    sm.on(GetSecretValueCommand, { SecretId: 'b' }).resolves({ SecretString: 'dummy-b' })
    const got = await Promise.all([
      transport.fetch(secretDef('a'), ctx),
      transport.fetch(secretDef('b'), ctx),
    ])
    expect(got.map((u) => u.text)).toEqual(['dummy-a', 'dummy-b'])
  })

  it('serves a mock that only knows GetSecretValue, and sends no batch after its empty answer', async () => {
    sm.on(GetSecretValueCommand).callsFake(async (input: { SecretId: string }) => ({
      SecretString: `dummy-${input.SecretId}`,
    }))
    const defs = () => [secretDef('a'), secretDef('b')]
    const first = await Promise.all(defs().map((def) => transport.fetch(def, ctx)))
    const second = await Promise.all(defs().map((def) => transport.fetch(def, ctx)))
    expect([...first, ...second].map((u) => u.text)).toEqual(['dummy-a', 'dummy-b', 'dummy-a', 'dummy-b'])
    expect(sm.commandCalls(BatchGetSecretValueCommand)).toHaveLength(1)
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(4)
  })
})

describe('BatchGetSecretValue without a layer (the middleware over real sockets)', () => {
  it("gathers the keys whose connections were refused one by one into one batch ('auto')", async () => {
    const world = await startWorld({ secrets: { a: 'dummy-a', b: 'dummy-b', c: 'dummy-c' } })
    try {
      await world.emu.pause()
      const { invoke } = world.middleware({
        fetchData: { a: 'a', b: 'b', c: 'c' },
        setToContext: true,
        disablePrefetch: true,
      })
      const context = await invoke()
      expect([context.a, context.b, context.c]).toEqual(['dummy-a', 'dummy-b', 'dummy-c'])
      expect(world.aws.calls.map((c) => c.target)).toEqual(['secretsmanager.BatchGetSecretValue'])
    } finally {
      await world.close()
    }
  })
})
