/**
 * A loopback server speaking the AWS JSON 1.1 protocol of Secrets Manager and SSM Parameter Store
 * (GetSecretValue, DescribeSecret, GetParameter, GetParameters, GetParametersByPath with paging),
 * for the real SDK v3 clients
 * configured with its `endpoint`. Signatures are not verified, but a request must be signed.
 */
import { createHash, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export type SecretSeed =
  | string
  | Uint8Array
  | { SecretString?: string; SecretBinary?: Uint8Array; NextRotationDate?: Date }
export type ParameterType = 'String' | 'StringList' | 'SecureString'
export type ParameterSeed = string | { value: string; type?: ParameterType; labels?: string[] }

export interface AwsCall {
  /** `X-Amz-Target`, e.g. `secretsmanager.GetSecretValue` */
  target: string
  body: any
  /** from the signature's credential scope */
  accessKeyId: string | undefined
}

export interface AwsFault {
  status: number
  type: string
  message?: string
  /** a raw body to send instead of the JSON error (say, a truncated answer) */
  body?: string
}

export interface AwsJsonServer {
  endpoint: string
  calls: AwsCall[]
  /** A new version staged `AWSCURRENT` (the previous one becomes `AWSPREVIOUS`), or the given stages. Its VersionId. */
  putSecret(id: string, value: SecretSeed, stages?: string[]): string
  /** A new version of the parameter (labels move to it). Its version number. */
  putParameter(name: string, value: ParameterSeed): number
  /** Answer `AccessDeniedException` for this secret or parameter (GetParameters fails as a whole). */
  deny(id: string): void
  /** Answer the next `times` requests with `ThrottlingException`. */
  throttle(times: number): void
  /** Answer the next `times` (default: every) requests of a target with this error. */
  fail(target: string, fault: AwsFault, times?: number): void
  close(): Promise<void>
}

interface SecretVersion {
  id: string
  text?: string | undefined
  binary?: Uint8Array | undefined
  stages: Set<string>
  created: number
}
interface StoredSecret {
  name: string
  arn: string
  versions: SecretVersion[]
  nextRotation?: Date | undefined
}
interface StoredParameter {
  name: string
  type: ParameterType
  versions: Array<{ version: number; value: string; labels: Set<string>; modified: number }>
}

class AwsError extends Error {
  readonly type: string
  readonly status: number
  constructor(type: string, message: string, status = 400) {
    super(message)
    this.type = type
    this.status = status
  }
}

const ACCOUNT = '123456789012'
const seconds = () => Date.now() / 1000
const suffix = (name: string) => createHash('sha256').update(name).digest('hex').slice(0, 6)
const secretArn = (name: string) =>
  `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:${name}-${suffix(name)}`
const parameterArn = (name: string) =>
  `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter${name.startsWith('/') ? '' : '/'}${name}`
// What SSM returns for a SecureString read without decryption: ciphertext, never the value.
const ciphertext = (value: string) => `AQICAH${createHash('sha256').update(value).digest('base64')}`
const denied = (action: string, resource: string) =>
  new AwsError(
    'AccessDeniedException',
    `User: arn:aws:sts::${ACCOUNT}:assumed-role/test/fn is not authorized to perform: ${action} on resource: ${resource}`,
  )

/** Starts the server on 127.0.0.1, port 0. */
export const startAwsJsonServer = async (
  seed: { secrets?: Record<string, SecretSeed>; parameters?: Record<string, ParameterSeed> } = {},
): Promise<AwsJsonServer> => {
  const secrets = new Map<string, StoredSecret>()
  const parameters = new Map<string, StoredParameter>()
  const deniedIds = new Set<string>()
  const faults: Array<{ target: string | undefined; fault: AwsFault; times: number }> = []
  const calls: AwsCall[] = []

  const putSecret = (id: string, value: SecretSeed, stages = ['AWSCURRENT']): string => {
    const secret = secrets.get(id) ?? { name: id, arn: secretArn(id), versions: [] }
    secrets.set(id, secret)
    const fields = typeof value === 'string' || value instanceof Uint8Array ? undefined : value
    if (fields?.NextRotationDate) secret.nextRotation = fields.NextRotationDate
    const version: SecretVersion = {
      id: randomUUID(),
      text: typeof value === 'string' ? value : fields?.SecretString,
      binary: value instanceof Uint8Array ? value : fields?.SecretBinary,
      stages: new Set(stages),
      created: seconds(),
    }
    if (stages.includes('AWSCURRENT')) {
      for (const v of secret.versions) v.stages.delete('AWSPREVIOUS')
      for (const v of secret.versions) if (v.stages.delete('AWSCURRENT')) v.stages.add('AWSPREVIOUS')
    }
    for (const v of secret.versions) for (const stage of stages) v.stages.delete(stage)
    secret.versions.push(version)
    return version.id
  }

  const putParameter = (name: string, value: ParameterSeed): number => {
    const { value: text, type, labels = [] } = typeof value === 'string' ? { value } : value
    const parameter = parameters.get(name) ?? { name, type: type ?? 'String', versions: [] }
    parameters.set(name, parameter)
    if (type) parameter.type = type
    for (const v of parameter.versions) for (const label of labels) v.labels.delete(label)
    const version = parameter.versions.length + 1
    parameter.versions.push({ version, value: text, labels: new Set(labels), modified: seconds() })
    return version
  }

  for (const [id, value] of Object.entries(seed.secrets ?? {})) putSecret(id, value)
  for (const [name, value] of Object.entries(seed.parameters ?? {})) putParameter(name, value)

  const findSecret = (id: string, action: string): StoredSecret => {
    const secret = secrets.get(id) ?? [...secrets.values()].find((s) => s.arn === id)
    if (!secret)
      throw new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.")
    if (deniedIds.has(secret.name) || deniedIds.has(id)) throw denied(action, secret.arn)
    return secret
  }

  const getSecretValue = (body: any) => {
    const secret = findSecret(body.SecretId, 'secretsmanager:GetSecretValue')
    const stage = body.VersionStage ?? (body.VersionId ? undefined : 'AWSCURRENT')
    const version = secret.versions.find(
      (v) => (!body.VersionId || v.id === body.VersionId) && (!stage || v.stages.has(stage)),
    )
    if (!version) {
      throw new AwsError(
        'ResourceNotFoundException',
        `Secrets Manager can't find the specified secret value for VersionId: ${body.VersionId ?? 'null'}, VersionStage: ${stage ?? 'null'}`,
      )
    }
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.id,
      ...(version.text !== undefined && { SecretString: version.text }),
      ...(version.binary && { SecretBinary: Buffer.from(version.binary).toString('base64') }),
      VersionStages: [...version.stages],
      CreatedDate: version.created,
    }
  }

  const describeSecret = (body: any) => {
    const secret = findSecret(body.SecretId, 'secretsmanager:DescribeSecret')
    return {
      ARN: secret.arn,
      Name: secret.name,
      RotationEnabled: secret.nextRotation !== undefined,
      ...(secret.nextRotation && { NextRotationDate: secret.nextRotation.getTime() / 1000 }),
      LastChangedDate: secret.versions.at(-1)?.created,
      CreatedDate: secret.versions[0]?.created,
      VersionIdsToStages: Object.fromEntries(secret.versions.map((v) => [v.id, [...v.stages]])),
    }
  }

  /** `name`, `name:3`, `name:label` or an ARN of those -> the stored version, or an AwsError. */
  const findParameter = (requested: string, withDecryption: boolean, action: string) => {
    const bare = requested.replace(/^arn:aws:ssm:[^:]*:\d*:parameter/, '')
    const at = bare.indexOf(':')
    const path = at === -1 ? bare : bare.slice(0, at)
    const selector = at === -1 ? undefined : bare.slice(at + 1)
    const parameter = parameters.get(path) ?? parameters.get(path.replace(/^\//, ''))
    if (!parameter) throw new AwsError('ParameterNotFound', `Parameter ${requested} not found.`)
    if (deniedIds.has(parameter.name)) throw denied(action, parameterArn(parameter.name))
    const version = !selector
      ? parameter.versions.at(-1)
      : /^\d+$/.test(selector)
        ? parameter.versions.find((v) => v.version === Number(selector))
        : parameter.versions.find((v) => v.labels.has(selector))
    if (!version) {
      throw new AwsError(
        'ParameterVersionNotFound',
        `Systems Manager could not find version ${selector} of ${path}. Verify the version and try again.`,
      )
    }
    const encrypted = parameter.type === 'SecureString' && !withDecryption
    return {
      Name: parameter.name,
      Type: parameter.type,
      Value: encrypted ? ciphertext(version.value) : version.value,
      Version: version.version,
      ...(selector && { Selector: `:${selector}` }),
      LastModifiedDate: version.modified,
      ARN: parameterArn(parameter.name),
      DataType: 'text',
    }
  }

  const getParameters = (body: any) => {
    const names: string[] = body.Names ?? []
    if (names.length < 1 || names.length > 10) {
      throw new AwsError(
        'ValidationException',
        `1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length less than or equal to 10`,
      )
    }
    const found: any[] = []
    const invalid: string[] = []
    for (const name of new Set(names)) {
      try {
        found.push(findParameter(name, body.WithDecryption === true, 'ssm:GetParameters'))
      } catch (error) {
        if ((error as AwsError).type === 'AccessDeniedException') throw error
        invalid.push(name)
      }
    }
    return { Parameters: found, InvalidParameters: invalid }
  }

  // Pages of `MaxResults` (default 10, as SSM), the token being the next offset; a token not
  // handed out is refused as SSM refuses it.
  const getParametersByPath = (body: any) => {
    const path: string = body.Path
    const prefix = path.endsWith('/') ? path : `${path}/`
    const under = [...parameters.values()].filter(
      (p) =>
        p.name.startsWith(prefix) && (body.Recursive === true || !p.name.slice(prefix.length).includes('/')),
    )
    const denied = under.find((p) => deniedIds.has(p.name))
    if (denied || deniedIds.has(path)) throw denied_(path)
    const start = body.NextToken === undefined ? 0 : Number(body.NextToken)
    if (!Number.isInteger(start) || start < 0 || start > under.length)
      throw new AwsError('ValidationException', 'The specified token is not valid.')
    const size = body.MaxResults ?? 10
    const page = under.slice(start, start + size)
    return {
      Parameters: page.map((p) =>
        findParameter(p.name, body.WithDecryption === true, 'ssm:GetParametersByPath'),
      ),
      ...(start + size < under.length && { NextToken: String(start + size) }),
    }
  }
  const denied_ = (path: string) => denied('ssm:GetParametersByPath', parameterArn(path))

  const operations: Record<string, (body: any) => unknown> = {
    'secretsmanager.GetSecretValue': getSecretValue,
    'secretsmanager.DescribeSecret': describeSecret,
    'AmazonSSM.GetParameter': (body) => ({
      Parameter: findParameter(body.Name, body.WithDecryption === true, 'ssm:GetParameter'),
    }),
    'AmazonSSM.GetParameters': getParameters,
    'AmazonSSM.GetParametersByPath': getParametersByPath,
  }

  const answer = (target: string, body: any) => {
    const fault = faults.find((f) => f.times > 0 && (f.target === undefined || f.target === target))
    if (fault) {
      fault.times -= 1
      const { type, message = type, status, body } = fault.fault
      throw Object.assign(new AwsError(type, message, status), { body })
    }
    const operation = operations[target]
    if (!operation) throw new AwsError('UnknownOperationException', `Unknown operation ${target}`)
    return operation(body)
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const target = String(req.headers['x-amz-target'] ?? '')
    const authorization = String(req.headers.authorization ?? '')
    const send = (status: number, payload: unknown, type?: string, raw?: string) => {
      res.writeHead(status, {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-requestid': randomUUID(),
        ...(type && { 'x-amzn-errortype': type }),
      })
      res.end(raw ?? JSON.stringify(payload))
    }
    try {
      if (req.headers['content-type'] !== 'application/x-amz-json-1.1') {
        throw new AwsError('SerializationException', 'Content-Type must be application/x-amz-json-1.1')
      }
      if (!authorization.startsWith('AWS4-HMAC-SHA256 ')) {
        throw new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token')
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')
      calls.push({ target, body, accessKeyId: /Credential=([^/]+)\//.exec(authorization)?.[1] })
      send(200, answer(target, body))
    } catch (error) {
      const { type = 'InternalFailure', status = 500, message, body } = error as AwsError & { body?: string }
      send(status, { __type: type, message }, body === undefined ? type : undefined, body)
    }
  }

  const server = createServer((req, res) => void handle(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    putSecret,
    putParameter,
    deny: (id) => void deniedIds.add(id),
    throttle: (times) => void faults.push({ target: undefined, fault: THROTTLED, times }),
    fail: (target, fault, times = Number.POSITIVE_INFINITY) => void faults.push({ target, fault, times }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}

const THROTTLED: AwsFault = { status: 400, type: 'ThrottlingException', message: 'Rate exceeded' }
