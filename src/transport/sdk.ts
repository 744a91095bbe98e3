/**
 * The SDK path: GetSecretValue, GetParameter/GetParameters (parameters due in the same tick share a
 * call, 10 names at most), DescribeSecret, and the mapping of SDK errors to ParamsSecretsError.
 */
import { ParamsSecretsError } from '../errors.ts'
import type { KeyDef } from '../keys.ts'
import {
  awsErrorCode,
  createSdkClients,
  type SdkClients,
  type SdkTransportOptions,
  send,
} from './sdk-clients.ts'
import type { FetchContext, Transport, Upstream } from './types.ts'

export type { ImportModule, SdkTransportOptions } from './sdk-clients.ts'

/** The SDK transport: a {@link Transport} that can also read a secret's rotation schedule. */
export interface SdkTransport extends Transport {
  /** DescribeSecret: the secret's `NextRotationDate` in epoch ms, `undefined` when it does not rotate. */
  nextRotationDate(def: KeyDef, ctx: FetchContext): Promise<number | undefined>
}

/** The service operations this transport calls. */
export type SdkOperation = 'GetSecretValue' | 'DescribeSecret' | 'GetParameter' | 'GetParameters'

const MAX_NAMES_PER_CALL = 10

/** The name GetParameter(s) takes: the id, with its version or label selector. */
const parameterName = (def: KeyDef): string =>
  def.version !== undefined ? `${def.id}:${def.version}` : def.label ? `${def.id}:${def.label}` : def.id

const nameOf = (def: KeyDef): string => {
  if (def.kind === 'parameter') return `parameter '${parameterName(def)}'`
  const version = def.versionId ?? def.versionStage
  return `secret '${def.id}'${version === undefined ? '' : ` (${version})`}`
}

const permissions = (def: KeyDef, operation: SdkOperation): string => {
  if (operation === 'DescribeSecret') return 'secretsmanager:DescribeSecret (fetchRotationDate)'
  const action =
    def.kind === 'secret' ? 'secretsmanager:GetSecretValue' : 'ssm:GetParameter and ssm:GetParameters'
  const decrypts = def.kind === 'secret' || def.withDecryption
  return decrypts
    ? `${action} (and kms:Decrypt on its KMS key if a customer-managed key encrypts it)`
    : action
}

const hint = (code: string, def: KeyDef, operation: SdkOperation): string => {
  if (/KMS|Decrypt|InvalidKeyId|Ciphertext/i.test(code)) {
    return " Grant kms:Decrypt on the KMS key that encrypts it to the function's role."
  }
  if (/AccessDenied|Unauthorized|NotAuthorized/i.test(code)) {
    return ` Grant ${permissions(def, operation)} to the function's role.`
  }
  if (/NotFound/i.test(code)) return ' Check the name (or ARN), the version or label, and the region.'
  if (/Throttl|LimitExceeded/i.test(code)) return ' The service throttled the request.'
  if (code === 'InvalidSignatureException') return ' Check the clock and the credentials.'
  return ''
}

const service = (operation: SdkOperation): string =>
  operation.startsWith('GetParameter') ? 'SSM' : 'Secrets Manager'

/** The start of every message: the operation, the secret or parameter, the key. */
const subject = (def: KeyDef, operation: SdkOperation): string =>
  `${service(operation)} ${operation} of ${nameOf(def)} for key '${def.key}'`

/**
 * Maps an SDK error to a `ParamsSecretsError` naming the key, the secret or parameter, the AWS code
 * and, for access and KMS errors, the permission to grant. The SDK error is the `cause`; AWS error
 * messages never echo values, and none is put in the message. A 2xx answer the SDK failed to read
 * becomes `InvalidResponse` without a cause, since the SDK keeps the raw body on its error. A
 * `ParamsSecretsError` keeps its code and message, with `key` set to this key.
 *
 * @example
 * ```ts
 * await client.send(command).catch((error) => { throw sdkError(error, def) })
 * ```
 */
export const sdkError = (
  error: unknown,
  def: KeyDef,
  operation: SdkOperation = def.kind === 'secret' ? 'GetSecretValue' : 'GetParameter',
): ParamsSecretsError => {
  if (error instanceof ParamsSecretsError) {
    if (error.key === def.key) return error
    const { code, source, status, cause } = error
    return new ParamsSecretsError(error.message, { code, source, key: def.key, status, cause })
  }
  const httpStatus = (error as any)?.$metadata?.httpStatusCode
  const status = typeof httpStatus === 'number' ? httpStatus : undefined
  // A success the SDK could not read: its error keeps the raw body, the value perhaps, so no cause.
  if (status !== undefined && status < 300) {
    const message = `${subject(def, operation)} failed: the answer (status ${status}) could not be read.`
    return new ParamsSecretsError(message, { code: 'InvalidResponse', source: 'sdk', key: def.key, status })
  }
  const code = awsErrorCode(error)
  const message = `${subject(def, operation)} failed: ${code}.${hint(code, def, operation)}`
  return new ParamsSecretsError(message, { code, source: 'sdk', key: def.key, status, cause: error })
}

