import { ParamsSecretsError } from '../../src/errors.ts'
import { normalizeKeys } from '../../src/keys.ts'
import {
  canServeStale,
  decide,
  expiresAtFor,
  HANDLER_RESERVE_MAX_MS,
  isThrottle,
  resolutionBudgetMs,
  rotationExpiry,
  THROTTLE_BACKOFF_BASE_MS,
  THROTTLE_BACKOFF_MAX_MS,
  throttleBackoffMs,
} from '../../src/policy.ts'

const def = (spec: Record<string, unknown>) =>
  normalizeKeys(
    { k: { secret: 'id', ...spec } },
    { cacheExpiry: -1, setToContext: false, fetchRotationDate: false },
  )[0]!

describe('policy', () => {
  const expiresAt = 1000
  const entry = { hasValue: true, expiresAt }

  it('fetches when there is no value', () => {
    expect(decide({ hasValue: false, expiresAt: 0 }, def({}), 0)).toBe('fetch')
  })

  // An entry emptied by invalidate() keeps its old deadline: without a value there is nothing to
  // serve, however fresh the deadline or wide the stale windows.
  it('fetches without a value even before the deadline or inside the stale windows', () => {
    const empty = { hasValue: false, expiresAt }
    expect(decide(empty, def({}), expiresAt - 1)).toBe('fetch')
    const windows = def({ staleWhileRevalidate: 100, staleIfError: 200 })
    expect(decide(empty, windows, expiresAt + 50)).toBe('fetch')
    expect(decide(empty, windows, expiresAt + 150)).toBe('fetch')
    expect(canServeStale(empty, windows, expiresAt + 50)).toBe(false)
  })

  it('is fresh just before maxAge and expired at it', () => {
    expect(decide(entry, def({}), expiresAt - 1)).toBe('fresh')
    expect(decide(entry, def({}), expiresAt)).toBe('fetch')
  })

  it('revalidates inside [expiresAt, expiresAt + staleWhileRevalidate)', () => {
    const d = def({ staleWhileRevalidate: 100 })
    expect(decide(entry, d, expiresAt - 1)).toBe('fresh')
    expect(decide(entry, d, expiresAt)).toBe('revalidate')
    expect(decide(entry, d, expiresAt + 99)).toBe('revalidate')
    expect(decide(entry, d, expiresAt + 100)).toBe('fetch')
  })

  it('serves stale on error inside [expiresAt, expiresAt + staleIfError)', () => {
    const d = def({ staleIfError: 50 })
    expect(decide(entry, d, expiresAt)).toBe('stale-if-error')
    expect(decide(entry, d, expiresAt + 49)).toBe('stale-if-error')
    expect(decide(entry, d, expiresAt + 50)).toBe('fetch')
    expect(canServeStale(entry, d, expiresAt + 49)).toBe(true)
    expect(canServeStale(entry, d, expiresAt + 50)).toBe(false)
  })

  it('revalidates first, then waits with stale-if-error, when both windows are set', () => {
    const d = def({ staleWhileRevalidate: 10, staleIfError: 100 })
    expect(decide(entry, d, expiresAt + 9)).toBe('revalidate')
    expect(decide(entry, d, expiresAt + 10)).toBe('stale-if-error')
    expect(decide(entry, d, expiresAt + 100)).toBe('fetch')
  })
})

describe('expiresAtFor', () => {
  it('never expires at -1, counts from the start up to a day, and takes an epoch time above it', () => {
    expect(expiresAtFor(-1, 5000)).toBe(Number.POSITIVE_INFINITY)
    expect(expiresAtFor(0, 5000)).toBe(5000)
    expect(expiresAtFor(86_400_000, 5000)).toBe(86_405_000)
    expect(expiresAtFor(86_400_001, 5000)).toBe(86_400_001)
  })
})

describe('rotationExpiry', () => {
  const startedAt = 1_000
  const withMaxAge = (maxAge: number) => def({ maxAge })

  it('without a max age, expires at the next rotation, or never when the secret does not rotate', () => {
    expect(rotationExpiry(withMaxAge(-1), { nextMs: 50_000, lastChangedMs: 10 }, startedAt)).toBe(50_000)
    expect(rotationExpiry(withMaxAge(-1), { lastChangedMs: 10 }, startedAt)).toBe(Number.POSITIVE_INFINITY)
    expect(rotationExpiry(withMaxAge(-1), {}, startedAt)).toBe(Number.POSITIVE_INFINITY)
  })

  it('with a max age, expires at the last change plus that age when it comes before the rotation', () => {
    expect(rotationExpiry(withMaxAge(600), { nextMs: 50_000, lastChangedMs: 2_000 }, startedAt)).toBe(2_600)
    expect(rotationExpiry(withMaxAge(600), { lastChangedMs: 2_000 }, startedAt)).toBe(2_600)
    // A max age of 0 is "already expired at the last change", not "no max age".
    expect(rotationExpiry(withMaxAge(0), { nextMs: 50_000, lastChangedMs: 2_000 }, startedAt)).toBe(2_000)
  })

  it('with a max age, expires at the next rotation when it comes first', () => {
    expect(rotationExpiry(withMaxAge(600), { nextMs: 2_300, lastChangedMs: 2_000 }, startedAt)).toBe(2_300)
  })

  it('counts the max age from the start when the last change is unknown', () => {
    expect(rotationExpiry(withMaxAge(600), { nextMs: 50_000 }, startedAt)).toBe(1_600)
  })

  it('takes a max age above a day as an absolute time, as expiresAtFor does', () => {
    const absolute = 90_000_000_000
    expect(
      rotationExpiry(withMaxAge(absolute), { nextMs: 95_000_000_000, lastChangedMs: 2_000 }, startedAt),
    ).toBe(absolute)
  })
})

