/**
 * Public types: options, key specs, events, and the inference that carries each value's type from
 * `secret<T>()`/`parameter<T>()` to the handler's `context` and `request.internal`.
 */
import type { MiddlewareObj } from '@middy/core'
import type { Context as LambdaContext } from 'aws-lambda'

/**
 * How a text value is decoded:
 * - `'auto'` (default): parsed when it starts with `{`, `[` or `"` and is valid JSON, else kept as
 *   the string: exactly `jsonSafeParse` of `@middy/util`, so `'123'` and `'true'` stay strings.
 * - `true`: must be JSON; otherwise a `ParamsSecretsError` with code `InvalidJson` (naming the key).
 * - `false`: the raw string.
 */
export type JsonMode = 'auto' | boolean

/** Per-key refresh policy. Every duration is in milliseconds and overrides the instance default. */
export interface RefreshPolicy {
  /** How long a value is fresh: `-1` never expires, `0` fetched on every invocation. Default: `cacheExpiry`. */
  maxAge?: number
  /** After `maxAge`, for this long the last value is served at once while one background refresh runs. Default `0`. */
  staleWhileRevalidate?: number
  /** After `maxAge`, for this long a failed refresh serves the last value (an `onEvent` of source `stale`). Default `0`. */
  staleIfError?: number
  /**
   * Called with the handler's error in `onError`: `true` drops this key and makes its next fetch a
   * forced refresh (say, a database refusing a rotated password).
   */
  refreshOnError?: (error: unknown) => boolean
}

/** What every key spec accepts: its refresh policy, and whether a failure may leave it unset. */
export interface KeyOptions extends RefreshPolicy {
  /**
   * When the key cannot be resolved, the invocation goes on with `undefined` for it (and an
   * `onEvent` with its `errorCode`); it is tried again on a later invocation. Default `false`: a
   * failing key fails the invocation.
   */
  optional?: boolean
}

/** Options of a Secrets Manager key. `versionId` and `versionStage` are exclusive. */
export interface SecretOptions extends KeyOptions {
  /** A specific version of the secret. */
  versionId?: string
  /** A staging label; the service's default is `AWSCURRENT`. */
  versionStage?: string
  /** JSON decoding of `SecretString`; default `'auto'`. `SecretBinary` always arrives as bytes. */
  json?: JsonMode
}

/** Options of an SSM Parameter Store key. `version` and `label` are exclusive. */
export interface ParameterOptions extends KeyOptions {
  /** Decrypt a `SecureString` (default `true`). */
  withDecryption?: boolean
  /** A specific version (a positive integer). */
  version?: number
  /** A parameter label (or, for `/aws/reference/secretsmanager/` names, a staging label). */
  label?: string
  /**
   * JSON decoding of the value; default `'auto'`. A `StringList` arrives as `string[]` (split on
   * `,`) whatever the mode but `false`, which keeps the raw comma-joined text.
   */
  json?: JsonMode
}

/**
 * Options of a parameters-by-path key (GetParametersByPath, always through the SDK: the layer has
 * no route for it). Each parameter's value is decoded as a single parameter's would be.
 */
export interface PathOptions extends KeyOptions {
  /** Every level below the path, not just its direct children (default `true`). */
  recursive?: boolean
  /** Decrypt `SecureString`s (default `true`). */
  withDecryption?: boolean
  /** JSON decoding of each value, as {@link ParameterOptions.json}; default `'auto'`. */
  json?: JsonMode
}

/** Phantom marker carrying a value's type, structurally the same as middy's `SecretType<T>`. */
export interface Typed<T> {
  __returnType?: T
}

/** A secret id string branded with its value's type (what `secret<T>(id)` returns without options). */
export type SecretId<T = unknown> = string & Typed<T>

/** A Secrets Manager key: `{ secret: 'name-or-arn', ...options }`. */
export type SecretSpec<T = unknown> = { secret: string } & SecretOptions & Typed<T>

/** An SSM parameter key: `{ parameter: '/name', ...options }`. */
export type ParameterSpec<T = unknown> = { parameter: string } & ParameterOptions & Typed<T>

/**
 * Every parameter under a path as one object: `{ path: '/prod/app/', ...options }`. The value is
 * `{ [sanitizeKey(name without the path)]: value }`: `/prod/app/db/url` is the key `db_url`.
 */
export type PathSpec<T = Record<string, unknown>> = { path: string } & PathOptions & Typed<T>

/** What a `fetchData` entry may be. A plain string is a Secrets Manager secret id (name or ARN). */
export type KeySpec = string | SecretSpec<any> | ParameterSpec<any> | PathSpec<any>

/** middy 7's name for {@link SecretId}: a string carrying its value's type. */
export type SecretType<T> = SecretId<T>

/** Where one resolution's value came from. */
export type EventSource = 'cache' | 'extension' | 'sdk' | 'stale'

/**
 * One key resolution, given to `onEvent`. Metadata only: never the value.
 */
export interface ResolutionEvent {
  key: string
  kind: 'secret' | 'parameter' | 'path'
  /** the secret id, parameter name or path */
  id: string
  source: EventSource
  /** time spent resolving, in ms (0 for a cache hit) */
  durationMs: number
  /** upstream attempts made (0 for a cache hit or a stale value) */
  attempts: number
  /** a background refresh (staleWhileRevalidate) rather than one the invocation waited for */
  background?: boolean
  /** a forced refresh (after `invalidate` or `refreshOnError`) */
  forced?: boolean
  /** the error code when a stale value was served instead of an error, or the refresh failed */
  errorCode?: string
}

