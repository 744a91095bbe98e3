import { jsonSafeParse as middyJsonSafeParse } from '@middy/util'
import { decodeValue, jsonSafeParse } from '../../src/decode.ts'
import { ParamsSecretsError } from '../../src/errors.ts'
import { normalizeKeys } from '../../src/keys.ts'

const def = (json: 'auto' | boolean) =>
  normalizeKeys(
    { k: { secret: 'id', json } },
    { cacheExpiry: -1, setToContext: false, fetchRotationDate: false },
  )[0]!

describe('decode', () => {
  it.each(['{"a":1}', '[1,2]', '"quoted"', '123', 'true', 'null', '', ' {"a":1}', '{not json', 'plain'])(
    'json auto agrees with @middy/util jsonSafeParse for %j',
    (text) => {
      expect(jsonSafeParse(text)).toEqual(middyJsonSafeParse(text))
      expect(decodeValue(def('auto'), { text, attempts: 1 }, 'extension')).toEqual(middyJsonSafeParse(text))
    },
  )

  it('keeps the raw string with json: false', () => {
    expect(decodeValue(def(false), { text: '{"a":1}', attempts: 1 }, 'extension')).toBe('{"a":1}')
  })

  it('parses with json: true and names the key, never the value, when it is not JSON', () => {
    expect(decodeValue(def(true), { text: '123', attempts: 1 }, 'extension')).toBe(123)
    let caught: unknown
    try {
      decodeValue(def(true), { text: 'hunter2-not-json', attempts: 1 }, 'sdk')
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(ParamsSecretsError)
    const error = caught as ParamsSecretsError
    expect(error).toMatchObject({ code: 'InvalidJson', key: 'k', source: 'sdk' })
    expect(error.message).toBe('Key "k" (secret id) is not valid JSON, and json: true requires it')
    expect(error.cause).toEqual(new SyntaxError('SyntaxError'))
    expect(`${error.message} ${String(error.cause)}`).not.toContain('hunter2')
  })

  it('refuses, with json: true, texts that json auto would keep as they are', () => {
    for (const text of ['plain', '', '{"a":']) {
      expect(() => decodeValue(def(true), { text, attempts: 1 }, 'extension')).toThrow(ParamsSecretsError)
      expect(decodeValue(def('auto'), { text, attempts: 1 }, 'extension')).toBe(text)
    }
    expect(decodeValue(def(true), { text: '{"a":1}', attempts: 1 }, 'extension')).toEqual({ a: 1 })
  })

  it('returns SecretBinary bytes as they are', () => {
    const bytes = Buffer.from([1, 2, 3])
    expect(decodeValue(def(true), { binary: bytes, attempts: 1 }, 'extension')).toBe(bytes)
  })

  it('never lets __proto__ or constructor.prototype through', () => {
    const value = jsonSafeParse(
      '{"__proto__":{"polluted":1},"a":{"constructor":{"prototype":{"x":1}}},"b":2}',
    ) as any
    expect(({} as any).polluted).toBeUndefined()
    expect(Object.hasOwn(value, '__proto__')).toBe(false)
    expect(value.a).toEqual({})
    expect(value.b).toBe(2)
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype)
  })

  // JSON.parse makes "__proto__" an own property: whichever word a text holds, the reviver runs.
  it.each([
    ['__proto__ alone', '{"__proto__":{"polluted":1},"b":2}'],
    ['constructor.prototype alone', '{"a":{"constructor":{"prototype":{"x":1}}},"b":2}'],
    ['__proto__ spelled with a \\u escape', '{"\\u005f_proto__":{"polluted":1},"b":2}'],
  ])('drops the key with %s, in every json mode that parses', (_name, text) => {
    for (const parsed of [
      jsonSafeParse(text),
      decodeValue(def(true), { text, attempts: 1 }, 'sdk'),
    ] as any[]) {
      expect(Object.hasOwn(parsed, '__proto__')).toBe(false)
      expect(parsed.a?.constructor).toBe(parsed.a === undefined ? undefined : Object)
      expect(parsed.b).toBe(2)
    }
  })

  it('keeps a constructor key that holds no prototype', () => {
    const text =
      '{"a":{"constructor":null},"b":{"constructor":"x"},"c":{"constructor":{"y":1}},"d":{"prototype":1}}'
    expect(jsonSafeParse(text)).toEqual({
      a: { constructor: null },
      b: { constructor: 'x' },
      c: { constructor: { y: 1 } },
      d: { prototype: 1 },
    })
  })
})
