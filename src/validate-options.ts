/**
 * middy 7's option checks (`secretsManagerValidateOptions`, `ssmValidateOptions`): the package's
 * own validation, its `ParamsSecretsError` rethrown as the `TypeError` middy's callers catch.
 */
import { ParamsSecretsError } from './errors.ts'
import { paramsSecretsValidateOptions } from './middleware.ts'
import type { ParamsSecretsOptions } from './types.ts'

/**
 * Runs `check`; an `InvalidOptions` becomes a `TypeError` with the same message (which names the
 * option) and the `ParamsSecretsError` as its `cause`, tagged with middy's `package` as middy's
 * `cause.package` is.
 */
export const asMiddyTypeError = <T>(packageName: string, options: T, check: () => void): T => {
  try {
    check()
  } catch (error) {
    if (!(error instanceof ParamsSecretsError)) throw error
    Object.defineProperty(error, 'package', { value: packageName, enumerable: true })
    throw new TypeError(error.message, { cause: error })
  }
  return options
}

/**
 * middy 7's name for {@link paramsSecretsValidateOptions}: throws a `TypeError` whose message
 * names the bad option (its `cause` is the `ParamsSecretsError`); returns the options otherwise.
 *
 * @example
 * ```ts
 * secretsManagerValidateOptions({ fetchData: { db: 'prod/db' }, cacheExpiry: 60_000 })
 * ```
 */
export const secretsManagerValidateOptions = <T extends ParamsSecretsOptions<any> | undefined>(
  options?: T,
): T => asMiddyTypeError('@middy/secrets-manager', options as T, () => paramsSecretsValidateOptions(options))
