/**
 * The bridge to `@middy/util`'s process-wide cache, so that the user's `clearCache([cacheKey])`
 * reaches this instance's values. This instance keeps a marker there under its `cacheKey` and
 * reads the marker's disappearance as "cleared". Instances of this package sharing a `cacheKey`
 * share the marker, so one never clears another by registering. Another middy middleware using
 * the same `cacheKey` would read the marker as its own values, or overwrite it: both are refused
 * with an `InvalidOptions` naming the `cacheKey`.
 * `@middy/util` is loaded by middy-cache.ts: majors 6 and 7, from ESM and CommonJS.
 */
import { ParamsSecretsError } from './errors.ts'
import { loadMiddyCache, type MiddyUtilCache } from './middy-cache.ts'

const kMarker = Symbol.for('middy-params-secrets.cache-marker')

export const sharedCacheKey = (cacheKey: string): ParamsSecretsError =>
  new ParamsSecretsError(
    `Invalid option "cacheKey": '${cacheKey}' is also used by another middy middleware (its cache ` +
      "entry is not this package's); give each middleware its own cacheKey",
    { code: 'InvalidOptions', source: 'options' },
  )

const isMarker = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[kMarker] === true

/**
 * The marker: a middy middleware that finds it under its own `cacheKey` spreads or assigns it as
 * its values, which lists its keys: that fails with an error naming the shared `cacheKey`.
 */
const createMarker = (cacheKey: string, registering: () => boolean): object =>
  new Proxy(Object.create(null), {
    get: (_target, property) => (property === kMarker ? true : undefined),
    // processCache itself lists the value once while this instance registers it.
    ownKeys: () => {
      if (registering()) return []
      throw sharedCacheKey(cacheKey)
    },
  })

export interface ClearCacheBridge {
  /** resolves once `@middy/util` is loaded (the first invocation awaits it once) */
  readonly loading: Promise<void>
  readonly loaded: boolean
  /** true once after a `clearCache` of this cacheKey (and re-registers); throws if the key is shared */
  wasCleared(): boolean
}

export const createClearCacheBridge = (cacheKey: string): ClearCacheBridge => {
  let util: MiddyUtilCache | undefined
  let marker: unknown
  let settled = false
  const current = (): unknown => util!.getCache(cacheKey)?.value
  const register = (): void => {
    const value = current()
    if (isMarker(value)) {
      marker = value
      return
    }
    if (value !== undefined) throw sharedCacheKey(cacheKey)
    let registering = true
    marker = createMarker(cacheKey, () => registering)
    try {
      util!.processCache({ cacheKey, cacheExpiry: -1 }, () => marker)
    } finally {
      registering = false
    }
  }
  let conflict: ParamsSecretsError | undefined
  const loading = loadMiddyCache().then(
    (m) => {
      util = m
      try {
        register()
      } catch (error) {
        conflict = error as ParamsSecretsError
      }
      settled = true
    },
    // Without @middy/util (a peer; only the CommonJS build can miss it) nothing clears from outside.
    () => {
      settled = true
    },
  )
  return {
    loading,
    get loaded(): boolean {
      return settled
    },
    wasCleared(): boolean {
      if (conflict !== undefined) throw conflict.copy()
      if (util === undefined) return false
      const value = current()
      if (value === marker) return false
      if (value !== undefined && !isMarker(value)) {
        conflict = sharedCacheKey(cacheKey)
        throw conflict.copy()
      }
      register()
      return true
    },
  }
}
