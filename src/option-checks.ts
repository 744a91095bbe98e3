/**
 * The checks several option readers share (instance options, key specs, the /ssm entry), each
 * throwing `InvalidOptions` that names the option (and key) at fault.
 */
import { invalidOptions } from './errors.ts'

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** -1, 0, a positive integer (ms), or above a day an epoch-ms deadline: middy's `cacheExpiry`. */
export const checkAge = (
  key: string | undefined,
  option: string,
  value: unknown,
  allowMinusOne = true,
): number => {
  // Stryker disable next-line ConditionalExpression: equivalent: Number.isInteger is false for a non-number (typeof narrows the type)
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

export const checkType = (option: string, value: unknown, type: string): void => {
  if (value !== undefined && typeof value !== type)
    throw invalidOptions(undefined, option, `must be a ${type}`)
}
