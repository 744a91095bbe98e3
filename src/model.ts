/**
 * Leaf types of the data path: one declared key after normalization. Imports nothing but types,
 * so every stage (keys, options, transports, decode) can use them without an import cycle.
 */
import type { JsonMode } from './types.ts'

/** What a key reads: a Secrets Manager secret, one SSM parameter, or every parameter under a path. */
export type KeyKind = 'secret' | 'parameter' | 'path'

/** One declared key, normalized and validated at construction. Internal. */
export interface KeyDef {
  /** the fetchData key: `request.internal[key]` */
  key: string
  /** `sanitizeKey(key)`: `context[contextKey]` */
  contextKey: string
  kind: KeyKind
  /** secret id (name or ARN), parameter name, or path (starting with `/`) */
  id: string
  versionId?: string | undefined
  versionStage?: string | undefined
  version?: number | undefined
  label?: string | undefined
  /** parameters and paths; `true` unless said otherwise */
  withDecryption: boolean
  /** paths only: every level below the path (`true` unless said otherwise) */
  recursive: boolean
  json: JsonMode
  /** ms; -1 never expires; > 86,400,000 an absolute epoch-ms deadline (middy's quirk) */
  maxAge: number
  staleWhileRevalidate: number
  staleIfError: number
  refreshOnError?: ((error: unknown) => boolean) | undefined
  /** expire at the secret's next rotation date (DescribeSecret) */
  fetchRotationDate: boolean
  /** a failure leaves `undefined` for this key instead of failing the invocation */
  optional: boolean
}
