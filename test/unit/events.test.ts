import { createEmitter, errorCodeOf } from '../../src/events.ts'
import { normalizeKeys } from '../../src/keys.ts'
import type { ResolutionEvent } from '../../src/types.ts'

const [def] = normalizeKeys(
  { db: { parameter: '/app/db' } },
  { cacheExpiry: -1, setToContext: false, fetchRotationDate: false },
)

describe('createEmitter', () => {
  it('is not observed without a listener, so the warm path skips building events', () => {
    expect(createEmitter(undefined).observed()).toBe(false)
    expect(createEmitter(() => undefined).observed()).toBe(true)
  })

  it('sends the key, kind, id, source and details, nothing else', () => {
    const events: ResolutionEvent[] = []
    const { emit } = createEmitter((event) => events.push(event))
    emit(def!, 'extension', { durationMs: 4, attempts: 2, background: true })
    expect(events).toEqual([
      {
        key: 'db',
        kind: 'parameter',
        id: '/app/db',
        source: 'extension',
        durationMs: 4,
        attempts: 2,
        background: true,
      },
    ])
  })

  it("swallows a listener's error", () => {
    const { emit } = createEmitter(() => {
      throw new Error('observer bug')
    })
    expect(() => emit(def!, 'cache', { durationMs: 0, attempts: 0 })).not.toThrow()
  })
})

describe('errorCodeOf', () => {
  it("is an error's code as a string, else 'Error'", () => {
    expect(errorCodeOf({ code: 'ThrottlingException' })).toBe('ThrottlingException')
    expect(errorCodeOf({ code: 42 })).toBe('42')
    expect(errorCodeOf(new Error('has a message, no code'))).toBe('Error')
    expect(errorCodeOf(undefined)).toBe('Error')
    expect(errorCodeOf(null)).toBe('Error')
  })
})
