/**
 * Defaults, validation and environment lookups: done once, at construction. Every problem is a
 * `ParamsSecretsError` with code `InvalidOptions` naming the option (and key) at fault.
 */
import { invalidOptions } from './errors.ts'
import type { SdkTransportOptions } from './transport/sdk-clients.ts'
import type { ExtensionOptions, ParamsSecretsOptions } from './types.ts'

const DEFAULT_PORT = 2773
const DEFAULT_TIMEOUT_MS = 3000
// Callers' connections to the extension, not the layer's own: PARAMETERS_SECRETS_EXTENSION_MAX_CONNECTIONS
// (3) bounds its outbound clients to AWS. The Secrets Manager Agent documents 800 simultaneous
// inbound connections (max_conn, 1 to 1000); the layer documents none. 10 halves a 50-key miss
// against 3 and costs nothing measurable at 10 keys (bench/findings.md, figure 2).
const DEFAULT_CONNECTIONS = 10
const MAX_TIMEOUT_MS = 900_000
/** The least per-call budget of an SDK call (it also resolves credentials, signs, and crosses the network). */
const SDK_MIN_TIMEOUT_MS = 3000

/** Options after defaults and environment, as the middleware uses them. Internal. */
export interface ResolvedOptions {
  setToContext: boolean
  cacheKey: string
  /** the instance default max age, `cacheKeyExpiry[cacheKey]` applied */
  cacheExpiry: number
  disablePrefetch: boolean
  transport: 'auto' | 'extension' | 'sdk'
  extension: {
    port: number
    /** read at each request: a SnapStart restore or a long-lived process may change the variables */
    token: () => string | undefined
    timeoutMs: number
    refreshNow: boolean
    connections: number
  }
  onEvent: ParamsSecretsOptions['onEvent']
  now: () => number
  sdk: SdkTransportOptions
  /**
   * Why the keys a client serves must be read through the SDK in `'auto'` (its options name another
   * region, credentials or a role, which the layer cannot use); undefined when the layer may serve.
   */
  sdkOnly: { secret?: string; parameter?: string }
  /** the layer's cache TTL per kind (SECRETS_MANAGER_TTL, SSM_PARAMETER_STORE_TTL: 0-300 s, default 300) */
  layerTtlMs: { secret: number; parameter: number }
}

const LAYER_TTL_DEFAULT_S = 300
const LAYER_TTL_MAX_S = 300

/** The layer's TTL as it reads its variable: whole seconds, clamped to 300; anything else is the default. */
const layerTtlMs = (value: string | undefined): number => {
  const seconds =
    value !== undefined && /^\d{1,6}$/.test(value.trim()) ? Number(value.trim()) : LAYER_TTL_DEFAULT_S
  return Math.min(seconds, LAYER_TTL_MAX_S) * 1000
}

const topLevel = new Set([
  'fetchData',
  'setToContext',
  'cacheKey',
  'cacheExpiry',
  'cacheKeyExpiry',
  // middy 7's bound on its process-wide cache: accepted for drop-in, meaningless here (one entry per key).
  'cacheMaxSize',
  'disablePrefetch',
  'fetchRotationDate',
  'AwsClient',
  'awsClientOptions',
  'awsClientAssumeRole',
  'awsClientCapture',
  'ssmAwsClient',
  'ssmAwsClientOptions',
  'awsRequestLimit',
  'transport',
  'extension',
  'onEvent',
  'now',
])
const extensionKeys = new Set(['port', 'token', 'timeoutMs', 'refreshNow', 'connections'])

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** -1, 0, a positive integer (ms), or above a day an epoch-ms deadline: middy's `cacheExpiry`. */
export const checkAge = (
  key: string | undefined,
  option: string,
  value: unknown,
  allowMinusOne = true,
): number => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < (allowMinusOne ? -1 : 0)) {
    throw invalidOptions(
      key,
      option,
      allowMinusOne
        ? 'must be -1 (never expires), 0 (every invocation) or a whole number of milliseconds'
        : 'must be a whole number of milliseconds, 0 or more',
    )
  }
  return value
}

const checkType = (option: string, value: unknown, type: string): void => {
  if (value !== undefined && typeof value !== type)
    throw invalidOptions(undefined, option, `must be a ${type}`)
}

