/**
 * Per-instance cache: one entry per key, single flight, invalidation, and the bridge that lets
 * `clearCache` of the user's `@middy/util` reach these values. Knows no HTTP and no SDK.
 */

/** An upstream request in flight for one key; at most one per key at any time. */
export interface Inflight {
  promise: Promise<unknown>
  startedAt: number
  /** started at module load: an invocation must not inherit its failure */
  prefetch: boolean
  gen: number
}

/** One key's cached state. */
export interface Entry {
  hasValue: boolean
  value: unknown
  expiresAt: number
  inflight: Inflight | undefined
  /** the next fetch must bypass intermediate caches (after invalidate / refreshOnError) */
  forceNext: boolean
  /** fetch generations: a result older than `minGen` (an invalidation came after it started) is dropped */
  gen: number
  minGen: number
  storedGen: number
  /** after an upstream throttle: no new upstream attempt before this time, and its error */
  backoffUntil: number
  backoffAttempt: number
  lastError: unknown
}

export const createEntry = (): Entry => ({
  hasValue: false,
  value: undefined,
  expiresAt: 0,
  inflight: undefined,
  forceNext: false,
  gen: 0,
  minGen: 0,
  storedGen: 0,
  backoffUntil: 0,
  backoffAttempt: 0,
  lastError: undefined,
})

/** Drops the value; the next fetch is a forced refresh and results of fetches in flight are ignored. */
export const invalidateEntry = (entry: Entry): void => {
  entry.hasValue = false
  entry.value = undefined
  entry.expiresAt = 0
  entry.forceNext = true
  entry.minGen = entry.gen + 1
  entry.inflight = undefined
  entry.backoffUntil = 0
}

/** Stores a fetched value unless an invalidation or a newer fetch superseded it. */
export const storeValue = (entry: Entry, gen: number, value: unknown, expiresAt: number): boolean => {
  if (gen < entry.minGen || gen <= entry.storedGen) return false
  entry.storedGen = gen
  entry.hasValue = true
  entry.value = value
  entry.expiresAt = expiresAt
  entry.backoffAttempt = 0
  entry.lastError = undefined
  return true
}

const kMarker = Symbol.for('middy-params-secrets.cache-marker')
interface MiddyUtilCache {
  getCache(key: string): { value?: unknown }
  processCache(options: { cacheKey: string; cacheExpiry: number }, fetch: () => unknown): unknown
}

/**
 * `clearCache([cacheKey])` of `@middy/util` deletes entries of its process-wide map. This instance
 * keeps a marker there under its `cacheKey` and treats the marker's disappearance as "cleared".
 * Instances sharing a `cacheKey` share the marker, so one never clears another by registering.
 * `@middy/util` is imported dynamically: majors 6 and 7 both load that way, from ESM and CommonJS.
 */
export const createClearCacheBridge = (cacheKey: string) => {
  let util: MiddyUtilCache | undefined
  let marker: unknown
  let settled = false
  const register = (): void => {
    const current = util!.getCache(cacheKey).value as Record<symbol, unknown> | undefined
    if (current?.[kMarker] === true) {
      marker = current
      return
    }
    marker = { [kMarker]: true }
    util!.processCache({ cacheKey, cacheExpiry: -1 }, () => marker)
  }
  const loading = import('@middy/util').then(
    (m) => {
      util = m as unknown as MiddyUtilCache
      register()
      settled = true
    },
    // Without @middy/util (a peer) there is nothing to clear from outside.
    () => {
      settled = true
    },
  )
  return {
    /** resolves once `@middy/util` is loaded (the first invocation awaits it once) */
    loading,
    get loaded(): boolean {
      return settled
    },
    /** true once after a `clearCache` of this cacheKey (and re-registers) */
    wasCleared(): boolean {
      if (util === undefined || util.getCache(cacheKey).value === marker) return false
      register()
      return true
    },
  }
}
