import { sanitizeKey as middySanitizeKey } from '@middy/util'
import { ParamsSecretsError } from '../../src/errors.ts'
import { paramsSecretsValidateOptions } from '../../src/index.ts'
import { normalizeKeys, parameter, sanitizeKey, secret, secretsManagerParam } from '../../src/keys.ts'
import { resolveOptions } from '../../src/options.ts'
import { expiresAtFor } from '../../src/policy.ts'

const keys = (fetchData: unknown, setToContext = false, fetchRotationDate: unknown = false) =>
  normalizeKeys(fetchData, { cacheExpiry: -1, setToContext, fetchRotationDate: fetchRotationDate as boolean })

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

describe('keys', () => {
  it('reads a plain string as a secret id and fills the defaults', () => {
    expect(keys({ 'db-creds': 'prod/db' })[0]).toMatchObject({
      key: 'db-creds',
      contextKey: 'db_creds',
      kind: 'secret',
      id: 'prod/db',
      json: 'auto',
      maxAge: -1,
      staleWhileRevalidate: 0,
      staleIfError: 0,
    })
  })

  it('builds specs with the helpers; secret(id) alone is the id itself', () => {
    expect(secret('id')).toBe('id')
    expect(secretsManagerParam('id')).toBe('id')
    expect(secret('id', { versionStage: 'AWSPREVIOUS' })).toEqual({
      secret: 'id',
      versionStage: 'AWSPREVIOUS',
    })
    expect(parameter('/p')).toEqual({ parameter: '/p' })
    expect(keys({ p: parameter('/p', { version: 2 }) })[0]).toMatchObject({
      kind: 'parameter',
      id: '/p',
      version: 2,
      withDecryption: true,
    })
  })

  it.each([
    [{ k: '' }, 'secret'],
    [{ k: { secret: 'a', parameter: 'b' } }, 'fetchData.k'],
    [{ k: { secret: 'a', versionId: 'v', versionStage: 'S' } }, 'versionId'],
    [{ k: { parameter: 'a', version: 1, label: 'l' } }, 'version'],
    [{ k: { parameter: 'a', version: 0 } }, 'version'],
    [{ k: { parameter: 'a', withDecryption: 'yes' } }, 'withDecryption'],
    [{ k: { secret: 'a', maxAge: -5 } }, 'maxAge'],
    [{ k: { secret: 'a', staleIfError: -1 } }, 'staleIfError'],
    [{ k: { secret: 'a', json: 'yes' } }, 'json'],
    [{ k: { secret: 'a', withDecryption: true } }, 'withDecryption'],
    [{ k: { secret: 'a', refreshOnError: true } }, 'refreshOnError'],
    [{ k: 42 }, 'fetchData.k'],
  ])('refuses %j naming the key and %s', (fetchData, option) => {
    const error = rejects(() => keys(fetchData))
    expect(error.key).toBe('k')
    expect(error.message).toContain(`"${option}"`)
    expect(error.message).toContain('"k"')
  })

  it('refuses keys that would overwrite a Lambda context member or each other with setToContext', () => {
    expect(rejects(() => keys({ functionName: 'x' }, true)).message).toContain('context.functionName')
    rejects(() => keys({ getRemainingTimeInMillis: 'x' }, true))
    rejects(() => keys({ 'a-b': 'x', a_b: 'y' }, true))
    expect(keys({ functionName: 'x' }, false)).toHaveLength(1)
  })

  it('applies fetchRotationDate to secrets only', () => {
    expect(keys({ a: 'x' }, false, { a: true })[0]!.fetchRotationDate).toBe(true)
    rejects(() => keys({ p: { parameter: '/p' } }, false, { p: true }))
    rejects(() => keys({ a: 'x' }, false, { b: true }))
  })

  it.each(['my-key', '1st', 'a.b.c', 'ok', 'x--y', 'ünï'])('sanitizes %s as @middy/util does', (key) => {
    expect(sanitizeKey(key)).toBe(middySanitizeKey(key))
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
