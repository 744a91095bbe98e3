/**
 * The servers' own TTL cache: staleness after a rotation, expiry on the injected clock, the TTL
 * settings, the cache identity, no coalescing, the agent's refreshNow and stale-on-throttle.
 */
import { createTtlCache } from '../../src/testing/layer-cache.ts'
import {
  closeEmulatorsAfterEach,
  fakeClock,
  getJson,
  parameterPath,
  request,
  secretPath,
  start,
} from './helpers.ts'

closeEmulatorsAfterEach()

describe('layer-cache', () => {
  it('keeps serving the old value after putSecret until the TTL passes (rotation staleness)', async () => {
    const clock = fakeClock()
    const emulator = await start({ secrets: { db: 'old' }, now: clock.now })
    expect((await getJson(emulator, secretPath('db'))).SecretString).toBe('old')
    emulator.putSecret('db', 'new')
    clock.advance(299_999)
    expect((await getJson(emulator, secretPath('db'))).SecretString).toBe('old')
    expect(emulator.requests.map((entry) => entry.cache)).toEqual(['miss', 'hit'])
    clock.advance(1)
    expect((await getJson(emulator, secretPath('db'))).SecretString).toBe('new')
    expect(emulator.counters.upstream).toEqual({ secret: 2, parameter: 0 })
  })

  it('serves a deleted or denied item from the cache until it expires, as upstream is not asked', async () => {
    const clock = fakeClock()
    const emulator = await start({ secrets: { s: 'v' }, parameters: { p: 'x' }, now: clock.now })
    await getJson(emulator, secretPath('s'))
    await getJson(emulator, parameterPath('p'))
    emulator.deleteSecret('s')
    emulator.denyAccess('parameter', 'p')
    expect((await request(emulator, secretPath('s'))).status).toBe(200)
    expect((await request(emulator, parameterPath('p'))).status).toBe(200)
    clock.advance(300_000)
    expect((await request(emulator, secretPath('s'))).status).toBe(400)
    expect((await request(emulator, parameterPath('p'))).status).toBe(400)
  })

  it('uses separate TTLs for secrets and parameters, from options or the environment, clamped to 300 s', async () => {
    const clock = fakeClock()
    const emulator = await start({
      secrets: { s: 'v1' },
      parameters: { p: 'v1' },
      now: clock.now,
      env: { SECRETS_MANAGER_TTL: '10', SSM_PARAMETER_STORE_TTL: '9999' },
    })
    await getJson(emulator, secretPath('s'))
    await getJson(emulator, parameterPath('p'))
    emulator.putSecret('s', 'v2')
    emulator.putParameter('p', 'v2')
    clock.advance(10_000)
    expect((await getJson(emulator, secretPath('s'))).SecretString).toBe('v2')
    expect((await getJson(emulator, parameterPath('p'))).Parameter.Value).toBe('v1')
    clock.advance(290_000)
    expect((await getJson(emulator, parameterPath('p'))).Parameter.Value).toBe('v2')
  })

  it('lets ttlSeconds override the environment, and clamps the layer to 300 s', async () => {
    const clock = fakeClock()
    const emulator = await start({
      secrets: { s: 'v1' },
      now: clock.now,
      ttlSeconds: { secrets: 1000 },
      env: { SECRETS_MANAGER_TTL: '5' },
    })
    await getJson(emulator, secretPath('s'))
    emulator.putSecret('s', 'v2')
    clock.advance(299_000)
    expect((await getJson(emulator, secretPath('s'))).SecretString).toBe('v1')
    clock.advance(1_000)
    expect((await getJson(emulator, secretPath('s'))).SecretString).toBe('v2')
  })

  it.each([
    ['ttlSeconds 0', { ttlSeconds: { secrets: 0 } }],
    ['cacheEnabled false', { cacheEnabled: false }],
    [
      'PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED=FALSE',
      { env: { PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED: 'FALSE' } },
    ],
    ['PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE=0', { env: { PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE: '0' } }],
  ])('reads the store on every request with %s', async (_, options) => {
    const emulator = await start({ secrets: { s: 'v1' }, ...options })
    await getJson(emulator, secretPath('s'))
    emulator.putSecret('s', 'v2')
    expect((await getJson(emulator, secretPath('s'))).SecretString).toBe('v2')
    expect(emulator.requests.map((entry) => entry.cache)).toEqual(['miss', 'miss'])
    expect(emulator.counters.upstream.secret).toBe(2)
  })

  it('keys the cache by the full request identity', async () => {
    const emulator = await start({
      secrets: { s: 'v' },
      parameters: { p: { value: 'x', type: 'SecureString' } },
    })
    const arn = (await getJson(emulator, secretPath('s'))).ARN
    await getJson(emulator, secretPath('s', '&versionStage=AWSCURRENT'))
    await getJson(emulator, secretPath(arn))
    await getJson(emulator, secretPath('s'))
    await getJson(emulator, parameterPath('p'))
    await getJson(emulator, parameterPath('p', '&withDecryption=true'))
    await getJson(emulator, parameterPath('p', '&version=1&withDecryption=true'))
    await getJson(emulator, parameterPath('p', '&withDecryption=true'))
    expect(emulator.requests.map((entry) => entry.cache)).toEqual([
      'miss',
      'miss',
      'miss',
      'hit',
      'miss',
      'miss',
      'miss',
      'hit',
    ])
    expect(emulator.counters.upstream).toEqual({ secret: 3, parameter: 3 })
  })

  it('does not coalesce concurrent misses: N parallel requests are N store reads', async () => {
    const emulator = await start({ secrets: { s: 'v' } })
    emulator.inject({ kind: 'secret', delayMs: 20 })
    await Promise.all(Array.from({ length: 5 }, () => getJson(emulator, secretPath('s'))))
    expect(emulator.counters.upstream.secret).toBe(5)
  })

  it('does not cache failures', async () => {
    const emulator = await start()
    await request(emulator, secretPath('late'))
    emulator.putSecret('late', 'v')
    expect((await getJson(emulator, secretPath('late'))).SecretString).toBe('v')
  })

  it('drops every entry on flushCache()', async () => {
    const emulator = await start({ secrets: { s: 'v1' } })
    await getJson(emulator, secretPath('s'))
    emulator.putSecret('s', 'v2')
    emulator.flushCache()
    expect((await getJson(emulator, secretPath('s'))).SecretString).toBe('v2')
  })

  it('gives the agent a TTL up to 3600 s, ignoring the layer variables', async () => {
    const clock = fakeClock()
    const emulator = await start({
      profile: 'agent',
      secrets: { s: 'v1' },
      now: clock.now,
      ttlSeconds: { secrets: 9999 },
      env: { SECRETS_MANAGER_TTL: '1' },
    })
    await getJson(emulator, secretPath('s'))
    emulator.putSecret('s', 'v2')
    clock.advance(3_599_000)
    expect((await getJson(emulator, secretPath('s'))).SecretString).toBe('v1')
    clock.advance(1_000)
    expect((await getJson(emulator, secretPath('s'))).SecretString).toBe('v2')
  })

  it('bypasses the agent cache with refreshNow=true and stores the fresh value', async () => {
    const emulator = await start({ profile: 'agent', secrets: { s: 'v1' } })
    await getJson(emulator, secretPath('s'))
    emulator.putSecret('s', 'v2')
    expect((await getJson(emulator, secretPath('s', '&refreshNow=false'))).SecretString).toBe('v1')
    expect((await getJson(emulator, secretPath('s', '&refreshNow=true'))).SecretString).toBe('v2')
    expect((await getJson(emulator, secretPath('s'))).SecretString).toBe('v2')
    expect(emulator.requests.map((entry) => entry.cache)).toEqual(['miss', 'hit', 'miss', 'hit'])
  })

  it('lets the agent serve an expired entry when the refresh is throttled (ignore_transient_errors)', async () => {
    const clock = fakeClock()
    const emulator = await start({ profile: 'agent', secrets: { s: 'v1' }, now: clock.now })
    await getJson(emulator, secretPath('s'))
    emulator.putSecret('s', 'v2')
    emulator.throttle(true)
    clock.advance(300_000)
    expect((await getJson(emulator, secretPath('s'))).SecretString).toBe('v1')
    const refresh = await request(emulator, secretPath('s', '&refreshNow=true'))
    expect(JSON.parse(refresh.body).__type).toBe('ThrottlingException')
    emulator.denyAccess('secret', 's')
    emulator.throttle(false)
    expect((await request(emulator, secretPath('s'))).status).toBe(400)
  })

  it('evicts the oldest entry beyond its size, and finds nothing when disabled', () => {
    let now = 0
    const cache = createTtlCache({ now: () => now, maxEntries: 2 })
    cache.set('a', '1')
    cache.set('b', '2')
    cache.set('c', '3')
    expect(cache.size).toBe(2)
    expect(cache.lookup('a', 1000)).toBeUndefined()
    expect(cache.lookup('c', 1000)).toEqual({ value: '3', fresh: true })
    now = 1000
    expect(cache.lookup('c', 1000)).toEqual({ value: '3', fresh: false })
    expect(cache.lookup('c', 0)).toBeUndefined()
    const off = createTtlCache({ now: () => now, maxEntries: 10, enabled: false })
    off.set('a', '1')
    expect(off.lookup('a', 1000)).toBeUndefined()
  })
})
