/**
 * Pure refresh policy: given a key's cache entry and the time, what an invocation must do; when a
 * value expires (max age, rotation date); how long a throttled key backs off; how much of an
 * invocation's remaining time a resolution may spend. No I/O, no timers.
 *
 * Windows are half-open: a value is fresh while `now < expiresAt`; the stale-while-revalidate
 * window is `[expiresAt, expiresAt + staleWhileRevalidate)`, the stale-if-error one
 * `[expiresAt, expiresAt + staleIfError)`.
 */
import { ParamsSecretsError } from './errors.ts'
import type { KeyDef } from './model.ts'
import type { RotationSchedule } from './transport/types.ts'

/** What an invocation does with one key. */
export type Decision =
  /** serve the cached value */
  | 'fresh'
  /** serve the cached value now and refresh it in the background */
  | 'revalidate'
  /** refresh and wait; if the refresh fails, serve the cached value */
  | 'stale-if-error'
  /** fetch and wait; a failure fails the invocation */
  | 'fetch'

/** The part of a cache entry the policy reads. */
export interface PolicyState {
  hasValue: boolean
  expiresAt: number
}

export const decide = (entry: PolicyState, def: KeyDef, now: number): Decision => {
  if (!entry.hasValue) return 'fetch'
  if (now < entry.expiresAt) return 'fresh'
  const staleForMs = now - entry.expiresAt
  if (staleForMs < def.staleWhileRevalidate) return 'revalidate'
  if (staleForMs < def.staleIfError) return 'stale-if-error'
  return 'fetch'
}

/** May a failed (or throttled) refresh fall back to the cached value at `now`? */
export const canServeStale = (entry: PolicyState, def: KeyDef, now: number): boolean =>
  entry.hasValue && now - entry.expiresAt < def.staleIfError

const DAY_MS = 86_400_000

/** An age's deadline from `startedAt`: -1 never, above a day an absolute epoch-ms time (middy's quirk). */
export const expiresAtFor = (maxAge: number, startedAt: number): number =>
  maxAge < 0 ? Number.POSITIVE_INFINITY : maxAge > DAY_MS ? maxAge : startedAt + maxAge

/**
 * middy 7's `fetchRotationDate`: the value expires at the next rotation or, with a max age, at the
 * last change plus that age, whichever is sooner. Without a max age (-1) `expiresAtFor` is never,
 * so the next rotation alone decides.
 */
export const rotationExpiry = (def: KeyDef, schedule: RotationSchedule, startedAt: number): number =>
  Math.min(
    expiresAtFor(def.maxAge, schedule.lastChangedMs ?? startedAt),
    schedule.nextMs ?? Number.POSITIVE_INFINITY,
  )

/** A throttle from either service (the layer's generic 400 hides one; the SDK then names it). */
export const isThrottle = (error: unknown): boolean =>
  error instanceof ParamsSecretsError &&
  (error.code === 'ThrottlingException' || error.code === 'TooManyRequestsException')

export const THROTTLE_BACKOFF_BASE_MS = 200
export const THROTTLE_BACKOFF_MAX_MS = 10_000

/**
 * The wait after the `attempt`-th throttle in a row: exponential up to a cap, with "equal jitter"
 * (half fixed, half random) so that a fleet throttled together does not come back together.
 */
export const throttleBackoffMs = (attempt: number, random: () => number = Math.random): number => {
  const capMs = Math.min(THROTTLE_BACKOFF_MAX_MS, THROTTLE_BACKOFF_BASE_MS * 2 ** attempt)
  return capMs / 2 + random() * (capMs / 2)
}

/**
 * A fetch in flight longer than this many request timeouts was cut by a freeze (Lambda suspends
 * the process between invocations): a later invocation starts it again instead of joining it.
 * A request itself is bounded by one timeout; retries and the SDK fallback fit in four.
 */
export const STUCK_AFTER_TIMEOUTS = 4

/** Time kept back from the invocation's remaining time for the handler: a fifth, at most this. */
export const HANDLER_RESERVE_MAX_MS = 1000
export const HANDLER_RESERVE_SHARE = 0.2

/**
 * The time a key's resolution may take in an invocation with `remainingMs` left: the remaining
 * time less the handler's reserve. `undefined` when the remaining time is unknown (missing,
 * throwing, not a finite number): the per-request budgets alone then apply.
 */
export const resolutionBudgetMs = (remainingMs: number | undefined): number | undefined => {
  if (remainingMs === undefined || !Number.isFinite(remainingMs)) return undefined
  const reserve = Math.min(HANDLER_RESERVE_MAX_MS, Math.max(0, remainingMs) * HANDLER_RESERVE_SHARE)
  return Math.max(0, remainingMs - reserve)
}
