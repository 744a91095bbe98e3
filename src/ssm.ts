/**
 * @module middy-params-secrets/ssm
 *
 * A drop-in for `@middy/ssm` 7: its options with their meaning (a `fetchData` string is a
 * parameter name or ARN, a name ending in `/` a path; `AwsClient` is the SSM client class), mapped
 * onto {@link paramsSecrets}. Named parameters go through the layer first, like every other key;
 * paths always through the SDK.
 */
import { invalidOptions } from './errors.ts'
import { paramsSecrets, paramsSecretsValidateOptions } from './middleware.ts'
import { isPlainObject } from './option-checks.ts'
import type { KeySpec, ParamsSecretsMiddleware, ParamsSecretsOptions, Typed } from './types.ts'
import { asMiddyTypeError } from './validate-options.ts'

export { ParamsSecretsError } from './errors.ts'
export { parameter, parametersByPath, secret } from './key-helpers.ts'
export type { Context, Internal, KeySpec, ParamsSecretsMiddleware, ResolutionEvent } from './types.ts'

const PACKAGE = '@middy/ssm'

/** A parameter name branded with its value's type (middy's `ParamType<T>`). */
export type ParamType<T> = string & Typed<T>

/**
 * `@middy/ssm`'s options, plus this package's own (`transport`, `extension`, `onEvent`, key specs
 * with policies). `AwsClient` and `awsClientOptions` are the SSM client's.
 */
export interface SsmOptions<FetchData extends Record<string, KeySpec> = Record<string, KeySpec>>
  extends Omit<
    ParamsSecretsOptions<FetchData>,
    'AwsClient' | 'awsClientOptions' | 'ssmAwsClient' | 'ssmAwsClientOptions' | 'fetchRotationDate'
  > {
  /** `{ [key]: name | ARN | path/ | KeySpec }`: a string ending in `/` is every parameter under it. */
  fetchData?: FetchData
  /** The SSM client class (default `SSMClient`), as in `@middy/ssm`. */
  AwsClient?: new (
    config: any,
  ) => any
  /** Its configuration. */
  awsClientOptions?: Record<string, unknown>
  /** Names per `GetParameters` call on the SDK path, 1 to 10 (default 10). */
  awsRequestLimit?: number
  /** Default `'@middy/ssm'`, as in `@middy/ssm` 7. */
  cacheKey?: string
}

/** The options the main entry does not know by these names: refused rather than passed on. */
const renamed = ['ssmAwsClient', 'ssmAwsClientOptions', 'fetchRotationDate']

/** `@middy/ssm`'s reading of a string: a name ending in `/` is a path, anything else a parameter. */
const specOf = (spec: unknown): unknown =>
  typeof spec !== 'string' ? spec : spec.endsWith('/') ? { path: spec } : { parameter: spec }

/** `@middy/ssm`'s options as the main entry's; a problem is `InvalidOptions` naming the ssm option. */
const toParamsSecrets = (opts: unknown): ParamsSecretsOptions<any> => {
  if (opts === undefined) return { cacheKey: PACKAGE, awsRequestLimit: 10 }
  if (!isPlainObject(opts)) throw invalidOptions(undefined, 'options', 'must be an object')
  const { AwsClient, awsClientOptions, fetchData, ...rest } = opts
  for (const name of renamed) {
    if (name in rest) throw invalidOptions(undefined, name, 'is not an option of middy-params-secrets/ssm')
  }
  if (AwsClient !== undefined && typeof AwsClient !== 'function')
    throw invalidOptions(undefined, 'AwsClient', 'must be a function (the SSM client class)')
  if (awsClientOptions !== undefined && !isPlainObject(awsClientOptions))
    throw invalidOptions(undefined, 'awsClientOptions', 'must be an object')
  if (fetchData !== undefined && !isPlainObject(fetchData))
    throw invalidOptions(
      undefined,
      'fetchData',
      'must be an object of { key: parameter name | path/ | key spec }',
    )
  return {
    cacheKey: PACKAGE,
    awsRequestLimit: 10,
    ...rest,
    ...(fetchData !== undefined && {
      fetchData: Object.fromEntries(Object.entries(fetchData).map(([key, spec]) => [key, specOf(spec)])),
    }),
    ...(AwsClient !== undefined && { ssmAwsClient: AwsClient as SsmOptions['AwsClient'] }),
    ...(awsClientOptions !== undefined && { ssmAwsClientOptions: awsClientOptions }),
  }
}

/**
 * `@middy/ssm` 7's `ssmValidateOptions`: throws a `TypeError` whose message names the bad option
 * (its `cause` the `ParamsSecretsError`, with `package: '@middy/ssm'`); returns the options.
 *
 * @example
 * ```ts
 * ssmValidateOptions({ fetchData: { url: '/prod/db/url' }, awsRequestLimit: 5 })
 * ```
 */
export const ssmValidateOptions = <T extends SsmOptions<any> | Record<string, unknown> | undefined>(
  options?: T,
): T => asMiddyTypeError(PACKAGE, options as T, () => paramsSecretsValidateOptions(toParamsSecrets(options)))

/**
 * `@middy/ssm` 7's `ssmParam<T>(name)`: the name itself, typed with its value's type.
 *
 * @example
 * ```ts
 * ssm({ fetchData: { flags: ssmParam<{ beta: boolean }>('/prod/flags') }, setToContext: true })
 * ```
 */
export const ssmParam = <T = unknown>(name: string): ParamType<T> => name

/**
 * The `@middy/ssm` drop-in: resolves the declared parameters (and paths) before each invocation
 * onto `request.internal[key]` and, with `setToContext: true`, `context[key]`.
 *
 * @example
 * ```ts
 * import middy from '@middy/core'
 * import ssm, { ssmParam } from 'middy-params-secrets/ssm'
 *
 * export const handler = middy()
 *   .use(ssm({ fetchData: { db: ssmParam<{ url: string }>('/prod/db/'), key: '/prod/api-key' }, setToContext: true }))
 *   .handler(async (_event, context) => context.db.url)
 * ```
 */
const ssm = <const TOptions extends SsmOptions<any> = SsmOptions>(
  opts?: TOptions,
): ParamsSecretsMiddleware<TOptions> =>
  paramsSecrets(toParamsSecrets(opts)) as unknown as ParamsSecretsMiddleware<TOptions>

export default ssm
export { ssm }