const checkPort = (option: string, value: unknown): number => {
  const port = typeof value === 'string' && /^\d{1,5}$/.test(value) ? Number(value) : value
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    // The host is always 127.0.0.1: a port is the only thing a user may choose.
    throw invalidOptions(
      undefined,
      option,
      'must be a port number from 1 to 65535 (the extension is always on 127.0.0.1)',
    )
  }
  return port
}

/** The token the extension expects: an explicit option, else the agent's order of variables. */
export const resolveToken = (env: NodeJS.ProcessEnv): string | undefined =>
  env.AWS_TOKEN || env.AWS_SESSION_TOKEN || env.AWS_CONTAINER_AUTHORIZATION_TOKEN || undefined

const resolveExtension = (
  value: unknown,
  env: NodeJS.ProcessEnv,
  usesExtension: boolean,
): ResolvedOptions['extension'] => {
  if (value !== undefined && !isPlainObject(value))
    throw invalidOptions(undefined, 'extension', 'must be an object')
  const ext = (value ?? {}) as ExtensionOptions & Record<string, unknown>
  for (const name of Object.keys(ext)) {
    if (!extensionKeys.has(name)) {
      throw invalidOptions(
        undefined,
        `extension.${name}`,
        `is not an option (known: ${[...extensionKeys].join(', ')})`,
      )
    }
  }
  // transport: 'sdk' never reaches the port: its variable is not read.
  const envPort = usesExtension ? env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT : undefined
  const port =
    ext.port !== undefined
      ? checkPort('extension.port', ext.port)
      : envPort
        ? checkPort('PARAMETERS_SECRETS_EXTENSION_HTTP_PORT', envPort)
        : DEFAULT_PORT
  if (ext.token !== undefined && (typeof ext.token !== 'string' || ext.token === '')) {
    throw invalidOptions(undefined, 'extension.token', 'must be a non-empty string')
  }
  const timeoutMs = ext.timeoutMs ?? DEFAULT_TIMEOUT_MS
  // A Lambda invocation lasts at most 15 minutes (and Node's timers overflow past 2^31 ms).
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
    throw invalidOptions(
      undefined,
      'extension.timeoutMs',
      `must be a whole number of ms from 1 to ${MAX_TIMEOUT_MS}`,
    )
  }
  const connections = ext.connections ?? DEFAULT_CONNECTIONS
  if (!Number.isInteger(connections) || connections < 1 || connections > 64) {
    throw invalidOptions(undefined, 'extension.connections', 'must be a whole number from 1 to 64')
  }
  checkType('extension.refreshNow', ext.refreshNow, 'boolean')
  return {
    port,
    token: ext.token !== undefined ? () => ext.token : () => resolveToken(env),
    timeoutMs,
    refreshNow: ext.refreshNow ?? false,
    connections,
  }
}

