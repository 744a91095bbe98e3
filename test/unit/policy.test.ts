import { normalizeKeys } from '../../src/keys.ts'
import { canServeStale, decide } from '../../src/policy.ts'

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
