/**
 * Defaults, validation and environment lookups: done once, at construction. Every problem is a
 * `ParamsSecretsError` with code `InvalidOptions` naming the option (and key) at fault.
 */
import { invalidOptions } from './errors.ts'
import { type ResolvedExtension, resolveExtension } from './extension-options.ts'
import { layerTtlMs, sdkOnlyReason } from './layer-limits.ts'
import { checkAge, checkType, isPlainObject } from './option-checks.ts'
import type { SdkTransportOptions } from './transport/sdk-clients.ts'
import type { ParamsSecretsOptions } from './types.ts'

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
  extension: ResolvedExtension
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
