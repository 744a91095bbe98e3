/**
 * What every subject is built from: the keys, how long a value may be cached, the servers.
 */
import type { BenchKey } from '../lib/keys.ts'
import type { ServerParams } from '../lib/servers.ts'

/** The common input of the subjects' factories. */
export interface SubjectSpec {
  keys: BenchKey[]
  /** as middy's `cacheExpiry`: -1 never expires, 0 fetch on every invocation, else ms */
  cacheExpiryMs: number
  /** a distinct cache namespace per instance (middy's cache is process-wide) */
  cacheKey: string
  servers: ServerParams
}
