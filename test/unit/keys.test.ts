import { sanitizeKey as middySanitizeKey } from '@middy/util'
import { ParamsSecretsError } from '../../src/errors.ts'
import { parameter, secret, secretsManagerParam } from '../../src/key-helpers.ts'
import { type KeyDef, normalizeKeys, sanitizeKey } from '../../src/keys.ts'

const defaults = { cacheExpiry: 60_000, setToContext: false, fetchRotationDate: false }
const keys = (fetchData: unknown, extra: Record<string, unknown> = {}): KeyDef[] =>
  normalizeKeys(fetchData, { ...defaults, ...extra } as typeof defaults)
const one = (spec: unknown, extra: Record<string, unknown> = {}): KeyDef => keys({ k: spec }, extra)[0]!

/** The InvalidOptions error `fn` throws. */
const refusal = (fn: () => unknown): ParamsSecretsError => {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(ParamsSecretsError)
    expect(error).toMatchObject({ code: 'InvalidOptions', source: 'options' })
    return error as ParamsSecretsError
  }
  throw new Error('expected InvalidOptions')
}

describe('normalizeKeys', () => {
  it('fills every field of a secret from its spec and the defaults', () => {
    expect(one('prod/db')).toEqual({
      key: 'k',
      contextKey: 'k',
      kind: 'secret',
      id: 'prod/db',
      versionId: undefined,
      versionStage: undefined,
      version: undefined,
      label: undefined,
      withDecryption: true,
      json: 'auto',
      maxAge: 60_000,
      staleWhileRevalidate: 0,
      staleIfError: 0,
      refreshOnError: undefined,
      fetchRotationDate: false,
      recursive: true,
      optional: false,
    })
  })

  it('keeps every option a spec gives', () => {
    const refreshOnError = () => true
    expect(
      one({
        secret: 's',
        versionStage: 'AWSPREVIOUS',
        json: false,
        maxAge: 5,
        staleWhileRevalidate: 6,
        staleIfError: 7,
        refreshOnError,
      }),
    ).toMatchObject({
      versionStage: 'AWSPREVIOUS',
      json: false,
      maxAge: 5,
      staleWhileRevalidate: 6,
      staleIfError: 7,
      refreshOnError,
    })
    expect(one({ secret: 's', versionId: 'v-1', json: true })).toMatchObject({ versionId: 'v-1', json: true })
    expect(
      one({ parameter: '/p', withDecryption: false, label: 'live', json: false, maxAge: 3, staleIfError: 4 }),
    ).toMatchObject({
      kind: 'parameter',
      withDecryption: false,
      label: 'live',
      json: false,
      maxAge: 3,
      staleIfError: 4,
    })
    expect(one({ parameter: '/p', version: 1 }).version).toBe(1)
    expect(one({ secret: 's', maxAge: 0 }).maxAge).toBe(0)
    expect(one({ secret: 's', maxAge: -1 }).maxAge).toBe(-1)
  })

  it('accepts no fetchData as no keys', () => {
    expect(keys(undefined)).toEqual([])
    expect(keys({})).toEqual([])
  })

  it.each([null, 'db', ['db'], 1])('refuses fetchData %j, naming it', (fetchData) => {
    const error = refusal(() => keys(fetchData))
    expect(error.key).toBeUndefined()
    expect(error.message).toBe(
      'Invalid option "fetchData": must be an object of { key: id string | key spec }',
    )
  })

  it.each([
    [null, 'fetchData.k', 'must be an id string'],
    [['s'], 'fetchData.k', 'must be an id string'],
    [{}, 'fetchData.k', 'exactly one of "secret"'],
    [{ secret: 's', parameter: '/p' }, 'fetchData.k', 'exactly one of "secret"'],
    [{ secret: 's', label: 'l' }, 'label', 'is not an option of a secret key'],
    [{ secret: 's', version: 1 }, 'version', 'is not an option of a secret key'],
    [{ parameter: '/p', versionStage: 'S' }, 'versionStage', 'is not an option of a parameter key'],
    [{ parameter: '/p', versionId: 'v' }, 'versionId', 'is not an option of a parameter key'],
    [{ secret: 's', maxage: 1 }, 'maxage', 'is not an option of a secret key'],
    [{ secret: 's', withDecryption: true }, 'withDecryption', 'is not an option of a secret key'],
    [42, 'fetchData.k', 'must be an id string'],
    [{ secret: 1 }, 'secret', 'must be a non-empty string'],
    [{ parameter: '' }, 'parameter', 'must be a non-empty string'],
    [{ secret: 'a\ud800b' }, 'secret', 'well-formed Unicode'],
    [{ secret: 's', versionId: '' }, 'versionId', 'must be a non-empty string'],
    [{ secret: 's', versionStage: 7 }, 'versionStage', 'must be a non-empty string'],
    [{ parameter: '/p', label: '\udc00' }, 'label', 'well-formed Unicode'],
    [{ parameter: '/p', version: 1.5 }, 'version', 'a whole number, 1 or more'],
    [{ parameter: '/p', version: '2' }, 'version', 'a whole number, 1 or more'],
    [{ parameter: '/p', version: 2 ** 53 }, 'version', 'a whole number, 1 or more'],
    [{ parameter: '/p', version: -1 }, 'version', 'a whole number, 1 or more'],
    [{ parameter: '/p', withDecryption: 1 }, 'withDecryption', 'must be a boolean'],
    [{ secret: 's', json: 'true' }, 'json', "must be 'auto', true or false"],
    [{ secret: 's', json: null }, 'json', "must be 'auto', true or false"],
    [{ secret: 's', refreshOnError: 'always' }, 'refreshOnError', 'must be a function'],
    [{ secret: 's', maxAge: '1000' }, 'maxAge', 'must be -1'],
    [{ secret: 's', staleWhileRevalidate: -1 }, 'staleWhileRevalidate', 'must be a whole number'],
    [{ secret: 's', staleIfError: 0.5 }, 'staleIfError', 'must be a whole number'],
  ])('refuses the spec %j, naming the key and %s', (spec, option, problem) => {
    const error = refusal(() => one(spec))
    expect(error.key).toBe('k')
    expect(error.message).toContain(`Invalid option "${option}" of key "k": `)
    expect(error.message).toContain(problem)
  })

  it('accepts the exclusive options one at a time', () => {
    expect(one({ secret: 's', versionId: 'v' }).versionStage).toBeUndefined()
    expect(one({ parameter: '/p', label: 'l' }).version).toBeUndefined()
    refusal(() => one({ secret: 's', versionId: 'v', versionStage: 'S' }))
    refusal(() => one({ parameter: '/p', version: 1, label: 'l' }))
  })

  it.each(['', '__proto__'])('refuses the key %j', (key) => {
    const fetchData = JSON.parse(`{${JSON.stringify(key)}:"s"}`)
    const error = refusal(() => keys(fetchData))
    expect(error.message).toContain('a key must be a non-empty name other than __proto__')
  })

  describe('setToContext', () => {
    it('refuses a key that would replace a member of the Lambda context', () => {
      const members = [
        ...['functionName', 'functionVersion', 'invokedFunctionArn', 'memoryLimitInMB', 'awsRequestId'],
        ...['logGroupName', 'logStreamName', 'identity', 'clientContext', 'callbackWaitsForEmptyEventLoop'],
        ...['getRemainingTimeInMillis', 'done', 'fail', 'succeed', 'tenantId'],
      ]
      for (const member of members) {
        const error = refusal(() => keys({ [member]: 's' }, { setToContext: true }))
        expect(error.message).toBe(
          `Invalid option "setToContext" of key "${member}": would overwrite context.${member} of the Lambda context; rename the key`,
        )
      }
    })

    it('refuses two keys that sanitize to one context name, naming both', () => {
      const error = refusal(() => keys({ 'a-b': 's', 'a.b': 't' }, { setToContext: true }))
      expect(error.key).toBe('a.b')
      expect(error.message).toBe(
        'Invalid option "setToContext" of key "a.b": and key "a-b" both become context.a_b; rename one',
      )
    })

    it('allows any names without setToContext', () => {
      expect(keys({ 'a-b': 's', 'a.b': 't', done: 'u' })).toHaveLength(3)
      expect(keys({ a: 's', b: 't' }, { setToContext: true }).map((d) => d.contextKey)).toEqual(['a', 'b'])
    })
  })

  describe('fetchRotationDate', () => {
    it('true applies to every secret and no parameter', () => {
      const defs = keys({ s: 's', p: { parameter: '/p' } }, { fetchRotationDate: true })
      expect(defs.map((d) => d.fetchRotationDate)).toEqual([true, false])
    })

    it('a map applies to the keys it names with true', () => {
      const defs = keys({ a: 's', b: 't', c: 'u' }, { fetchRotationDate: { a: true, b: false } })
      expect(defs.map((d) => d.fetchRotationDate)).toEqual([true, false, false])
    })

    it.each([
      ['yes', undefined, 'must be true, false or { [key]: true }'],
      [null, undefined, 'must be true, false or { [key]: true }'],
      [{ a: 'yes' }, 'a', 'must name keys of fetchData'],
      [{ zz: true }, 'zz', 'must name keys of fetchData'],
      [{ p: true }, 'p', 'applies to secrets only'],
    ])('refuses %j', (rotation, key, problem) => {
      const error = refusal(() => keys({ a: 's', p: { parameter: '/p' } }, { fetchRotationDate: rotation }))
      expect(error.key).toBe(key)
      expect(error.message).toContain('"fetchRotationDate"')
      expect(error.message).toContain(problem)
    })

    it('refuses a map with no fetchData, and allows false for a parameter', () => {
      refusal(() => keys(undefined, { fetchRotationDate: { a: true } }))
      expect(
        keys({ p: { parameter: '/p' } }, { fetchRotationDate: { p: false } })[0]!.fetchRotationDate,
      ).toBe(false)
    })
  })
})

