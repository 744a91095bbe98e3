/**
 * The one error class the middleware raises. Its properties are public API: a stable `code`, the
 * `key` at fault, where it came from, the HTTP `status` where there was one, and the upstream
 * `cause`. Nothing here ever holds a secret or parameter value, nor the session token.
 */

const kParamsSecretsError = Symbol.for('middy-params-secrets.error')

/** Where a failure happened: the extension over HTTP, the AWS SDK, or the options at construction. */
export type ErrorSource = 'extension' | 'sdk' | 'options'

/**
 * The package's own error codes. Upstream codes (an AWS `__type` such as `AccessDeniedException`
 * or `ParameterNotFound`) are passed through as they are, so `code` is a string.
 */
export type ParamsSecretsErrorCode =
  | 'InvalidOptions'
  | 'MissingToken'
  | 'ExtensionUnavailable'
  | 'ExtensionNotReady'
  | 'ExtensionRequestFailed'
  | 'Timeout'
  | 'InvalidJson'
  | 'InvalidResponse'
  | 'SdkMissing'
  | 'InvalidToken'
  | 'Closed'
  | 'RegionMissing'
  | (string & {})

/** Constructor fields of {@link ParamsSecretsError}. */
export interface ParamsSecretsErrorInit {
  code: ParamsSecretsErrorCode
  source: ErrorSource
  key?: string | undefined
  status?: number | undefined
  cause?: unknown
}

/**
 * Every failure of the middleware. `instanceof` holds across the ESM and CommonJS builds (and two
 * copies of the package): the class is branded with a registered symbol, as undici's errors are.
 *
 * @example
 * ```ts
 * try { await handler(event, context) } catch (error) {
 *   if (error instanceof ParamsSecretsError && error.code === 'AccessDeniedException') {
 *     console.error(`grant secretsmanager:GetSecretValue for ${error.key}`)
 *   }
 * }
 * ```
 */
export class ParamsSecretsError extends Error {
  override readonly name = 'ParamsSecretsError'
  /** Stable code: one of the package's own, or the upstream AWS error code. */
  readonly code: ParamsSecretsErrorCode
  /** Where it failed. */
  readonly source: ErrorSource
  /** The `fetchData` key at fault; undefined for an instance-wide option or failure. */
  readonly key: string | undefined
  /** The HTTP status of the answer, when there was one. */
  readonly status: number | undefined
  /** Upstream requests made before giving up, where known. */
  attempts: number | undefined

  constructor(message: string, init: ParamsSecretsErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause })
    this.code = init.code
    this.source = init.source
    this.key = init.key
    this.status = init.status
    this.attempts = undefined
  }

  /**
   * A copy with the same fields and cause. Invocations that share one failed fetch each get their
   * own copy, so what one invocation's error handling adds to it (a request id, a "reported" flag)
   * never reaches another.
   */
  copy(): ParamsSecretsError {
    const { code, source, key, status, cause } = this
    const copy = new ParamsSecretsError(this.message, { code, source, key, status, cause })
    copy.attempts = this.attempts
    return copy
  }

  get [kParamsSecretsError](): true {
    return true
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as any)[kParamsSecretsError] === true
  }
}

/**
 * A construction-time options error. `key` is the `fetchData` key at fault (or undefined for an
 * instance option); the message names the key and the option so a user can fix it at once.
 */
export const invalidOptions = (
  key: string | undefined,
  option: string,
  problem: string,
): ParamsSecretsError =>
  new ParamsSecretsError(
    key === undefined
      ? `Invalid option "${option}": ${problem}`
      : `Invalid option "${option}" of key "${key}": ${problem}`,
    { code: 'InvalidOptions', source: 'options', key },
  )

/** A resolution after (or cut by) `close()` of the middleware. */
export const closedError = (key?: string): ParamsSecretsError =>
  new ParamsSecretsError(
    key === undefined
      ? 'The middleware was closed (close() was called): create a new one to resolve values again'
      : `Key "${key}" was not resolved: the middleware was closed (close() was called)`,
    { code: 'Closed', source: 'extension', key },
  )
