/**
 * The resolver as a state machine: a scripted selector (each fetch answered by hand) and a manual
 * clock; every interleaving is written down step by step.
 */
import { describe, expect, it } from '@jest/globals'
import { invalidateEntry } from '../../src/cache.ts'
import { closedError } from '../../src/errors.ts'
import { resolveKey, startFetch } from '../../src/resolve.ts'
import { awsError, flush, keyDef, scripted } from '../helpers/scripted.ts'

describe('resolve', () => {
  it('fetches a missing key, stores it until maxAge, and serves it from the cache meanwhile', async () => {
    const w = scripted()
    const def = keyDef({ maxAge: 1000 })
    const entry = w.entry()
    const first = resolveKey(w.resolver, def, entry, w.invocation(), w.clock())
    await flush()
    expect(w.fetches).toHaveLength(1)
    w.fetches[0]!.answer('v1')
    expect(await first).toBe('v1')
    expect(entry.expiresAt).toBe(w.clock() + 1000)
    w.clock.advance(999)
    expect(resolveKey(w.resolver, def, entry, w.invocation(), w.clock())).toBe('v1')
    w.clock.advance(1)
    const second = resolveKey(w.resolver, def, entry, w.invocation(), w.clock())
    await flush()
    expect(w.fetches).toHaveLength(2)
    w.fetches[1]!.answer('v2')
    expect(await second).toBe('v2')
  })

  it('case 1: a refresh that answers late after a newer one started never puts an older value back', async () => {
    const w = scripted()
    const def = keyDef({ maxAge: 1000, staleWhileRevalidate: 60_000 })
    const entry = w.entry()
    const seen: unknown[] = []
    const invoke = async () => {
      seen.push(await resolveKey(w.resolver, def, entry, w.invocation(), w.clock()))
    }
    // 1. cold: v1
    const cold = invoke()
    await flush()
    w.fetches[0]!.answer('v1')
    await cold
    // 2. stale inside the window: v1 at once, background refresh A starts (and hangs: a slow 503 retry)
    w.clock.advance(1500)
    await invoke()
    expect(w.fetches).toHaveLength(2)
    const a = w.fetches[1]!
    // 3. A looks abandoned (a freeze): refresh B starts and supersedes it; v1 meanwhile
    w.clock.advance(w.resolver.stuckAfterMs + 1)
    await invoke()
    expect(w.fetches).toHaveLength(3)
    const b = w.fetches[2]!
    expect(a.ctx.signal?.aborted).toBe(true)
    // 4. the secret rotates; A's retry reads v2, B (through the layer's cache) still v1
    a.answer('v2')
    await flush()
    b.answer('v1')
    await flush()
    // 5. later invocations: never v2 then v1
    await invoke()
    expect(seen).toEqual(['v1', 'v1', 'v1', 'v1'])
    expect(entry.value).toBe('v1')
  })

  it('keeps the newer value when the superseding refresh answers first', async () => {
    const w = scripted()
    const def = keyDef({ maxAge: 1000, staleWhileRevalidate: 60_000 })
    const entry = w.entry()
    const cold = resolveKey(w.resolver, def, entry, w.invocation(), w.clock())
    await flush()
    w.fetches[0]!.answer('v1')
    await cold
    w.clock.advance(1500)
    resolveKey(w.resolver, def, entry, w.invocation(), w.clock())
    w.clock.advance(w.resolver.stuckAfterMs + 1)
    resolveKey(w.resolver, def, entry, w.invocation(), w.clock())
    await flush()
    w.fetches[2]!.answer('v2')
    await flush()
    w.fetches[1]!.answer('v0-late')
    await flush()
    expect(entry.value).toBe('v2')
  })

  it('case 2: a forced refresh that is throttled fails with the throttle, backs off and stays forced', async () => {
    const w = scripted()
    const def = keyDef({ maxAge: -1 })
    const entry = w.entry()
    const cold = resolveKey(w.resolver, def, entry, w.invocation(), w.clock())
    await flush()
    w.fetches[0]!.answer('old-password')
    await cold
    invalidateEntry(entry)
    const forced = resolveKey(w.resolver, def, entry, w.invocation(), w.clock()) as Promise<unknown>
    await flush()
    expect(w.fetches[1]!.ctx.force).toBe(true)
    w.fetches[1]!.fail(awsError('ThrottlingException'))
    await expect(forced).rejects.toMatchObject({ code: 'ThrottlingException' })
    expect(w.events.at(-1)).toMatchObject({ source: 'sdk', forced: true, errorCode: 'ThrottlingException' })
    expect(entry.forceNext).toBe(true)
    expect(entry.backoffUntil).toBeGreaterThan(w.clock())
    // Inside the backoff: the same error, nothing sent.
    await expect(resolveKey(w.resolver, def, entry, w.invocation(), w.clock())).rejects.toMatchObject({
      code: 'ThrottlingException',
    })
    expect(w.fetches).toHaveLength(2)
    // After it: forced again, and a success clears the flag.
    w.clock.set(entry.backoffUntil)
    const again = resolveKey(w.resolver, def, entry, w.invocation(), w.clock())
    await flush()
    expect(w.fetches[2]!.ctx.force).toBe(true)
    w.fetches[2]!.answer('new-password')
    expect(await again).toBe('new-password')
    expect(entry.forceNext).toBe(false)
  })

  it("after a forced refresh the service answered, fetches bypass the layer's cache for its TTL", async () => {
    const w = scripted()
    const def = keyDef({ maxAge: 1000 })
    const entry = w.entry()
    invalidateEntry(entry)
    const forced = resolveKey(w.resolver, def, entry, w.invocation(), w.clock())
    await flush()
    w.fetches[0]!.answer('v2', { source: 'sdk' })
    await forced
    expect(entry.forceNext).toBe(false)
    // Expired inside the layer's TTL: the layer may still hold v1, so this fetch is forced too.
    w.clock.advance(1000)
    const inside = resolveKey(w.resolver, def, entry, w.invocation(), w.clock())
    await flush()
    expect(w.fetches[1]!.ctx.force).toBe(true)
    w.fetches[1]!.answer('v2', { source: 'sdk' })
    await inside
    // Past the TTL of the first forced answer... the second one extended it; past that, the layer again.
    w.clock.advance(300_000)
    const after = resolveKey(w.resolver, def, entry, w.invocation(), w.clock())
    await flush()
    expect(w.fetches[2]!.ctx.force).toBe(false)
    w.fetches[2]!.answer('v2')
    expect(await after).toBe('v2')
  })

  it('a layer answer that stood in for an unusable SDK leaves the key forced', async () => {
    const w = scripted()
    const def = keyDef()
    const entry = w.entry()
    invalidateEntry(entry)
    const forced = resolveKey(w.resolver, def, entry, w.invocation(), w.clock())
    await flush()
    w.fetches[0]!.answer('layer-cached', { standIn: 'SdkMissing' })
    expect(await forced).toBe('layer-cached')
    expect(entry.forceNext).toBe(true)
    expect(w.events.at(-1)).toMatchObject({ forced: true, standIn: 'SdkMissing' })
  })

  it('case 6: invalidate() during a throttled fetch drops its error: no backoff, the waiter refetches (forced)', async () => {
    const w = scripted()
    const def = keyDef()
    const entry = w.entry()
    const waiting = resolveKey(w.resolver, def, entry, w.invocation(), w.clock())
    await flush()
    invalidateEntry(entry)
    w.fetches[0]!.fail(awsError('ThrottlingException'))
    await flush()
    expect(entry.backoffUntil).toBe(0)
    expect(w.fetches).toHaveLength(2)
    expect(w.fetches[1]!.ctx.force).toBe(true)
    w.fetches[1]!.answer('v2')
    expect(await waiting).toBe('v2')
  })

  it('an invocation never inherits a prefetch failure: it fetches the key itself', async () => {
    const w = scripted()
    const def = keyDef()
    const entry = w.entry()
    startFetch(w.resolver, def, entry, undefined, { prefetch: true, background: false })
    const first = resolveKey(w.resolver, def, entry, w.invocation(), w.clock())
    await flush()
    expect(w.fetches).toHaveLength(1)
    w.fetches[0]!.fail(awsError('ThrottlingException'))
    await flush()
    // A prefetch never backs a key off.
    expect(entry.backoffUntil).toBe(0)
    expect(w.fetches).toHaveLength(2)
    w.fetches[1]!.answer('v1')
    expect(await first).toBe('v1')
  })

  it('joins the fetch in flight: concurrent invocations make one request', async () => {
    const w = scripted()
    const def = keyDef()
    const entry = w.entry()
    const all = Promise.all(
      [1, 2, 3].map(() => resolveKey(w.resolver, def, entry, w.invocation(), w.clock())),
    )
    await flush()
    expect(w.fetches).toHaveLength(1)
    w.fetches[0]!.answer('v1')
    expect(await all).toEqual(['v1', 'v1', 'v1'])
  })

  it('ends the wait at the invocation deadline with Timeout, naming the key', async () => {
    const w = scripted()
    const def = keyDef()
    const entry = w.entry()
    const waiting = resolveKey(w.resolver, def, entry, w.invocation(performance.now() + 20), w.clock())
    await expect(waiting).rejects.toMatchObject({ code: 'Timeout', key: 'k' })
    // The budget reached the transport, too.
    expect(w.fetches[0]!.ctx.deadline).toBeDefined()
    expect(w.fetches[0]!.ctx.signal).toBeDefined()
  })

  it('fails at once when the budget is already spent', async () => {
    const w = scripted()
    const waiting = resolveKey(
      w.resolver,
      keyDef(),
      w.entry(),
      w.invocation(performance.now() - 1),
      w.clock(),
    )
    await expect(waiting).rejects.toMatchObject({ code: 'Timeout' })
  })

  it('a background refresh gets no invocation deadline (it outlives the invocation)', async () => {
    const w = scripted()
    const def = keyDef({ maxAge: 1000, staleWhileRevalidate: 10_000 })
    const entry = w.entry()
    const cold = resolveKey(w.resolver, def, entry, w.invocation(), w.clock())
    await flush()
    w.fetches[0]!.answer('v1')
    await cold
    w.clock.advance(1500)
    expect(resolveKey(w.resolver, def, entry, w.invocation(performance.now() + 5000), w.clock())).toBe('v1')
    await flush()
    expect(w.fetches[1]!.ctx.deadline).toBeUndefined()
    expect(w.events.at(-1)).toMatchObject({ source: 'stale', background: true })
  })

  it('serves the last value when a refresh fails inside staleIfError, with the error code', async () => {
    const w = scripted()
    const def = keyDef({ maxAge: 1000, staleIfError: 5000 })
    const entry = w.entry()
    const cold = resolveKey(w.resolver, def, entry, w.invocation(), w.clock())
    await flush()
    w.fetches[0]!.answer('v1')
    await cold
    w.clock.advance(2000)
    const refresh = resolveKey(w.resolver, def, entry, w.invocation(), w.clock())
    await flush()
    w.fetches[1]!.fail(awsError('InternalServiceError'))
    expect(await refresh).toBe('v1')
    expect(w.events.at(-1)).toMatchObject({ source: 'stale', errorCode: 'InternalServiceError' })
    w.clock.advance(5000)
    const late = resolveKey(w.resolver, def, entry, w.invocation(), w.clock())
    await flush()
    w.fetches[2]!.fail(awsError('InternalServiceError'))
    await expect(late).rejects.toMatchObject({ code: 'InternalServiceError' })
  })

  it('a throttled key serves stale inside its backoff where the policy allows', async () => {
    const w = scripted()
    const def = keyDef({ maxAge: 1000, staleIfError: 60_000 })
    const entry = w.entry()
    const cold = resolveKey(w.resolver, def, entry, w.invocation(), w.clock())
    await flush()
    w.fetches[0]!.answer('v1')
    await cold
    w.clock.advance(1000)
    const throttled = resolveKey(w.resolver, def, entry, w.invocation(), w.clock())
    await flush()
    w.fetches[1]!.fail(awsError('ThrottlingException'))
    expect(await throttled).toBe('v1')
    expect(resolveKey(w.resolver, def, entry, w.invocation(), w.clock())).toBe('v1')
    expect(w.fetches).toHaveLength(2)
  })

  it('after close(), a waiter of a dropped flight fails with Closed', async () => {
    const w = scripted()
    const def = keyDef()
    const entry = w.entry()
    const waiting = resolveKey(w.resolver, def, entry, w.invocation(), w.clock())
    await flush()
    const closed = closedError()
    w.close(closed)
    invalidateEntry(entry)
    await expect(waiting).rejects.toMatchObject({ code: 'Closed' })
  })

  it('follows at most a bounded number of dropped flights', async () => {
    const w = scripted()
    const def = keyDef()
    const entry = w.entry()
    const waiting = resolveKey(w.resolver, def, entry, w.invocation(), w.clock()) as Promise<unknown>
    for (let i = 0; i < 4; i++) {
      await flush()
      invalidateEntry(entry)
    }
    await expect(waiting).rejects.toMatchObject({ code: 'Timeout', key: 'k' })
    expect(w.fetches).toHaveLength(4)
  })
})