describe('sanitizeKey', () => {
  it.each([
    ['my-key', 'my_key'],
    ['1st', '_1st'],
    ['a..b', 'a_b'],
    ['Az09', 'Az09'],
  ])('%s -> %s', (key, contextKey) => {
    expect(sanitizeKey(key)).toBe(contextKey)
  })

  it.each(['my-key', '1st', 'a.b.c', 'ok', 'x--y', 'ünï'])('sanitizes %s as @middy/util does', (key) => {
    expect(sanitizeKey(key)).toBe(middySanitizeKey(key))
  })
})

describe('secret() and parameter()', () => {
  it('secret(id) alone is the id itself, typed; with options a spec', () => {
    expect(secret('id')).toBe('id')
    expect(secretsManagerParam('id')).toBe('id')
    expect(secret('id', { versionStage: 'AWSPREVIOUS' })).toEqual({
      secret: 'id',
      versionStage: 'AWSPREVIOUS',
    })
    expect(parameter('/p')).toEqual({ parameter: '/p' })
    expect(one(parameter('/p', { version: 2 }))).toMatchObject({ kind: 'parameter', id: '/p', version: 2 })
  })

  it('build specs that keep the options and normalize back', () => {
    expect(secret('s', { json: false })).toEqual({ json: false, secret: 's' })
    expect(parameter('/p', { withDecryption: false })).toEqual({ withDecryption: false, parameter: '/p' })
    // the id wins over a stray field of the same name in the options
    expect(secret('s', { secret: 'other' } as any)).toEqual({ secret: 's' })
    expect(parameter('/p', { parameter: 'other' } as any)).toEqual({ parameter: '/p' })
  })
})

