import { jsonSafeParse as middyJsonSafeParse } from '@middy/util'
import { decodeValue, jsonSafeParse } from '../../src/decode.ts'
import { ParamsSecretsError } from '../../src/errors.ts'
import { normalizeKeys } from '../../src/keys.ts'

const keyDef = (spec: Record<string, unknown>) =>
  normalizeKeys({ k: spec }, { cacheExpiry: -1, setToContext: false, fetchRotationDate: false })[0]!
const def = (json: 'auto' | boolean) => keyDef({ secret: 'id', json })
const pathDef = (json: 'auto' | boolean) => keyDef({ path: '/app/', json })

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

  it('splits a StringList on commas unless json: false, where it stays the text', () => {
    const list = { text: 'a,{"b":1},3', parameterType: 'StringList', attempts: 1 }
    expect(decodeValue(keyDef({ parameter: '/l', json: 'auto' }), list, 'sdk')).toEqual(['a', '{"b":1}', '3'])
    // json: true splits a StringList too: its text is a list, not one JSON value.
    expect(decodeValue(keyDef({ parameter: '/l', json: true }), list, 'sdk')).toEqual(['a', '{"b":1}', '3'])
    expect(decodeValue(keyDef({ parameter: '/l', json: false }), list, 'sdk')).toBe('a,{"b":1},3')
    // Any other type is decoded by the json mode alone.
    const text = { text: '[1,2]', parameterType: 'String', attempts: 1 }
    expect(decodeValue(keyDef({ parameter: '/l', json: 'auto' }), text, 'sdk')).toEqual([1, 2])
  })

  it("keys a path's parameters by their name less the path, sanitised, each decoded by the json mode", () => {
    const entries = [
      { name: '/app/db/url', text: 'postgres://db' },
      { name: '/app/flags', text: '{"beta":true}', type: 'String' },
      { name: '/app/hosts', text: 'a,b', type: 'StringList' },
      // Only the first occurrence of the path goes, as String.replace does in @middy/ssm.
      { name: '/app/x/app/y', text: '1' },
    ]
    expect(decodeValue(pathDef('auto'), { entries, attempts: 1 }, 'sdk')).toEqual({
      db_url: 'postgres://db',
      flags: { beta: true },
      hosts: ['a', 'b'],
      x_app_y: '1',
    })
    expect(decodeValue(pathDef(false), { entries, attempts: 1 }, 'sdk')).toEqual({
      db_url: 'postgres://db',
      flags: '{"beta":true}',
      hosts: 'a,b',
      x_app_y: '1',
    })
    const empty = decodeValue(pathDef('auto'), { entries: [], attempts: 1 }, 'sdk')
    expect(empty).toEqual({})
    expect(Object.getPrototypeOf(empty)).toBe(Object.prototype)
  })

  it("names the path's parameter, never its value, when it is not JSON under json: true", () => {
    const entries = [
      { name: '/app/ok', text: '1' },
      { name: '/app/bad', text: 'hunter2-not-json' },
    ]
    let caught: unknown
    try {
      decodeValue(pathDef(true), { entries, attempts: 1 }, 'extension')
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(ParamsSecretsError)
    const error = caught as ParamsSecretsError
    expect(error).toMatchObject({ code: 'InvalidJson', key: 'k', source: 'extension' })
    expect(error.message).toBe(
      'Key "k" (path /app/, parameter /app/bad) is not valid JSON, and json: true requires it',
    )
    expect(`${error.message} ${String(error.cause)}`).not.toContain('hunter2')
  })
})
