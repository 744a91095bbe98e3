/**
 * Property tests (fast-check): options either build or fail with InvalidOptions; ids, names and
 * key names round-trip through the URL and onto the request; JSON decoding never touches a
 * prototype and agrees with @middy/util; sanitizeKey agrees with @middy/util.
 */
import middy from '@middy/core'
import { jsonSafeParse as middyJsonSafeParse, sanitizeKey as middySanitizeKey } from '@middy/util'
import fc from 'fast-check'
import { decodeValue, jsonSafeParse } from '../../src/decode.ts'
import paramsSecrets, { ParamsSecretsError } from '../../src/index.ts'
import { normalizeKeys, sanitizeKey } from '../../src/keys.ts'
import { type ExtensionEmulator, startExtensionEmulator } from '../../src/testing/index.ts'
import { requestPath } from '../../src/transport/extension.ts'
import { lambdaContext } from '../helpers/lambda.ts'

const TOKEN = 'property-token'
const SEED = 20_261_125
const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Builds, or throws; closes what it built (no prefetch ran: nothing else to wait for). */
const build = async (options: unknown): Promise<{ built: boolean; error?: unknown }> => {
  let mw: ReturnType<typeof paramsSecrets> | undefined
  try {
    mw = paramsSecrets(options as any)
  } catch (error) {
    return { built: false, error }
  }
  await mw.close()
  return { built: true }
}

const expectInvalidOptions = (error: unknown) => {
  expect(error).toBeInstanceOf(ParamsSecretsError)
  expect(error).toMatchObject({ name: 'ParamsSecretsError', code: 'InvalidOptions', source: 'options' })
  expect((error as Error).message.length).toBeGreaterThan(10)
}

