/**
 * Which way each fetch goes: `auto` | `extension` | `sdk`; keys whose client options the layer
 * cannot honour (another region, credentials, a role); the layer's absence (remembered and
 * re-probed); its INIT phase; the diagnosis of its generic 400; and forced refreshes, which its own
 * cache would answer with the old value. At most one layer and one SDK request per fetch (the
 * layer's transient retries aside), and every error that comes from the SDK in `'auto'` says why
 * the SDK was asked.
 */
import { closedError, ParamsSecretsError } from '../errors.ts'
import type { KeyDef } from '../model.ts'
import type { ResolvedOptions } from '../options.ts'
import { createExtensionTransport } from './extension.ts'
import { isRefused } from './extension-errors.ts'
import { createSdkTransport, type SdkTransport } from './sdk.ts'
import type { FetchContext, RotationSchedule, Transport, Upstream } from './types.ts'

/** A refused connection is trusted this long before the port is tried again (a late layer). */
export const REPROBE_MS = 180_000
/** How long the first invocation retries the layer's "not ready" (INIT is over; the layer is starting). */
export const NOT_READY_WINDOW_MS = 500
const NOT_READY_STEP_MS = 20

/** A fetch's circumstances, as the selector sees them. */
export interface SelectContext extends FetchContext {
  /** the module-load prefetch: never waits for the layer */
  prefetch: boolean
}

/** The raw value and the path that served it. */
export type Served = Upstream & {
  source: 'extension' | 'sdk'
  /**
   * A forced refresh the SDK could not serve at all (this code: `SdkMissing`, no credentials, no
   * region): the layer's cached answer stood in.
   */
  standIn?: string
}

/** The transports a selector uses; tests give scripted ones. */
export interface SelectorTransports {
  extension: () => Transport
  sdk: () => SdkTransport
}

// Ref'd on purpose: an invocation waits on it, and an empty event loop would end the Lambda invocation.
const sleep = (ms: number, signal: AbortSignal | undefined): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: equivalent: done() removes the listener itself, and a signal aborts once
    signal?.addEventListener('abort', done, { once: true })
    function done() {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
  })

/** The SDK cannot be used at all here (not installed, no credentials, no region): not an answer of the service. */
export const isSdkUnusable = (error: unknown): boolean =>
  error instanceof ParamsSecretsError &&
  (error.code === 'SdkMissing' || error.code === 'CredentialsProviderError' || error.code === 'RegionMissing')

/** The error, its message saying why `'auto'` asked the SDK. */
const because = (error: unknown, why: string): unknown => {
  if (!(error instanceof ParamsSecretsError) || error.source !== 'sdk') return error
  const { code, source, key, status, cause } = error
  const explained = new ParamsSecretsError(`${error.message} (The AWS SDK was used because ${why}.)`, {
    code,
    source,
    key,
    status,
    cause,
  })
  explained.attempts = error.attempts
  return explained
}

