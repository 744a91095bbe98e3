import type { ParameterView } from './parameter-store.ts'
import type { SecretView, UpstreamError } from './secret-store.ts'
import { SECRET_REFERENCE_PREFIX, type Store } from './store.ts'

/**
 * An AWS JSON 1.1 error: its `__type`, message and HTTP status.
 *
 * @example
 * ```ts
 * throw new AwsError('ValidationException', 'Path must begin with /')
 * ```
 */
export class AwsError extends Error {
  readonly type: string
  readonly status: number
  constructor(type: string, message: string, status = 400) {
    super(message)
    this.type = type
    this.status = status
  }
}

/**
 * One operation: the request body in, the response body out (or an {@link AwsError} thrown).
 *
 * @example
 * ```ts
 * const operation: AwsOperation = (body) => ({ Name: body.SecretId })
 * ```
 */
export type AwsOperation = (body: Record<string, any>) => unknown

// AWS JSON 1.1 dates are epoch seconds.
const seconds = (ms: number) => ms / 1000
const fail = (error: UpstreamError): never => {
  throw new AwsError(error.code, error.message)
}
// Store reads return a view or an UpstreamError (the only shape with a `code`).
const orFail = <T extends object>(result: T | UpstreamError): T =>
  'code' in result ? fail(result as UpstreamError) : (result as T)

const validation = (message: string) => new AwsError('ValidationException', message)
const requireString = (body: Record<string, any>, field: string): string => {
  const value = body[field]
  if (typeof value !== 'string' || value === '') throw validation(`${field} must be a non-empty string`)
  return value
}

function secretValue(view: SecretView) {
  return {
    ARN: view.arn,
    Name: view.name,
    VersionId: view.versionId,
    ...(view.secretString !== undefined && { SecretString: view.secretString }),
    ...(view.secretBinary && { SecretBinary: view.secretBinary.toString('base64') }),
    VersionStages: view.versionStages,
    CreatedDate: seconds(view.createdDate),
  }
}

function parameterValue(view: ParameterView) {
  return {
    Name: view.name,
    Type: view.type,
    Value: view.value,
    Version: view.version,
    ...(view.selector && { Selector: view.selector }),
    LastModifiedDate: seconds(view.lastModifiedDate),
    ARN: view.arn,
    DataType: 'text',
  }
}

/** NextToken: the offset into the sorted result, opaque to the client. */
const encodeToken = (offset: number) => Buffer.from(JSON.stringify({ offset })).toString('base64')
function decodeToken(token: unknown): number {
  if (token === undefined) return 0
  try {
    const { offset } = JSON.parse(Buffer.from(String(token), 'base64').toString('utf8'))
    if (Number.isInteger(offset) && offset >= 0) return offset
  } catch {}
  throw validation('The specified token is not valid.')
}

function maxResults(body: Record<string, any>, max: number): number {
  const given = body.MaxResults ?? max
  if (!Number.isInteger(given) || given < 1 || given > max) {
    throw validation(`1 validation error detected: Value at 'maxResults' must be between 1 and ${max}`)
  }
  return given
}

/**
 * The operations the AWS emulator serves, by `X-Amz-Target`, over the shared store.
 *
 * @example
 * ```ts
 * const operations = createAwsOperations(store)
 * operations['secretsmanager.GetSecretValue']!({ SecretId: 'db' })
 * ```
 */
