/**
 * Single flight and ordering of one key's fetches. At most one fetch of a key counts at a time: a
 * fetch started while another is in flight supersedes it (the older one is aborted and whatever it
 * answers later is dropped), and an invalidation drops the one in flight. So outcomes apply in the
 * order fetches started, and no late answer can overwrite a newer value, nor re-arm a backoff that
 * an invalidation cleared.
 */

/** How a flight ended, as its waiters see it. Never rejects: errors are outcomes too. */
export type Outcome<T> =
  | { kind: 'value'; value: T }
  | { kind: 'error'; error: unknown }
  /** superseded, invalidated or closed while in flight: follow what came after it */
  | { kind: 'dropped' }

/** What a flight was started for. */
export interface FlightInfo {
  /** `options.now()` at the start: a flight older than the stuck limit is started again */
  startedAt: number
  /** the module-load prefetch: an invocation must not inherit its failure */
  prefetch: boolean
}

/** One fetch in flight. */
export interface Flight<T = unknown> extends FlightInfo {
  readonly outcome: Promise<Outcome<T>>
  /** drops the flight: its outcome becomes `dropped` at once and its requests are aborted */
  abort(reason: unknown): void
}

/** Where a key keeps its one counting flight. */
export interface FlightHolder {
  flight: Flight | undefined
}

/** Called with the answer of a flight that still counts, before its waiters see it. */
export interface Apply<T> {
  value(value: T): void
  error(error: unknown): void
}

const DROPPED = { kind: 'dropped' } as const

/**
 * Starts `run` as the holder's flight, superseding the one in flight. `apply` runs only for the
 * answer of a flight that is still the holder's when it arrives.
 */
export const startFlight = <T>(
  holder: FlightHolder,
  info: FlightInfo,
  run: (signal: AbortSignal) => Promise<T>,
  apply: Apply<T>,
): Flight<T> => {
  const controller = new AbortController()
  let flight: Flight<T> | undefined
  // Stryker disable next-line ConditionalExpression: equivalent: `run` starts a microtask after `flight` is set
  const counts = (): boolean => flight !== undefined && holder.flight === flight
  const outcome = new Promise<Outcome<T>>((resolve) => {
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: equivalent: an AbortSignal aborts once
    controller.signal.addEventListener('abort', () => resolve(DROPPED), { once: true })
    const settle = (answer: Outcome<T>): void => {
      if (!counts()) {
        // Stryker disable next-line CallExpression: equivalent: a flight stops counting only when aborted, whose listener resolved it already
        resolve(DROPPED)
        return
      }
      holder.flight = undefined
      if (answer.kind === 'value') apply.value(answer.value)
      else if (answer.kind === 'error') apply.error(answer.error)
      resolve(answer)
    }
    // `run` starts after the flight is in place (a microtask later), so it sees itself as current.
    void Promise.resolve()
      .then(() => run(controller.signal))
      .then(
        (value) => settle({ kind: 'value', value }),
        (error: unknown) => settle({ kind: 'error', error }),
      )
  })
  flight = { ...info, outcome, abort: (reason) => controller.abort(reason) }
  // Stryker disable next-line StringLiteral: equivalent: the reason is never surfaced (waiters follow the next flight)
  holder.flight?.abort(new Error('superseded by a newer fetch'))
  holder.flight = flight as Flight<unknown>
  return flight
}

/** Drops the holder's flight (invalidation, close): its late answer will be ignored. */
export const dropFlight = (holder: FlightHolder, reason: unknown): void => {
  const flight = holder.flight
  holder.flight = undefined
  flight?.abort(reason)
}