/** Validates the instance options (not `fetchData`: see keys.ts) and applies defaults. */
export const resolveOptions = (opts: unknown, env: NodeJS.ProcessEnv = process.env): ResolvedOptions => {
  if (opts !== undefined && !isPlainObject(opts))
    throw invalidOptions(undefined, 'options', 'must be an object')
  const o = (opts ?? {}) as ParamsSecretsOptions & Record<string, unknown>
  for (const name of Object.keys(o)) {
    if (!topLevel.has(name)) throw invalidOptions(undefined, name, 'is not an option of middy-params-secrets')
  }
  checkType('setToContext', o.setToContext, 'boolean')
  checkType('disablePrefetch', o.disablePrefetch, 'boolean')
  checkType('cacheKey', o.cacheKey, 'string')
  checkType('awsClientAssumeRole', o.awsClientAssumeRole, 'string')
  checkType('cacheMaxSize', o.cacheMaxSize, 'number')
  for (const fn of ['AwsClient', 'ssmAwsClient', 'awsClientCapture', 'onEvent', 'now'] as const) {
    checkType(fn, o[fn], 'function')
  }
  for (const obj of ['awsClientOptions', 'ssmAwsClientOptions', 'cacheKeyExpiry'] as const) {
    if (o[obj] !== undefined && !isPlainObject(o[obj]))
      throw invalidOptions(undefined, obj, 'must be an object')
  }
  const limit = o.awsRequestLimit
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 10)) {
    throw invalidOptions(
      undefined,
      'awsRequestLimit',
      'must be a whole number from 1 to 10 (names per GetParameters)',
    )
  }
  if (o.transport !== undefined && !['auto', 'extension', 'sdk'].includes(o.transport)) {
    throw invalidOptions(undefined, 'transport', "must be 'auto', 'extension' or 'sdk'")
  }
  const cacheKey = o.cacheKey ?? 'middy-params-secrets'
  if (o.cacheKey === '') throw invalidOptions(undefined, 'cacheKey', 'must be a non-empty string')
  for (const [name, age] of Object.entries(o.cacheKeyExpiry ?? {})) {
    checkAge(undefined, `cacheKeyExpiry.${name}`, age)
  }
  const ownExpiry =
    o.cacheKeyExpiry && Object.hasOwn(o.cacheKeyExpiry, cacheKey) ? o.cacheKeyExpiry[cacheKey] : undefined
  const cacheExpiry = checkAge(undefined, 'cacheExpiry', ownExpiry ?? o.cacheExpiry ?? -1)
  // DescribeSecret has no extension route: the rotation date needs the SDK, which 'extension' forbids.
  if (o.transport === 'extension' && o.fetchRotationDate !== undefined && o.fetchRotationDate !== false) {
    throw invalidOptions(
      undefined,
      'fetchRotationDate',
      "needs the AWS SDK (DescribeSecret), which transport: 'extension' never uses",
    )
  }
  const transport = o.transport ?? 'auto'
  const sdkOnly = {
    ...sdkOnlyReason('awsClientOptions', o.awsClientOptions, o.awsClientAssumeRole, env, 'secret'),
    ...sdkOnlyReason('ssmAwsClientOptions', o.ssmAwsClientOptions, o.awsClientAssumeRole, env, 'parameter'),
  }
  if (transport === 'extension') {
    for (const reason of Object.values(sdkOnly)) {
      throw invalidOptions(
        undefined,
        'transport',
        `'extension' cannot be used: ${reason}; use 'auto' or 'sdk'`,
      )
    }
  }
  const extension = resolveExtension(o.extension, env, transport !== 'sdk')
  return {
    setToContext: o.setToContext ?? false,
    cacheKey,
    cacheExpiry,
    disablePrefetch: o.disablePrefetch ?? false,
    transport,
    extension,
    sdkOnly,
    layerTtlMs: {
      secret: layerTtlMs(env.SECRETS_MANAGER_TTL),
      parameter: layerTtlMs(env.SSM_PARAMETER_STORE_TTL),
    },
    onEvent: o.onEvent,
    now: o.now ?? Date.now,
    sdk: {
      AwsClient: o.AwsClient,
      awsClientOptions: o.awsClientOptions,
      awsClientAssumeRole: o.awsClientAssumeRole,
      awsClientCapture: o.awsClientCapture,
      ssmAwsClient: o.ssmAwsClient,
      ssmAwsClientOptions: o.ssmAwsClientOptions,
      // A call to AWS takes longer than one to localhost: a short extension.timeoutMs is not its bound.
      timeoutMs: Math.max(extension.timeoutMs, SDK_MIN_TIMEOUT_MS),
      awsRequestLimit: limit,
    },
  }
}

/**
 * The layer reads with the function's own role in the function's region (`AWS_REGION`): client
 * options that name another region, credentials, or an assumed role need the SDK.
 */
const sdkOnlyReason = (
  option: string,
  clientOptions: Record<string, unknown> | undefined,
  assumeRole: string | undefined,
  env: NodeJS.ProcessEnv,
  kind: 'secret' | 'parameter',
): { secret?: string; parameter?: string } => {
  const region = clientOptions?.region
  const reason =
    assumeRole !== undefined
      ? `awsClientAssumeRole is set (the layer reads with the function's own role)`
      : clientOptions?.credentials !== undefined
        ? `${option}.credentials are set (the layer reads with the function's own role)`
        : region !== undefined && region !== (env.AWS_REGION ?? env.AWS_DEFAULT_REGION)
          ? `${option}.region names ${typeof region === 'string' ? `'${region}'` : 'a region provider'}, not the function's region (AWS_REGION), where the layer reads`
          : undefined
  return reason === undefined ? {} : { [kind]: reason }
}
