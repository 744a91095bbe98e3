/**
 * Per-key refresh policies through the emulator over real HTTP, with an injected clock so every
 * window edge is tested exactly: just before, at, and just after.
 */
import middy from '@middy/core'
import paramsSecrets, { type ResolutionEvent, secret } from '../../src/index.ts'
import { type ExtensionEmulator, startExtensionEmulator } from '../../src/testing/index.ts'
import { eventually, lambdaContext, manualClock } from '../helpers/lambda.ts'

const TOKEN = 'policy-token'
const T0 = 5_000_000

// Both servers: the Lambda layer (generic 400s) and the Secrets Manager Agent (AWS JSON errors).
describe.each([
  ['layer', 'ExtensionRequestFailed'],
  ['agent', 'AccessDeniedException'],
] as const)('policies (%s profile)', (profile, deniedCode) => {
  let emu: ExtensionEmulator
  const closers: Array<() => Promise<void>> = []
  const clock = manualClock(T0)
  let events: ResolutionEvent[]

  beforeEach(async () => {
    clock.set(T0)
    events = []
    // TTL 0: the layer's own cache is off here, so the store's changes are visible at once.
    emu = await startExtensionEmulator({
      profile,
      token: TOKEN,
      secrets: { s: 'v1', other: 'o1' },
      ttlSeconds: { secrets: 0 },
    })
  })

  afterEach(async () => {
    await Promise.all(closers.splice(0).map((c) => c()))
    await emu.close()
  })

  const handlerFor = (fetchData: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const mw = paramsSecrets({
      transport: 'extension',
      // The default request timeout: the injected delays (100-300 ms) are answered, never timed out,
      // and a loaded machine's first answer (node:http's load included) took over 1 s once.
      extension: { port: emu.port, token: TOKEN, timeoutMs: 3000 },
      fetchData: fetchData as any,
      setToContext: true,
      disablePrefetch: true,
      now: clock,
      onEvent: (e) => events.push(e),
      ...extra,
    })
    closers.push(() => mw.close())
    const seen: unknown[] = []
    const handler = middy(async (_e: unknown, context: any) => {
      seen.push(context.s)
      return context.s
    }).use(mw)
    return { handler, mw, seen, invoke: () => handler({}, lambdaContext()) }
  }

  describe('maxAge', () => {
    it('serves the cached value until maxAge and refetches at it', async () => {
      const { invoke } = handlerFor({ s: secret('s', { maxAge: 1000 }) })
      expect(await invoke()).toBe('v1')
      emu.putSecret('s', 'v2')
      clock.set(T0 + 999)
      expect(await invoke()).toBe('v1')
      expect(emu.requests).toHaveLength(1)
      clock.set(T0 + 1000)
      expect(await invoke()).toBe('v2')
      expect(emu.requests).toHaveLength(2)
      clock.set(T0 + 1001)
      expect(await invoke()).toBe('v2')
      expect(emu.requests).toHaveLength(2)
    })

    it('overrides cacheExpiry per key; -1 never expires', async () => {
      const { invoke } = handlerFor({ s: 's', other: secret('other', { maxAge: -1 }) }, { cacheExpiry: 100 })
      await invoke()
      clock.set(T0 + 1_000_000_000)
      await invoke()
      expect(emu.requests.map((r) => r.id)).toEqual(['s', 'other', 's'])
    })
  })

  describe('staleWhileRevalidate', () => {
    it('serves the last value at once inside the window and refreshes once in the background', async () => {
      const { invoke } = handlerFor({ s: secret('s', { maxAge: 1000, staleWhileRevalidate: 500 }) })
      await invoke()
      emu.putSecret('s', 'v2')
      clock.set(T0 + 999)
      expect(await invoke()).toBe('v1')
      expect(emu.requests).toHaveLength(1)
      clock.set(T0 + 1000)
      emu.inject({ kind: 'secret', id: 's', delayMs: 100, times: 1 })
      expect(await invoke()).toBe('v1')
      // a second invocation in the window while the refresh runs starts no other request
      expect(await invoke()).toBe('v1')
      // Every request the emulator received (counted on arrival) has been answered (logged), and
      // the refresh has landed: a second refresh would have been received by then.
      await eventually(
        () =>
          events.some((e) => e.background && e.source === 'extension') &&
          emu.requests.length === emu.counters.upstream.secret,
      )
      expect(emu.requests).toHaveLength(2)
      clock.set(T0 + 1001)
      expect(await invoke()).toBe('v2')
      expect(events.filter((e) => e.source === 'stale').length).toBeGreaterThanOrEqual(2)
    })

    it('waits for a fetch at the end of the window', async () => {
      const { invoke } = handlerFor({ s: secret('s', { maxAge: 1000, staleWhileRevalidate: 500 }) })
      await invoke()
      emu.putSecret('s', 'v2')
      clock.set(T0 + 1499)
      expect(await invoke()).toBe('v1')
      await eventually(() => events.filter((e) => e.background && e.source === 'extension').length === 1)
      emu.putSecret('s', 'v3')
      // the background refresh stored v2 at T0 + 1499: fresh until T0 + 2499, stale window [2499, 2999)
      clock.set(T0 + 2998)
      expect(await invoke()).toBe('v2')
      await eventually(() => events.filter((e) => e.background && e.source === 'extension').length === 2)
      // that refresh (at T0 + 2998) stored v3; at the end of its window the invocation waits for a fetch
      emu.putSecret('s', 'v4')
      clock.set(T0 + 2998 + 1500)
      expect(await invoke()).toBe('v4')
      expect(events.at(-1)).toMatchObject({ source: 'extension' })
      expect(events.at(-1)?.background).toBeUndefined()
    })

    it('restarts a refresh that a freeze left hanging, and keeps the newest value', async () => {
      const { invoke } = handlerFor({ s: secret('s', { maxAge: 1000, staleWhileRevalidate: 60_000 }) })
      await invoke()
      emu.putSecret('s', 'v2')
      emu.inject({ kind: 'secret', id: 's', delayMs: 300, times: 1 })
      clock.set(T0 + 1000)
      expect(await invoke()).toBe('v1')
      // The process "thaws" much later (by the clock) while that refresh still hangs.
      clock.set(T0 + 1000 + 4001)
      expect(await invoke()).toBe('v1')
      // The restarted refresh supersedes the hanging one (aborted, its late answer dropped) and stores v2.
      await eventually(
        () =>
          events.some((e) => e.background === true && e.source === 'extension' && e.errorCode === undefined),
        3000,
      )
      clock.advance(1)
      expect(await invoke()).toBe('v2')
    })

    it('keeps the value when the background refresh fails and tries again next time', async () => {
      const { invoke } = handlerFor({ s: secret('s', { maxAge: 1000, staleWhileRevalidate: 500 }) })
      await invoke()
      emu.denyAccess('secret', 's')
      clock.set(T0 + 1000)
      expect(await invoke()).toBe('v1')
      await eventually(() => events.some((e) => e.background && e.errorCode === deniedCode))
      clock.set(T0 + 1001)
      expect(await invoke()).toBe('v1')
      await eventually(() => emu.requests.length === 3)
    })
  })

  describe('staleIfError', () => {
    it('serves the last value on a failed refresh inside the window, with a stale event', async () => {
      const { invoke } = handlerFor({ s: secret('s', { maxAge: 1000, staleIfError: 500 }) })
      await invoke()
      emu.denyAccess('secret', 's')
      clock.set(T0 + 1000)
      expect(await invoke()).toBe('v1')
      expect(events.at(-1)).toMatchObject({ key: 's', source: 'stale', errorCode: deniedCode })
      clock.set(T0 + 1499)
      expect(await invoke()).toBe('v1')
      // it retried on each invocation
      expect(emu.requests).toHaveLength(3)
      clock.set(T0 + 1500)
      await expect(invoke()).rejects.toMatchObject({ code: deniedCode, key: 's' })
    })

    it('serves the new value once the refresh succeeds again', async () => {
      const { invoke } = handlerFor({ s: secret('s', { maxAge: 1000, staleIfError: 500 }) })
      await invoke()
      emu.denyAccess('secret', 's')
      clock.set(T0 + 1200)
      expect(await invoke()).toBe('v1')
      emu.allowAccess('secret', 's')
      emu.putSecret('s', 'v2')
      clock.set(T0 + 1300)
      expect(await invoke()).toBe('v2')
      clock.set(T0 + 2299)
      expect(await invoke()).toBe('v2')
      expect(emu.requests).toHaveLength(3)
    })

    it('fetches every invocation with maxAge 0 and still covers a failure inside the window', async () => {
      const { invoke } = handlerFor({ s: secret('s', { maxAge: 0, staleIfError: 100 }) })
      await invoke()
      emu.denyAccess('secret', 's')
      clock.set(T0 + 99)
      expect(await invoke()).toBe('v1')
      clock.set(T0 + 100)
      await expect(invoke()).rejects.toMatchObject({ code: deniedCode })
    })
  })

  describe('refreshOnError and invalidate', () => {
    it('invalidates a key when the handler fails with a matching error, and only then', async () => {
      const mw = paramsSecrets({
        transport: 'extension',
        extension: { port: emu.port, token: TOKEN },
        fetchData: {
          s: secret('s', { refreshOnError: (e) => (e as { code?: string }).code === 'AuthFailed' }),
          other: 'other',
        },
        setToContext: true,
        disablePrefetch: true,
      })
      closers.push(() => mw.close())
      let failWith: string | undefined
      const handler = middy(async (_e: unknown, context: any) => {
        if (failWith) throw Object.assign(new Error('db refused'), { code: failWith })
        return context.s
      }).use(mw)
      expect(await handler({}, lambdaContext())).toBe('v1')
      emu.putSecret('s', 'v2')
      failWith = 'Unrelated'
      await expect(handler({}, lambdaContext())).rejects.toThrow('db refused')
      failWith = undefined
      expect(await handler({}, lambdaContext())).toBe('v1')
      failWith = 'AuthFailed'
      await expect(handler({}, lambdaContext())).rejects.toThrow('db refused')
      failWith = undefined
      expect(await handler({}, lambdaContext())).toBe('v2')
      expect(emu.requests.map((r) => r.id)).toEqual(['s', 'other', 's'])
    })

    it('does nothing to the response when the predicate throws', async () => {
      const mw = paramsSecrets({
        transport: 'extension',
        extension: { port: emu.port, token: TOKEN },
        fetchData: {
          s: secret('s', {
            refreshOnError: () => {
              throw new Error('bug in predicate')
            },
          }),
        },
        disablePrefetch: true,
      })
      closers.push(() => mw.close())
      const handler = middy(async () => {
        throw new Error('handler error')
      }).use(mw)
      await expect(handler({}, lambdaContext())).rejects.toThrow('handler error')
    })

    it('invalidate(keys) drops those keys; invalidate() drops all', async () => {
      const { invoke, mw } = handlerFor({ s: 's', other: 'other' })
      await invoke()
      mw.invalidate('s')
      await invoke()
      mw.invalidate()
      await invoke()
      expect(emu.requests.map((r) => r.id)).toEqual(['s', 'other', 's', 's', 'other'])
      expect(events.filter((e) => e.forced).map((e) => e.key)).toEqual(['s', 's', 'other'])
    })

    it('ignores a fetch that was in flight when the key was invalidated', async () => {
      const { invoke, mw } = handlerFor({ s: 's' })
      emu.inject({ kind: 'secret', id: 's', delayMs: 300, times: 1 })
      const first = invoke()
      // The emulator counts a read when the request arrives and logs it when it answers: wait until
      // it holds the fetch, so the invalidation lands while the fetch is in flight.
      await eventually(() => emu.counters.upstream.secret === 1)
      expect(emu.requests).toHaveLength(0)
      mw.invalidate('s')
      emu.putSecret('s', 'v2')
      // The fetch that started before the invalidation is dropped (aborted, its answer ignored): the
      // invocation waiting for it follows with a forced refresh and gets the new value.
      expect(await first).toBe('v2')
      expect(
        events.filter((e) => e.key === 's' && e.forced === true && e.errorCode === undefined),
      ).toHaveLength(1)
      const seen = emu.requests.length
      expect(await invoke()).toBe('v2')
      expect(emu.requests).toHaveLength(seen)
    })
  })
})
