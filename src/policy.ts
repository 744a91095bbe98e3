/**
 * Pure refresh policy: given a key's cache entry and the time, what an invocation must do.
 *
 * Windows are half-open: a value is fresh while `now < expiresAt`; the stale-while-revalidate
 * window is `[expiresAt, expiresAt + staleWhileRevalidate)`, the stale-if-error one
 * `[expiresAt, expiresAt + staleIfError)`.
 */
import type { KeyDef } from './keys.ts'

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
