import { ParamsSecretsError } from '../../src/errors.ts'
import { paramsSecretsValidateOptions } from '../../src/index.ts'
import { resolveOptions } from '../../src/options.ts'
import { expiresAtFor } from '../../src/policy.ts'

const rejects = (fn: () => unknown): ParamsSecretsError => {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(ParamsSecretsError)
    expect((error as ParamsSecretsError).code).toBe('InvalidOptions')
    return error as ParamsSecretsError
  }
  throw new Error('expected InvalidOptions')
}

describe('options', () => {
  it('applies the defaults', () => {
    const o = resolveOptions(undefined, {})
    expect(o).toMatchObject({
      setToContext: false,
      cacheKey: 'middy-params-secrets',
      cacheExpiry: -1,
      disablePrefetch: false,
      transport: 'auto',
      extension: { port: 2773, timeoutMs: 3000, refreshNow: false, connections: 10 },
    })
    expect(o.extension.token()).toBeUndefined()
  })

  it('takes the port from the option, then PARAMETERS_SECRETS_EXTENSION_HTTP_PORT, then 2773', () => {
    expect(resolveOptions({}, { PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: '4000' }).extension.port).toBe(4000)
    expect(
      resolveOptions({ extension: { port: 5000 } }, { PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: '4000' })
        .extension.port,
    ).toBe(5000)
  })

  it('refuses a port variable that would point elsewhere than loopback', () => {
    const error = rejects(() =>
      resolveOptions({}, { PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: 'evil.example:80' }),
    )
    expect(error.message).toContain('PARAMETERS_SECRETS_EXTENSION_HTTP_PORT')
    rejects(() => resolveOptions({ extension: { host: '10.0.0.1' } as any }, {}))
  })

  it('picks the token as the agent does: AWS_TOKEN, AWS_SESSION_TOKEN, AWS_CONTAINER_AUTHORIZATION_TOKEN', () => {
    expect(resolveOptions({}, { AWS_CONTAINER_AUTHORIZATION_TOKEN: 'c' }).extension.token()).toBe('c')
    expect(
      resolveOptions(
        {},
        { AWS_SESSION_TOKEN: 's', AWS_CONTAINER_AUTHORIZATION_TOKEN: 'c' },
      ).extension.token(),
    ).toBe('s')
    expect(resolveOptions({}, { AWS_TOKEN: 't', AWS_SESSION_TOKEN: 's' }).extension.token()).toBe('t')
    expect(resolveOptions({ extension: { token: 'x' } }, { AWS_TOKEN: 't' }).extension.token()).toBe('x')
  })

  it.each([
    [{ cacheExpiry: 1.5 }, 'cacheExpiry'],
    [{ cacheExpiry: Number.NaN }, 'cacheExpiry'],
    [{ cacheExpiry: -2 }, 'cacheExpiry'],
    [{ cacheExpiry: Number.POSITIVE_INFINITY }, 'cacheExpiry'],
    [{ cacheKeyExpiry: { a: 'x' } }, 'cacheKeyExpiry.a'],
    [{ transport: 'http' }, 'transport'],
    [{ setToContext: 'yes' }, 'setToContext'],
    [{ typo: true }, 'typo'],
    [{ extension: { timeoutMs: 0 } }, 'extension.timeoutMs'],
  ])('refuses %j naming %s', (opts, option) => {
    expect(rejects(() => resolveOptions(opts, {})).message).toContain(`"${option}"`)
  })

  it('uses cacheKeyExpiry[cacheKey] over cacheExpiry, as middy does', () => {
    expect(resolveOptions({ cacheKey: 'a', cacheExpiry: 5, cacheKeyExpiry: { a: 10 } }, {}).cacheExpiry).toBe(
      10,
    )
  })

  it('reads an age above a day as an epoch-ms deadline', () => {
    expect(expiresAtFor(-1, 5)).toBe(Number.POSITIVE_INFINITY)
    expect(expiresAtFor(0, 5)).toBe(5)
    expect(expiresAtFor(1000, 5)).toBe(1005)
    expect(expiresAtFor(86_400_000, 5)).toBe(86_400_005)
    expect(expiresAtFor(86_400_001, 5)).toBe(86_400_001)
  })
})

