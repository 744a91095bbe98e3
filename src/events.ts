/**
 * Observability: `onEvent` gets one event per key resolution, metadata only (never the value), and
 * the same event is published on the `node:diagnostics_channel` channel
 * {@link RESOLUTION_CHANNEL} for APM agents and OpenTelemetry instrumentations.
 * A listener's failure must not fail the invocation: a throw is swallowed, and so is the
 * rejection of a listener that returns a promise (else it would be an unhandled rejection).
 */
import { channel } from 'node:diagnostics_channel'
import type { KeyDef } from './model.ts'
import type { EventSource, ResolutionEvent } from './types.ts'

/** The diagnostics channel every resolution event is published on. */
export const RESOLUTION_CHANNEL = 'middy-params-secrets:resolution'

const resolutions = channel(RESOLUTION_CHANNEL)

export interface EventDetails {
  durationMs: number
  attempts: number
  background?: boolean
  forced?: boolean
  errorCode?: string
  standIn?: string
}

/** Calls a user callback; a throw or a rejected promise is contained. Returns its result. */
export const callSafely = <A, R>(fn: (arg: A) => R, arg: A): R | undefined => {
  try {
    const result = fn(arg)
    if (typeof (result as { then?: unknown })?.then === 'function') {
      ;(result as PromiseLike<unknown>).then(undefined, () => undefined)
    }
    return result
  } catch {
    // an observer's bug is not the invocation's failure
    return undefined
  }
}

/** Emits one event to `onEvent` and the diagnostics channel, each only when someone listens. */
export interface Emitter {
  emit(def: KeyDef, source: EventSource, details: EventDetails): void
  /** is anyone listening now? (the warm path builds no event otherwise) */
  observed(): boolean
}

export const createEmitter = (onEvent: ((event: ResolutionEvent) => unknown) | undefined): Emitter => ({
  emit(def, source, details) {
    const published = resolutions.hasSubscribers
    if (onEvent === undefined && !published) return
    const event = toEvent(def, source, details)
    if (onEvent !== undefined) callSafely(onEvent, event)
    // Subscribers may come and go (an agent loaded after the handler): checked at each event.
    if (published) resolutions.publish(event)
  },
  observed: () => onEvent !== undefined || resolutions.hasSubscribers,
})

const toEvent = (def: KeyDef, source: EventSource, details: EventDetails): ResolutionEvent => ({
  key: def.key,
  kind: def.kind,
  id: def.id,
  source,
  ...details,
})

/** The code of an error, for events: never its message (which names ids only, but stays out anyway). */
export const errorCodeOf = (error: unknown): string =>
  (error as { code?: unknown })?.code !== undefined ? String((error as { code: unknown }).code) : 'Error'