describe('options', () => {
  // Values of every kind, valid ones included, so both outcomes are reached.
  const anyValue = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.anything({ maxDepth: 2 }),
    fc.constantFrom(
      undefined,
      null,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      -1,
      0,
      1.5,
      2 ** 40,
      '',
      'auto',
      'extension',
      '2773',
      () => true,
      class Client {},
      [],
      {},
      Object.create(null),
      new Date(0),
    ),
  )
  const keyName = fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.constantFrom(
      'db',
      'my-key',
      '1st',
      '__proto__',
      'constructor',
      'toString',
      'getRemainingTimeInMillis',
    ),
  )
  /** Mostly a valid value, sometimes any value at all: both outcomes are reached. */
  const v = <T>(valid: fc.Arbitrary<T>) =>
    fc.oneof({ arbitrary: valid, weight: 40 }, { arbitrary: anyValue as fc.Arbitrary<unknown>, weight: 1 })
  const name = fc.string({ minLength: 1, maxLength: 12 })
  const policy = {
    maxAge: v(fc.constantFrom(-1, 0, 1000, 86_400_001)),
    staleWhileRevalidate: v(fc.constantFrom(0, 500)),
    staleIfError: v(fc.constantFrom(0, 500)),
    refreshOnError: v(fc.constant(() => true)),
    json: v(fc.constantFrom('auto', true, false)),
  }
  const secretSpec = fc.record(
    { secret: v(name), versionId: v(name), versionStage: v(fc.constant('AWSCURRENT')), ...policy },
    { requiredKeys: ['secret'] },
  )
  const parameterSpec = fc.record(
    {
      parameter: v(name),
      withDecryption: v(fc.boolean()),
      version: v(fc.constantFrom(1, 2)),
      label: v(name),
      ...policy,
    },
    { requiredKeys: ['parameter'] },
  )
  const withExtraKeys = <T extends object>(arb: fc.Arbitrary<T>) =>
    fc
      .tuple(
        arb,
        fc.oneof(
          { arbitrary: fc.constant(null), weight: 6 },
          {
            arbitrary: fc.dictionary(fc.string({ maxLength: 6 }), anyValue, { minKeys: 1, maxKeys: 2 }),
            weight: 1,
          },
        ),
      )
      .map(([base, extra]) => (extra === null ? base : { ...extra, ...base }))
  const spec = v(fc.oneof(name, withExtraKeys(secretSpec), withExtraKeys(parameterSpec)))
  const options = fc.record(
    {
      fetchData: v(fc.dictionary(keyName, spec, { maxKeys: 4 })),
      setToContext: v(fc.boolean()),
      cacheKey: v(fc.oneof(name, keyName)),
      cacheExpiry: v(fc.constantFrom(-1, 0, 1000, 86_400_001)),
      cacheKeyExpiry: v(fc.dictionary(keyName, v(fc.integer({ min: -2, max: 5000 })), { maxKeys: 2 })),
      cacheMaxSize: v(fc.constantFrom(100, 1000)),
      disablePrefetch: v(fc.constant(true)),
      fetchRotationDate: v(fc.oneof(fc.boolean(), fc.dictionary(keyName, v(fc.boolean()), { maxKeys: 2 }))),
      AwsClient: v(fc.constant(class Client {})),
      awsClientOptions: v(fc.constant({ region: 'us-east-1' })),
      awsClientAssumeRole: v(name),
      awsClientCapture: v(fc.constant((c: unknown) => c)),
      ssmAwsClient: v(fc.constant(class Client {})),
      ssmAwsClientOptions: v(fc.constant({})),
      transport: v(fc.constantFrom('auto', 'extension', 'sdk')),
      extension: v(
        withExtraKeys(
          fc.record(
            {
              port: v(fc.oneof(fc.integer({ min: 1, max: 65_535 }), fc.constant('2773'))),
              token: v(name),
              timeoutMs: v(fc.integer({ min: 1, max: 10_000 })),
              refreshNow: v(fc.boolean()),
              connections: v(fc.integer({ min: 1, max: 64 })),
            },
            { requiredKeys: [] },
          ),
        ),
      ),
      onEvent: v(fc.constant(() => undefined)),
      now: v(fc.constant(() => 0)),
    },
    { requiredKeys: [] },
  )

  /** No network: no prefetch (so no transport is used) unless the arbitrary set a wrong type, refused before any fetch. */
  const offline = (opts: Record<string, unknown>) => {
    const out: Record<string, unknown> = { ...opts }
    if (!('disablePrefetch' in out) || out.disablePrefetch === false || out.disablePrefetch === undefined)
      out.disablePrefetch = true
    return out
  }

  // The TypeError found below (fetchRotationDate naming keys when fetchData is absent) is kept out
  // of the broad property and pinned by its own failing test, so the property goes on searching.
  const knownTypeError = (opts: Record<string, unknown>) =>
    opts.fetchData === undefined &&
    isPlainObject(opts.fetchRotationDate) &&
    Object.keys(opts.fetchRotationDate).length > 0

  it('any option object builds, or throws ParamsSecretsError InvalidOptions (never a TypeError)', async () => {
    let built = 0
    let refused = 0
    await fc.assert(
      fc.asyncProperty(withExtraKeys(options), async (generated) => {
        fc.pre(!knownTypeError(generated))
        const outcome = await build(offline(generated))
        if (outcome.built) built++
        else {
          refused++
          expectInvalidOptions(outcome.error)
        }
      }),
      { numRuns: 400, seed: SEED },
    )
    // both outcomes were reached: the arbitrary is not all-invalid nor all-valid
    expect(built).toBeGreaterThan(20)
    expect(refused).toBeGreaterThan(20)
  })

  it('anything that is not an options object is refused with InvalidOptions', async () => {
    await fc.assert(
      fc.asyncProperty(anyValue, async (value) => {
        fc.pre(value !== undefined && !isPlainObject(value))
        const outcome = await build(value)
        expect(outcome.built).toBe(false)
        expectInvalidOptions(outcome.error)
      }),
      { numRuns: 100, seed: SEED },
    )
  })

  it('fetchData specs alone: build, or InvalidOptions naming the key at fault', async () => {
    await fc.assert(
      fc.asyncProperty(keyName, spec, fc.boolean(), async (key, keySpec, setToContext) => {
        const outcome = await build({ fetchData: { [key]: keySpec }, setToContext, disablePrefetch: true })
        if (!outcome.built) {
          expectInvalidOptions(outcome.error)
          expect((outcome.error as ParamsSecretsError).message).toContain(key === '' ? '"' : key)
        }
      }),
      { numRuns: 300, seed: SEED },
    )
  })

  // Once a defect: normalizeKeys reads Object.hasOwn(fetchData, key) for each key of a fetchRotationDate
  // object without checking that fetchData exists: TypeError "Cannot convert undefined or null to
  // object". It must be InvalidOptions ("fetchRotationDate names a key that fetchData lacks").
  it('fetchRotationDate naming keys without fetchData is InvalidOptions, not a TypeError', async () => {
    const outcome = await build({ fetchRotationDate: { db: true }, disablePrefetch: true })
    expect(outcome.built).toBe(false)
    expectInvalidOptions(outcome.error)
  })

  // Once a defect: cacheKeyExpiry[cacheKey] is read through the prototype chain: a cacheKey such as
  // 'constructor', 'toString' or '__proto__' finds Object.prototype members in a plain
  // cacheKeyExpiry that has no such key, and a valid configuration is refused ("cacheExpiry must
  // be -1, 0 or ..."). Only own keys of cacheKeyExpiry may count (Object.hasOwn).
  it('a cacheKey named like an Object.prototype member builds with cacheKeyExpiry set', async () => {
    for (const cacheKey of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const outcome = await build({ cacheKey, cacheKeyExpiry: { other: 1000 }, disablePrefetch: true })
      expect({ cacheKey, built: outcome.built }).toEqual({ cacheKey, built: true })
    }
  })
})

