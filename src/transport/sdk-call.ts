/**
 * One SDK call within a key's budget: its deadline (at most `timeoutMs` a call), its flight's
 * signal, and the transport's close. An abort becomes the budget's `Timeout` or the close's `Closed`.
 */
import type { KeyDef } from '../model.ts'
import { type SdkClient, send } from './sdk-clients.ts'
import { abortedError, type SdkOperation, sdkError } from './sdk-errors.ts'
import type { FetchContext, Upstream } from './types.ts'

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
