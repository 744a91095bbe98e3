/**
 * Public types of the extension emulator (`middy-params-secrets/testing`).
 *
 * The emulator imitates two servers that speak nearly the same dialect on `127.0.0.1:2773`:
 * the AWS Parameters and Secrets Lambda Extension (`'layer'`) and the Secrets Manager Agent
 * (`'agent'`). What each one answers:
 * https://github.com/middy-params-secrets/middy-params-secrets/blob/main/docs/extension-protocol.md
 */

import type { Fault } from './fault-types.ts'
import type { EmulatorCounters, RequestLogEntry } from './request-log-types.ts'
import type { EmulatorStore, StoreWrites } from './store-types.ts'
import type { ParameterInput, SecretInput } from './value-types.ts'

export type { Fault, FaultAnswer, FaultRequest } from './fault-types.ts'
export type { EmulatorCounters, RequestLogEntry } from './request-log-types.ts'
export type { EmulatorStore, EmulatorStoreOptions, StoreWrites } from './store-types.ts'
export type { ParameterInput, ParameterType, SecretInput } from './value-types.ts'

/**
 * Which server the emulator imitates.
 *
 * @example
 * ```ts
 * const profile: EmulatorProfile = 'agent'
 * ```
 */
export type EmulatorProfile = 'layer' | 'agent'

/**
 * Options of {@link startExtensionEmulator}.
 *
 * @example
 * ```ts
 * const options: EmulatorOptions = {
 *   profile: 'layer',
 *   token: 'test-token',
 *   secrets: { db: '{"password":"pw"}' },
 *   parameters: { '/app/url': 'https://example.com' },
 *   ready: false,
 * }
 * ```
 */
export interface EmulatorOptions {
  /** The server to imitate. Default `'layer'`. */
  profile?: EmulatorProfile
  /** Secrets by name (added to `store` when both are given). */
  secrets?: Record<string, SecretInput>
  /** Parameters by name. The agent profile has no parameter endpoint. */
  parameters?: Record<string, ParameterInput>
  /**
   * A store shared with other emulators (from `createEmulatorStore()`), say a
   * `startAwsEmulator({ store })`: one rotation then reaches both. Its region and account win over
   * `region` and `accountId`. Default: a store of this emulator's own.
   */
  store?: EmulatorStore
  /**
   * Default `false`, as the real layer: after a write (`putSecret`, `putParameter`, a delete, on
   * this emulator or on a shared store) the TTL cache still serves the old answer until it
   * expires. `true` drops that item's cached answers at each write, so a test sees a rotation at
   * once without `flushCache()`.
   */
  evictOnWrite?: boolean
  /**
   * The token every request must carry in `X-Aws-Parameters-Secrets-Token`. Default: layer
   * `AWS_SESSION_TOKEN`; agent the first set of `AWS_TOKEN`, `AWS_SESSION_TOKEN`,
   * `AWS_CONTAINER_AUTHORIZATION_TOKEN` (a `file://PATH` value is read from that file, as the agent
   * does). None at all: the start fails.
   */
  token?: string
  /** Port on 127.0.0.1. Default 0 (any free port). */
  port?: number
  /**
   * Default `true`. `false` imitates the INIT phase: the layer listens but answers
   * `400 not ready to serve traffic, please wait`; the agent does not listen (connection refused)
   * until {@link ExtensionEmulator.ready} is called.
   */
  ready?: boolean
  /**
   * Cache TTL in seconds. Layer default: `SECRETS_MANAGER_TTL` / `SSM_PARAMETER_STORE_TTL`, else
   * 300, clamped to 0..300. Agent default 300, up to 3600. 0 disables caching.
   */
  ttlSeconds?: { secrets?: number; parameters?: number }
  /** Default `true`; the layer also honours `PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED`. */
  cacheEnabled?: boolean
  /**
   * Layer only. Default `true`: a query parameter outside the documented ones gets the generic 400.
   * `false` accepts and ignores them. The agent always answers `400 unknown parameter: NAME`.
   */
  strictQuery?: boolean
  /**
   * More concurrent connections than this get `429 Connection limit exceeded` (the agent's check;
   * the layer's answer is unknown, the emulator uses the same one). Default: no limit.
   */
  maxConnections?: number
  /** Clock of the TTL cache, in ms. Default `Date.now`. */
  now?: () => number
  /** Region in ARNs. Default `'us-east-1'`. */
  region?: string
  /** Account in ARNs. Default `'123456789012'`. */
  accountId?: string
  /** Called with one line per request: method, path and query, status, cache. Never a value or the token. */
  log?: (line: string) => void
  /** Environment read for defaults (token, TTLs, cache switch). Default `process.env`. */
  env?: Record<string, string | undefined>
}

/**
 * A running emulator.
 *
 * @example
 * ```ts
 * const emulator = await startExtensionEmulator({ token: 't', secrets: { db: 'pw' } })
 * try {
 *   const res = await fetch(`${emulator.url}/secretsmanager/get?secretId=db`, {
 *     headers: { 'X-Aws-Parameters-Secrets-Token': emulator.token },
 *   })
 * } finally {
 *   await emulator.close()
 * }
 * ```
 */
export interface ExtensionEmulator extends StoreWrites {
  /** `http://127.0.0.1:PORT` */
  readonly url: string
  readonly port: number
  readonly profile: EmulatorProfile
  readonly token: string
  /**
   * What Lambda would set for a function using this server: `PARAMETERS_SECRETS_EXTENSION_HTTP_PORT`
   * and `AWS_SESSION_TOKEN`. `Object.assign(process.env, emulator.env)` before importing a handler.
   */
  readonly env: { PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: string; AWS_SESSION_TOKEN: string }
  /** The store it serves; pass it to `startAwsEmulator({ store })` to serve the same values there. */
  readonly store: EmulatorStore
  /** Live array, one entry appended per request. */
  readonly requests: RequestLogEntry[]
  readonly counters: EmulatorCounters
  /**
   * Connections the server holds open now, idle keep-alive ones included: wait on it to know that
   * a client connected or closed (the agent's `maxConnections` counts them).
   */
  readonly openConnections: number
  /** End the not-ready window (the first invocation has begun). */
  ready(): void
  /** Start a not-ready window again. */
  setNotReady(): void
  /** Returns a function that removes the fault. */
  inject(fault: Fault): () => void
  clearFaults(): void
  /** The injected faults not used up, in words: a `times` fault with uses left, or one without `times` never used. */
  pendingFaults(): string[]
  /** Throws an Error listing {@link ExtensionEmulator.pendingFaults} when there are any (as undici's `assertNoPendingInterceptors`). */
  assertNoPendingFaults(): void
  /** Drop the TTL cache. */
  flushCache(): void
  /** Stop listening (connection refused) and drop open connections, keeping state and port. */
  pause(): Promise<void>
  /** Listen again on the same port. */
  resume(): Promise<void>
  /** Clear the request log and counters. */
  resetLog(): void
  /** Close the server and every socket. Idempotent. */
  close(): Promise<void>
  /** `close()`, for `await using emulator = await startExtensionEmulator(...)`. */
  [Symbol.asyncDispose](): Promise<void>
}
