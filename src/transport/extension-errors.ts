/**
 * Failures of the extension -> `ParamsSecretsError`. The layer hides every upstream failure
 * behind one generic 400; the agent passes AWS JSON errors. Bodies are never quoted in messages:
 * only a recognised `__type` is kept.
 */
import { ParamsSecretsError } from '../errors.ts'
import type { KeyDef } from '../keys.ts'
import { REQUEST_TIMEOUT } from './connection.ts'

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

/** A request that got no complete answer -> `Timeout`, or `ExtensionUnavailable` (refused or reset). */
export const networkError = (def: KeyDef, error: unknown, timeoutMs: number): ParamsSecretsError => {
  const code = (error as { code?: string })?.code ?? ''
  if (code === 'ECONNREFUSED') {
    return new ParamsSecretsError(
      `Nothing listens on the extension's port for ${what(def)} (connection refused)`,
      {
        code: 'ExtensionUnavailable',
        source: 'extension',
        key: def.key,
        cause: error,
      },
    )
  }
  if (TIMEOUT_ERRORS.has(code)) {
    return new ParamsSecretsError(`The extension did not answer within ${timeoutMs} ms for ${what(def)}`, {
      code: 'Timeout',
      source: 'extension',
      key: def.key,
      cause: error,
    })
  }
  return new ParamsSecretsError(
    `The connection to the extension failed for ${what(def)}${CONNECTION_ERRORS.has(code) ? ' (reset)' : ''}`,
    { code: 'ExtensionUnavailable', source: 'extension', key: def.key, cause: error },
  )
}

const causeCode = (error: ParamsSecretsError): string =>
  (error.cause as { code?: string } | undefined)?.code ?? ''

/** Connection refused: nothing listens on the port (no layer, or the agent not started yet). */
export const isRefused = (error: unknown): boolean =>
  error instanceof ParamsSecretsError &&
  error.code === 'ExtensionUnavailable' &&
  causeCode(error) === 'ECONNREFUSED'

/** Transient: 429, 5xx other than an upstream timeout, and a connection reset mid-request. */
export const isRetryable = (error: unknown): boolean => {
  if (!(error instanceof ParamsSecretsError)) return false
  if (error.code === 'ExtensionUnavailable') return causeCode(error) !== 'ECONNREFUSED'
  const status = error.status ?? 0
  return status === 429 || (status >= 500 && error.code !== 'Timeout')
}
