/**
 * Raw upstream value -> the value the handler sees. Pure; no I/O.
 */
import { type ErrorSource, ParamsSecretsError } from './errors.ts'
import { sanitizeKey } from './keys.ts'
import type { KeyDef } from './model.ts'
import type { Upstream } from './transport/types.ts'

// `__proto__` and `constructor.prototype` keys are dropped: JSON.parse itself never changes a
// prototype, but a value later merged with Object.assign or a spread could.
const protectProto = (key: string, value: unknown): unknown =>
  key === '__proto__' ||
  (key === 'constructor' && value !== null && typeof value === 'object' && Object.hasOwn(value, 'prototype'))
    ? undefined
    : value

const parse = (text: string): unknown =>
  // The reviver costs a few times the parse; only texts that could carry such a key pay it
  // (spelled out, or hidden in a \u escape).
  text.includes('__proto__') || text.includes('constructor') || text.includes('\\u')
    ? JSON.parse(text, protectProto)
    : JSON.parse(text)

/**
 * `jsonSafeParse` of `@middy/util`, prototype-safe: a text starting with `{`, `[` or `"` that is
 * valid JSON is parsed; anything else is returned as it is.
 */
export const jsonSafeParse = (text: string): unknown => {
  const first = text[0]
  if (first !== '{' && first !== '[' && first !== '"') return text
  try {
    return parse(text)
  } catch {
    return text
  }
}

const invalidJson = (def: KeyDef, source: ErrorSource, error: unknown, name?: string): ParamsSecretsError =>
  // The parser's message quotes the text it choked on: keep only its kind, never the value.
  new ParamsSecretsError(
    `Key "${def.key}" (${def.kind} ${def.id}${name === undefined ? '' : `, parameter ${name}`}) ` +
      'is not valid JSON, and json: true requires it',
    { code: 'InvalidJson', source, key: def.key, cause: new SyntaxError((error as Error).name) },
  )

/** One parameter's or secret's text by the key's `json` mode; a `StringList` is split on `,`. */
const decodeText = (
  def: KeyDef,
  text: string,
  type: string | undefined,
  source: ErrorSource,
  name?: string,
): unknown => {
  if (def.json === false) return text
  if (type === 'StringList') return text.split(',')
  if (def.json === 'auto') return jsonSafeParse(text)
  try {
    return parse(text)
  } catch (error) {
    throw invalidJson(def, source, error, name)
  }
}

/**
 * A path's parameters as one object, keyed as @middy/ssm keys them: the name without the path
 * (its first occurrence, as `String.replace` does), through `sanitizeKey`, which turns every run
 * of other characters into `_`: no key can be `__proto__`.
 */
const decodeEntries = (def: KeyDef, entries: NonNullable<Upstream['entries']>, source: ErrorSource) => {
  const values: Record<string, unknown> = {}
  for (const { name, text, type } of entries) {
    values[sanitizeKey(name.replace(def.id, ''))] = decodeText(def, text, type, source, name)
  }
  return values
}

/**
 * Decodes one key's raw value by its `json` mode: `SecretBinary` as bytes, a `StringList` as
 * `string[]` (unless `json: false`), a path's parameters as one object of decoded values.
 */
export const decodeValue = (def: KeyDef, upstream: Upstream, source: ErrorSource): unknown => {
  if (upstream.binary !== undefined) return upstream.binary
  if (upstream.entries !== undefined) return decodeEntries(def, upstream.entries, source)
  return decodeText(def, upstream.text as string, upstream.parameterType, source)
}
