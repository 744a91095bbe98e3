/**
 * The SDK path: GetSecretValue, GetParameter/GetParameters (parameters due in the same tick share a
 * call, 10 names at most), DescribeSecret, and the mapping of SDK errors to ParamsSecretsError.
 */
import { closedError, ParamsSecretsError } from '../errors.ts'
import type { KeyDef } from '../model.ts'
import { referenceBinary } from './reference-binary.ts'
import { budgetFor, sendWithin, type Waiting, waitInBatch } from './sdk-call.ts'
import { createSdkClients, type SdkClients, type SdkTransportOptions } from './sdk-clients.ts'
import {
  hint,
  invalidResponse,
  isPerNameFailure,
  parameterName,
  type SdkOperation,
  sdkError,
  subject,
} from './sdk-errors.ts'
import { fetchPath } from './sdk-paths.ts'
import { secretBatchFetcher } from './sdk-secret-batch.ts'
import type { FetchContext, RotationSchedule, Transport, Upstream } from './types.ts'

export type { ImportModule, SdkTransportOptions } from './sdk-clients.ts'
export { type SdkOperation, sdkError } from './sdk-errors.ts'

export type { RotationSchedule } from './types.ts'

/** The SDK transport: a {@link Transport} that can also read a secret's rotation schedule. */
export interface SdkTransport extends Transport {
  /** DescribeSecret: when the secret rotates next, and when it last changed. */
  rotationSchedule(def: KeyDef, ctx: FetchContext): Promise<RotationSchedule>
}

const MAX_NAMES_PER_CALL = 10
const DEFAULT_TIMEOUT_MS = 3000
// Both SDK paths give a Buffer, as the extension path does from base64.
const toBuffer = (bytes: Uint8Array | string): Buffer =>
  typeof bytes === 'string'
    ? Buffer.from(bytes, 'base64')
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)

// The SDK gives Dates; on the wire (and in mocks written like middy's tests) dates are epoch seconds.
const toEpochMs = (date: unknown): number | undefined => {
  const ms = date instanceof Date ? date.getTime() : typeof date === 'number' ? date * 1000 : Number.NaN
  return Number.isNaN(ms) ? undefined : ms
}

// Captured at load, so fake timers in a test can't stall a batch. A batch waits for the end of
// the event loop's turn: without a layer, each key's refused connection reports in its own
// callback, and they all come in one turn (bench/, figures 4 and 8).
const setImmediateReal = setImmediate
const afterTick = (fn: () => void): void => {
  setImmediateReal(fn)
}

// `awsRequestLimit` (@middy/ssm's option) caps a batch and, as in @middy/ssm, sends even one name
// through GetParameters.
const parameterFetcher = (
  clients: SdkClients,
  awsRequestLimit: number | undefined,
  timeoutMs: number,
  closing: AbortSignal,
) => {
  const perCall = awsRequestLimit ?? MAX_NAMES_PER_CALL
  let queue: Waiting[] = []

  const settle = (waiting: Waiting[], parameter: any, attempts: number, operation: SdkOperation): void => {
    for (const w of waiting) {
      // A binary secret read through /aws/reference/secretsmanager/ has no Value: its bytes are in SourceResult.
      const binary =
        typeof parameter?.Value === 'string' ? undefined : referenceBinary(parameter?.SourceResult)
      if (typeof parameter?.Value === 'string') {
        w.resolve({ text: parameter.Value, parameterType: parameter.Type, attempts })
      } else if (binary !== undefined) {
        w.resolve({ binary, parameterType: parameter.Type, attempts })
      } else {
        w.reject(invalidResponse(w.def, operation, 'no Parameter.Value'))
      }
    }
  }

  const notFound = (def: KeyDef): ParamsSecretsError =>
    new ParamsSecretsError(
      `${subject(def, 'GetParameters')} failed: ParameterNotFound (in InvalidParameters).` +
        hint('ParameterNotFound', def, 'GetParameters'),
      { code: 'ParameterNotFound', source: 'sdk', key: def.key, status: 400 },
    )

  // GetParameters answers `Name` without the selector and `Selector` apart (':3', ':label').
  const index = (parameters: any[] | undefined): Map<string, any> => {
    const found = new Map<string, any>()
    for (const p of parameters ?? []) {
      const selector = p?.Selector ?? ''
      if (p?.ARN) found.set(`${p.ARN}${selector}`, p)
      if (p?.Name) found.set(`${p.Name}${selector}`, p)
    }
    return found
  }

  const call = async (batch: Array<[string, Waiting[]]>, withDecryption: boolean): Promise<void> => {
    const waiting = batch.flatMap(([, w]) => w)
    const operation: SdkOperation =
      batch.length === 1 && awsRequestLimit === undefined ? 'GetParameter' : 'GetParameters'
    try {
      const lead = waiting.find((w) => w.ctx.request) ?? waiting[0]!
      const { sdk, client } = await clients.ssm(lead.def, lead.ctx)
      const budget = budgetFor(
        waiting.map((w) => w.ctx),
        timeoutMs,
        closing,
      )
      if (operation === 'GetParameter') {
        const [name, keys] = batch[0]!
        const command = new sdk.GetParameterCommand({ Name: name, WithDecryption: withDecryption })
        const { output, attempts } = await sendWithin(client, command, budget, lead.def, operation)
        return settle(keys, output?.Parameter, attempts, operation)
      }
      const names = batch.map(([name]) => name)
      const command = new sdk.GetParametersCommand({ Names: names, WithDecryption: withDecryption })
      const { output, attempts } = await sendWithin(client, command, budget, lead.def, operation)
      const found = index(output?.Parameters)
      const invalid = new Set<string>(output?.InvalidParameters ?? [])
      for (const [name, keys] of batch) {
        if (invalid.has(name)) for (const w of keys) w.reject(notFound(w.def))
        else settle(keys, found.get(name), attempts, operation)
      }
    } catch (error) {
      // IAM and KMS judge each name: one denied parameter must not fail the others of its batch.
      if (batch.length > 1 && isPerNameFailure(error)) {
        await Promise.all(batch.map((entry) => call([entry], withDecryption)))
        return
      }
      for (const w of waiting) w.reject(sdkError(error, w.def, operation))
    }
  }

  const flush = (): void => {
    const waiting = queue
    queue = []
    for (const withDecryption of [true, false]) {
      const byName = new Map<string, Waiting[]>()
      for (const w of waiting) {
        if (w.def.withDecryption !== withDecryption) continue
        const name = parameterName(w.def)
        byName.set(name, [...(byName.get(name) ?? []), w])
      }
      const names = [...byName]
      for (let i = 0; i < names.length; i += perCall) {
        void call(names.slice(i, i + perCall), withDecryption)
      }
    }
  }

  const enqueue = (waiting: Waiting): void => {
    if (queue.length === 0) afterTick(flush)
    queue.push(waiting)
  }
  return (def: KeyDef, ctx: FetchContext): Promise<Upstream> => waitInBatch(enqueue, def, ctx, 'GetParameter')
}

