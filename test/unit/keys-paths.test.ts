/**
 * keys: the path kind (parametersByPath and { path }), `optional` on every kind, and their
 * validation at construction: a ParamsSecretsError naming the key and the option.
 */
import { ParamsSecretsError } from '../../src/errors.ts'
import paramsSecrets, {
  parametersByPath,
  paramsSecretsValidateOptions,
  secretsManagerValidateOptions,
} from '../../src/index.ts'
import { normalizeKeys } from '../../src/keys.ts'
import { ssmValidateOptions } from '../../src/ssm.ts'

const defaults = { cacheExpiry: -1, setToContext: false, fetchRotationDate: false }
const one = (spec: unknown, extra: Partial<Parameters<typeof normalizeKeys>[1]> = {}) =>
  normalizeKeys({ k: spec }, { ...defaults, ...extra })[0]!

const refusal = (fn: () => unknown) => {
  try {
    fn()
  } catch (error) {
    if (!(error instanceof ParamsSecretsError)) throw error
    return { code: error.code, key: error.key, message: error.message }
  }
  throw new Error('expected a refusal')
}

describe('keys: paths', () => {
  it('normalizes parametersByPath with recursive and withDecryption on by default', () => {
    expect(one(parametersByPath('/prod/app/'))).toMatchObject({
      kind: 'path',
      id: '/prod/app/',
      recursive: true,
      withDecryption: true,
      json: 'auto',
      optional: false,
    })
    expect(one({ path: '/prod/app', recursive: false, withDecryption: false, json: false })).toMatchObject({
      kind: 'path',
      id: '/prod/app',
      recursive: false,
      withDecryption: false,
      json: false,
    })
  })

  it.each<[string, unknown, string]>([
    ['a path not starting with /', { path: 'prod/app/' }, '"path"'],
    ['an empty path', { path: '' }, '"path"'],
    ['a version on a path', { path: '/p/', version: 2 }, '"version"'],
    ['a non-boolean recursive', { path: '/p/', recursive: 'yes' }, '"recursive"'],
    ['path beside parameter', { path: '/p/', parameter: '/p/a' }, 'fetchData.k'],
  ])('refuses %s, naming the key and the option', (_, spec, option) => {
    const error = refusal(() => one(spec))
    expect(error.code).toBe('InvalidOptions')
    expect(error.key).toBe('k')
    expect(error.message).toContain(option)
  })

  it("refuses a path under transport: 'extension' at construction (no layer route)", () => {
    const error = refusal(() =>
      paramsSecrets({
        transport: 'extension',
        disablePrefetch: true,
        fetchData: { cfg: parametersByPath('/p/') },
      }),
    )
    expect(error).toMatchObject({ code: 'InvalidOptions', key: 'cfg' })
    expect(error.message).toContain("transport: 'extension'")
    expect(() =>
      paramsSecretsValidateOptions({ transport: 'auto', fetchData: { cfg: { path: '/p/' } } }),
    ).not.toThrow()
  })

  it('refuses fetchRotationDate on a path', () => {
    const error = refusal(() =>
      normalizeKeys({ k: { path: '/p/' } }, { ...defaults, fetchRotationDate: { k: true } }),
    )
    expect(error).toMatchObject({ code: 'InvalidOptions', key: 'k' })
  })
})

describe('keys: optional', () => {
  it.each([
    ['a secret', { secret: 's', optional: true }],
    ['a parameter', { parameter: '/p', optional: true }],
    ['a path', { path: '/p/', optional: true }],
  ])('is carried on %s (default false)', (_, spec) => {
    expect(one(spec).optional).toBe(true)
    expect(one({ ...spec, optional: undefined }).optional).toBe(false)
  })

  it('refuses a non-boolean optional, naming the key', () => {
    expect(refusal(() => one({ parameter: '/p', optional: 'yes' }))).toMatchObject({
      code: 'InvalidOptions',
      key: 'k',
      message: expect.stringContaining('"optional"'),
    })
  })
})

describe('options: awsRequestLimit', () => {
  it.each([0, 11, 1.5, '10'])('refuses %j', (limit) => {
    expect(refusal(() => paramsSecretsValidateOptions({ awsRequestLimit: limit as number }))).toMatchObject({
      code: 'InvalidOptions',
      message: expect.stringContaining('awsRequestLimit'),
    })
  })
  it('accepts 1 to 10', () => {
    for (const limit of [1, 10])
      expect(() => paramsSecretsValidateOptions({ awsRequestLimit: limit })).not.toThrow()
  })
})

describe("middy 7's validateOptions names", () => {
  it.each([
    ['secretsManagerValidateOptions', secretsManagerValidateOptions, '@middy/secrets-manager'],
    ['ssmValidateOptions', ssmValidateOptions, '@middy/ssm'],
  ] as Array<[string, (options: any) => unknown, string]>)(
    '%s throws a TypeError naming the option, its cause the ParamsSecretsError',
    (_, check, pkg) => {
      let caught: any
      try {
        check({ cacheExpiry: -2 } as any)
      } catch (error) {
        caught = error
      }
      expect(caught).toBeInstanceOf(TypeError)
      expect(caught.message).toContain('cacheExpiry')
      expect(caught.cause).toBeInstanceOf(ParamsSecretsError)
      expect(caught.cause).toMatchObject({ code: 'InvalidOptions', package: pkg })
      const ok = { fetchData: { a: '/a' }, cacheExpiry: 0 }
      expect(check(ok)).toBe(ok)
    },
  )

  it('ssmValidateOptions names the ssm option, not the one it maps to', () => {
    expect(() => ssmValidateOptions({ AwsClient: 'no' } as any)).toThrow(/"AwsClient"/)
    expect(() => ssmValidateOptions({ awsClientOptions: 'no' } as any)).toThrow(/"awsClientOptions"/)
    expect(() => ssmValidateOptions({ ssmAwsClient: class {} } as any)).toThrow(/"ssmAwsClient"/)
  })
})
