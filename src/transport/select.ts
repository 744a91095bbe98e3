/**
 * Which way each fetch goes: `auto` | `extension` | `sdk`, the layer's absence (remembered and
 * re-probed), its INIT phase, the diagnosis of its generic 400, and forced refreshes that its own
 * cache would otherwise answer with the old value.
 */
import { ParamsSecretsError } from '../errors.ts'
import type { KeyDef } from '../keys.ts'
import type { ResolvedOptions } from '../options.ts'
import { createExtensionTransport } from './extension.ts'
import { isRefused } from './extension-errors.ts'
import { createSdkTransport } from './sdk.ts'
import type { FetchContext, Transport, Upstream } from './types.ts'

/** A refused connection is trusted this long before the port is tried again (a late layer). */
export const REPROBE_MS = 180_000
/** How long the first invocation retries the layer's "not ready" (INIT is over; the layer is starting). */
export const NOT_READY_WINDOW_MS = 500
const NOT_READY_STEP_MS = 20
/** Time kept back for the handler when the not-ready window is cut to the remaining time. */
const NOT_READY_RESERVE_MS = 1000

/** A fetch's circumstances, as the selector sees them. */
export interface SelectContext extends FetchContext {
  /** the module-load prefetch: never waits for the layer */
  prefetch: boolean
}

/** The raw value and the path that served it. */
export type Served = Upstream & { source: 'extension' | 'sdk' }

// Ref'd on purpose: an invocation waits on it, and an empty event loop would end the Lambda invocation.
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

const remainingMs = (ctx: FetchContext): number =>
  ctx.request?.context?.getRemainingTimeInMillis?.() ?? Infinity

export const createSelector = (options: ResolvedOptions) => {
  const { transport: mode, extension } = options
  let absentUntil = 0
  // Refused at module load: trusted for the rest of INIT only. The Secrets Manager Agent packaged
  // as an extension listens only from the first invoke, so the first invocation probes again.
  let absentDuringInit = false
  let ext: Transport | undefined
  let sdk: ReturnType<typeof createSdkTransport> | undefined
  const getSdk = () => {
    sdk ??= createSdkTransport(options.sdk)
    return sdk
  }
  const getExt = () => {
    ext ??= createExtensionTransport(extension)
    return ext
  }

  const viaSdk = async (def: KeyDef, ctx: FetchContext): Promise<Served> => ({
    ...(await getSdk().fetch(def, ctx)),
    source: 'sdk',
  })

  // The SDK only to explain or bypass the layer: if its package is missing, the layer's answer stands.
  const viaSdkOr = async (def: KeyDef, ctx: FetchContext, original: unknown): Promise<Served> => {
    try {
      return await viaSdk(def, ctx)
    } catch (error) {
      if (error instanceof ParamsSecretsError && error.code === 'SdkMissing') throw original
      throw error
    }
  }

  const viaExtension = async (def: KeyDef, ctx: SelectContext): Promise<Served> => {
    const transport = getExt()
    // Real time, not options.now(): a test clock that stands still must not make the window endless.
    const deadline =
      performance.now() + Math.min(NOT_READY_WINDOW_MS, Math.max(0, remainingMs(ctx) - NOT_READY_RESERVE_MS))
    let earlier = 0
    for (;;) {
      try {
        const upstream = await transport.fetch(def, ctx)
        return { ...upstream, attempts: earlier + upstream.attempts, source: 'extension' }
      } catch (error) {
        if (!(error instanceof ParamsSecretsError)) throw error
        error.attempts = earlier + (error.attempts ?? 1)
        // INIT: retrying inside it can never succeed; the first invocation retries briefly instead.
        const retry = error.code === 'ExtensionNotReady' && !ctx.prefetch
        if (!retry || performance.now() + NOT_READY_STEP_MS > deadline) throw error
        earlier = error.attempts
        await sleep(NOT_READY_STEP_MS)
      }
    }
  }

  const fetch = async (def: KeyDef, ctx: SelectContext): Promise<Served> => {
    if (mode === 'sdk' || def.kind === 'path') return viaSdk(def, ctx)
    if (extension.token() === undefined) {
      if (mode === 'auto') return viaSdk(def, ctx)
      throw new ParamsSecretsError(
        `No token for the extension (key "${def.key}"): set extension.token, or AWS_TOKEN, AWS_SESSION_TOKEN or AWS_CONTAINER_AUTHORIZATION_TOKEN`,
        { code: 'MissingToken', source: 'extension', key: def.key },
      )
    }
    if (mode === 'auto') {
      if (options.now() < absentUntil || (ctx.prefetch && absentDuringInit)) return viaSdk(def, ctx)
      // The layer cannot skip its own cache: a forced refresh goes to the service directly. If the
      // SDK cannot serve (not installed, no credentials locally...), the layer's value is better than none.
      if (ctx.force && !extension.refreshNow) {
        try {
          return await viaSdk(def, ctx)
        } catch {
          // fall through to the extension
        }
      }
    }
    try {
      return await viaExtension(def, ctx)
    } catch (error) {
      if (mode !== 'auto' || !(error instanceof ParamsSecretsError)) throw error
      if (isRefused(error)) {
        if (ctx.prefetch) absentDuringInit = true
        else absentUntil = options.now() + REPROBE_MS
        return viaSdk(def, ctx)
      }
      // The prefetch leaves a not-ready key to the first invocation: the layer is there.
      if (error.code === 'ExtensionNotReady') {
        if (ctx.prefetch) throw error
        return viaSdkOr(def, ctx, error)
      }
      // The generic 400 (or the agent's missing parameters route): ask the service once for the real answer.
      if (error.code === 'ExtensionRequestFailed' && (error.status === 400 || error.status === 404)) {
        return viaSdkOr(def, ctx, error)
      }
      throw error
    }
  }

  return {
    fetch,
    /** the secret's rotation schedule (DescribeSecret, always through the SDK) */
    rotationSchedule: (def: KeyDef, ctx: FetchContext) => getSdk().rotationSchedule(def, ctx),
    async close(): Promise<void> {
      await Promise.all([ext?.close(), sdk?.close()])
    },
  }
}

export type Selector = ReturnType<typeof createSelector>