describe('normalizeKeys: what each refusal says', () => {
  const says = (spec: unknown, extra: Record<string, unknown> = {}) => refusal(() => one(spec, extra)).message

  it.each<[unknown, string]>([
    [
      null,
      'Invalid option "fetchData.k" of key "k": must be an id string, secret(...), parameter(...), parametersByPath(...) or { secret } / { parameter } / { path }',
    ],
    [
      {},
      'Invalid option "fetchData.k" of key "k": must have exactly one of "secret" (an id or ARN), "parameter" (a name) and "path" (a path)',
    ],
    [
      { secret: 's', versionId: 'v', versionStage: 'S' },
      'Invalid option "versionId" of key "k": and versionStage are exclusive: give one',
    ],
    [
      { parameter: '/p', version: 1, label: 'l' },
      'Invalid option "version" of key "k": and label are exclusive: give one',
    ],
    [
      { parameter: '/p', version: 0 },
      'Invalid option "version" of key "k": must be a whole number, 1 or more',
    ],
    [{ path: '/p/', recursive: 1 }, 'Invalid option "recursive" of key "k": must be a boolean'],
    [{ secret: 's', optional: 'no' }, 'Invalid option "optional" of key "k": must be a boolean'],
    [
      { parameter: '/p', withDecryption: 'no' },
      'Invalid option "withDecryption" of key "k": must be a boolean',
    ],
    [{ secret: 's', json: 'yes' }, `Invalid option "json" of key "k": must be 'auto', true or false`],
    [
      { secret: 's', refreshOnError: true },
      'Invalid option "refreshOnError" of key "k": must be a function (error) => boolean',
    ],
    [{ path: 'p/' }, `Invalid option "path" of key "k": must start with '/' (say '/prod/app/')`],
    [{ secret: '' }, 'Invalid option "secret" of key "k": must be a non-empty string'],
    [
      { secret: '\ud800' },
      'Invalid option "secret" of key "k": must be well-formed Unicode (it holds a lone surrogate)',
    ],
    [{ parameter: '/p', json: 1 }, `Invalid option "json" of key "k": must be 'auto', true or false`],
  ])('refuses %j: %s', (spec, text) => {
    expect(says(spec)).toBe(text)
  })

  it("refuses a path under transport 'extension', naming the reason", () => {
    expect(says({ path: '/p/' }, { transport: 'extension' })).toBe(
      `Invalid option "path" of key "k": needs the AWS SDK (GetParametersByPath has no extension route), which transport: 'extension' never uses`,
    )
    for (const transport of ['auto', 'sdk', undefined]) {
      expect(one({ path: '/p/' }, { transport }).kind).toBe('path')
    }
  })

  it('refuses the empty key and __proto__ naming fetchData', () => {
    expect(refusal(() => keys({ '': 's' })).message).toBe(
      'Invalid option "fetchData" of key "": a key must be a non-empty name other than __proto__',
    )
  })

  it('names fetchRotationDate in each of its refusals', () => {
    expect(refusal(() => keys({ a: 's' }, { fetchRotationDate: 1 })).message).toBe(
      'Invalid option "fetchRotationDate": must be true, false or { [key]: true }',
    )
    expect(refusal(() => keys({ a: 's' }, { fetchRotationDate: { b: true } })).message).toBe(
      'Invalid option "fetchRotationDate" of key "b": must name keys of fetchData, each with true or false',
    )
    expect(refusal(() => keys({ p: { parameter: '/p' } }, { fetchRotationDate: { p: true } })).message).toBe(
      'Invalid option "fetchRotationDate" of key "p": applies to secrets only',
    )
  })
})