describe('ids and names through the URL', () => {
  const defOf = (spec: Record<string, unknown>) =>
    normalizeKeys({ k: spec }, { cacheExpiry: -1, setToContext: false, fetchRotationDate: false })[0]!

  // Well-formed unicode (no lone surrogates), with the characters a query could break on.
  const text = fc.oneof(
    fc.string({ unit: 'binary', minLength: 1, maxLength: 24 }),
    fc.string({ unit: fc.constantFrom(...'+&#%/: =?;\\"\'<>\t\n'.split(''), 'a', 'é', '😀'), minLength: 1 }),
    fc.constantFrom(
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf',
      'prod/db+v2 & more#1%2F',
      ' leading and trailing ',
      '%00%zz',
    ),
  )

  it('requestPath encodes every value so the form decoding gives it back', () => {
    fc.assert(
      fc.property(text, fc.option(text), fc.boolean(), (id, label, isSecret) => {
        const def = isSecret
          ? defOf({ secret: id, ...(label === null ? {} : { versionStage: label }) })
          : defOf({ parameter: id, ...(label === null ? {} : { label }) })
        const path = requestPath(def, true, true)
        const query = new URLSearchParams(path.slice(path.indexOf('?') + 1))
        expect(query.get(isSecret ? 'secretId' : 'name')).toBe(id)
        if (label !== null) expect(query.get(isSecret ? 'versionStage' : 'label')).toBe(label)
        // nothing but the documented names, each once
        const names = [...query.keys()]
        expect(new Set(names).size).toBe(names.length)
      }),
      { numRuns: 500, seed: SEED },
    )
  })

  describe.each(['layer', 'agent'] as const)('through the %s profile', (profile) => {
    let emu: ExtensionEmulator

    beforeAll(async () => {
      emu = await startExtensionEmulator({ profile, token: TOKEN, ttlSeconds: { secrets: 0, parameters: 0 } })
    })
    afterAll(async () => {
      await emu.close()
    })

    const fetchOne = async (spec: Record<string, unknown>) => {
      const mw = paramsSecrets({
        transport: 'extension',
        extension: { port: emu.port, token: TOKEN },
        fetchData: { k: spec as any },
        disablePrefetch: true,
      })
      try {
        const request = { internal: {} as Record<string, unknown>, context: lambdaContext() as any }
        await mw.before!(request as any)
        return request.internal.k
      } finally {
        await mw.close()
      }
    }

    it('any secret id, and its ARN, reaches the emulator intact and brings back its own value', async () => {
      let n = 0
      await fc.assert(
        fc.asyncProperty(text, async (id) => {
          const value = `value-${++n}-of-the-secret`
          emu.putSecret(id, value)
          expect(await fetchOne({ secret: id, json: false })).toBe(value)
          expect(emu.requests.at(-1)).toMatchObject({ status: 200, id })
          // the same secret by its full ARN, as the emulator names it
          const direct = await fetch(`${emu.url}/secretsmanager/get?secretId=${encodeURIComponent(id)}`, {
            headers: { 'X-Aws-Parameters-Secrets-Token': TOKEN },
          })
          const arn = ((await direct.json()) as { ARN: string }).ARN
          expect(arn.startsWith('arn:aws:secretsmanager:')).toBe(true)
          expect(await fetchOne({ secret: arn, json: false })).toBe(value)
          expect(emu.requests.at(-1)).toMatchObject({ status: 200, id: arn })
        }),
        { numRuns: profile === 'layer' ? 60 : 30, seed: SEED },
      )
    })

    if (profile === 'layer') {
      it('any parameter name reaches the emulator intact and brings back its own value', async () => {
        let n = 0
        await fc.assert(
          fc.asyncProperty(text, async (name) => {
            const value = `value-${++n}-of-the-parameter`
            emu.putParameter(name, value)
            expect(await fetchOne({ parameter: name, json: false })).toBe(value)
            expect(emu.requests.at(-1)).toMatchObject({ status: 200, id: name })
          }),
          { numRuns: 60, seed: SEED },
        )
      })
    }
  })

  // Once a defect: an id that is not well-formed UTF-16 (a lone surrogate) passes validation, then
  // encodeURIComponent throws a URIError on every invocation: not a ParamsSecretsError, and not
  // found at construction. Such an id can name no secret: it must be InvalidOptions when built.
  it('an id with a lone surrogate is refused at construction with InvalidOptions', async () => {
    for (const spec of [
      { secret: 'db\uD800' },
      { parameter: '/app/\uDC00x' },
      { secret: 'db', versionStage: '\uD83D' },
    ]) {
      const outcome = await build({ fetchData: { k: spec }, disablePrefetch: true, transport: 'extension' })
      expect(outcome.built).toBe(false)
      expectInvalidOptions(outcome.error)
    }
  })

  // Once a defect: a parameter `version` is checked with Number.isInteger only: 1e21 passes and is sent as
  // `version=1e+21` (which the layer form-decodes to "1e 21"), 2**53 + 2 as a rounded number.
  // A version is a positive safe integer (Number.isSafeInteger), else InvalidOptions.
  it('a parameter version that is not a safe integer is refused at construction', async () => {
    for (const version of [1e21, 2 ** 53 + 2]) {
      const outcome = await build({ fetchData: { k: { parameter: '/p', version } }, disablePrefetch: true })
      expect(outcome.built).toBe(false)
      expectInvalidOptions(outcome.error)
    }
  })

  it('fetchData key names of any text land on request.internal and, sanitized, on context (cold and warm)', async () => {
    const emu = await startExtensionEmulator({ token: TOKEN, secrets: { shared: 'unused' } })
    try {
      const name = fc
        .oneof(
          fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
          fc.constantFrom(
            '"',
            "'",
            '\\',
            '`',
            // biome-ignore lint/suspicious/noTemplateCurlyInString: a key name that looks like a template
            '${x}',
            '*/',
            '\u2028',
            '</script>',
            'toString',
            'constructor',
            'then',
          ),
        )
        .filter((k) => k !== '__proto__')
      let n = 0
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(name, { minLength: 1, maxLength: 5 }),
          fc.boolean(),
          async (keys, setToContext) => {
            const expected = new Map(keys.map((k) => [k, `value-${++n}`]))
            for (const value of expected.values()) emu.putSecret(`id-${value}`, value)
            let mw: ReturnType<typeof paramsSecrets>
            try {
              mw = paramsSecrets({
                transport: 'extension',
                extension: { port: emu.port, token: TOKEN },
                fetchData: Object.fromEntries(
                  keys.map((k) => [k, { secret: `id-${expected.get(k)}`, json: false }]),
                ),
                setToContext,
                disablePrefetch: true,
              })
            } catch (error) {
              // two keys sanitizing to one context name, or a Lambda context member: refused
              expect(setToContext).toBe(true)
              expectInvalidOptions(error)
              return
            }
            try {
              const seen: Array<{ internal: Record<string, unknown>; context: Record<string, unknown> }> = []
              const handler = middy(async () => undefined)
                .use(mw)
                .before((request) => {
                  seen.push({ internal: { ...request.internal }, context: { ...request.context } })
                })
              await handler({}, lambdaContext())
              await handler({}, lambdaContext())
              for (const { internal, context } of seen) {
                for (const [k, value] of expected) {
                  expect(internal[k]).toBe(value)
                  if (setToContext) expect(context[sanitizeKey(k)]).toBe(value)
                }
              }
            } finally {
              await mw.close()
            }
          },
        ),
        { numRuns: 60, seed: SEED },
      )
    } finally {
      await emu.close()
    }
  })
})