const invalidResponse = (def: KeyDef, operation: SdkOperation, what: string): ParamsSecretsError =>
  new ParamsSecretsError(`${subject(def, operation)}: ${what}.`, {
    code: 'InvalidResponse',
    source: 'sdk',
    key: def.key,
  })

// Both SDK paths give a Buffer, as the extension path does from base64.
const toBuffer = (bytes: Uint8Array | string): Buffer =>
  typeof bytes === 'string'
    ? Buffer.from(bytes, 'base64')
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)

const toEpochMs = (date: unknown): number | undefined => {
  if (!(date instanceof Date) && typeof date !== 'string' && typeof date !== 'number') return undefined
  const ms = new Date(date).getTime()
  return Number.isNaN(ms) ? undefined : ms
}

interface Waiting {
  def: KeyDef
  ctx: FetchContext
  resolve(value: Upstream): void
  reject(error: unknown): void
}

// Captured at load, so fake timers in a test can't stall a batch.
const nextTick = process.nextTick
/** Runs `fn` once the microtask queue has drained: fetches started in this tick, even after awaits. */
const afterTick = (fn: () => void): void => {
  void Promise.resolve().then(() => nextTick(fn))
}

const parameterFetcher = (clients: SdkClients) => {
  let queue: Waiting[] = []

  const settle = (waiting: Waiting[], parameter: any, attempts: number, operation: SdkOperation): void => {
    for (const w of waiting) {
      if (typeof parameter?.Value === 'string') {
        w.resolve({ text: parameter.Value, parameterType: parameter.Type, attempts })
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
    const operation: SdkOperation = batch.length === 1 ? 'GetParameter' : 'GetParameters'
    try {
      const lead = waiting.find((w) => w.ctx.request) ?? waiting[0]!
      const { sdk, client } = await clients.ssm(lead.def, lead.ctx)
      if (operation === 'GetParameter') {
        const [name, keys] = batch[0]!
        const command = new sdk.GetParameterCommand({ Name: name, WithDecryption: withDecryption })
        const { output, attempts } = await send(client, command)
        return settle(keys, output?.Parameter, attempts, operation)
      }
      const names = batch.map(([name]) => name)
      const command = new sdk.GetParametersCommand({ Names: names, WithDecryption: withDecryption })
      const { output, attempts } = await send(client, command)
      const found = index(output?.Parameters)
      const invalid = new Set<string>(output?.InvalidParameters ?? [])
      for (const [name, keys] of batch) {
        if (invalid.has(name)) for (const w of keys) w.reject(notFound(w.def))
        else settle(keys, found.get(name), attempts, operation)
      }
    } catch (error) {
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
      for (let i = 0; i < names.length; i += MAX_NAMES_PER_CALL) {
        void call(names.slice(i, i + MAX_NAMES_PER_CALL), withDecryption)
      }
    }
  }

  return (def: KeyDef, ctx: FetchContext): Promise<Upstream> =>
    new Promise((resolve, reject) => {
      if (queue.length === 0) afterTick(flush)
      queue.push({ def, ctx, resolve, reject })
    })
}

/**
 * The SDK transport. Secrets come from GetSecretValue (`SecretString` as `text`, `SecretBinary` as
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
  const fetchParameter = parameterFetcher(clients)
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

  const fetchSecret = async (def: KeyDef, ctx: FetchContext): Promise<Upstream> => {
    const { sdk, client } = await secretsManager(def, ctx)
    const command = new sdk.GetSecretValueCommand({
      SecretId: def.id,
      ...(def.versionId !== undefined && { VersionId: def.versionId }),
      ...(def.versionStage !== undefined && { VersionStage: def.versionStage }),
    })
    const { output, attempts } = await send(client, command).catch((error) => {
      throw sdkError(error, def, 'GetSecretValue')
    })
    if (typeof output?.SecretString === 'string') return { text: output.SecretString, attempts }
    if (output?.SecretBinary != null) return { binary: toBuffer(output.SecretBinary), attempts }
    throw invalidResponse(def, 'GetSecretValue', 'neither SecretString nor SecretBinary')
  }

  const nextRotationDate = async (def: KeyDef, ctx: FetchContext): Promise<number | undefined> => {
    const { sdk, client } = await secretsManager(def, ctx)
    const command = new sdk.DescribeSecretCommand({ SecretId: def.id })
    const { output } = await send(client, command).catch((error) => {
      throw sdkError(error, def, 'DescribeSecret')
    })
    return output?.RotationEnabled === false ? undefined : toEpochMs(output?.NextRotationDate)
  }

  return {
    fetch: (def, ctx) => track(def.kind === 'secret' ? fetchSecret(def, ctx) : fetchParameter(def, ctx)),
    nextRotationDate: (def, ctx) => track(nextRotationDate(def, ctx)),
    // Waits for the work in flight, so no client is built after the ones it destroys.
    close: async () => {
      await Promise.allSettled(inFlight)
      await clients.close()
    },
  }
}
