/**
 * The factory: options -> keys -> cache + transport; the prefetch at module load; `before`
 * (values onto `request.internal` and `context`), `onError` (refreshOnError), `invalidate`, `close`.
 */
import { createAssigner, createInternalFactory, isEmpty } from './assign.ts'
import { createClearCacheBridge, createEntry, type Entry, invalidateEntry } from './cache.ts'
import { ParamsSecretsError } from './errors.ts'
import { createEmitter } from './events.ts'
import { type KeyDef, normalizeKeys } from './keys.ts'
import { resolveOptions } from './options.ts'
import { type Resolver, resolveKey, startFetch } from './resolve.ts'
import { createSelector } from './transport/select.ts'
import type { ParamsSecretsMiddleware, ParamsSecretsOptions } from './types.ts'

/**
 * Checks options without building anything (no connection, no prefetch): throws the same
 * `ParamsSecretsError` with code `InvalidOptions` that {@link paramsSecrets} would. For CI checks
 * of a configuration, as middy 7's `validateOptions`.
 *
 * @example
 * ```ts
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

/**
 * Resolves the secrets and parameters a handler declares before each invocation, onto
 * `request.internal[key]` and, with `setToContext: true`, `context[key]`.
 *
 * @example
 * ```ts
 * import middy from '@middy/core'
 * import paramsSecrets, { parameter, secret } from 'middy-params-secrets'
 *
 * export const handler = middy(async (event, context) => context.db.password).use(
 *   paramsSecrets({
 *     fetchData: {
 *       db: secret<{ username: string; password: string }>('prod/db'),
 *       flags: parameter<{ beta: boolean }>('/prod/flags', { maxAge: 60_000 }),
 *     },
 *     setToContext: true,
 *   }),
 * )
 * ```
 */
export const paramsSecrets = <const TOptions extends ParamsSecretsOptions<any> = ParamsSecretsOptions>(
  opts?: TOptions,
): ParamsSecretsMiddleware<TOptions> => {
  const { options, defs } = resolveAll(opts)
  const entries: Entry[] = defs.map(createEntry)
  const selector = createSelector(options)
  const resolver: Resolver = {
    selector,
    now: options.now,
    emit: createEmitter(options.onEvent),
    // A refresh in flight longer than a request may take was cut by a freeze: start it again.
    stuckAfterMs: options.extension.timeoutMs * 4,
  }
  const bridge = createClearCacheBridge(options.cacheKey)
  const { setToContext, now } = options
  const emit = resolver.emit

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
    const results = await Promise.allSettled(
      defs.map((def, i) => resolveKey(resolver, def, entries[i]!, request, at)),
    )
    let failure: unknown
    results.forEach((result, i) => {
      if (result.status === 'fulfilled') assign(request, defs[i]!, result.value)
      else failure ??= result.reason
    })
    if (failure !== undefined) throw failure instanceof ParamsSecretsError ? failure.copy() : failure
  }

  const assignInternal = createAssigner(defs.map((def) => def.key))
  const createInternal = createInternalFactory(
    defs.map((def) => def.key),
    assignInternal,
  )
  const assignContext = createAssigner(defs.map((def) => def.contextKey))

  const before = (request: MiddyRequest): Promise<void> | undefined => {
    if (!bridge.loaded) return bridge.loading.then(() => before(request))
    if (bridge.wasCleared()) invalidate()
    const at = now()
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!
      if (!(entry.hasValue && at < entry.expiresAt)) return resolveAllKeys(request, at)
    }
    // The warm path: every value is fresh; copied with no promise and no allocation.
    // When no middleware before this one wrote to internal, a fast-mode replacement is cheaper
    // than filling middy's dictionary-mode one.
    if (isEmpty(request.internal)) request.internal = createInternal(entries)
    else assignInternal(request.internal, entries)
    if (setToContext) assignContext(request.context, entries)
    if (emit !== undefined) for (const def of defs) emit(def, 'cache', { durationMs: 0, attempts: 0 })
    return undefined
  }

  const middleware: ParamsSecretsMiddleware<TOptions> = {
    name: 'middy-params-secrets',
    before: before as ParamsSecretsMiddleware<TOptions>['before'],
    invalidate,
    close: () => selector.close(),
  }
  const watched = defs.filter((def) => def.refreshOnError !== undefined)
  if (watched.length > 0) {
    middleware.onError = ((request: MiddyRequest) => {
      for (const def of watched) {
        let matches = false
        try {
          matches = def.refreshOnError!(request.error) === true
        } catch {
          // a throwing predicate is a "no": onError must not replace the handler's error
        }
        if (matches) invalidate(def.key)
      }
    }) as ParamsSecretsMiddleware<TOptions>['onError']
  }
  return middleware
}
