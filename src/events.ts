/**
 * Observability: `onEvent` gets one event per key resolution, metadata only (never the value).
 * A throwing listener must not fail the invocation, so its errors are swallowed here.
 */
import type { KeyDef } from './keys.ts'
import type { EventSource, ResolutionEvent } from './types.ts'

export type Emit = ((def: KeyDef, source: EventSource, details: EventDetails) => void) | undefined

export interface EventDetails {
  durationMs: number
  attempts: number
  background?: boolean
  forced?: boolean
  errorCode?: string
}

export const createEmitter = (onEvent: ((event: ResolutionEvent) => void) | undefined): Emit =>
  onEvent === undefined
    ? undefined
    : (def, source, details) => {
        try {
          onEvent({ key: def.key, kind: def.kind, id: def.id, source, ...details })
        } catch {
          // an observer's bug is not the invocation's failure
        }
      }

/** The code of an error, for events: never its message (which names ids only, but stays out anyway). */
export const errorCodeOf = (error: unknown): string =>
  (error as { code?: unknown })?.code !== undefined ? String((error as { code: unknown }).code) : 'Error'
