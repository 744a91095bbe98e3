/**
 * One key's resolution in an invocation: the policy's decision, the key's flight (started or
 * joined), decoding, the stale fallbacks, the throttle backoff, the invocation's time budget and
 * the events. Which way a fetch goes is the selector's business (transport/select.ts).
 */
import { type Entry, storeValue } from './cache.ts'
import { decodeValue } from './decode.ts'
import { closedError, ParamsSecretsError } from './errors.ts'
import { type Emitter, errorCodeOf } from './events.ts'
import { type Flight, startFlight } from './flight.ts'
import type { KeyDef } from './model.ts'
import {
  canServeStale,
  decide,
  expiresAtFor,
  isThrottle,
  rotationExpiry,
  throttleBackoffMs,
} from './policy.ts'
import type { SelectContext, Selector, Served } from './transport/select.ts'
import type { FetchContext } from './transport/types.ts'

/** What the resolver shares across keys of one middleware instance. */
export interface Resolver {
  selector: Pick<Selector, 'fetch' | 'rotationSchedule'>
  /** the policy clock (`options.now`): expiry, backoff, stuck flights */
  now: () => number
  events: Emitter
  /** a flight older than this (a Lambda freeze interrupted it) is superseded by a new one */
  stuckAfterMs: number
  /** the `Closed` error once the middleware is closed */
  closed(): ParamsSecretsError | undefined
  /** randomness of the backoff jitter (tests fix it) */
  random?: () => number
  /** how long the layer may keep an answer in its own cache, per kind (its TTL variables) */
  layerTtlMs: { secret: number; parameter: number }
}

/** One invocation as its keys' resolutions see it. */
export interface Invocation {
  request: NonNullable<FetchContext['request']>
  /** performance.now() by which every key must be resolved; undefined: the remaining time is unknown */
  deadline: number | undefined
  /** the invocation's budget in ms, for messages */
  budgetMs: number | undefined
}

/** Following superseded or invalidated flights: a bound, though each follow needs a newer flight. */
const MAX_FOLLOWS = 3

interface FetchResult {
  value: unknown
  expiresAt: number
  served: Served
}

/** Starts a fetch of one key as its flight (superseding any in flight). */
export const startFetch = (
  r: Resolver,
  def: KeyDef,
  entry: Entry,
  invocation: Invocation | undefined,
  mode: { prefetch: boolean; background: boolean },
): Flight<FetchResult> => {
  const startedAt = r.now()
  const force = entry.forceNext || startedAt < entry.layerStaleUntil
  const t0 = performance.now()
  const details = (attempts: number) => ({
    durationMs: performance.now() - t0,
    attempts,
    ...(mode.background ? { background: true } : {}),
    ...(force ? { forced: true } : {}),
  })
  const run = async (signal: AbortSignal): Promise<FetchResult> => {
    const ctx: SelectContext = { force, prefetch: mode.prefetch, signal }
    if (invocation !== undefined) {
      ctx.request = invocation.request
      // A background refresh outlives the invocation that started it: its requests' own budgets bound it.
      if (!mode.background) ctx.deadline = invocation.deadline
    }
    const served = await r.selector.fetch(def, ctx)
    const value = decodeValue(def, served, served.source)
    const expiresAt = def.fetchRotationDate
      ? rotationExpiry(def, await r.selector.rotationSchedule(def, ctx), startedAt)
      : expiresAtFor(def.maxAge, startedAt)
    return { value, expiresAt, served }
  }
  const flight = startFlight(entry, { startedAt, prefetch: mode.prefetch }, run, {
    value({ value, expiresAt, served }) {
      storeValue(entry, value, expiresAt)
      // The layer's cached answer stood in for the SDK: the key stays forced.
      if (served.standIn === undefined) entry.forceNext = false
      if (force && served.source === 'sdk') {
        entry.layerStaleUntil =
          startedAt + (r.layerTtlMs[def.kind === 'secret' ? 'secret' : 'parameter'] ?? 0)
      }
      r.events.emit(def, served.source, {
        ...details(served.attempts),
        ...(served.standIn === undefined ? {} : { standIn: served.standIn }),
      })
    },
    error(error) {
      // A throttled key waits out a jittered backoff; but a prefetch failure never holds the first
      // invocation back: it fetches the key again.
      if (!mode.prefetch && isThrottle(error)) {
        entry.lastError = error
        entry.backoffAttempt++
        entry.backoffUntil = r.now() + throttleBackoffMs(entry.backoffAttempt, r.random)
      }
      const source = error instanceof ParamsSecretsError && error.source === 'sdk' ? 'sdk' : 'extension'
      r.events.emit(def, source, {
        ...details((error as ParamsSecretsError)?.attempts ?? 1),
        errorCode: errorCodeOf(error),
      })
    },
  })
  return flight
}