describe('isThrottle', () => {
  const error = (code: string) => new ParamsSecretsError(`failed: ${code}`, { code, source: 'sdk', key: 'k' })

  it("recognises either service's throttle", () => {
    expect(isThrottle(error('ThrottlingException'))).toBe(true)
    expect(isThrottle(error('TooManyRequestsException'))).toBe(true)
  })

  it('takes no other code for a throttle', () => {
    for (const code of ['AccessDeniedException', 'Timeout', 'ExtensionNotReady', '']) {
      expect(isThrottle(error(code))).toBe(false)
    }
  })

  // The code is ours to trust only on our own error: an upstream object is classified first.
  it('takes nothing but a ParamsSecretsError for a throttle', () => {
    expect(isThrottle({ code: 'ThrottlingException' })).toBe(false)
    expect(isThrottle(Object.assign(new Error('x'), { code: 'TooManyRequestsException' }))).toBe(false)
    expect(isThrottle(undefined)).toBe(false)
  })
})

describe('throttleBackoffMs', () => {
  const fixed = (value: number) => () => value

  it('doubles from the base with each throttle in a row, up to the cap', () => {
    // With no jitter (random() = 0) the wait is half the cap: the fixed part.
    expect(throttleBackoffMs(0, fixed(0))).toBe(THROTTLE_BACKOFF_BASE_MS / 2)
    expect(throttleBackoffMs(1, fixed(0))).toBe(THROTTLE_BACKOFF_BASE_MS)
    expect(throttleBackoffMs(3, fixed(0))).toBe(4 * THROTTLE_BACKOFF_BASE_MS)
    expect(throttleBackoffMs(10, fixed(0))).toBe(THROTTLE_BACKOFF_MAX_MS / 2)
    expect(throttleBackoffMs(60, fixed(0))).toBe(THROTTLE_BACKOFF_MAX_MS / 2)
  })

  it('adds up to half the cap again as jitter', () => {
    expect(throttleBackoffMs(1, fixed(1))).toBe(2 * THROTTLE_BACKOFF_BASE_MS)
    expect(throttleBackoffMs(1, fixed(0.5))).toBe(1.5 * THROTTLE_BACKOFF_BASE_MS)
    expect(throttleBackoffMs(3, fixed(0.25))).toBe(5 * THROTTLE_BACKOFF_BASE_MS)
    expect(throttleBackoffMs(10, fixed(1))).toBe(THROTTLE_BACKOFF_MAX_MS)
  })

  it('draws its jitter from Math.random by default, inside [cap / 2, cap]', () => {
    for (let i = 0; i < 20; i++) {
      const wait = throttleBackoffMs(2)
      expect(wait).toBeGreaterThanOrEqual(2 * THROTTLE_BACKOFF_BASE_MS)
      expect(wait).toBeLessThanOrEqual(4 * THROTTLE_BACKOFF_BASE_MS)
    }
  })
})

describe('resolutionBudgetMs', () => {
  it('is unknown when the remaining time is', () => {
    for (const remaining of [undefined, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(resolutionBudgetMs(remaining)).toBeUndefined()
    }
  })

  it('keeps a fifth of the remaining time back for the handler', () => {
    expect(resolutionBudgetMs(2_000)).toBe(1_600)
    expect(resolutionBudgetMs(100)).toBe(80)
  })

  it('keeps back at most HANDLER_RESERVE_MAX_MS', () => {
    expect(resolutionBudgetMs(5_000)).toBe(5_000 - HANDLER_RESERVE_MAX_MS)
    expect(resolutionBudgetMs(60_000)).toBe(60_000 - HANDLER_RESERVE_MAX_MS)
  })

  it('is 0, never negative, when no time is left', () => {
    expect(resolutionBudgetMs(0)).toBe(0)
    expect(resolutionBudgetMs(-250)).toBe(0)
  })
})