/** Connection settings of the extension (the Lambda layer or the Secrets Manager Agent). */
export interface ExtensionOptions {
  /** Default `PARAMETERS_SECRETS_EXTENSION_HTTP_PORT`, then 2773. Always on 127.0.0.1. */
  port?: number
  /** Default: the first set of `AWS_TOKEN`, `AWS_SESSION_TOKEN`, `AWS_CONTAINER_AUTHORIZATION_TOKEN`. */
  token?: string
  /** Per-request time budget in ms (default 3000). */
  timeoutMs?: number
  /** The server is the Secrets Manager Agent, which understands `refreshNow` (default `false`). */
  refreshNow?: boolean
  /** Connections to keep to the extension (default 10). */
  connections?: number
}

/** Options of {@link paramsSecrets}. Every option of `@middy/secrets-manager` is accepted with its meaning. */
export interface ParamsSecretsOptions<FetchData extends Record<string, KeySpec> = Record<string, KeySpec>> {
  /** `{ [key]: string | KeySpec }`; default `{}`. */
  fetchData?: FetchData
  /** Also assign each value to `context[sanitizeKey(key)]`; default `false`. */
  setToContext?: boolean
  /** Namespace of this instance's cache, for `clearCache` of `@middy/util`; default `'middy-params-secrets'`. */
  cacheKey?: string
  /** Default max age in ms of every key: `-1` never expires (default), `0` every invocation; above 86,400,000 an epoch-ms deadline. */
  cacheExpiry?: number
  /** middy-compatible: `{ [cacheKey]: ms }` overrides `cacheExpiry` for the instance with that cacheKey. */
  cacheKeyExpiry?: Record<string, number>
  /** middy 7's bound on its process-wide cache: accepted for drop-in, unused (one entry per key here). */
  cacheMaxSize?: number
  /** Don't fetch at module load; default `false`. */
  disablePrefetch?: boolean
  /** Expire secrets at their next rotation date (DescribeSecret; needs the SDK): `true` or `{ [key]: true }`. */
  fetchRotationDate?: boolean | Record<string, boolean>
  /** Secrets Manager client class for the SDK path (default `SecretsManagerClient`). */
  AwsClient?: new (
    config: any,
  ) => any
  /** Its configuration. */
  awsClientOptions?: Record<string, unknown>
  /** An internal key holding credentials to build the SDK clients with (disables prefetch), as in middy. */
  awsClientAssumeRole?: string
  /** Wraps each SDK client (Secrets Manager and SSM) once, e.g. `captureAWSv3Client` of X-Ray. */
  awsClientCapture?: (client: any) => any
  /** SSM client class for the SDK path (default `SSMClient`). */
  ssmAwsClient?: new (
    config: any,
  ) => any
  /** Its configuration; with `awsClientAssumeRole`, those credentials apply to it too (these options win). */
  ssmAwsClientOptions?: Record<string, unknown>
  /**
   * @middy/ssm's batch size: on the SDK path, named parameters go in `GetParameters` calls of at
   * most this many names (1 to 10), even a single one. Unset: up to 10 a call, `GetParameter` for one.
   */
  awsRequestLimit?: number
  /** `'auto'` (default): the extension, the SDK when needed; `'extension'`: never the SDK; `'sdk'`: never the extension. */
  transport?: 'auto' | 'extension' | 'sdk'
  /** How to reach the extension. */
  extension?: ExtensionOptions
  /** Observability: one event per key resolution; never the value. */
  onEvent?: (event: ResolutionEvent) => void
  /** Clock in ms, for tests (default `Date.now`). */
  now?: () => number
}

/** middy 7's name for {@link ParamsSecretsOptions}. */
export type SecretsManagerOptions<FetchData extends Record<string, KeySpec> = Record<string, KeySpec>> =
  ParamsSecretsOptions<FetchData>

/** The value type a `fetchData` entry resolves to. */
export type ValueOf<S> =
  S extends Typed<infer T> ? (S extends { optional: true } ? T | undefined : T) : unknown

/** A key spec declared `optional: true`: its value may be `undefined` (see `optional`). */
export type Optional = { optional: true }

/** `request.internal` as the middleware fills it. */
export type Internal<TOptions> = TOptions extends { fetchData: infer F }
  ? { [K in keyof F]: ValueOf<F[K]> }
  : {}

/** The Lambda context after the middleware, with `setToContext: true`. */
export type Context<TOptions> = TOptions extends { setToContext: true }
  ? TOptions extends { fetchData: infer F }
    ? LambdaContext & { [K in keyof F]: ValueOf<F[K]> }
    : LambdaContext
  : LambdaContext

/** The middleware object: middy's hooks plus cache control. */
export interface ParamsSecretsMiddleware<TOptions = ParamsSecretsOptions>
  extends MiddlewareObj<
    unknown,
    any,
    Error,
    Context<TOptions>,
    Internal<TOptions> & Record<string, unknown>
  > {
  /** Drop cached values (all when no keys are given); their next fetch is a forced refresh. */
  invalidate(keys?: string | string[]): void
  /** Release connections and pending work (tests, graceful shutdown). */
  close(): Promise<void>
}