/** The key's flight, unless there is none or a freeze left it hanging past `stuckAfterMs`. */
const liveFlight = (r: Resolver, entry: Entry, now: number): Flight<FetchResult> | undefined =>
  entry.flight !== undefined && now - entry.flight.startedAt <= r.stuckAfterMs
    ? (entry.flight as Flight<FetchResult>)
    : undefined

const budgetTimeout = (def: KeyDef, invocation: Invocation): ParamsSecretsError =>
  new ParamsSecretsError(
    `Key "${def.key}" (${def.kind} ${def.id}) was not resolved within this invocation's budget ` +
      `(${Math.round(invocation.budgetMs ?? 0)} ms: the remaining time less the handler's reserve)`,
    { code: 'Timeout', source: 'extension', key: def.key },
  )

/** `promise`, or a `Timeout` at the invocation's deadline, whichever comes first. */
const untilDeadline = <T>(promise: Promise<T>, def: KeyDef, invocation: Invocation): Promise<T> => {
  const { deadline } = invocation
  if (deadline === undefined) return promise
  const leftMs = deadline - performance.now()
  if (leftMs <= 0) return Promise.reject(budgetTimeout(def, invocation))
  return new Promise<T>((resolve, reject) => {
    // Ref'd on purpose: the invocation waits on it.
    const timer = setTimeout(() => reject(budgetTimeout(def, invocation)), leftMs)
    promise.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(error)
      },
    )
  })
}

/** Waits for the key's flight (joined or started), following newer flights when it is dropped. */
const obtain = async (
  r: Resolver,
  def: KeyDef,
  entry: Entry,
  invocation: Invocation,
  follows = 0,
): Promise<unknown> => {
  if (r.closed() !== undefined) throw closedError(def.key)
  const joined = liveFlight(r, entry, r.now())
  const flight = joined ?? startFetch(r, def, entry, invocation, { prefetch: false, background: false })
  const outcome = await untilDeadline(flight.outcome, def, invocation)
  if (outcome.kind === 'value') return outcome.value.value
  // An invocation never inherits a prefetch's failure: it fetches the key itself.
  if (outcome.kind === 'error' && !(joined?.prefetch === true)) throw outcome.error
  if (follows >= MAX_FOLLOWS) {
    throw new ParamsSecretsError(
      `Key "${def.key}" (${def.kind} ${def.id}) was invalidated or superseded ${MAX_FOLLOWS} times while this invocation waited for it`,
      { code: 'Timeout', source: 'extension', key: def.key },
    )
  }
  // Dropped: a newer flight may have stored a value meanwhile; else follow (or start) the next one.
  if (outcome.kind === 'dropped' && entry.hasValue && r.now() < entry.expiresAt) return entry.value
  return obtain(r, def, entry, invocation, follows + 1)
}

const serveStale = (r: Resolver, def: KeyDef, entry: Entry, error: unknown): unknown => {
  r.events.emit(def, 'stale', { durationMs: 0, attempts: 0, errorCode: errorCodeOf(error) })
  return entry.value
}

/** Resolves one key by its policy, when some key of the invocation is not fresh (else the warm path runs). */
export const resolveKey = (
  r: Resolver,
  def: KeyDef,
  entry: Entry,
  invocation: Invocation,
  now: number,
): unknown => {
  const decision = decide(entry, def, now)
  if (decision === 'fresh') {
    r.events.emit(def, 'cache', { durationMs: 0, attempts: 0 })
    return entry.value
  }
  // After a throttle, the key waits out its backoff: stale where the policy allows, else the same error.
  if (now < entry.backoffUntil) {
    if (decision === 'revalidate' || canServeStale(entry, def, now))
      return serveStale(r, def, entry, entry.lastError)
    const error = entry.lastError as ParamsSecretsError
    r.events.emit(def, error.source === 'sdk' ? 'sdk' : 'extension', {
      durationMs: 0,
      attempts: 0,
      errorCode: errorCodeOf(error),
    })
    return Promise.reject(error)
  }
  if (decision === 'revalidate') {
    if (liveFlight(r, entry, now) === undefined) {
      startFetch(r, def, entry, invocation, { prefetch: false, background: true })
    }
    r.events.emit(def, 'stale', { durationMs: 0, attempts: 0, background: true })
    return entry.value
  }
  const fetched = obtain(r, def, entry, invocation)
  if (decision === 'stale-if-error') {
    return fetched.catch((error: unknown) => {
      if (canServeStale(entry, def, now)) return serveStale(r, def, entry, error)
      throw error
    })
  }
  return fetched
}