/**
 * The SDK transport. Secrets come from GetSecretValue, or BatchGetSecretValue when several are due together (`SecretString` as `text`, `SecretBinary` as
 * a Buffer in `binary`); parameters from GetParameter, or GetParameters when several are due in the
 * same tick (grouped by `withDecryption`, 10 names a call, duplicates sent once; a whole-call
 * failure fails each of its keys). `attempts` counts the HTTP requests the SDK made for a key,
 * its own retries and the one retry after `InvalidSignatureException` included. `ctx.force` needs
 * nothing here: the SDK always reads the service. The SDK packages load on first use.
 *
 * @example
 * ```ts
 * const sdk = createSdkTransport({ awsClientOptions: { region: 'eu-west-1' } })
 * const { text } = await sdk.fetch(def, { force: false })
 * await sdk.close()
 * ```
 */
export const createSdkTransport = (options: SdkTransportOptions): SdkTransport => {
  const clients = createSdkClients(options)
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const closing = new AbortController()
  const fetchParameter = parameterFetcher(clients, options.awsRequestLimit, timeoutMs, closing.signal)
  const inFlight = new Set<Promise<unknown>>()

  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work)
    const done = () => inFlight.delete(work)
    work.then(done, done)
    return work
  }

  // Concurrent first calls share one construction: its failure is given to each with its own key.
  const secretsManager = (def: KeyDef, ctx: FetchContext) =>
    clients.secretsManager(def, ctx).catch((error) => Promise.reject(sdkError(error, def)))

  const getSecretValue = async (def: KeyDef, ctx: FetchContext): Promise<Upstream> => {
    const { sdk, client } = await secretsManager(def, ctx)
    const command = new sdk.GetSecretValueCommand({
      SecretId: def.id,
      ...(def.versionId !== undefined && { VersionId: def.versionId }),
      ...(def.versionStage !== undefined && { VersionStage: def.versionStage }),
    })
    const budget = budgetFor([ctx], timeoutMs, closing.signal, ctx.signal)
    const { output, attempts } = await sendWithin(client, command, budget, def, 'GetSecretValue')
    if (typeof output?.SecretString === 'string') return { text: output.SecretString, attempts }
    if (output?.SecretBinary != null) return { binary: toBuffer(output.SecretBinary), attempts }
    throw invalidResponse(def, 'GetSecretValue', 'neither SecretString nor SecretBinary')
  }

  // Secrets due together share a BatchGetSecretValue (sdk-secret-batch.ts).
  const fetchSecret = secretBatchFetcher({
    secretsManager,
    single: getSecretValue,
    timeoutMs,
    closing: closing.signal,
  })

  const rotationSchedule = async (def: KeyDef, ctx: FetchContext): Promise<RotationSchedule> => {
    const { sdk, client } = await secretsManager(def, ctx)
    const command = new sdk.DescribeSecretCommand({ SecretId: def.id })
    const budget = budgetFor([ctx], timeoutMs, closing.signal, ctx.signal)
    const { output } = await sendWithin(client, command, budget, def, 'DescribeSecret')
    const nextMs = output?.RotationEnabled === false ? undefined : toEpochMs(output?.NextRotationDate)
    // `LastRotationDate` is how middy's own tests spell `LastRotatedDate`: accept both.
    const lastRotated = output?.LastRotatedDate ?? output?.LastRotationDate
    const changed = [toEpochMs(lastRotated), toEpochMs(output?.LastChangedDate)].filter(
      (ms): ms is number => ms !== undefined,
    )
    return {
      ...(nextMs !== undefined && { nextMs }),
      ...(changed.length > 0 && { lastChangedMs: Math.max(...changed) }),
    }
  }

  return {
    fetch: (def, ctx) =>
      track(
        def.kind === 'secret'
          ? fetchSecret(def, ctx)
          : def.kind === 'path'
            ? fetchPath(clients, def, ctx, budgetFor([ctx], timeoutMs, closing.signal, ctx.signal))
            : fetchParameter(def, ctx),
      ),
    rotationSchedule: (def, ctx) => track(rotationSchedule(def, ctx)),
    // Aborts the calls in flight, then waits for them, so no client is built after the ones it destroys.
    close: async () => {
      closing.abort(closedError())
      await Promise.allSettled(inFlight)
      await clients.close()
    },
  }
}
