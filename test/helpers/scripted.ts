/**
 * A scripted world for the state machine's unit tests: a fake selector whose every fetch is a
 * deferred the test answers by hand, in the order it chooses, and a manual clock. Each
 * interleaving is then written down step by step and cannot pass by luck.
 */
import { createEntry, type Entry } from '../../src/cache.ts'
import { ParamsSecretsError } from '../../src/errors.ts'
import { createEmitter } from '../../src/events.ts'
import type { KeyDef } from '../../src/keys.ts'
import type { Invocation, Resolver } from '../../src/resolve.ts'
import type { SelectContext, Served } from '../../src/transport/select.ts'
import type { ResolutionEvent } from '../../src/types.ts'
import { manualClock } from './lambda.ts'

/** One fetch the code under test made, waiting for the test's answer. */
export interface PendingFetch {
  def: KeyDef
  ctx: SelectContext
  answer(text: string, extra?: Partial<Served>): void
  fail(error: unknown): void
  settled: boolean
}

export const awsError = (code: string, source: 'sdk' | 'extension' = 'sdk'): ParamsSecretsError =>
  new ParamsSecretsError(`failed: ${code}`, { code, source, key: 'k' })

/** Lets every pending microtask and promise job run (no timer involved). */
export const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve()
}

export const scripted = () => {
  const clock = manualClock(1_000_000)
  const fetches: PendingFetch[] = []
  const events: ResolutionEvent[] = []
  let closed: ParamsSecretsError | undefined
  const fetch = (def: KeyDef, ctx: SelectContext): Promise<Served> =>
    new Promise<Served>((resolve, reject) => {
      const pending: PendingFetch = {
        def,
        ctx,
        settled: false,
        answer: (text, extra = {}) => {
          pending.settled = true
          resolve({ text, attempts: 1, source: 'extension', ...extra })
        },
        fail: (error) => {
          pending.settled = true
          reject(error)
        },
      }
      fetches.push(pending)
    })
  const resolver: Resolver = {
    selector: { fetch, rotationSchedule: async () => ({}) },
    now: clock,
    events: createEmitter((e) => events.push(e)),
    stuckAfterMs: 12_000,
    closed: () => closed,
    random: () => 0.5,
    layerTtlMs: { secret: 300_000, parameter: 300_000 },
  }
  const invocation = (deadline?: number): Invocation => ({
    request: { internal: {}, context: {} },
    deadline,
    budgetMs: deadline === undefined ? undefined : deadline - performance.now(),
  })
  return {
    clock,
    fetches,
    events,
    resolver,
    invocation,
    entry: (): Entry => createEntry(),
    close: (error: ParamsSecretsError) => {
      closed = error
    },
  }
}

/** A key definition with a policy. */
export const keyDef = (over: Partial<KeyDef> = {}): KeyDef => ({
  key: 'k',
  contextKey: 'k',
  kind: 'secret',
  id: 'k',
  withDecryption: true,
  json: false,
  maxAge: 1000,
  staleWhileRevalidate: 0,
  staleIfError: 0,
  fetchRotationDate: false,
  recursive: false,
  optional: false,
  ...over,
})
