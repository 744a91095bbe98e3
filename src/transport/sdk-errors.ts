/**
 * SDK failures -> `ParamsSecretsError`: the operation, the secret or parameter, the key, the AWS
 * code and, for access and KMS errors, the permission to grant. Never a value.
 */
import { ParamsSecretsError } from '../errors.ts'
import type { KeyDef } from '../model.ts'

const GENERIC_NAMES = new Set(['Error', 'TypeError', 'RangeError', 'SyntaxError'])

/** A service code, without the namespace (`com.amazonaws...#Code`) or URL (`Code:http://...`) forms. */
export const typeCode = (type: unknown): string | undefined =>
  typeof type === 'string' && type ? type.split('#').pop()!.split(':')[0] : undefined

/** The AWS code of an SDK error: its `name` (the SDK sets it to the code), else `__type`, else `code` (`ECONNREFUSED`). */
export const awsErrorCode = (error: any): string => {
  const name: unknown = error?.name
  const named = typeof name === 'string' && !GENERIC_NAMES.has(name) && !name.endsWith('ServiceException')
  const code = typeof error?.code === 'string' ? error.code : undefined
  return (named ? name : undefined) ?? typeCode(error?.__type) ?? code ?? 'SdkError'
}

/** The service operations this transport calls. */
export type SdkOperation =
  | 'GetSecretValue'
  | 'BatchGetSecretValue'
  | 'DescribeSecret'
  | 'GetParameter'
  | 'GetParameters'
  | 'GetParametersByPath'

/** The name GetParameter(s) takes: the id, with its version or label selector. */
export const parameterName = (def: KeyDef): string =>
  def.version !== undefined ? `${def.id}:${def.version}` : def.label ? `${def.id}:${def.label}` : def.id

const nameOf = (def: KeyDef): string => {
  if (def.kind === 'parameter') return `parameter '${parameterName(def)}'`
  if (def.kind === 'path') return `path '${def.id}'`
  const version = def.versionId ?? def.versionStage
  return `secret '${def.id}'${version === undefined ? '' : ` (${version})`}`
}

const permissions = (def: KeyDef, operation: SdkOperation): string => {
  if (operation === 'DescribeSecret') return 'secretsmanager:DescribeSecret (fetchRotationDate)'
  const action =
    def.kind === 'secret'
      ? 'secretsmanager:GetSecretValue'
      : def.kind === 'path'
        ? 'ssm:GetParametersByPath'
        : 'ssm:GetParameter and ssm:GetParameters'
  const decrypts = def.kind === 'secret' || def.withDecryption
  return decrypts
    ? `${action} (and kms:Decrypt on its KMS key if a customer-managed key encrypts it)`
    : action
}

export const hint = (code: string, def: KeyDef, operation: SdkOperation): string => {
  if (/KMS|Decrypt|InvalidKeyId|Ciphertext/i.test(code)) {
    return " Grant kms:Decrypt on the KMS key that encrypts it to the function's role."
  }
  if (/AccessDenied|Unauthorized|NotAuthorized/i.test(code)) {
    return ` Grant ${permissions(def, operation)} to the function's role.`
  }
  if (/NotFound/i.test(code)) return ' Check the name (or ARN), the version or label, and the region.'
  if (/Throttl|LimitExceeded/i.test(code)) return ' The service throttled the request.'
  if (code === 'InvalidSignatureException') return ' Check the clock and the credentials.'
  if (code === 'RegionMissing')
    return " Set AWS_REGION (the Lambda runtime sets it) or the client options' region."
  if (code === 'CredentialsProviderError') {
    return " Give the SDK credentials (in Lambda, the function's role; locally AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)."
  }
  return ''
}

const service = (operation: SdkOperation): string =>
  operation.startsWith('GetParameter') ? 'SSM' : 'Secrets Manager'

/** The start of every message: the operation, the secret or parameter, the key. */
export const subject = (def: KeyDef, operation: SdkOperation): string =>
  `${service(operation)} ${operation} of ${nameOf(def)} for key '${def.key}'`

/**
 * The SDK error as a cause: its name, code, message and metadata, without the hidden `$response`
 * (it holds the request's headers: the session token and the signature).
 */
const plainCopy = (error: unknown): Error => {
  const e = error as {
    name?: unknown
    message?: unknown
    __type?: unknown
    $fault?: unknown
    $metadata?: unknown
  }
  const copy = new Error(typeof e?.message === 'string' ? e.message : String(error))
  copy.name = typeof e?.name === 'string' ? e.name : 'Error'
  return Object.assign(copy, {
    ...(e?.__type !== undefined && { __type: e.__type }),
    ...(e?.$fault !== undefined && { $fault: e.$fault }),
    ...(e?.$metadata !== undefined && { $metadata: e.$metadata }),
  })
}