describe('normalizeKeys: what each accepted option gives', () => {
  it("takes json 'auto', true and false as given", () => {
    for (const json of ['auto', true, false] as const) {
      expect(one({ secret: 's', json }).json).toBe(json)
      expect(one({ parameter: '/p', json }).json).toBe(json)
      expect(one({ path: '/p/', json }).json).toBe(json)
    }
  })

  it('takes maxAge from the spec, else the instance default', () => {
    expect(one('s', { cacheExpiry: 5 }).maxAge).toBe(5)
    expect(one({ secret: 's', maxAge: 7 }, { cacheExpiry: 5 }).maxAge).toBe(7)
    expect(refusal(() => one({ secret: 's', maxAge: -2 })).message).toBe(
      'Invalid option "maxAge" of key "k": must be -1 (never expires), 0 (every invocation) or a whole number of milliseconds',
    )
    expect(refusal(() => one({ secret: 's', staleIfError: -1 })).message).toBe(
      'Invalid option "staleIfError" of key "k": must be a whole number of milliseconds, 0 or more',
    )
    expect(one({ secret: 's', staleWhileRevalidate: 0, staleIfError: 0 })).toMatchObject({
      staleWhileRevalidate: 0,
      staleIfError: 0,
    })
  })

  it('accepts every policy field and optional on each kind', () => {
    const policy = {
      maxAge: 1,
      staleWhileRevalidate: 2,
      staleIfError: 3,
      refreshOnError: () => true,
      optional: true,
    }
    for (const spec of [{ secret: 's' }, { parameter: '/p' }, { path: '/p/' }]) {
      expect(one({ ...spec, ...policy })).toMatchObject({ ...policy, refreshOnError: policy.refreshOnError })
    }
    expect(one({ path: '/p/', recursive: true, withDecryption: true })).toMatchObject({
      recursive: true,
      withDecryption: true,
    })
    expect(one({ parameter: '/p', version: 3 }).version).toBe(3)
  })

  it('sets fetchRotationDate on secrets only, for true or a map entry of true', () => {
    expect(one('s', { fetchRotationDate: true }).fetchRotationDate).toBe(true)
    expect(one({ path: '/p/' }, { fetchRotationDate: true }).fetchRotationDate).toBe(false)
    expect(one('s', { fetchRotationDate: { k: true } }).fetchRotationDate).toBe(true)
    expect(one('s', { fetchRotationDate: { k: false } }).fetchRotationDate).toBe(false)
    expect(one('s', { fetchRotationDate: false }).fetchRotationDate).toBe(false)
  })

  it('keeps the order of fetchData and sanitizes each context name', () => {
    expect(keys({ 'b-1': 's', a: { parameter: '/p' } }, { setToContext: true })).toMatchObject([
      { key: 'b-1', contextKey: 'b_1', kind: 'secret', id: 's' },
      { key: 'a', contextKey: 'a', kind: 'parameter', id: '/p' },
    ])
  })
})
