/**
 * Loads `@middy/util`'s process-wide cache functions. Dynamic here, for the CommonJS build:
 * `@middy/util` 7 exports only an `import` condition, which `require` cannot load. The ESM build
 * swaps in `middy-cache.esm.ts` (rollup.config.mjs).
 */

/** The part of `@middy/util` the clearCache bridge uses. */
export interface MiddyUtilCache {
  getCache(key: string): { value?: unknown } | undefined
  processCache(options: { cacheKey: string; cacheExpiry: number }, fetch: () => unknown): unknown
}

export const loadMiddyCache = (): Promise<MiddyUtilCache> =>
  import('@middy/util') as unknown as Promise<MiddyUtilCache>
