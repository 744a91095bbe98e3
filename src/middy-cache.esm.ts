/**
 * The ESM build's `middy-cache.ts`: named static imports, so that a bundler keeps only these two
 * functions of `@middy/util`. A dynamic `import()` keeps the whole module, and with it
 * `import { STATUS_CODES } from 'node:http'`, hoisted to the top of an ESM bundle, whose namespace
 * loads Node's bundled undici at INIT (bench/findings.md, figure 7). `@middy/core` imports
 * `@middy/util` statically too, so this adds no dependency.
 */
import { getCache, processCache } from '@middy/util'
import type { MiddyUtilCache } from './middy-cache.ts'

export const loadMiddyCache = (): Promise<MiddyUtilCache> =>
  Promise.resolve({ getCache, processCache } as MiddyUtilCache)
