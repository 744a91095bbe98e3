/**
 * Parameters by path on the SDK path: the real SSM client against the loopback AWS JSON server
 * (GetParametersByPath, paging, Recursive, WithDecryption), aws-sdk-client-mock for answers no
 * real server gives (a NextToken without end), and the @middy/ssm batch size (awsRequestLimit).
 */
import {
  GetParameterCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  SSMClient,
} from '@aws-sdk/client-ssm'
import { mockClient } from 'aws-sdk-client-mock'
import { decodeValue } from '../../src/decode.ts'
import { createSdkTransport, type SdkTransport, type SdkTransportOptions } from '../../src/transport/sdk.ts'
import { MAX_PAGES } from '../../src/transport/sdk-paths.ts'
import { type AwsJsonServer, startAwsJsonServer } from '../helpers/aws-json-server.ts'
import { outcome, parameterDef, pathDef } from './defs.ts'

const ctx = { force: false }
const credentials = { accessKeyId: 'AKID', secretAccessKey: 'SECRET' }

// 23 parameters under /app/many/: three pages of 10.
const many = Object.fromEntries(Array.from({ length: 23 }, (_, i) => [`/app/many/p${i}`, `v${i}`]))

describe('sdk transport: parameters by path (wire)', () => {
  let server: AwsJsonServer
  let transport: SdkTransport

  const connect = (extra: SdkTransportOptions = {}): SdkTransport => {
    const clientOptions = { endpoint: server.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 }
    transport = createSdkTransport({ ssmAwsClientOptions: clientOptions, ...extra })
    return transport
  }
  const byPath = () => server.calls.filter((c) => c.target === 'AmazonSSM.GetParametersByPath')

  beforeEach(async () => {
    server = await startAwsJsonServer({
      parameters: {
        ...many,
        '/app/db/url': 'postgres://db',
        '/app/db/pool/size': '5',
        '/app/db/hosts': { value: 'a,b', type: 'StringList' },
        '/app/db/password': { value: 'dummy-secure', type: 'SecureString' },
        '/app/dbx': 'not under /app/db/',
      },
    })
  })
  afterEach(async () => {
    await transport?.close()
    await server.close()
  })

  it('follows NextToken to the last page and counts every request', async () => {
    const upstream = await connect().fetch(pathDef('/app/many/'), ctx)
    expect(upstream.entries?.map((e) => e.name).sort()).toEqual(Object.keys(many).sort())
    expect(upstream.attempts).toBe(3)
    const tokens = byPath().map((c) => c.body.NextToken)
    expect(tokens[0]).toBeUndefined()
    expect(new Set(tokens.slice(1)).size).toBe(2)
    expect(tokens.slice(1).every((t) => typeof t === 'string' && t !== '')).toBe(true)
  })

  it('sends Recursive and WithDecryption true by default, keyed and decoded as @middy/ssm does', async () => {
    const def = pathDef('/app/db/')
    const upstream = await connect().fetch(def, ctx)
    expect(byPath()[0]!.body).toMatchObject({ Path: '/app/db/', Recursive: true, WithDecryption: true })
    expect(decodeValue(def, upstream, 'sdk')).toEqual({
      url: 'postgres://db',
      pool_size: '5',
      hosts: ['a', 'b'],
      password: 'dummy-secure',
    })
  })

  it('reads only direct children with recursive: false, and ciphertext with withDecryption: false', async () => {
    const def = pathDef('/app/db/', { recursive: false, withDecryption: false })
    const value = decodeValue(def, await connect().fetch(def, ctx), 'sdk') as Record<string, unknown>
    expect(Object.keys(value).sort()).toEqual(['hosts', 'password', 'url'])
    expect(value.password).not.toBe('dummy-secure')
    expect(byPath()[0]!.body).toMatchObject({ Recursive: false, WithDecryption: false })
  })

  it('gives an empty object for a path with no parameters', async () => {
    const def = pathDef('/nothing/here/')
    expect(decodeValue(def, await connect().fetch(def, ctx), 'sdk')).toEqual({})
  })

  it('names the permission to grant when the path is denied', async () => {
    server.deny('/app/db/')
    const error = await connect()
      .fetch(pathDef('/app/db/', { key: 'db' }), ctx)
      .catch((e) => e)
    expect({ code: error.code, key: error.key, source: error.source }).toEqual({
      code: 'AccessDeniedException',
      key: 'db',
      source: 'sdk',
    })
    expect(error.message).toContain('ssm:GetParametersByPath')
    expect(error.message).toContain("path '/app/db/'")
  })
})

describe('sdk transport: parameters by path (mocked answers)', () => {
  // Stubbed here, not at load: the wire tests above need the real client.
  let ssm: ReturnType<typeof mockClient>
  let transport: SdkTransport
  beforeAll(() => {
    ssm = mockClient(SSMClient)
  })
  beforeEach(() => {
    ssm.reset()
    transport = createSdkTransport({ ssmAwsClientOptions: { region: 'us-east-1' } })
  })
  afterEach(() => transport.close())
  afterAll(() => ssm.restore())

  it(`stops after ${MAX_PAGES} pages with InvalidResponse naming the key`, async () => {
    ssm.on(GetParametersByPathCommand).resolves({ Parameters: [], NextToken: 'again' })
    expect(await outcome(transport.fetch(pathDef('/loop/', { key: 'loop' }), ctx))).toEqual({
      name: 'ParamsSecretsError',
      code: 'InvalidResponse',
      key: 'loop',
      source: 'sdk',
      status: undefined,
    })
    expect(ssm.commandCalls(GetParametersByPathCommand)).toHaveLength(MAX_PAGES)
  })

  it('refuses a parameter without a Value as InvalidResponse', async () => {
    ssm.on(GetParametersByPathCommand).resolves({ Parameters: [{ Name: '/p/a' }] })
    expect(await outcome(transport.fetch(pathDef('/p/', { key: 'p' }), ctx))).toMatchObject({
      code: 'InvalidResponse',
      key: 'p',
    })
  })

  it('with awsRequestLimit, sends even one name through GetParameters, at most that many a call', async () => {
    const limited = createSdkTransport({ ssmAwsClientOptions: { region: 'us-east-1' }, awsRequestLimit: 2 })
    ssm.on(GetParametersCommand).callsFake((input: { Names: string[] }) => ({
      Parameters: input.Names.map((Name) => ({ Name, Value: 'dummy', Type: 'String' })),
    }))
    await limited.fetch(parameterDef('/one'), ctx)
    await Promise.all(['/a', '/b', '/c'].map((name) => limited.fetch(parameterDef(name), ctx)))
    await limited.close()
    const names = ssm.commandCalls(GetParametersCommand).map((c) => c.args[0].input.Names)
    expect(names).toEqual([['/one'], ['/a', '/b'], ['/c']])
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(0)
  })
})