export function createAwsOperations(store: Store): Record<string, AwsOperation> {
  function getSecretValue(body: Record<string, any>) {
    const selector: { versionId?: string; versionStage?: string } = {}
    if (body.VersionId !== undefined) selector.versionId = String(body.VersionId)
    if (body.VersionStage !== undefined) selector.versionStage = String(body.VersionStage)
    return secretValue(orFail(store.readSecret(requireString(body, 'SecretId'), selector)))
  }

  function batchGetSecretValue(body: Record<string, any>) {
    const ids = body.SecretIdList
    if (body.Filters !== undefined) throw validation('The emulator supports SecretIdList, not Filters.')
    if (!Array.isArray(ids) || ids.length < 1 || ids.length > 20) {
      throw validation('SecretIdList must hold 1 to 20 secret IDs.')
    }
    const SecretValues: unknown[] = []
    const Errors: unknown[] = []
    for (const id of new Set(ids.map(String))) {
      const read = store.readSecret(id, {})
      if ('code' in read && read.code === 'ThrottlingException') fail(read)
      if ('code' in read) Errors.push({ SecretId: id, ErrorCode: read.code, Message: read.message })
      else SecretValues.push(secretValue(read))
    }
    return { SecretValues, Errors }
  }

  function describeSecret(body: Record<string, any>) {
    const about = orFail(store.describeSecret(requireString(body, 'SecretId')))
    return {
      ARN: about.arn,
      Name: about.name,
      RotationEnabled: about.nextRotationDate !== undefined,
      ...(about.nextRotationDate !== undefined && { NextRotationDate: seconds(about.nextRotationDate) }),
      LastChangedDate: seconds(about.lastChangedDate),
      CreatedDate: seconds(about.createdDate),
      VersionIdsToStages: about.versionIdsToStages,
    }
  }

  /** GetParameter of one name (`name`, `name:3`, `name:label`, an ARN, or a secret reference). */
  function readParameter(name: string, withDecryption: boolean) {
    if (!name.startsWith(SECRET_REFERENCE_PREFIX)) {
      return parameterValue(orFail(store.readParameter(name, {}, withDecryption)))
    }
    const colon = name.indexOf(':')
    const base = colon === -1 ? name : name.slice(0, colon)
    const selector = colon === -1 ? {} : { label: name.slice(colon + 1) }
    const view = orFail(store.readSecretReference(base, selector, withDecryption))
    return {
      Name: base,
      Type: 'SecureString' as const,
      Value: view.secretString ?? view.secretBinary?.toString('base64') ?? '',
      Version: 0,
      ...(colon !== -1 && { Selector: name.slice(colon) }),
      LastModifiedDate: seconds(view.createdDate),
      ARN: view.arn,
      SourceResult: JSON.stringify(secretValue(view)),
    }
  }

  function getParameters(body: Record<string, any>) {
    const names = body.Names
    if (!Array.isArray(names) || names.length < 1 || names.length > 10) {
      throw validation(
        "1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length less than or equal to 10",
      )
    }
    const Parameters: unknown[] = []
    const InvalidParameters: string[] = []
    for (const name of new Set(names.map(String))) {
      try {
        Parameters.push(readParameter(name, body.WithDecryption === true))
      } catch (error) {
        // A denial or throttling fails the whole call; a missing name is only reported.
        const type = (error as AwsError).type
        if (type === 'AccessDeniedException' || type === 'ThrottlingException') throw error
        InvalidParameters.push(name)
      }
    }
    return { Parameters, InvalidParameters }
  }

  function getParametersByPath(body: Record<string, any>) {
    const path = requireString(body, 'Path')
    const limit = maxResults(body, 10)
    const offset = decodeToken(body.NextToken)
    const views = orFail(
      store.readParametersByPath(path, body.Recursive === true, body.WithDecryption === true),
    )
    const page = views.slice(offset, offset + limit).map(parameterValue)
    const next = offset + limit < views.length ? encodeToken(offset + limit) : undefined
    return { Parameters: page, ...(next && { NextToken: next }) }
  }

  return {
    'secretsmanager.GetSecretValue': getSecretValue,
    'secretsmanager.BatchGetSecretValue': batchGetSecretValue,
    'secretsmanager.DescribeSecret': describeSecret,
    'AmazonSSM.GetParameter': (body) => ({
      Parameter: readParameter(requireString(body, 'Name'), body.WithDecryption === true),
    }),
    'AmazonSSM.GetParameters': getParameters,
    'AmazonSSM.GetParametersByPath': getParametersByPath,
  }
}
