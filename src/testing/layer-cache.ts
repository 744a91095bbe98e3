/**
 * What a cache lookup found: a fresh entry, an expired one (the agent may still serve it on a
 * transient upstream failure), or nothing.
 *
 * @example
 * ```ts
 * const found = cache.lookup('secret|db', 300_000)
 * if (found?.fresh) return found.value
 * ```
 */
export interface CacheLookup {
  value: string
  fresh: boolean
}

/**
 * The server's own TTL cache of rendered answers, keyed by the full request identity. It is not
 * invalidated when the store changes: that is how the layer serves an old value after a rotation.
 *
 * @example
 * ```ts
 * const cache = createTtlCache({ now: Date.now, maxEntries: 1000 })
 * cache.set('secret|db', '{"SecretString":"..."}')
 * ```
 */
export interface TtlCache {
  /** `ttlMs` 0 (or a disabled cache) finds nothing. */
  lookup(key: string, ttlMs: number): CacheLookup | undefined
  set(key: string, value: string): void
  /** Drops every entry whose key matches. */
  deleteWhere(matches: (key: string) => boolean): void
  clear(): void
  readonly size: number
}

/**
 * Creates a TTL cache. `maxEntries` 0 disables it; beyond it the oldest entry goes (the layer's
 * `PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE`, default 1000).
 *
 * @example
 * ```ts
 * let clock = 0
 * const cache = createTtlCache({ now: () => clock, maxEntries: 10 })
 * cache.set('k', 'v')
 * clock = 301_000
 * cache.lookup('k', 300_000) // { value: 'v', fresh: false }
 * ```
 */
export function createTtlCache(options: {
  now: () => number
  maxEntries: number
  enabled?: boolean
}): TtlCache {
  const entries = new Map<string, { value: string; storedAt: number }>()
  const enabled = (options.enabled ?? true) && options.maxEntries > 0

  return {
    lookup(key, ttlMs) {
      if (!enabled || ttlMs <= 0) return undefined
      const entry = entries.get(key)
      if (!entry) return undefined
      return { value: entry.value, fresh: options.now() - entry.storedAt < ttlMs }
    },
    set(key, value) {
      if (!enabled) return
      entries.delete(key)
      entries.set(key, { value, storedAt: options.now() })
      if (entries.size > options.maxEntries) {
        const oldest = entries.keys().next()
        if (!oldest.done) entries.delete(oldest.value)
      }
    },
    deleteWhere(matches) {
      for (const key of [...entries.keys()]) if (matches(key)) entries.delete(key)
    },
    clear: () => entries.clear(),
    get size() {
      return entries.size
    },
  }
}
