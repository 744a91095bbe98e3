/**
 * The bytes of a binary secret read through Parameter Store (`/aws/reference/secretsmanager/ID`).
 * Such a parameter has no `Value`: SSM's Java service serialises the GetSecretValue result into
 * `SourceResult` with Gson, the bytes as a `java.nio.ByteBuffer` whose `hb` array holds them as
 * signed Java bytes (see the layer captures in the shared fixtures). The layer passes that text
 * through, and so does SSM's own GetParameter: one decoder serves both paths.
 */

const isIndex = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0

/**
 * `SourceResult` text -> the secret's bytes, or `undefined` when it holds no binary secret or is
 * not the expected shape (never a partial value).
 *
 * @example
 * ```ts
 * referenceBinary('{"name":"s","secretBinary":{"hb":[97,-1],"position":0,"limit":2}}') // <Buffer 61 ff>
 * referenceBinary('{"name":"s","secretString":"text"}') // undefined
 * ```
 */
export const referenceBinary = (sourceResult: unknown): Uint8Array | undefined => {
  if (typeof sourceResult !== 'string') return undefined
  let buffer: any
  try {
    buffer = JSON.parse(sourceResult)?.secretBinary
  } catch {
    return undefined
  }
  const hb: unknown = buffer?.hb
  if (!Array.isArray(hb)) return undefined
  // A Java byte is signed (-128..127); Buffer.from would silently wrap anything else.
  if (!hb.every((b) => Number.isInteger(b) && b >= -128 && b <= 255)) return undefined
  // A heap ByteBuffer's content is hb[offset + position, offset + limit); absent fields mean all of it.
  const offset = buffer.offset ?? 0
  const position = buffer.position ?? 0
  const limit = buffer.limit ?? hb.length - offset
  if (!isIndex(offset) || !isIndex(position) || !isIndex(limit)) return undefined
  if (position > limit || offset + limit > hb.length) return undefined
  return Buffer.from(hb.slice(offset + position, offset + limit))
}
