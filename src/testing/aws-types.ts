/** Public types of the AWS emulator (`startAwsEmulator`). */
import type { EmulatorStore } from './shared-store.ts'
import type { ParameterInput, SecretInput } from './types.ts'

/**
 * Options of {@link startAwsEmulator}.
 *
 * @example
 * ```ts
 * const options: AwsEmulatorOptions = { secrets: { db: '{"password":"pw"}' }, parameters: { '/app/url': 'https://example.com' } }
 * ```
 */
export interface AwsEmulatorOptions {
  /** Secrets by name (added to `store` when both are given). */
  secrets?: Record<string, SecretInput>
  /** Parameters by name (added to `store` when both are given). */
  parameters?: Record<string, ParameterInput>
  /** A store shared with an extension emulator (`createEmulatorStore()` or `extension.store`). */
  store?: EmulatorStore
  /** `AWS_REGION` in `env`, and the region in ARNs of a store of its own. Default `'us-east-1'`. */
  region?: string
  /** Account in ARNs of a store of its own. Default `'123456789012'`. */
  accountId?: string
  /** Port on 127.0.0.1. Default 0 (any free port). */
  port?: number
}

/**
 * One request as the AWS emulator saw it (signed, AWS JSON 1.1; others are refused unlogged).
 *
 * @example
 * ```ts
 * const reads = aws.calls.filter((call) => call.target === 'secretsmanager.GetSecretValue')
 * ```
 */
export interface AwsCall {
  /** `X-Amz-Target`, e.g. `secretsmanager.GetSecretValue` or `AmazonSSM.GetParametersByPath`. */
  target: string
  /** The request body as sent (names and selectors, never a value). */
  body: Record<string, any>
  /** The access key ID from the signature's credential scope. */
  accessKeyId: string | undefined
}

/**
 * What a programmed answer (`respond`) of an {@link AwsFault} returns: an AWS error (`type`), or
 * a raw body.
 *
 * @example
 * ```ts
 * const throttled: AwsAnswer = { type: 'ThrottlingException', message: 'Rate exceeded' }
 * const raw: AwsAnswer = { status: 200, body: '{"Name":"db","SecretString":"programmed"}' }
 * ```
 */
export interface AwsAnswer {
  /** Default 400 with `type`, else 200. */
  status?: number
  /** An AWS error: `{"__type": type, "message": message}` and `X-Amzn-ErrorType: type`. */
  type?: string
  message?: string
  /** A raw body (text, or an object sent as JSON) instead of an error. */
  body?: string | object
}

/**
 * A fault for the AWS emulator. Matching fields combine (`operation`, `id`, `match`); the answer is
 * an error (`type`), a raw `body`, a `respond` function, a dropped connection, or (only `delayMs`)
 * the real answer, late.
 *
 * @example
 * ```ts
 * aws.inject({ operation: 'GetSecretValue', id: 'db', match: { VersionStage: 'AWSPREVIOUS' }, times: 1, type: 'InternalServiceError', status: 500 })
 * ```
 */
export interface AwsFault extends AwsAnswer {
  /** `GetSecretValue` or `secretsmanager.GetSecretValue`; omitted = any. */
  operation?: string
  /** `SecretId`, `Name` or `Path`, or one of `Names` / `SecretIdList`; omitted = any. */
  id?: string
  /** Request body fields that must be equal, e.g. `{ VersionStage: 'AWSPREVIOUS' }`. */
  match?: Record<string, unknown>
  /** How many matching requests it applies to. Default: every one until removed. */
  times?: number
  /** Added latency before answering. */
  delayMs?: number
  /** Destroy the socket before any byte (the SDK sees a network error). */
  drop?: boolean
  /** A programmed answer per matching call; `undefined` lets the real answer through. */
  respond?: (call: AwsCall) => AwsAnswer | undefined
}

/**
 * A running AWS emulator.
 *
 * @example
 * ```ts
 * import { SecretsManagerClient, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager'
 * import { startAwsEmulator } from 'middy-params-secrets/testing'
 *
 * await using aws = await startAwsEmulator({ secrets: { db: 'pw' } })
 * const client = new SecretsManagerClient({
 *   endpoint: aws.endpoint,
 *   region: aws.env.AWS_REGION,
 *   credentials: { accessKeyId: aws.env.AWS_ACCESS_KEY_ID, secretAccessKey: aws.env.AWS_SECRET_ACCESS_KEY },
 * })
 * await client.send(new GetSecretValueCommand({ SecretId: 'db' }))
 * client.destroy()
 * ```
 */
export interface AwsEmulator {
  /** `http://127.0.0.1:PORT`, for both services. */
  readonly endpoint: string
  readonly port: number
  /**
   * What the SDK v3 clients read: `AWS_ENDPOINT_URL_SECRETS_MANAGER`, `AWS_ENDPOINT_URL_SSM`,
   * `AWS_REGION` and dummy credentials. `Object.assign(process.env, aws.env)` before creating clients.
   */
  readonly env: {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: string
    AWS_ENDPOINT_URL_SSM: string
    AWS_REGION: string
    AWS_ACCESS_KEY_ID: string
    AWS_SECRET_ACCESS_KEY: string
  }
  /** The store it serves (pass it to `startExtensionEmulator({ store })`). */
  readonly store: EmulatorStore
  /** Live array, one entry appended per accepted call. */
  readonly calls: AwsCall[]
  /** As `store.putSecret`: a new version staged AWSCURRENT, or the given stages. Its VersionId. */
  putSecret(id: string, value: SecretInput, stages?: string[]): string
  deleteSecret(id: string): void
  /** A new version of the parameter (labels move to it). Its version number. */
  putParameter(name: string, value: ParameterInput): number
  deleteParameter(name: string): void
  /** Answer AccessDeniedException for this secret or parameter (a path, for GetParametersByPath). */
  denyAccess(kind: 'secret' | 'parameter', id: string): void
  allowAccess(kind: 'secret' | 'parameter', id: string): void
  /** ThrottlingException for every read while on (a shared store: on both emulators). */
  throttle(on: boolean): void
  /** Returns a function that removes the fault. */
  inject(fault: AwsFault): () => void
  clearFaults(): void
  /** The injected faults not used up, in words. */
  pendingFaults(): string[]
  /** Throws an Error listing {@link AwsEmulator.pendingFaults} when there are any. */
  assertNoPendingFaults(): void
  /** Close the server and every socket. Idempotent. */
  close(): Promise<void>
  /** `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>
}
