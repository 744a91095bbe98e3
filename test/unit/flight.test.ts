import { describe, expect, it } from '@jest/globals'
import { dropFlight, type FlightHolder, startFlight } from '../../src/flight.ts'

const deferred = <T>() => {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

const info = { startedAt: 0, prefetch: false }

describe('flight', () => {
  it('applies the answer of the flight that still counts, then clears it', async () => {
    const holder: FlightHolder = { flight: undefined }
    const applied: unknown[] = []
    const d = deferred<string>()
    const flight = startFlight(holder, info, () => d.promise, {
      value: (v) => applied.push(v),
      error: (e) => applied.push(e),
    })
    expect(holder.flight).toBe(flight)
    d.resolve('v1')
    expect(await flight.outcome).toEqual({ kind: 'value', value: 'v1' })
    expect(applied).toEqual(['v1'])
    expect(holder.flight).toBeUndefined()
  })

  it('passes errors as outcomes (never a rejection) and applies them', async () => {
    const holder: FlightHolder = { flight: undefined }
    const errors: unknown[] = []
    const boom = new Error('boom')
    const flight = startFlight(holder, info, () => Promise.reject(boom), {
      value: () => undefined,
      error: (e) => errors.push(e),
    })
    expect(await flight.outcome).toEqual({ kind: 'error', error: boom })
    expect(errors).toEqual([boom])
  })

  it('a newer flight supersedes the older: its late answer is dropped and never applied', async () => {
    const holder: FlightHolder = { flight: undefined }
    const applied: string[] = []
    const apply = { value: (v: string) => applied.push(v), error: () => applied.push('error') }
    const a = deferred<string>()
    const b = deferred<string>()
    let aSignal: AbortSignal | undefined
    const older = startFlight(
      holder,
      info,
      (signal) => {
        aSignal = signal
        return a.promise
      },
      apply,
    )
    await Promise.resolve()
    const newer = startFlight(holder, info, () => b.promise, apply)
    // The older one is aborted at once and its waiters told so.
    expect(aSignal?.aborted).toBe(true)
    expect(await older.outcome).toEqual({ kind: 'dropped' })
    b.resolve('v1')
    a.resolve('v2')
    expect(await newer.outcome).toEqual({ kind: 'value', value: 'v1' })
    await Promise.resolve()
    expect(applied).toEqual(['v1'])
  })

  it('a dropped flight neither applies its value nor its error', async () => {
    const holder: FlightHolder = { flight: undefined }
    const applied: unknown[] = []
    const d = deferred<string>()
    const flight = startFlight(holder, info, () => d.promise, {
      value: (v) => applied.push(v),
      error: (e) => applied.push(e),
    })
    dropFlight(holder, new Error('invalidated'))
    expect(holder.flight).toBeUndefined()
    d.reject(new Error('ThrottlingException'))
    expect(await flight.outcome).toEqual({ kind: 'dropped' })
    await Promise.resolve()
    expect(applied).toEqual([])
  })

  it('dropping with nothing in flight is harmless', () => {
    const holder: FlightHolder = { flight: undefined }
    dropFlight(holder, new Error('x'))
    expect(holder.flight).toBeUndefined()
  })
})
