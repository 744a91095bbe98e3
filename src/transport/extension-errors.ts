/**
 * Failures of the extension -> `ParamsSecretsError`. The layer hides every upstream failure
 * behind one generic 400; the agent passes AWS JSON errors. Bodies are never quoted in messages:
 * only a recognised `__type` is kept.
 */
import { ParamsSecretsError } from '../errors.ts'
import type { KeyDef } from '../model.ts'
import {
  BODY_CUT_SHORT,
  BODY_TOO_LARGE,
  CONNECTION_CLOSED,
  MAX_BODY_BYTES,
  REQUEST_TIMEOUT,
} from './requests.ts'

export const GENERIC_400_BODY = 'an unexpected error occurred while executing request'

const what = (def: KeyDef): string => `key "${def.key}" (${def.kind} ${def.id})`

const permissions = (def: KeyDef): string =>
  def.kind === 'secret'
    ? 'secretsmanager:GetSecretValue on the secret'
    : `ssm:GetParameter on the parameter${def.id.startsWith('/aws/reference/secretsmanager/') ? ' and secretsmanager:GetSecretValue on the secret' : ''}`

/** The layer's generic 400, explained: what the user should check, and where the real error is. */
export const genericFailureMessage = (def: KeyDef): string =>
  `The Parameters and Secrets Lambda Extension failed ${what(def)} with its generic 400 ` +
  `("${GENERIC_400_BODY}"), which hides the real AWS error. Check that the function's role allows ` +
  `${permissions(def)} (plus kms:Decrypt when a customer-managed KMS key encrypts it), that the ` +
  `${def.kind === 'secret' ? 'secret id' : 'parameter name'}, version and label exist in this account and region, ` +
  'and look for the real error the layer logs in the function\'s CloudWatch log group. With transport: "auto" ' +
  'and the AWS SDK available, the middleware asks the service directly to name the error.'

/** An AWS error code: `AccessDeniedException`, `ParameterNotFound`, `InternalFailure`, `TimeoutError`... */
export const AWS_ERROR_CODE = /^[A-Z][A-Za-z]{1,100}(Exception|Error|Failure|NotFound|Fault)$/

// The agent writes some JSON bodies by hand (a `"` in an AWS message breaks them): read `__type`
// alone, and only when it is shaped like an AWS code (a body is never copied into an error).
const awsErrorType = (body: string): string | undefined => {
  const type = /"__type"\s*:\s*"([A-Za-z0-9_.#:-]{1,128})"/.exec(body)?.[1]?.split('#').pop()
  return type !== undefined && AWS_ERROR_CODE.test(type) ? type : undefined
}

/** A non-200 answer -> the error a user can act on. */
export const extensionError = (def: KeyDef, status: number, body: string): ParamsSecretsError => {
  const text = body.trim()
  // The layer's INIT-phase answer (`not ready to serve traffic, please wait`): the one 400 it tells apart.
  if (status === 400 && text.startsWith('not ready')) {
    return new ParamsSecretsError(`The extension is not ready yet (INIT phase) for ${what(def)}`, {
      code: 'ExtensionNotReady',
      source: 'extension',
      key: def.key,
      status,
    })
  }
  if (status === 400 && text === GENERIC_400_BODY) {
    return new ParamsSecretsError(genericFailureMessage(def), {
      code: 'ExtensionRequestFailed',
      source: 'extension',
      key: def.key,
      status,
    })
  }
  const type = awsErrorType(text)
  if (status === 504 || type === 'TimeoutError') {
    return new ParamsSecretsError(`The extension timed out calling AWS for ${what(def)}`, {
      code: 'Timeout',
      source: 'extension',
      key: def.key,
      status,
    })
  }
  if (type !== undefined) {
    return new ParamsSecretsError(`The extension answered ${status} ${type} for ${what(def)}`, {
      code: type,
      source: 'extension',
      key: def.key,
      status,
    })
  }
  const hint =
    status === 401 || status === 403
      ? ': it refused the token (X-Aws-Parameters-Secrets-Token); check extension.token or AWS_SESSION_TOKEN'
      : status === 404
        ? `: it has no such route (the Secrets Manager Agent serves no parameters)`
        : status === 429
          ? ': too many connections'
          : ''
  return new ParamsSecretsError(`The extension answered ${status} for ${what(def)}${hint}`, {
    code: 'ExtensionRequestFailed',
    source: 'extension',
    key: def.key,
    status,
  })
}

const CONNECTION_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED'])
const TIMEOUT_ERRORS = new Set([
  REQUEST_TIMEOUT,
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
])

/** Where the request was sent, and how long it was given (cut to the invocation's budget or not). */
export interface RequestScope {
  port: number
  timeoutMs: number
  /** the timer was the invocation's remaining budget, shorter than `extension.timeoutMs` */
  budgetCut?: boolean
}

