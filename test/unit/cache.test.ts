import { describe, expect, it } from '@jest/globals'
import { createEntry, invalidateEntry, storeValue } from '../../src/cache.ts'
import { startFlight } from '../../src/flight.ts'

describe('cache', () => {
  it('creates an empty entry: no value, expired, not forced, no backoff, no flight', () => {
    expect(createEntry()).toEqual({
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
  })

  it('stores a value with its expiry and clears a backoff', () => {
    const entry = createEntry()
    Object.assign(entry, { backoffUntil: 5, backoffAttempt: 2, lastError: new Error('throttled') })
    storeValue(entry, 'v1', 1234)
    expect(entry).toMatchObject({
      hasValue: true,
      value: 'v1',
      expiresAt: 1234,
      backoffUntil: 0,
      backoffAttempt: 0,
      lastError: undefined,
    })
  })

  it('invalidates: drops the value, forces the next fetch, clears the backoff and drops the flight', async () => {
    const entry = createEntry()
    storeValue(entry, 'v1', 1234)
    Object.assign(entry, { backoffUntil: 5, backoffAttempt: 2, lastError: new Error('throttled') })
    let signal: AbortSignal | undefined
    const flight = startFlight(
      entry,
      { startedAt: 0, prefetch: false },
      (s) => {
        signal = s
        return new Promise<string>(() => undefined)
      },
      { value: () => undefined, error: () => undefined },
    )
    await Promise.resolve()
    invalidateEntry(entry)
    expect(entry).toMatchObject({
      hasValue: false,
      value: undefined,
      expiresAt: 0,
      forceNext: true,
      backoffUntil: 0,
      backoffAttempt: 0,
      lastError: undefined,
      flight: undefined,
    })
    expect(signal?.aborted).toBe(true)
    expect(await flight.outcome).toEqual({ kind: 'dropped' })
  })
})
