/**
 * The factory: options -> keys -> cache + transport; the prefetch at module load; `before`
 * (values onto `request.internal` and `context`), `onError` (refreshOnError), `invalidate`, `close`.
 */
import { createAssigner } from './assign.ts'
import { createEntry, type Entry, invalidateEntry } from './cache.ts'
import { createClearCacheBridge } from './cache-bridge.ts'
import { closedError, ParamsSecretsError } from './errors.ts'
import { callSafely, createEmitter } from './events.ts'
import { dropFlight } from './flight.ts'
import { normalizeKeys } from './keys.ts'
import type { KeyDef } from './model.ts'
import { resolveOptions } from './options.ts'
import { resolutionBudgetMs, STUCK_AFTER_TIMEOUTS } from './policy.ts'
import { type Invocation, type Resolver, resolveKey, startFetch } from './resolve.ts'
import { createSelector } from './transport/select.ts'
import type { ParamsSecretsMiddleware, ParamsSecretsOptions } from './types.ts'

/**
 * Checks options without building anything (no connection, no prefetch): throws the same
 * `ParamsSecretsError` with code `InvalidOptions` that {@link paramsSecrets} would. For CI checks
 * of a configuration, as middy 7's `validateOptions`.
 *
 * @example
 * ```ts
 * import { paramsSecretsValidateOptions, secret } from 'middy-params-secrets'
 *
 * paramsSecretsValidateOptions({ fetchData: { db: secret('prod/db', { maxAge: 60_000 }) } })
 * ```
 */
export const paramsSecretsValidateOptions = (opts?: ParamsSecretsOptions<any>): void => {
  resolveAll(opts)
}

const resolveAll = (opts: ParamsSecretsOptions<any> | undefined) => {
  const options = resolveOptions(opts)
  const defs: KeyDef[] = normalizeKeys(opts?.fetchData, {
    cacheExpiry: options.cacheExpiry,
    setToContext: options.setToContext,
    fetchRotationDate: opts?.fetchRotationDate ?? false,
    transport: options.transport,
  })
  return { options, defs }
}

type MiddyRequest = { internal: Record<string, unknown>; context: Record<string, any>; error?: unknown }

/** The Lambda context's remaining time; undefined when it is missing, throws, or is not a finite number. */
const remainingMs = (context: Record<string, any> | undefined): number | undefined => {
  try {
    const ms: unknown = context?.getRemainingTimeInMillis?.()
    return typeof ms === 'number' && Number.isFinite(ms) ? ms : undefined
  } catch {
    return undefined
  }
}

/**
 * Resolves the secrets and parameters a handler declares before each invocation, onto
 * `request.internal[key]` and, with `setToContext: true`, `context[key]`.
 *
 * @example
 * ```ts
 * import middy from '@middy/core'
 * import paramsSecrets, { parameter, secret } from 'middy-params-secrets'
 *
 * type Db = { username: string; password: string }
 * export const handler = middy()
 *   .use(
 *     paramsSecrets({
 *       fetchData: {
 *         db: secret<Db>('prod/db'),
 *         flags: parameter<{ beta: boolean }>('/prod/flags', { maxAge: 60_000 }),
 *       },
 *       setToContext: true,
 *     }),
 *   )
 *   .handler(async (_event: unknown, context: { db: Db }) => context.db.username)
 * ```
 */