describe('resolveOptions, option by option', () => {
  const message = (opts: unknown, env: NodeJS.ProcessEnv = {}) =>
    rejects(() => resolveOptions(opts, env)).message

  it('accepts every documented option', () => {
    const fn = () => undefined
    const o = resolveOptions(
      {
        fetchData: {},
        setToContext: true,
        cacheKey: 'k',
        cacheExpiry: 5,
        cacheKeyExpiry: { other: 1 },
        cacheMaxSize: 10,
        disablePrefetch: true,
        fetchRotationDate: false,
        AwsClient: fn,
        awsClientOptions: { region: 'eu-west-1' },
        awsClientAssumeRole: 'role',
        awsClientCapture: fn,
        ssmAwsClient: fn,
        ssmAwsClientOptions: { region: 'eu-west-2' },
        transport: 'sdk',
        extension: { port: 1, token: 't', timeoutMs: 1, refreshNow: true, connections: 1 },
        onEvent: fn,
        now: fn,
      } as any,
      {},
    )
    expect(o).toMatchObject({
      setToContext: true,
      cacheKey: 'k',
      cacheExpiry: 5,
      disablePrefetch: true,
      transport: 'sdk',
      extension: { port: 1, timeoutMs: 1, refreshNow: true, connections: 1 },
      onEvent: fn,
      now: fn,
      sdk: {
        AwsClient: fn,
        awsClientOptions: { region: 'eu-west-1' },
        awsClientAssumeRole: 'role',
        awsClientCapture: fn,
        ssmAwsClient: fn,
        ssmAwsClientOptions: { region: 'eu-west-2' },
      },
    })
    expect(o.extension.token()).toBe('t')
    expect(resolveOptions({}, {}).now).toBe(Date.now)
    expect(resolveOptions({ transport: 'extension' }, {}).transport).toBe('extension')
    expect(resolveOptions({ transport: 'auto' }, {}).transport).toBe('auto')
  })

  it.each([null, 'x', [1]])('refuses options %j', (opts) => {
    expect(message(opts)).toBe('Invalid option "options": must be an object')
  })

  it.each([
    ['setToContext', 1, 'must be a boolean'],
    ['disablePrefetch', 'no', 'must be a boolean'],
    ['cacheKey', 1, 'must be a string'],
    ['awsClientAssumeRole', {}, 'must be a string'],
    ['cacheMaxSize', '10', 'must be a number'],
    ['AwsClient', {}, 'must be a function'],
    ['ssmAwsClient', 'c', 'must be a function'],
    ['awsClientCapture', true, 'must be a function'],
    ['onEvent', [], 'must be a function'],
    ['now', 1, 'must be a function'],
    ['awsClientOptions', 'x', 'must be an object'],
    ['ssmAwsClientOptions', [], 'must be an object'],
    ['cacheKeyExpiry', null, 'must be an object'],
    ['cacheKey', '', 'must be a non-empty string'],
    ['extension', 'x', 'must be an object'],
  ])('refuses %s: %j', (option, value, problem) => {
    expect(message({ [option]: value })).toBe(`Invalid option "${option}": ${problem}`)
  })

  it('names the options an unknown extension option could have meant', () => {
    expect(message({ extension: { host: 'h' } })).toBe(
      'Invalid option "extension.host": is not an option (known: port, token, timeoutMs, refreshNow, connections)',
    )
    expect(message({ typo: 1 })).toBe('Invalid option "typo": is not an option of middy-params-secrets')
  })

  it.each([
    [{ port: 0 }, 'extension.port'],
    [{ port: 65536 }, 'extension.port'],
    [{ port: 1.5 }, 'extension.port'],
    [{ port: 'p80' }, 'extension.port'],
    [{ token: '' }, 'extension.token'],
    [{ token: 1 }, 'extension.token'],
    [{ timeoutMs: 900_001 }, 'extension.timeoutMs'],
    [{ timeoutMs: 1.5 }, 'extension.timeoutMs'],
    [{ connections: 0 }, 'extension.connections'],
    [{ connections: 65 }, 'extension.connections'],
    [{ connections: 2.5 }, 'extension.connections'],
    [{ refreshNow: 'yes' }, 'extension.refreshNow'],
  ])('refuses extension %j naming %s', (extension, option) => {
    expect(message({ extension })).toContain(`Invalid option "${option}": `)
  })

  it('accepts the bounds of each extension option', () => {
    const ext = (extension: Record<string, unknown>) => resolveOptions({ extension }, {}).extension
    expect(ext({ port: 65535 }).port).toBe(65535)
    expect(ext({ timeoutMs: 900_000 }).timeoutMs).toBe(900_000)
    expect(ext({ connections: 64 }).connections).toBe(64)
    expect(message({ extension: { port: 0 } })).toBe(
      'Invalid option "extension.port": must be a port number from 1 to 65535 (the extension is always on 127.0.0.1)',
    )
    expect(message({ extension: { timeoutMs: 0 } })).toBe(
      'Invalid option "extension.timeoutMs": must be a whole number of ms from 1 to 900000',
    )
    expect(message({ extension: { connections: 0 } })).toBe(
      'Invalid option "extension.connections": must be a whole number from 1 to 64',
    )
  })

  it.each(['0', '65536', '123456', '', '8080 ', '-1'])('refuses the port variable %j', (value) => {
    const env = { PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: value }
    if (value === '') expect(resolveOptions({}, env).extension.port).toBe(2773)
    else expect(message({}, env)).toContain('"PARAMETERS_SECRETS_EXTENSION_HTTP_PORT"')
  })

  it('takes the port variable at its bounds', () => {
    expect(resolveOptions({}, { PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: '1' }).extension.port).toBe(1)
    expect(resolveOptions({}, { PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: '65535' }).extension.port).toBe(65535)
  })

  it('skips an empty token variable for the next one', () => {
    const token = (env: NodeJS.ProcessEnv) => resolveOptions({}, env).extension.token()
    expect(token({ AWS_TOKEN: '', AWS_SESSION_TOKEN: 's' })).toBe('s')
    expect(token({ AWS_SESSION_TOKEN: '', AWS_CONTAINER_AUTHORIZATION_TOKEN: 'c' })).toBe('c')
    expect(
      token({ AWS_TOKEN: '', AWS_SESSION_TOKEN: '', AWS_CONTAINER_AUTHORIZATION_TOKEN: '' }),
    ).toBeUndefined()
  })

  it('names the rule an age breaks', () => {
    expect(message({ cacheExpiry: -2 })).toBe(
      'Invalid option "cacheExpiry": must be -1 (never expires), 0 (every invocation) or a whole number of milliseconds',
    )
    expect(message({ cacheExpiry: '5' })).toContain('"cacheExpiry"')
    expect(resolveOptions({ cacheExpiry: -1 }, {}).cacheExpiry).toBe(-1)
    expect(resolveOptions({ cacheExpiry: 0 }, {}).cacheExpiry).toBe(0)
  })

  it('reads cacheKeyExpiry by own key only, and checks every entry', () => {
    expect(resolveOptions({ cacheKey: 'toString', cacheExpiry: 7, cacheKeyExpiry: {} }, {}).cacheExpiry).toBe(
      7,
    )
    expect(resolveOptions({ cacheKeyExpiry: { 'middy-params-secrets': 3 } }, {}).cacheExpiry).toBe(3)
    expect(resolveOptions({ cacheKey: 'a', cacheExpiry: 9, cacheKeyExpiry: { b: 3 } }, {}).cacheExpiry).toBe(
      9,
    )
    expect(message({ cacheKeyExpiry: { b: -2 } })).toContain('"cacheKeyExpiry.b"')
  })

  it("refuses fetchRotationDate with transport 'extension' only", () => {
    for (const fetchRotationDate of [true, { a: true }]) {
      expect(message({ transport: 'extension', fetchRotationDate })).toBe(
        `Invalid option "fetchRotationDate": needs the AWS SDK (DescribeSecret), which transport: 'extension' never uses`,
      )
      expect(resolveOptions({ transport: 'auto', fetchRotationDate }, {}).transport).toBe('auto')
    }
    expect(resolveOptions({ transport: 'extension', fetchRotationDate: false }, {}).transport).toBe(
      'extension',
    )
  })
})

