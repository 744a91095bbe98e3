/**
 * Raw upstream value -> the value the handler sees. Pure; no I/O.
 */
import { type ErrorSource, ParamsSecretsError } from './errors.ts'
import type { KeyDef } from './keys.ts'
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
  // Stryker disable next-line ConditionalExpression,StringLiteral: equivalent: reviving every text yields the same value, only slower
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

/** Decodes one key's raw value by its `json` mode. `SecretBinary` is returned as bytes. */
export const decodeValue = (def: KeyDef, upstream: Upstream, source: ErrorSource): unknown => {
  if (upstream.binary !== undefined) return upstream.binary
  const text = upstream.text as string
  if (def.json === 'auto') return jsonSafeParse(text)
  if (def.json === false) return text
  try {
    return parse(text)
  } catch (error) {
    // The parser's message quotes the text it choked on: keep only its kind, never the value.
    throw new ParamsSecretsError(
      `Key "${def.key}" (${def.kind} ${def.id}) is not valid JSON, and json: true requires it`,
      {
        code: 'InvalidJson',
        source,
        key: def.key,
        cause: new SyntaxError((error as Error).name),
      },
    )
  }
}