/**
 * Maps an SDK error to a `ParamsSecretsError` naming the key, the secret or parameter, the AWS code
 * and, for access and KMS errors, the permission to grant. The SDK error is the `cause`; AWS error
 * messages never echo values, and none is put in the message. A 2xx answer the SDK failed to read
 * becomes `InvalidResponse` without a cause, since the SDK keeps the raw body on its error. A
 * `ParamsSecretsError` keeps its code and message, with `key` set to this key.
 *
 * @example
 * ```ts
 * await client.send(command).catch((error) => { throw sdkError(error, def) })
 * ```
 */
export const sdkError = (
  error: unknown,
  def: KeyDef,
  operation: SdkOperation = def.kind === 'secret'
    ? 'GetSecretValue'
    : def.kind === 'path'
      ? 'GetParametersByPath'
      : 'GetParameter',
): ParamsSecretsError => {
  if (error instanceof ParamsSecretsError) {
    if (error.key === def.key) return error
    const { code, source, status, cause } = error
    return new ParamsSecretsError(error.message, { code, source, key: def.key, status, cause })
  }
  const httpStatus = (error as any)?.$metadata?.httpStatusCode
  const status = typeof httpStatus === 'number' ? httpStatus : undefined
  // A success the SDK could not read: its error keeps the raw body, the value perhaps, so no cause.
  if (status !== undefined && status < 300) {
    const message = `${subject(def, operation)} failed: the answer (status ${status}) could not be read.`
    return new ParamsSecretsError(message, { code: 'InvalidResponse', source: 'sdk', key: def.key, status })
  }
  // The SDK's own request timeout gets the code the extension path gives a timeout.
  const awsCode = awsErrorCode(error)
  const code = awsCode === 'TimeoutError' ? 'Timeout' : isRegionMissing(error) ? 'RegionMissing' : awsCode
  const failure = new ParamsSecretsError(
    `${subject(def, operation)} failed: ${code}${clientReason(error, status)}.${hint(code, def, operation)}`,
    { code, source: 'sdk', key: def.key, status, cause: plainCopy(error) },
  )
  failure.attempts = attemptsOf(error)
  return failure
}

const isRegionMissing = (error: unknown): boolean =>
  /^Region is missing/.test(String((error as { message?: unknown })?.message))

/**
 * The SDK's own reason for a failure before any answer (no region, no credentials, a bad
 * endpoint): those messages describe the configuration, never a value or a credential. A
 * service's messages stay in `cause`.
 */
const clientReason = (error: unknown, status: number | undefined): string => {
  if (status !== undefined) return ''
  const message = (error as { message?: unknown })?.message
  if (typeof message !== 'string' || message === '') return ''
  const firstLine = message.split('\n')[0]!.slice(0, 200)
  return ` (${firstLine})`
}

const attemptsOf = (error: unknown): number | undefined => {
  const e = error as { $attempts?: unknown; $metadata?: { attempts?: unknown } }
  const attempts = e?.$attempts ?? e?.$metadata?.attempts
  return typeof attempts === 'number' ? attempts : undefined
}

/** The key's budget ran out, or the middleware was closed, while the SDK call was in flight. */
export const abortedError = (def: KeyDef, operation: SdkOperation, reason: unknown, timeoutMs: number) => {
  if (reason instanceof ParamsSecretsError)
    return reason.key === def.key ? reason : sdkError(reason, def, operation)
  return new ParamsSecretsError(
    `${subject(def, operation)} did not answer within its budget (${Math.round(timeoutMs)} ms).`,
    { code: 'Timeout', source: 'sdk', key: def.key },
  )
}

export const invalidResponse = (def: KeyDef, operation: SdkOperation, what: string): ParamsSecretsError =>
  new ParamsSecretsError(`${subject(def, operation)}: ${what}.`, {
    code: 'InvalidResponse',
    source: 'sdk',
    key: def.key,
  })

/** Codes for which a batch's failure may be one name's fault: each name is then asked alone. */
export const isPerNameFailure = (error: unknown): boolean =>
  /AccessDenied|NotAuthorized|Unauthorized|KMS|Decrypt|InvalidKeyId|Ciphertext|ValidationException/i.test(
    error instanceof ParamsSecretsError ? String(error.code) : awsErrorCode(error),
  )