export const createSelector = (
  options: ResolvedOptions,
  transports: SelectorTransports = {
    extension: () => createExtensionTransport(options.extension),
    sdk: () => createSdkTransport(options.sdk),
  },
) => {
  const { transport: mode, extension } = options
  let absentUntil = 0
  // Refused at module load: trusted for the rest of INIT only. The Secrets Manager Agent packaged
  // as an extension listens only from the first invoke, so the first invocation probes again.
  let absentDuringInit = false
  let closed = false
  let ext: Transport | undefined
  let sdk: SdkTransport | undefined
  const getSdk = () => {
    sdk ??= transports.sdk()
    return sdk
  }
  const getExt = () => {
    ext ??= transports.extension()
    return ext
  }
  const where = () => `127.0.0.1:${extension.port}`

  const viaSdk = async (def: KeyDef, ctx: FetchContext, why?: string): Promise<Served> => {
    try {
      return { ...(await getSdk().fetch(def, ctx)), source: 'sdk' }
    } catch (error) {
      throw why === undefined ? error : because(error, why)
    }
  }

  // The SDK only to explain the layer's failure: if it cannot be used at all, the layer's error stands.
  const explainViaSdk = async (def: KeyDef, ctx: FetchContext, original: unknown, why: string) => {
    try {
      return await viaSdk(def, ctx, why)
    } catch (error) {
      if (isSdkUnusable(error)) throw original
      throw error
    }
  }

  const viaExtension = async (def: KeyDef, ctx: SelectContext): Promise<Served> => {
    const transport = getExt()
    // Real time, not options.now(): a test clock that stands still must not make the window endless.
    const windowEnd = Math.min(
      performance.now() + NOT_READY_WINDOW_MS,
      ctx.deadline ?? Number.POSITIVE_INFINITY,
    )
    let earlier = 0
    for (;;) {
      try {
        const upstream = await transport.fetch(def, ctx)
        return { ...upstream, attempts: earlier + upstream.attempts, source: 'extension' }
      } catch (error) {
        if (!(error instanceof ParamsSecretsError)) throw error
        error.attempts = earlier + (error.attempts ?? 1)
        // INIT: retrying inside it can never succeed; the first invocation retries briefly instead.
        const retry = error.code === 'ExtensionNotReady' && !ctx.prefetch && ctx.signal?.aborted !== true
        if (!retry || performance.now() + NOT_READY_STEP_MS > windowEnd) throw error
        earlier = error.attempts
        await sleep(NOT_READY_STEP_MS, ctx.signal)
      }
    }
  }

  const fetch = async (def: KeyDef, ctx: SelectContext): Promise<Served> => {
    if (closed) throw closedError(def.key)
    // The layer has no route for paths: GetParametersByPath through the SDK.
    if (mode === 'sdk' || def.kind === 'path') return viaSdk(def, ctx)
    // Another region, other credentials or a role: the layer would read with the function's own.
    const sdkOnly = options.sdkOnly[def.kind === 'secret' ? 'secret' : 'parameter']
    if (sdkOnly !== undefined) return viaSdk(def, ctx, sdkOnly)
    if (extension.token() === undefined) {
      if (mode === 'auto') {
        return viaSdk(def, ctx, 'no extension token is set (AWS_SESSION_TOKEN, AWS_TOKEN or extension.token)')
      }
      throw new ParamsSecretsError(
        `No token for the extension (key "${def.key}"): set extension.token, or AWS_TOKEN, AWS_SESSION_TOKEN or AWS_CONTAINER_AUTHORIZATION_TOKEN`,
        { code: 'MissingToken', source: 'extension', key: def.key },
      )
    }
    // Stryker disable next-line ConditionalExpression: equivalent: only 'auto' records an absence (see the catch below)
    if (mode === 'auto' && (options.now() < absentUntil || (ctx.prefetch && absentDuringInit))) {
      return viaSdk(def, ctx, `nothing answered on ${where()} (no layer or agent is running)`)
    }
    // The layer cannot skip its own cache: a forced refresh asks the service, whose answer decides.
    // Only when the SDK cannot be used at all does the layer's cached answer stand in.
    let standIn: string | undefined
    if (mode === 'auto' && ctx.force && !extension.refreshNow) {
      try {
        return await viaSdk(
          def,
          ctx,
          'a forced refresh (invalidate() or refreshOnError) must bypass the layer cache',
        )
      } catch (error) {
        if (!isSdkUnusable(error)) throw error
        standIn = (error as ParamsSecretsError).code
      }
    }
    try {
      const served = await viaExtension(def, ctx)
      return standIn === undefined ? served : { ...served, standIn }
    } catch (error) {
      if (mode !== 'auto' || !(error instanceof ParamsSecretsError)) throw error
      if (isRefused(error)) {
        if (ctx.prefetch) absentDuringInit = true
        else absentUntil = options.now() + REPROBE_MS
        if (standIn !== undefined) throw error
        return viaSdk(def, ctx, `nothing answered on ${where()} (no layer or agent is running)`)
      }
      // The SDK was asked already in this fetch (a forced refresh): the layer's error stands.
      if (standIn !== undefined) throw error
      // The prefetch leaves a not-ready key to the first invocation: the layer is there.
      if (error.code === 'ExtensionNotReady') {
        if (ctx.prefetch) throw error
        return explainViaSdk(
          def,
          ctx,
          error,
          `the layer was still not ready (INIT) after ${NOT_READY_WINDOW_MS} ms`,
        )
      }
      // The generic 400 (or the agent's missing parameters route): ask the service once for the real answer.
      if (error.code === 'ExtensionRequestFailed' && (error.status === 400 || error.status === 404)) {
        return explainViaSdk(
          def,
          ctx,
          error,
          `the layer answered its generic ${error.status}, which hides the AWS error`,
        )
      }
      throw error
    }
  }

  return {
    fetch,
    /** the secret's rotation schedule (DescribeSecret, always through the SDK) */
    rotationSchedule: (def: KeyDef, ctx: FetchContext): Promise<RotationSchedule> =>
      closed ? Promise.reject(closedError(def.key)) : getSdk().rotationSchedule(def, ctx),
    async close(): Promise<void> {
      closed = true
      await Promise.all([ext?.close(), sdk?.close()])
    },
  }
}

export type Selector = ReturnType<typeof createSelector>
