import { GetParameterCommand, GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm'
import { mockClient } from 'aws-sdk-client-mock'
import type { KeyDef } from '../../src/keys.ts'
import { createSdkTransport, type SdkTransport } from '../../src/transport/sdk.ts'
import { outcome, parameterDef } from './defs.ts'

const ssm = mockClient(SSMClient)
const ctx = { force: false }
let transport: SdkTransport

/** Answers GetParameters with every requested name found, its value `value-of:<name>`. */
const echoParameters = () =>
  ssm.on(GetParametersCommand).callsFake((input: { Names: string[] }) => ({
    Parameters: input.Names.map((requested) => {
      const [name, selector] = requested.split(':')
      return {
        Name: name,
        Value: `value-of:${requested}`,
        Type: 'String',
        ...(selector && { Selector: `:${selector}` }),
      }
    }),
    InvalidParameters: [],
  }))

const inputs = (command: typeof GetParameterCommand | typeof GetParametersCommand): any[] =>
  ssm.commandCalls(command as typeof GetParametersCommand).map((c) => c.args[0].input)

const fetchAll = (defs: KeyDef[]) => Promise.all(defs.map((def) => transport.fetch(def, ctx)))

beforeEach(() => {
  ssm.reset()
  transport = createSdkTransport({ ssmAwsClientOptions: { region: 'us-east-1' } })
})
afterEach(() => transport.close())

describe('sdk transport: parameters', () => {
  it('sends one GetParameter for a single parameter, decrypting by default', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: '/a', Value: 'dummy', Type: 'SecureString' } })
    const upstream = await transport.fetch(parameterDef('/a'), ctx)
    expect(upstream).toEqual({ text: 'dummy', parameterType: 'SecureString', attempts: 1 })
    expect(inputs(GetParameterCommand)).toEqual([{ Name: '/a', WithDecryption: true }])
    expect(inputs(GetParametersCommand)).toEqual([])
  })

  it.each<[string, Partial<KeyDef>, string, boolean]>([
    ['a version', { version: 3 }, '/a:3', true],
    ['a label', { label: 'prod' }, '/a:prod', true],
    ['withDecryption false', { withDecryption: false }, '/a', false],
  ])('maps %s to the name selector and WithDecryption', async (_, over, Name, WithDecryption) => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: '/a', Value: 'dummy', Type: 'String' } })
    await transport.fetch(parameterDef('/a', over), ctx)
    expect(inputs(GetParameterCommand)).toEqual([{ Name, WithDecryption }])
  })

  it('batches 12 parameters of one tick into GetParameters calls of 10 and 2', async () => {
    echoParameters()
    const defs = Array.from({ length: 12 }, (_, i) => parameterDef(`/p/${i}`))
    const values = await fetchAll(defs)
    expect(values.map((v) => v.text)).toEqual(defs.map((d) => `value-of:${d.id}`))
    expect(inputs(GetParametersCommand).map((i) => i.Names?.length)).toEqual([10, 2])
    expect(inputs(GetParameterCommand)).toEqual([])
  })

  it('sends the last one of 11 alone with GetParameter', async () => {
    echoParameters()
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: '/p/10', Value: 'dummy', Type: 'String' } })
    await fetchAll(Array.from({ length: 11 }, (_, i) => parameterDef(`/p/${i}`)))
    expect(inputs(GetParametersCommand).map((i) => i.Names?.length)).toEqual([10])
    expect(inputs(GetParameterCommand)).toEqual([{ Name: '/p/10', WithDecryption: true }])
  })

  it('batches fetches started in the same tick after a few awaits', async () => {
    echoParameters()
    const defs = ['/x', '/y', '/z'].map((name) => parameterDef(name))
    await Promise.all(
      defs.map(async (def, i) => {
        for (let n = 0; n < i * 3; n++) await null
        return transport.fetch(def, ctx)
      }),
    )
    expect(inputs(GetParametersCommand)).toEqual([{ Names: ['/x', '/y', '/z'], WithDecryption: true }])
  })

  it('does not batch fetches of separate ticks', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: '/a', Value: 'dummy', Type: 'String' } })
    await transport.fetch(parameterDef('/a'), ctx)
    await new Promise((resolve) => setImmediate(resolve))
    await transport.fetch(parameterDef('/b'), ctx)
    expect(inputs(GetParameterCommand).map((i) => i.Name)).toEqual(['/a', '/b'])
    expect(inputs(GetParametersCommand)).toEqual([])
  })

  it('groups a batch by withDecryption', async () => {
    echoParameters()
    const plain = { withDecryption: false }
    await fetchAll([
      parameterDef('/s1'),
      parameterDef('/p1', plain),
      parameterDef('/s2'),
      parameterDef('/p2', plain),
    ])
    expect(inputs(GetParametersCommand)).toEqual([
      { Names: ['/s1', '/s2'], WithDecryption: true },
      { Names: ['/p1', '/p2'], WithDecryption: false },
    ])
  })

  it('sends a name asked by several keys once and gives it to each', async () => {
    echoParameters()
    const values = await fetchAll([
      parameterDef('/shared', { key: 'one' }),
      parameterDef('/shared', { key: 'two' }),
      parameterDef('/other'),
    ])
    expect(inputs(GetParametersCommand)).toEqual([{ Names: ['/shared', '/other'], WithDecryption: true }])
    expect(values.map((v) => v.text)).toEqual(['value-of:/shared', 'value-of:/shared', 'value-of:/other'])
  })

  it('matches each answer by name and selector, whatever the order', async () => {
    ssm.on(GetParametersCommand).resolves({
      Parameters: [
        { Name: '/a', Selector: ':prod', Value: 'labelled', Type: 'String' },
        { Name: '/a', Value: 'latest', Type: 'String' },
        { Name: '/a', Selector: ':3', Value: 'third', Type: 'StringList' },
      ],
    })
    const values = await fetchAll([
      parameterDef('/a', { key: 'v3', version: 3 }),
      parameterDef('/a', { key: 'latest' }),
      parameterDef('/a', { key: 'prod', label: 'prod' }),
    ])
    expect(values.map((v) => [v.text, v.parameterType])).toEqual([
      ['third', 'StringList'],
      ['latest', 'String'],
      ['labelled', 'String'],
    ])
  })

  it('matches a parameter asked by ARN', async () => {
    const arn = 'arn:aws:ssm:us-east-1:123456789012:parameter/shared/a'
    ssm.on(GetParametersCommand).resolves({
      Parameters: [
        { Name: '/shared/a', ARN: arn, Value: 'by-arn', Type: 'String' },
        { Name: '/b', Value: 'by-name', Type: 'String' },
      ],
    })
    const values = await fetchAll([parameterDef(arn), parameterDef('/b')])
    expect(values.map((v) => v.text)).toEqual(['by-arn', 'by-name'])
  })

  it('fails only the keys listed in InvalidParameters, with ParameterNotFound and status 400', async () => {
    ssm.on(GetParametersCommand).resolves({
      Parameters: [{ Name: '/ok', Value: 'dummy', Type: 'String' }],
      InvalidParameters: ['/gone:7'],
    })
    const [ok, gone] = await Promise.all([
      outcome(transport.fetch(parameterDef('/ok'), ctx)),
      outcome(transport.fetch(parameterDef('/gone', { key: 'g', version: 7 }), ctx)),
    ])
    expect(ok).toBe('ok')
    expect(gone).toEqual({
      name: 'ParamsSecretsError',
      code: 'ParameterNotFound',
      key: 'g',
      source: 'sdk',
      status: 400,
    })
  })

  it('fails with InvalidResponse a key the answer does not mention', async () => {
    ssm.on(GetParametersCommand).resolves({ Parameters: [{ Name: '/a', Value: 'dummy', Type: 'String' }] })
    const [a, b] = await Promise.all([
      outcome(transport.fetch(parameterDef('/a'), ctx)),
      outcome(transport.fetch(parameterDef('/b', { key: 'b' }), ctx)),
    ])
    expect([a, b]).toEqual(['ok', expect.objectContaining({ code: 'InvalidResponse', key: 'b' })])
  })

  it('fails with InvalidResponse a parameter without Value', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: '/a', Type: 'String' } })
    expect(await outcome(transport.fetch(parameterDef('/a'), ctx))).toMatchObject({ code: 'InvalidResponse' })
  })

  it('asks each name alone after a batch is denied, so one denied name fails alone', async () => {
    const denied = Object.assign(new Error('denied'), {
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
    })
    ssm.on(GetParametersCommand).rejects(denied)
    ssm.on(GetParameterCommand).callsFake(async ({ Name }: { Name: string }) => {
      if (Name === '/b') throw denied
      return { Parameter: { Name, Type: 'String', Value: `v${Name}` } }
    })
    const results = await Promise.all(
      ['a', 'b', 'c'].map((k) => outcome(transport.fetch(parameterDef(`/${k}`, { key: k }), ctx))),
    )
    expect(results[0]).toBe('ok')
    expect(results[1]).toMatchObject({ code: 'AccessDeniedException', key: 'b', source: 'sdk', status: 400 })
    expect(results[2]).toBe('ok')
  })

  it('fails every key of a throttled batch with the mapped error and its own key, without asking each alone', async () => {
    ssm.on(GetParametersCommand).rejects(
      Object.assign(new Error('slow down'), {
        name: 'ThrottlingException',
        $metadata: { httpStatusCode: 400 },
      }),
    )
    const results = await Promise.all(
      ['a', 'b', 'c'].map((k) => outcome(transport.fetch(parameterDef(`/${k}`, { key: k }), ctx))),
    )
    expect(results).toEqual(
      ['a', 'b', 'c'].map((key) => ({
        name: 'ParamsSecretsError',
        code: 'ThrottlingException',
        key,
        source: 'sdk',
        status: 400,
      })),
    )
  })

  it('retries a batch once after InvalidSignatureException and counts an attempt per call for each key', async () => {
    ssm
      .on(GetParametersCommand)
      .rejectsOnce(Object.assign(new Error('skew'), { __type: 'InvalidSignatureException' }))
      .resolves({
        Parameters: [
          { Name: '/a', Value: 'dummy', Type: 'String' },
          { Name: '/b', Value: 'dummy', Type: 'String' },
        ],
      })
    const values = await fetchAll([parameterDef('/a'), parameterDef('/b')])
    expect(values.map((v) => v.attempts)).toEqual([2, 2])
    expect(inputs(GetParametersCommand)).toHaveLength(2)
  })
})