/** A request that got no complete answer -> `Timeout`, `InvalidResponse` (too large, cut short), `Closed` or `ExtensionUnavailable`. */
export const networkError = (def: KeyDef, error: unknown, scope: RequestScope): ParamsSecretsError => {
  const code = (error as { code?: string })?.code ?? ''
  const status = (error as { status?: number })?.status
  const fields = { source: 'extension' as const, key: def.key, cause: error }
  if (code === 'ECONNREFUSED') {
    return new ParamsSecretsError(
      `The extension refused the connection for ${what(def)}: nothing listens on 127.0.0.1:${scope.port}: ` +
        "add the layer, start the emulator, or set transport: 'sdk'",
      { code: 'ExtensionUnavailable', ...fields },
    )
  }
  if (TIMEOUT_ERRORS.has(code)) return timeoutError(def, scope, error)
  if (code === BODY_TOO_LARGE) {
    return new ParamsSecretsError(
      `The extension answered ${status} for ${what(def)} with a body over ${MAX_BODY_BYTES} bytes, the cap ` +
        '(no secret or parameter is that large): reading stopped there; check that the layer (not another server) is on the port',
      { code: 'InvalidResponse', status, ...fields },
    )
  }
  if (code === BODY_CUT_SHORT) {
    return new ParamsSecretsError(
      `The extension answered ${status} for ${what(def)} but the connection ended before the body did (cut short)`,
      { code: 'InvalidResponse', status, ...fields },
    )
  }
  if (code === CONNECTION_CLOSED) return closedError(def, error)
  return new ParamsSecretsError(
    `The connection to the extension on 127.0.0.1:${scope.port} failed for ${what(def)}${CONNECTION_ERRORS.has(code) ? ' (reset)' : ''}`,
    { code: 'ExtensionUnavailable', ...fields },
  )
}

/** The request's budget ran out: `extension.timeoutMs`, or the invocation's remaining time. */
export const timeoutError = (def: KeyDef, scope: RequestScope, cause?: unknown): ParamsSecretsError =>
  new ParamsSecretsError(
    scope.budgetCut
      ? `The invocation's time budget ran out before the extension answered for ${what(def)}`
      : `The extension did not answer within ${scope.timeoutMs} ms for ${what(def)}`,
    { code: 'Timeout', source: 'extension', key: def.key, cause },
  )

/** A fetch after `close()`, or cut by it. */
export const closedError = (def: KeyDef, cause?: unknown): ParamsSecretsError =>
  new ParamsSecretsError(`The middleware was closed: no value for ${what(def)}`, {
    code: 'Closed',
    source: 'extension',
    key: def.key,
    cause,
  })

// What Node and undici accept in a header value, less tab: a token is never whitespace.
const HEADER_VALUE = /^[\x20-\x7e\x80-\xff]*$/

/**
 * A token that cannot be sent as a header value (CR, LF, NUL or another control character, or a
 * character above U+00FF) -> `InvalidToken`; undefined for a good one. The token is never quoted.
 */
export const invalidTokenError = (def: KeyDef, token: string): ParamsSecretsError | undefined => {
  if (HEADER_VALUE.test(token)) return undefined
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are the point
  const kind = /[\x00-\x1f\x7f]/.test(token)
    ? 'a control character (CR, LF, NUL, ...)'
    : 'a character above U+00FF'
  return new ParamsSecretsError(
    `The extension token holds ${kind}, which an HTTP header cannot carry; nothing was sent for ${what(def)}. ` +
      'Fix extension.token, or the variable it comes from (AWS_TOKEN, AWS_SESSION_TOKEN, AWS_CONTAINER_AUTHORIZATION_TOKEN)',
    { code: 'InvalidToken', source: 'extension', key: def.key },
  )
}

const causeCode = (error: ParamsSecretsError): string =>
  (error.cause as { code?: string } | undefined)?.code ?? ''

/** Connection refused: nothing listens on the port (no layer, or the agent not started yet). */
export const isRefused = (error: unknown): boolean =>
  error instanceof ParamsSecretsError &&
  error.code === 'ExtensionUnavailable' &&
  causeCode(error) === 'ECONNREFUSED'

/**
 * Transient: 429, 5xx other than an upstream timeout, a connection reset before the answer, and a
 * body cut short, the latter on the first attempt only: a layer that restarts mid-answer is served
 * by one more request, one that always cuts its answers short is not worth three.
 */
export const isRetryable = (error: unknown, attempt = 1): boolean => {
  if (!(error instanceof ParamsSecretsError)) return false
  if (error.code === 'ExtensionUnavailable') return causeCode(error) !== 'ECONNREFUSED'
  if (error.code === 'InvalidResponse') return causeCode(error) === BODY_CUT_SHORT && attempt === 1
  const status = error.status ?? 0
  return status === 429 || (status >= 500 && error.code !== 'Timeout')
}
