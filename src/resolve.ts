/**
 * One key's resolution on an invocation: the policy's decision, single flight, the fetch through
 * the selected transport, decoding, the stale fallbacks, throttle backoff, and events.
 */
import { type Entry, storeValue } from './cache.ts'
import { decodeValue } from './decode.ts'
import { ParamsSecretsError } from './errors.ts'
import { type Emit, errorCodeOf } from './events.ts'
import type { KeyDef } from './keys.ts'
import { expiresAtFor } from './options.ts'
import { canServeStale, decide } from './policy.ts'
import type { RotationSchedule } from './transport/sdk.ts'
import type { SelectContext, Selector, Served } from './transport/select.ts'
import type { FetchContext } from './transport/types.ts'

/** What the resolver shares across keys of one middleware instance. */
export interface Resolver {
  selector: Selector
  now: () => number
  emit: Emit
  /** a refresh older than this (a Lambda freeze interrupted it) is abandoned and restarted */
  stuckAfterMs: number
}

type Request = FetchContext['request']

const THROTTLE_BACKOFF_BASE_MS = 200
const THROTTLE_BACKOFF_MAX_MS = 10_000

const isThrottle = (error: unknown): boolean =>
  error instanceof ParamsSecretsError &&
  (error.code === 'ThrottlingException' || error.code === 'TooManyRequestsException')

/**
 * middy 7's `fetchRotationDate`: the value expires at the next rotation or, with a max age, at the
 * last change plus that age, whichever is sooner.
 */
export const rotationExpiry = (def: KeyDef, schedule: RotationSchedule, startedAt: number): number => {
  const next = schedule.nextMs ?? Number.POSITIVE_INFINITY
  if (def.maxAge < 0) return next
  return Math.min(expiresAtFor(def.maxAge, schedule.lastChangedMs ?? startedAt), next)
}

/** Starts a fetch of one key and records it as the key's single flight. */
export const startFetch = (
  r: Resolver,
  def: KeyDef,
  entry: Entry,
  request: Request,
  mode: { prefetch: boolean; background: boolean },
): Promise<unknown> => {
  const gen = ++entry.gen
  const startedAt = r.now()
  const force = entry.forceNext
  const t0 = performance.now()
  const ctx: SelectContext = { force, prefetch: mode.prefetch, ...(request === undefined ? {} : { request }) }
  const details = (attempts: number) => ({
    durationMs: performance.now() - t0,
    attempts,
    ...(mode.background ? { background: true } : {}),
    ...(force ? { forced: true } : {}),
  })
  const run = async (): Promise<unknown> => {
    let served: Served | undefined
    try {
      served = await r.selector.fetch(def, ctx)
      const value = decodeValue(def, served, served.source)
      const expiresAt = def.fetchRotationDate
        ? rotationExpiry(def, await r.selector.rotationSchedule(def, ctx), startedAt)
        : expiresAtFor(def.maxAge, startedAt)
      if (storeValue(entry, gen, value, expiresAt) && force) entry.forceNext = false
      r.emit?.(def, served.source, details(served.attempts))
      return value
    } catch (error) {
      // A throttled key waits out a jittered backoff; but a prefetch failure never holds the first
      // invocation back: it fetches the key again.
      if (!mode.prefetch && isThrottle(error)) {
        entry.lastError = error
        entry.backoffAttempt++
        const capMs = Math.min(THROTTLE_BACKOFF_MAX_MS, THROTTLE_BACKOFF_BASE_MS * 2 ** entry.backoffAttempt)
        entry.backoffUntil = r.now() + capMs / 2 + Math.random() * (capMs / 2)
      }
      const source = error instanceof ParamsSecretsError ? error.source : served?.source
      r.emit?.(def, source === 'sdk' ? 'sdk' : 'extension', {
        ...details(served?.attempts ?? (error as ParamsSecretsError).attempts ?? 1),
        errorCode: errorCodeOf(error),
      })
      throw error
    }
  }
  const promise = run()
  entry.inflight = { promise, startedAt, prefetch: mode.prefetch, gen }
  const settle = () => {
    if (entry.inflight?.gen === gen) entry.inflight = undefined
  }
  promise.then(settle, settle)
  // Nobody awaits a prefetch or a background refresh until later (or ever): no unhandled rejection.
  if (mode.prefetch || mode.background) promise.catch(() => undefined)
  return promise
}

/** The key's flight, unless there is none or a freeze left it hanging past `stuckAfterMs`. */
const liveFlight = (r: Resolver, entry: Entry, now: number) =>
  entry.inflight !== undefined && now - entry.inflight.startedAt <= r.stuckAfterMs
    ? entry.inflight
    : undefined

/** Joins the key's flight, or starts one. An invocation never inherits a prefetch's failure. */
const join = (r: Resolver, def: KeyDef, entry: Entry, request: Request, now: number): Promise<unknown> => {
  const inflight = liveFlight(r, entry, now)
  if (inflight === undefined)
    return startFetch(r, def, entry, request, { prefetch: false, background: false })
  if (!inflight.prefetch) return inflight.promise
  return inflight.promise.catch(() => join(r, def, entry, request, r.now()))
}

const serveStale = (r: Resolver, def: KeyDef, entry: Entry, error: unknown): unknown => {
  r.emit?.(def, 'stale', { durationMs: 0, attempts: 0, errorCode: errorCodeOf(error) })
  return entry.value
}

/** Resolves one key by its policy, when some key of the invocation is not fresh (else the warm path runs). */
export const resolveKey = (
  r: Resolver,
  def: KeyDef,
  entry: Entry,
  request: Request,
  now: number,
): unknown => {
  const decision = decide(entry, def, now)
  if (decision === 'fresh') {
    r.emit?.(def, 'cache', { durationMs: 0, attempts: 0 })
    return entry.value
  }
  // After a throttle, the key waits out its backoff: stale where the policy allows, else the same error.
  if (now < entry.backoffUntil) {
    if (decision === 'revalidate' || canServeStale(entry, def, now))
      return serveStale(r, def, entry, entry.lastError)
    return Promise.reject(entry.lastError)
  }
  if (decision === 'revalidate') {
    if (liveFlight(r, entry, now) === undefined) {
      startFetch(r, def, entry, request, { prefetch: false, background: true })
    }
    r.emit?.(def, 'stale', { durationMs: 0, attempts: 0, background: true })
    return entry.value
  }
  const fetched = join(r, def, entry, request, now)
  if (decision === 'stale-if-error') {
    return fetched.catch((error: unknown) => {
      if (canServeStale(entry, def, now)) return serveStale(r, def, entry, error)
      throw error
    })
  }
  return fetched
}
