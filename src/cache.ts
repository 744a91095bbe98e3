/**
 * Per-instance cache: one entry per key, holding its value, expiry, forced-refresh flag, throttle
 * backoff and its one counting fetch (see flight.ts). Knows no HTTP and no SDK.
 */
import type { Flight, FlightHolder } from './flight.ts'
import { dropFlight } from './flight.ts'

/** One key's cached state. */
export interface Entry extends FlightHolder {
  hasValue: boolean
  value: unknown
  expiresAt: number
  /** the next fetch must bypass intermediate caches (after invalidate / refreshOnError) */
  forceNext: boolean
  /**
   * After a forced refresh the service answered, the layer's own cache may still hold the older
   * answer until this time (its TTL): fetches until then bypass it too, so a value never goes back.
   */
  layerStaleUntil: number
  /** after an upstream throttle: no new upstream attempt before this time, and its error */
  backoffUntil: number
  backoffAttempt: number
  lastError: unknown
  flight: Flight | undefined
}

export const createEntry = (): Entry => ({
  hasValue: false,
  value: undefined,
  expiresAt: 0,
  forceNext: false,
  layerStaleUntil: 0,
  backoffUntil: 0,
  backoffAttempt: 0,
  lastError: undefined,
  flight: undefined,
})

/** Drops the value and the fetch in flight (its answer and errors); the next fetch is forced. */
export const invalidateEntry = (entry: Entry): void => {
  entry.hasValue = false
  entry.value = undefined
  entry.expiresAt = 0
  entry.forceNext = true
  entry.backoffUntil = 0
  entry.backoffAttempt = 0
  entry.lastError = undefined
  // Stryker disable next-line StringLiteral: equivalent: the reason is never surfaced (waiters follow the next flight)
  dropFlight(entry, new Error('invalidated'))
}

/** Stores a fetched value (only a flight that still counts calls this: see flight.ts). */
export const storeValue = (entry: Entry, value: unknown, expiresAt: number): void => {
  entry.hasValue = true
  entry.value = value
  entry.expiresAt = expiresAt
  entry.backoffAttempt = 0
  entry.backoffUntil = 0
  entry.lastError = undefined
}