describe('JSON decoding', () => {
  const def = (json: 'auto' | true) =>
    normalizeKeys(
      { k: { secret: 'x', json } },
      { cacheExpiry: -1, setToContext: false, fetchRotationDate: false },
    )[0]!
  const decode = (text: string, json: 'auto' | true = 'auto') =>
    decodeValue(def(json), { text, attempts: 1 }, 'extension')

  const dangerousKey = fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'polluted',
    'toString',
    'a',
    'valueOf',
  )
  // JSON values whose objects use the keys that prototype pollution goes through
  const { tree } = fc.letrec((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.oneof(fc.integer(), fc.string({ maxLength: 4 }), fc.boolean(), fc.constant(null)),
      fc.array(tie('tree'), { maxLength: 3 }),
      fc.array(fc.tuple(dangerousKey, tie('tree')), { maxLength: 4 }),
    ),
  }))
  /** Serializes `tree`; object keys are pairs, so `__proto__` can be a key; `escapes` picks characters to write as \\uXXXX. */
  const serialize = (value: unknown, escapes: (i: number) => boolean = () => false): string => {
    let i = 0
    const key = (k: string) =>
      `"${[...k].map((c) => (escapes(i++) ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c)).join('')}"`
    const walk = (v: unknown): string => {
      if (Array.isArray(v)) {
        if (
          v.length > 0 &&
          v.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && e.length === 2)
        ) {
          // an array of [key, value] pairs stands for an object
          return `{${(v as Array<[string, unknown]>).map(([k, e]) => `${key(k)}:${walk(e)}`).join(',')}}`
        }
        return `[${v.map(walk).join(',')}]`
      }
      return JSON.stringify(v)
    }
    return walk(value)
  }
  const jsonText = fc.oneof(
    tree.map((t) => serialize(t)),
    fc.json(),
    fc.string(),
    fc.string().map((s) => ` ${s}`),
    fc.constantFrom(
      '123',
      'true',
      'null',
      ' {"a":1}',
      '{"a":',
      '"str"',
      '[1,2',
      '{}',
      '[]',
      '{"__proto__":{"polluted":1}}',
    ),
  )

  const prototypeSnapshot = () => {
    const names = Object.getOwnPropertyNames(Object.prototype)
    return { names, values: names.map((n) => Object.getOwnPropertyDescriptor(Object.prototype, n)?.value) }
  }

  /** Where a decoded value still carries a key the parser promises to drop. */
  const forbiddenKeys = (value: unknown, path = '$'): string[] => {
    if (typeof value !== 'object' || value === null) return []
    const found: string[] = []
    for (const k of Object.keys(value)) {
      const child = (value as Record<string, unknown>)[k]
      if (k === '__proto__') found.push(`${path}.__proto__`)
      if (
        k === 'constructor' &&
        typeof child === 'object' &&
        child !== null &&
        Object.hasOwn(child, 'prototype')
      )
        found.push(`${path}.constructor`)
      found.push(...forbiddenKeys(child, `${path}.${k}`))
    }
    return found
  }

  /** A deep merge as users write it (no guard): what a kept `__proto__` key would pollute through. */
  const naiveMerge = (target: any, source: any): any => {
    for (const k of Object.keys(source)) {
      const v = source[k]
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
        if (typeof target[k] !== 'object' || target[k] === null) target[k] = {}
        naiveMerge(target[k], v)
      } else target[k] = v
    }
    return target
  }

  /** @middy/util's output with the keys this package drops by design removed. */
  const normalize = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(normalize)
    if (typeof value !== 'object' || value === null) return value
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(value)) {
      const child = (value as Record<string, unknown>)[k]
      if (k === '__proto__') continue
      if (
        k === 'constructor' &&
        typeof child === 'object' &&
        child !== null &&
        Object.hasOwn(child, 'prototype')
      )
        continue
      Object.defineProperty(out, k, {
        value: normalize(child),
        enumerable: true,
        writable: true,
        configurable: true,
      })
    }
    return out
  }

  afterEach(() => {
    // whatever a failing property did, the next test starts clean
    delete (Object.prototype as Record<string, unknown>).polluted
  })

  it('never changes Object.prototype, in either mode', () => {
    const before = prototypeSnapshot()
    fc.assert(
      fc.property(jsonText, (text) => {
        const auto = decode(text)
        let strict: unknown
        try {
          strict = decode(text, true)
        } catch (error) {
          expect(error).toMatchObject({ code: 'InvalidJson', key: 'k' })
        }
        for (const value of [auto, strict]) {
          if (typeof value === 'object' && value !== null) expect(Object.getPrototypeOf(value)).not.toBeNull()
        }
        expect(prototypeSnapshot()).toEqual(before)
        expect(({} as Record<string, unknown>).polluted).toBeUndefined()
      }),
      { numRuns: 1000, seed: SEED },
    )
  })

  it('drops __proto__ keys and constructor keys holding a prototype, at any depth', () => {
    fc.assert(
      fc.property(tree, (t) => {
        const text = serialize(t)
        const value = decode(text)
        expect(forbiddenKeys(value)).toEqual([])
        naiveMerge({}, value)
        expect(({} as Record<string, unknown>).polluted).toBeUndefined()
      }),
      {
        numRuns: 1000,
        seed: SEED,
        examples: [
          [[['__proto__', [['polluted', 1]]]]],
          [[['a', [['constructor', [['prototype', [['polluted', 1]]]]]]]]],
          [[[['__proto__', [['__proto__', [['polluted', 1]]]]]]]],
        ],
      },
    )
  })

  // Once a defect: decode.ts only runs its protective reviver when the text contains the literal words
  // "__proto__" or "constructor"; JSON escapes such as "\u005f_proto__" decode to the same key
  // without them, so the key is kept, and a naive deep merge of the value then pollutes
  // Object.prototype. The check must see decoded keys (always use the reviver, or test the text
  // for a backslash too).
  it('drops them however the key is escaped in the JSON text', () => {
    fc.assert(
      fc.property(tree, fc.integer({ min: 1, max: 3 }), (t, every) => {
        const value = decode(serialize(t, (i) => i % every === 0))
        expect(forbiddenKeys(value)).toEqual([])
        naiveMerge({}, value)
        expect(({} as Record<string, unknown>).polluted).toBeUndefined()
      }),
      { numRuns: 500, seed: SEED, examples: [[[['__proto__', [['polluted', 1]]]], 1]] },
    )
  })

  it("json: 'auto' agrees with @middy/util's jsonSafeParse (protected keys aside)", () => {
    fc.assert(
      fc.property(jsonText, (text) => {
        const ours = decode(text)
        expect(jsonSafeParse(text)).toEqual(ours)
        expect(ours).toEqual(normalize(middyJsonSafeParse(text)))
        // the documented cases keep their text
        if (!/^[[{"]/.test(text)) expect(ours).toBe(text)
      }),
      { numRuns: 1000, seed: SEED },
    )
  })
})

describe('sanitizeKey', () => {
  it("agrees with @middy/util's", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme-ascii' })), (key) => {
        expect(sanitizeKey(key)).toBe(middySanitizeKey(key))
      }),
      { numRuns: 1000, seed: SEED },
    )
  })
})
