/**
 * How a server decodes its query string. Both form-decode (`+` is a space, `%XX` a byte). They
 * differ on broken input: Go's `url.ParseQuery` (the layer) drops a pair with a bad `%` escape or a
 * `;`; Rust's `form_urlencoded` (the agent) keeps the text as it is.
 *
 * @example
 * ```ts
 * const dialect: QueryDialect = 'go'
 * ```
 */
export type QueryDialect = 'go' | 'rust'

const BAD_ESCAPE = /%(?![0-9a-fA-F]{2})/

function decodeComponent(text: string): string {
  const bytes: number[] = []
  const spaced = text.replace(/\+/g, ' ')
  for (let i = 0; i < spaced.length; i++) {
    const char = spaced[i]!
    const hex = spaced.slice(i + 1, i + 3)
    if (char === '%' && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16))
      i += 2
    } else {
      bytes.push(...Buffer.from(char, 'utf8'))
    }
  }
  return Buffer.from(bytes).toString('utf8')
}

/**
 * Splits and form-decodes a raw query string into ordered pairs (repeats kept).
 *
 * @example
 * ```ts
 * parseQuery('secretId=a%2Fb+c&versionStage=AWSCURRENT', 'go')
 * // [['secretId', 'a/b c'], ['versionStage', 'AWSCURRENT']]
 * ```
 */
export function parseQuery(raw: string, dialect: QueryDialect): Array<[string, string]> {
  const pairs: Array<[string, string]> = []
  for (const part of raw.split('&')) {
    if (part === '') continue
    if (dialect === 'go' && (part.includes(';') || BAD_ESCAPE.test(part))) continue
    const eq = part.indexOf('=')
    const key = decodeComponent(eq === -1 ? part : part.slice(0, eq))
    const value = eq === -1 ? '' : decodeComponent(part.slice(eq + 1))
    if (dialect === 'go' && key === '') continue
    pairs.push([key, value])
  }
  return pairs
}

/**
 * The first value of a name, as Go's `Values.Get` gives it.
 *
 * @example
 * ```ts
 * firstValue([['a', '1'], ['a', '2']], 'a') // '1'
 * ```
 */
export function firstValue(pairs: Array<[string, string]>, name: string): string | undefined {
  return pairs.find(([key]) => key === name)?.[1]
}

/**
 * The query as a record for the request log (the last value of a repeated name).
 *
 * @example
 * ```ts
 * queryRecord([['secretId', 'db']]) // { secretId: 'db' }
 * ```
 */
export function queryRecord(pairs: Array<[string, string]>): Record<string, string> {
  const record: Record<string, string> = {}
  // defineProperty: a `__proto__` name is data here, not a prototype.
  for (const [key, value] of pairs) {
    Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true })
  }
  return record
}
