/**
 * One SDK call within a key's budget: its deadline (at most `timeoutMs` a call), its flight's
 * signal, and the transport's close. An abort becomes the budget's `Timeout` or the close's `Closed`.
 * A clock-skew signature error is sent once more, as middy does.
 */
import type { KeyDef } from '../model.ts'
import type { SdkClient } from './sdk-clients.ts'
import { abortedError, type SdkOperation, sdkError, typeCode } from './sdk-errors.ts'
import type { FetchContext, Upstream } from './types.ts'

const isInvalidSignature = (error: any): boolean =>
  error?.name === 'InvalidSignatureException' || typeCode(error?.__type) === 'InvalidSignatureException'

const attemptsOf = (result: any): number => result?.$metadata?.attempts ?? 1

/**
 * Sends a command, once more after `InvalidSignatureException` (clock skew after a thaw), as middy
 * does. `attempts` counts HTTP requests, the SDK's own retries included (also on the error, as
 * `$attempts`). `abortSignal` ends the call at the key's budget.
 */
export const send = async (
  client: SdkClient,
  command: unknown,
  abortSignal?: AbortSignal,
): Promise<{ output: any; attempts: number }> => {
  const options = abortSignal === undefined ? undefined : { abortSignal }
  let earlier = 0
  try {
    const output = await client.send(command, options)
    return { output, attempts: attemptsOf(output) }
  } catch (error) {
    earlier = attemptsOf(error)
    if (!isInvalidSignature(error) || abortSignal?.aborted) throw withAttempts(error, earlier)
  }
  try {
    const output = await client.send(command, options)
    return { output, attempts: earlier + attemptsOf(output) }
  } catch (error) {
    throw withAttempts(error, earlier + attemptsOf(error))
  }
}

const withAttempts = (error: unknown, attempts: number): unknown => {
  if (typeof error === 'object' && error !== null) (error as { $attempts?: number }).$attempts = attempts
  return error
}

/** One call's abort signal: the key's budget (its deadline, at most `timeoutMs`), its flight, the transport's close. */
export interface CallBudget {
  signal: AbortSignal
  budgetMs: number
}

export const budgetFor = (
  contexts: readonly FetchContext[],
  timeoutMs: number,
  closing: AbortSignal,
  ownSignal?: AbortSignal,
): CallBudget => {
  const now = performance.now()
  // A batch serves several keys: it may run until the latest of their budgets.
  const budgetMs = Math.max(
    0,
    ...contexts.map((ctx) =>
      ctx.deadline === undefined ? timeoutMs : Math.min(timeoutMs, ctx.deadline - now),
    ),
  )
  const signals = [AbortSignal.timeout(Math.max(1, Math.ceil(budgetMs))), closing]
  if (ownSignal !== undefined) signals.push(ownSignal)
  return { signal: AbortSignal.any(signals), budgetMs }
}

/** Sends within a budget; an abort becomes the budget's `Timeout` or the close's `Closed`. */
export const sendWithin = async (
  client: SdkClient,
  command: unknown,
  budget: CallBudget,
  def: KeyDef,
  operation: SdkOperation,
) => {
  if (budget.budgetMs <= 0) throw abortedError(def, operation, undefined, 0)
  try {
    return await send(client, command, budget.signal)
  } catch (error) {
    if (budget.signal.aborted) throw abortedError(def, operation, budget.signal.reason, budget.budgetMs)
    throw sdkError(error, def, operation)
  }
}

/** One key waiting in a batch of an SDK transport. */
export interface Waiting {
  def: KeyDef
  ctx: FetchContext
  resolve(value: Upstream): void
  reject(error: unknown): void
}

/**
 * Puts one key in a batch (`enqueue` schedules the batch's flush when it is the first). A key
 * whose own flight is dropped stops waiting at once; the batch goes on for the others.
 */
export const waitInBatch = (
  enqueue: (waiting: Waiting) => void,
  def: KeyDef,
  ctx: FetchContext,
  operation: SdkOperation,
): Promise<Upstream> =>
  new Promise((resolve, reject) => {
    const onAbort = () => reject(abortedError(def, operation, ctx.signal?.reason, 0))
    ctx.signal?.addEventListener('abort', onAbort, { once: true })
    const done = () => ctx.signal?.removeEventListener('abort', onAbort)
    enqueue({
      def,
      ctx,
      resolve: (value) => {
        done()
        resolve(value)
      },
      reject: (error) => {
        done()
        reject(error)
      },
    })
  })
