/**
 * Secrets due in the same tick share a BatchGetSecretValue (20 ids a call, duplicates sent once):
 * 10 secret misses are one round trip, not ten (bench/, figure 3). Each secret of the answer goes
 * to its keys; each entry of its `Errors` fails its keys with the AWS code, as GetSecretValue
 * would. A key with a version or a stage stays on GetSecretValue (the batch reads AWSCURRENT only),
 * and so does a secret due alone. A role without secretsmanager:BatchGetSecretValue
 * (AccessDeniedException on the call) is asked one GetSecretValue per secret, for the life of the
 * instance. A throttled batch is asked again as one GetSecretValue per secret, whose quota is 100
 * times larger.
 */
import type * as SecretsManagerSdk from '@aws-sdk/client-secrets-manager'
import type { KeyDef } from '../model.ts'
import { budgetFor, send, type Waiting, waitInBatch } from './sdk-call.ts'
import type { SdkService } from './sdk-clients.ts'
import { abortedError, awsErrorCode, invalidResponse, sdkError } from './sdk-errors.ts'
import type { FetchContext, Upstream } from './types.ts'

const MAX_IDS_PER_CALL = 20
const OPERATION = 'BatchGetSecretValue'

/** What the batch needs from the SDK transport. */
export interface SecretBatchDeps {
  secretsManager(def: KeyDef, ctx: FetchContext): Promise<SdkService<typeof SecretsManagerSdk>>
  /** GetSecretValue of one key */
  single(def: KeyDef, ctx: FetchContext): Promise<Upstream>
  timeoutMs: number
  closing: AbortSignal
}

const toBuffer = (bytes: Uint8Array | string): Buffer =>
  typeof bytes === 'string'
    ? Buffer.from(bytes, 'base64')
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)

// Captured at load, so fake timers in a test can't stall a batch. A secret batch waits for the
// end of the event loop's turn, not the tick: without a layer, each key's refused connection
// reports in its own callback, and they all come in one turn (bench/, figure 4).
const setImmediateReal = setImmediate
const afterTurn = (fn: () => void): void => {
  setImmediateReal(fn)
}

/** The answer's entry for an id asked by name, by ARN, or by partial ARN (without the 6-character suffix). */
const entryFor = (id: string, byId: Map<string, any>, values: readonly any[]): any =>
  byId.get(id) ??
  (id.startsWith('arn:')
    ? values.find((v) => typeof v?.ARN === 'string' && v.ARN.startsWith(`${id}-`))
    : undefined)

/** An entry of the answer's `Errors` as the error a GetSecretValue of that secret would give. */
const entryError = (entry: any, def: KeyDef) =>
  sdkError(
    Object.assign(new Error(typeof entry?.Message === 'string' ? entry.Message : ''), {
      name: String(entry?.ErrorCode ?? 'SdkError'),
      $metadata: {},
    }),
    def,
    OPERATION,
  )

/**
 * The fetcher of secrets: queues the keys due in this tick and sends them together.
 *
 * @example
 * ```ts
 * const fetchSecret = secretBatchFetcher({ secretsManager, single, timeoutMs: 3000, closing })
 * const { text } = await fetchSecret(def, { force: false })
 * ```
 */
export const secretBatchFetcher = (deps: SecretBatchDeps) => {
  let queue: Waiting[] = []
  let batchDenied = false

  const alone = (w: Waiting): void => {
    deps.single(w.def, w.ctx).then(w.resolve, w.reject)
  }

  const settle = (w: Waiting, entry: any, attempts: number): void => {
    if (typeof entry?.SecretString === 'string') w.resolve({ text: entry.SecretString, attempts })
    else if (entry?.SecretBinary != null) w.resolve({ binary: toBuffer(entry.SecretBinary), attempts })
    else w.reject(invalidResponse(w.def, OPERATION, 'neither SecretString nor SecretBinary'))
  }

  const call = async (batch: Array<[string, Waiting[]]>): Promise<void> => {
    const waiting = batch.flatMap(([, w]) => w)
    const lead = waiting.find((w) => w.ctx.request) ?? waiting[0]!
    let budget: ReturnType<typeof budgetFor> | undefined
    try {
      const { sdk, client } = await deps.secretsManager(lead.def, lead.ctx)
      // A client or SDK without the command (a user's AwsClient, an old SDK): one call per secret.
      if (typeof sdk.BatchGetSecretValueCommand !== 'function') {
        batchDenied = true
        return waiting.forEach(alone)
      }
      budget = budgetFor(
        waiting.map((w) => w.ctx),
        deps.timeoutMs,
        deps.closing,
      )
      if (budget.budgetMs <= 0) throw new Error('no budget left')
      const command = new sdk.BatchGetSecretValueCommand({ SecretIdList: batch.map(([id]) => id) })
      const { output, attempts } = await send(client, command, budget.signal)
      // No list at all is no service's answer (a test's mock of GetSecretValue only): one call each.
      if (!Array.isArray(output?.SecretValues) && !Array.isArray(output?.Errors)) {
        batchDenied = true
        return waiting.forEach(alone)
      }
      const values: any[] = output?.SecretValues ?? []
      const byId = new Map<string, any>()
      for (const v of values) {
        if (typeof v?.Name === 'string') byId.set(v.Name, v)
        if (typeof v?.ARN === 'string') byId.set(v.ARN, v)
      }
      const errors = new Map<string, any>((output?.Errors ?? []).map((e: any) => [String(e?.SecretId), e]))
      for (const [id, keys] of batch) {
        const entry = entryFor(id, byId, values)
        const error = errors.get(id)
        for (const w of keys) {
          if (entry !== undefined) settle(w, entry, attempts)
          else if (error !== undefined) w.reject(entryError(error, w.def))
          // Neither a value nor an error for it: GetSecretValue gives the service's own answer.
          else alone(w)
        }
      }
    } catch (error) {
      const code = budget !== undefined && !budget.signal.aborted ? awsErrorCode(error) : undefined
      if (code === 'AccessDeniedException') {
        batchDenied = true
        return waiting.forEach(alone)
      }
      // BatchGetSecretValue's quota is 100 TPS, GetSecretValue's 10,000: a fleet cold-starting
      // together exhausts the first long before the second (docs/at-scale.md).
      if (code === 'ThrottlingException') return waiting.forEach(alone)
      for (const w of waiting) {
        w.reject(
          budget === undefined
            ? sdkError(error, w.def)
            : budget.signal.aborted || budget.budgetMs <= 0
              ? abortedError(w.def, OPERATION, budget.signal.reason, budget.budgetMs)
              : sdkError(error, w.def, OPERATION),
        )
      }
    }
  }

  const flush = (): void => {
    const waiting = queue
    queue = []
    const byId = new Map<string, Waiting[]>()
    for (const w of waiting) byId.set(w.def.id, [...(byId.get(w.def.id) ?? []), w])
    const ids = [...byId]
    if (batchDenied || ids.length === 1) {
      waiting.forEach(alone)
      return
    }
    for (let i = 0; i < ids.length; i += MAX_IDS_PER_CALL) void call(ids.slice(i, i + MAX_IDS_PER_CALL))
  }

  const enqueue = (waiting: Waiting): void => {
    if (queue.length === 0) afterTurn(flush)
    queue.push(waiting)
  }
  return (def: KeyDef, ctx: FetchContext): Promise<Upstream> => {
    if (def.versionId !== undefined || def.versionStage !== undefined || batchDenied) {
      return deps.single(def, ctx)
    }
    return waitInBatch(enqueue, def, ctx, OPERATION)
  }
}
