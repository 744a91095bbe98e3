import { readFile } from 'node:fs/promises'
import type { ParameterInput, SecretInput } from './value-types.ts'

/**
 * The content of a store file for the CLI.
 *
 * @example
 * ```ts
 * const contents: StoreFile = { secrets: { db: '{"password":"pw"}' }, parameters: { '/app/url': 'https://x' } }
 * ```
 */
export interface StoreFile {
  secrets: Record<string, SecretInput>
  parameters: Record<string, ParameterInput>
}

/**
 * A store file that cannot be used. The message names the file and the path of the bad entry,
 * never a value.
 *
 * @example
 * ```ts
 * try { await loadStoreFile('store.json') } catch (error) { if (error instanceof StoreFileError) console.error(error.message) }
 * ```
 */
export class StoreFileError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'StoreFileError'
  }
}

const PARAMETER_TYPES = ['String', 'StringList', 'SecureString']
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function checkKeys(value: Record<string, unknown>, allowed: string[], where: string): void {
  const extra = Object.keys(value).find((key) => !allowed.includes(key))
  if (extra !== undefined) {
    throw new Error(`${where}: unknown key ${JSON.stringify(extra)} (expected ${allowed.join(', ')})`)
  }
}

function secretInput(value: unknown, where: string): SecretInput {
  if (typeof value === 'string') return value
  const shape = 'a string, {"SecretString": string} or {"SecretBinary": base64}'
  if (!isRecord(value)) throw new Error(`${where}: expected ${shape}`)
  checkKeys(value, ['SecretString', 'SecretBinary'], where)
  const { SecretString, SecretBinary } = value
  if ((SecretString === undefined) === (SecretBinary === undefined))
    throw new Error(`${where}: expected ${shape}`)
  if (SecretString !== undefined) {
    if (typeof SecretString !== 'string') throw new Error(`${where}.SecretString: expected a string`)
    return { SecretString }
  }
  if (typeof SecretBinary !== 'string' || !BASE64.test(SecretBinary)) {
    throw new Error(`${where}.SecretBinary: expected base64 text`)
  }
  return { SecretBinary }
}

function parameterInput(value: unknown, where: string): ParameterInput {
  if (typeof value === 'string') return value
  if (!isRecord(value))
    throw new Error(`${where}: expected a string or {"value": string, "type"?, "labels"?}`)
  checkKeys(value, ['value', 'type', 'labels'], where)
  if (typeof value.value !== 'string') throw new Error(`${where}.value: expected a string`)
  const input: Exclude<ParameterInput, string> = { value: value.value }
  if (value.type !== undefined) {
    if (!PARAMETER_TYPES.includes(value.type as string)) {
      throw new Error(`${where}.type: expected one of ${PARAMETER_TYPES.join(', ')}`)
    }
    input.type = value.type as NonNullable<typeof input.type>
  }
  if (value.labels !== undefined) {
    if (!Array.isArray(value.labels) || !value.labels.every((label) => typeof label === 'string')) {
      throw new Error(`${where}.labels: expected an array of strings`)
    }
    input.labels = value.labels
  }
  return input
}

function section<T>(
  value: unknown,
  name: string,
  parse: (item: unknown, where: string) => T,
): Record<string, T> {
  if (value === undefined) return {}
  if (!isRecord(value)) throw new Error(`${name}: expected an object`)
  const out: Record<string, T> = {}
  for (const [key, item] of Object.entries(value)) {
    Object.defineProperty(out, key, {
      value: parse(item, `${name}[${JSON.stringify(key)}]`),
      enumerable: true,
      writable: true,
      configurable: true,
    })
  }
  return out
}

/**
 * Parses and checks the text of a store file.
 *
 * @example
 * ```ts
 * parseStoreFile('{"secrets":{"db":"pw"}}', 'store.json') // { secrets: { db: 'pw' }, parameters: {} }
 * ```
 */
export function parseStoreFile(text: string, source: string): StoreFile {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    // JSON.parse messages quote the text around the error, which may be a value: give the position only.
    const position = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1]
    let where = ''
    if (position !== undefined) {
      const before = text.slice(0, Number(position)).split('\n')
      where = ` (line ${before.length}, column ${before[before.length - 1]!.length + 1})`
    }
    throw new StoreFileError(`${source}: not valid JSON${where}`)
  }
  try {
    if (!isRecord(data)) throw new Error('expected an object with "secrets" and/or "parameters"')
    checkKeys(data, ['secrets', 'parameters'], 'top level')
    return {
      secrets: section(data.secrets, 'secrets', secretInput),
      parameters: section(data.parameters, 'parameters', parameterInput),
    }
  } catch (error) {
    throw new StoreFileError(`${source}: ${(error as Error).message}`)
  }
}

/**
 * Reads and checks a store file.
 *
 * @example
 * ```ts
 * const { secrets, parameters } = await loadStoreFile('examples/local/demo-store.json')
 * ```
 */
export async function loadStoreFile(path: string): Promise<StoreFile> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `cannot read (${code})`
    throw new StoreFileError(`${path}: ${reason}`)
  }
  return parseStoreFile(text, path)
}
