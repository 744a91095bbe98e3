/**
 * The function every subject is timed through: a no-op handler wrapped by `@middy/core`, with the
 * subject's middleware (or none: bare middy, the baseline of the warm figure).
 */
import middy, { type MiddlewareObj } from '@middy/core'
import { type BenchKey, expectedValue } from '../lib/keys.ts'

/** A middleware as the subjects build it (their own types differ in generics only). */
export type BenchMiddleware = MiddlewareObj<any, any, any, any, Record<string, unknown>>

/** An invocation: event and Lambda context in, the response out. */
export type Invoke = (event: unknown, context: Record<string, unknown>) => Promise<unknown>

/** The (empty) event of every invocation. */
export const EVENT = {}

/**
 * `middy(noop)` with the given middleware, as a plain function.
 *
 * @example
 * ```ts
 * const invoke = createHandler(paramsSecrets({ fetchData: { db: 'prod/db' }, setToContext: true }))
 * await invoke(EVENT, {})
 * ```
 */
export const createHandler = (middleware?: BenchMiddleware): Invoke => {
  const handler = middy(async () => undefined)
  if (middleware !== undefined) handler.use(middleware)
  return handler as unknown as Invoke
}

/**
 * Invokes once and checks that every key arrived on `context` with its seeded value: a subject
 * is timed only once it is known to do the work.
 *
 * @example
 * ```ts
 * await invokeAndCheck(invoke, secretKeys(0, 10))
 * ```
 */
export const invokeAndCheck = async (invoke: Invoke, keys: readonly BenchKey[]): Promise<void> => {
  const context: Record<string, unknown> = {}
  await invoke(EVENT, context)
  for (const key of keys) {
    if (context[key.key] !== expectedValue(key)) {
      throw new Error(`context.${key.key} is ${JSON.stringify(context[key.key])}, not the seeded value`)
    }
  }
}
