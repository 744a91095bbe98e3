import * as util from '@middy/util'
import { loadMiddyCache as loadEsm } from '../../src/middy-cache.esm.ts'
import { loadMiddyCache } from '../../src/middy-cache.ts'

// The two builds' loaders (rollup swaps the ESM one in) must hand the bridge the same functions.
describe.each([
  ['the CommonJS build (import())', loadMiddyCache],
  ['the ESM build (named imports)', loadEsm],
])('loadMiddyCache, %s', (_name, load) => {
  it("resolves to @middy/util's own getCache and processCache", async () => {
    const cache = await load()
    expect(cache.getCache).toBe(util.getCache)
    expect(cache.processCache).toBe(util.processCache)
  })
})
