/**
 * Query decoding in the two dialects: Go's url.ParseQuery (layer) and Rust's form_urlencoded (agent).
 */
import { firstValue, parseQuery, queryRecord } from '../../src/testing/query.ts'

describe('query', () => {
  it.each(['go', 'rust'] as const)('form-decodes + and %%XX, UTF-8 included (%s)', (dialect) => {
    expect(parseQuery('a=x+y%2Bz&b=%C3%BC%F0%9F%94%91&c&d=', dialect)).toEqual([
      ['a', 'x y+z'],
      ['b', 'ü🔑'],
      ['c', ''],
      ['d', ''],
    ])
  })

  it('drops pairs with a bad escape or a semicolon in Go, keeps them literally in Rust', () => {
    expect(parseQuery('a=1%&b=2;x&c=%zz&d=4', 'go')).toEqual([['d', '4']])
    expect(parseQuery('a=1%&c=%zz', 'rust')).toEqual([
      ['a', '1%'],
      ['c', '%zz'],
    ])
  })

  it('keeps repeats in order: firstValue for Go, the last one in the record', () => {
    const pairs = parseQuery('x=1&x=2', 'go')
    expect(firstValue(pairs, 'x')).toBe('1')
    expect(queryRecord(pairs)).toEqual({ x: '2' })
  })

  it('keeps __proto__ as data in the record', () => {
    const record = queryRecord([['__proto__', 'x']])
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype)
    expect(Object.keys(record)).toEqual(['__proto__'])
  })
})