describe('paramsSecretsValidateOptions', () => {
  it('throws what the factory would, and builds nothing', () => {
    expect(() =>
      paramsSecretsValidateOptions({ fetchData: { db: 'prod/db' }, cacheExpiry: 60_000 }),
    ).not.toThrow()
    const error = rejects(() =>
      paramsSecretsValidateOptions({ fetchData: { db: { secret: 'x', maxAge: 1.5 } } }),
    )
    expect(error.key).toBe('db')
  })
})

describe('token', () => {
  it('is read at each request, so a token set after construction (SnapStart restore) is used', () => {
    const env: NodeJS.ProcessEnv = {}
    const o = resolveOptions({}, env)
    expect(o.extension.token()).toBeUndefined()
    env.AWS_CONTAINER_AUTHORIZATION_TOKEN = 'restored'
    expect(o.extension.token()).toBe('restored')
  })
})

describe('resolveOptions: what reaches the transports', () => {
  const message = (opts: unknown, env: NodeJS.ProcessEnv = {}) =>
    rejects(() => resolveOptions(opts, env)).message

  it('gives the SDK at least 3 s a call, or the extension timeout when longer', () => {
    expect(resolveOptions({ extension: { timeoutMs: 100 } }, {}).sdk.timeoutMs).toBe(3000)
    expect(resolveOptions({ extension: { timeoutMs: 5000 } }, {}).sdk.timeoutMs).toBe(5000)
    expect(resolveOptions({}, {}).sdk.timeoutMs).toBe(3000)
  })

  it('passes awsRequestLimit to the SDK, and names its bounds when refused', () => {
    expect(resolveOptions({ awsRequestLimit: 1 }, {}).sdk.awsRequestLimit).toBe(1)
    expect(resolveOptions({ awsRequestLimit: 10 }, {}).sdk.awsRequestLimit).toBe(10)
    expect(resolveOptions({}, {}).sdk.awsRequestLimit).toBeUndefined()
    for (const limit of [0, 11, 2.5, '3']) {
      expect(message({ awsRequestLimit: limit })).toBe(
        'Invalid option "awsRequestLimit": must be a whole number from 1 to 10 (names per GetParameters)',
      )
    }
  })

  it('names the transports it knows', () => {
    expect(message({ transport: 'http' })).toBe(
      `Invalid option "transport": must be 'auto', 'extension' or 'sdk'`,
    )
    expect(message({ transport: '' })).toContain('"transport"')
  })

  it("says why the layer cannot serve a client's keys, per kind", () => {
    const env = { AWS_REGION: 'us-east-1' }
    expect(resolveOptions({}, env).sdkOnly).toEqual({})
    expect(resolveOptions({ awsClientOptions: { region: 'eu-west-1' } }, env).sdkOnly).toEqual({
      secret: expect.stringContaining("awsClientOptions.region names 'eu-west-1'"),
    })
    expect(resolveOptions({ ssmAwsClientOptions: { region: 'eu-west-1' } }, env).sdkOnly).toEqual({
      parameter: expect.stringContaining("ssmAwsClientOptions.region names 'eu-west-1'"),
    })
    expect(resolveOptions({ awsClientAssumeRole: 'r' }, env).sdkOnly).toEqual({
      secret: expect.stringContaining('awsClientAssumeRole is set'),
      parameter: expect.stringContaining('awsClientAssumeRole is set'),
    })
  })

  it("refuses 'extension' with such options, saying why and what to use", () => {
    expect(
      message(
        { transport: 'extension', ssmAwsClientOptions: { credentials: {} } },
        { AWS_REGION: 'us-east-1' },
      ),
    ).toBe(
      `Invalid option "transport": 'extension' cannot be used: ssmAwsClientOptions.credentials are set (the layer reads with the function's own role); use 'auto' or 'sdk'`,
    )
    expect(resolveOptions({ transport: 'sdk', awsClientAssumeRole: 'r' }, {}).transport).toBe('sdk')
  })

  it('takes cacheExpiry when cacheKeyExpiry has no entry for the cacheKey, and -1 when neither is set', () => {
    expect(resolveOptions({ cacheExpiry: 4 }, {}).cacheExpiry).toBe(4)
    expect(resolveOptions({ cacheKeyExpiry: { other: 2 } }, {}).cacheExpiry).toBe(-1)
    expect(
      resolveOptions({ cacheKeyExpiry: { 'middy-params-secrets': 0 }, cacheExpiry: 5 }, {}).cacheExpiry,
    ).toBe(0)
    expect(message({ cacheKeyExpiry: { a: 1.5 } })).toBe(
      'Invalid option "cacheKeyExpiry.a": must be -1 (never expires), 0 (every invocation) or a whole number of milliseconds',
    )
  })

  it('names the option of a wrong type with the type it must be', () => {
    expect(message({ extension: { refreshNow: 1 } })).toBe(
      'Invalid option "extension.refreshNow": must be a boolean',
    )
    expect(message({ extension: { token: '' } })).toBe(
      'Invalid option "extension.token": must be a non-empty string',
    )
    expect(message({ extension: { token: 5 } })).toBe(
      'Invalid option "extension.token": must be a non-empty string',
    )
    expect(message({}, { PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: '99999' })).toBe(
      'Invalid option "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT": must be a port number from 1 to 65535 (the extension is always on 127.0.0.1)',
    )
  })

  it('takes each extension option at its bounds', () => {
    const ext = (extension: Record<string, unknown>) => resolveOptions({ extension }, {}).extension
    expect(ext({ port: 1 }).port).toBe(1)
    expect(ext({ timeoutMs: 1 }).timeoutMs).toBe(1)
    expect(ext({ connections: 1 }).connections).toBe(1)
    expect(ext({ refreshNow: false }).refreshNow).toBe(false)
    for (const port of [' 80', '+80', '8O', '0x50']) {
      expect(message({}, { PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: port })).toContain(
        '"PARAMETERS_SECRETS_EXTENSION_HTTP_PORT"',
      )
    }
    expect(resolveOptions({}, { PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: '00080' }).extension.port).toBe(80)
    // only a number, or the digits of the variable: not an object that prints as digits
    for (const port of [[80], { toString: () => '80' }]) {
      expect(message({ extension: { port } })).toContain('"extension.port"')
    }
  })
})