export const paramsSecrets = <const TOptions extends ParamsSecretsOptions<any> = ParamsSecretsOptions>(
  opts?: TOptions,
): ParamsSecretsMiddleware<TOptions> => {
  const { options, defs } = resolveAll(opts)
  const entries: Entry[] = defs.map(createEntry)
  const selector = createSelector(options)
  let closed: ParamsSecretsError | undefined
  const events = createEmitter(options.onEvent)
  const resolver: Resolver = {
    selector,
    now: options.now,
    events,
    stuckAfterMs: options.extension.timeoutMs * STUCK_AFTER_TIMEOUTS,
    closed: () => closed,
    layerTtlMs: options.layerTtlMs,
  }
  const bridge = createClearCacheBridge(options.cacheKey)
  const { setToContext, now } = options

  const invalidate = (keys?: string | string[]): void => {
    const wanted = keys === undefined ? undefined : new Set(Array.isArray(keys) ? keys : [keys])
    defs.forEach((def, i) => {
      if (wanted === undefined || wanted.has(def.key)) invalidateEntry(entries[i]!)
    })
  }

  // Cold start: fetch at module load, as middy does; a failure resurfaces as a fetch at the first invocation.
  if (!options.disablePrefetch && options.sdk.awsClientAssumeRole === undefined) {
    defs.forEach((def, i) => {
      if (def.maxAge !== 0)
        startFetch(resolver, def, entries[i]!, undefined, { prefetch: true, background: false })
    })
  }

  const assign = (request: MiddyRequest, def: KeyDef, value: unknown): void => {
    request.internal[def.key] = value
    if (setToContext) request.context[def.contextKey] = value
  }

  // Some key is not fresh: every key goes through its policy (fresh ones resolve at once).
  const resolveAllKeys = async (request: MiddyRequest, at: number): Promise<void> => {
    const budgetMs = resolutionBudgetMs(remainingMs(request.context))
    const invocation: Invocation = {
      request,
      budgetMs,
      deadline: budgetMs === undefined ? undefined : performance.now() + budgetMs,
    }
    const results = await Promise.allSettled(
      defs.map((def, i) => resolveKey(resolver, def, entries[i]!, invocation, at)),
    )
    let failure: unknown
    results.forEach((result, i) => {
      const def = defs[i]!
      if (result.status === 'fulfilled') assign(request, def, result.value)
      // An optional key that failed is undefined this time (its event carries the error code).
      else if (def.optional === true && closed === undefined) assign(request, def, undefined)
      else failure ??= result.reason
    })
    if (failure !== undefined) throw failure instanceof ParamsSecretsError ? failure.copy() : failure
  }

  const assignAll = createAssigner(
    defs.map((def) => def.key),
    setToContext ? defs.map((def) => def.contextKey) : undefined,
  )

  const before = (request: MiddyRequest): Promise<void> | undefined => {
    if (closed !== undefined) return Promise.reject(closed.copy())
    if (!bridge.loaded) return bridge.loading.then(() => before(request))
    try {
      if (bridge.wasCleared()) invalidate()
    } catch (error) {
      return Promise.reject(error)
    }
    const at = now()
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!
      if (!(entry.hasValue && at < entry.expiresAt)) return resolveAllKeys(request, at)
    }
    // The warm path: every value is fresh; copied in place, with no promise and no allocation.
    assignAll(request.internal, request.context, entries)
    if (events.observed()) for (const def of defs) events.emit(def, 'cache', { durationMs: 0, attempts: 0 })
    return undefined
  }

  const middleware: ParamsSecretsMiddleware<TOptions> = {
    name: 'middy-params-secrets',
    before: before as ParamsSecretsMiddleware<TOptions>['before'],
    invalidate,
    close: async () => {
      closed ??= closedError()
      // Waiters of the flights in flight follow them, find the middleware closed and fail with `Closed`.
      for (const entry of entries) dropFlight(entry, closed)
      await selector.close()
    },
  }
  const watched = defs.filter((def) => def.refreshOnError !== undefined)
  if (watched.length > 0) {
    middleware.onError = ((request: MiddyRequest) => {
      for (const def of watched) {
        // A throw is a "no" (onError must not replace the handler's error); so is a promise,
        // whose rejection callSafely contains.
        if (callSafely(def.refreshOnError!, request.error) === true) invalidate(def.key)
      }
    }) as ParamsSecretsMiddleware<TOptions>['onError']
  }
  return middleware
}
