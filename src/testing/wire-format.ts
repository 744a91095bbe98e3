import type { ParameterView } from './parameter-store.ts'
import type { SecretView } from './secret-store.ts'

/**
 * JSON as Go's `encoding/json` writes it (the layer is Go): compact, with `<`, `>`, `&`, U+2028 and
 * U+2029 escaped as `\u003c`... Object key order is the caller's.
 *
 * @example
 * ```ts
 * goJson({ a: 'x&y' }) // '{"a":"x\\u0026y"}'
 * ```
 */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, unicodeEscape)
}

function unicodeEscape(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`
}

/**
 * A time as Go's `time.Time` marshals it (RFC 3339 with the fraction's trailing zeros trimmed).
 *
 * @example
 * ```ts
 * goTime(Date.parse('2022-11-16T08:22:40.499Z')) // '2022-11-16T08:22:40.499Z'
 * goTime(Date.parse('2022-11-16T08:22:40.500Z')) // '2022-11-16T08:22:40.5Z'
 * ```
 */
export function goTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.(\d*?)0*Z$/, (_, digits: string) => (digits ? `.${digits}Z` : 'Z'))
}

/**
 * The layer's 200 body for a secret: every field present, Go field order, `ResultMetadata: {}`.
 *
 * @example
 * ```ts
 * layerSecretBody(view) // '{"ARN":"arn:...","CreatedDate":"2022-...","Name":"db","SecretBinary":null,...}'
 * ```
 */
export function layerSecretBody(view: SecretView): string {
  return goJson({
    ARN: view.arn,
    CreatedDate: goTime(view.createdDate),
    Name: view.name,
    SecretBinary: view.secretBinary ? view.secretBinary.toString('base64') : null,
    SecretString: view.secretString ?? null,
    VersionId: view.versionId,
    VersionStages: view.versionStages,
    ResultMetadata: {},
  })
}

/**
 * The layer's 200 body for a parameter.
 *
 * @example
 * ```ts
 * layerParameterBody(view) // '{"Parameter":{"ARN":"arn:aws:ssm:...","DataType":"text",...},"ResultMetadata":{}}'
 * ```
 */
export function layerParameterBody(view: ParameterView): string {
  return goJson({
    Parameter: {
      ARN: view.arn,
      DataType: 'text',
      LastModifiedDate: goTime(view.lastModifiedDate),
      Name: view.name,
      Selector: view.selector ?? null,
      SourceResult: null,
      Type: view.type,
      Value: view.value,
      Version: view.version,
    },
    ResultMetadata: {},
  })
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/**
 * A date as Java's default `DateFormat` (in UTC) writes it, as SSM's `SourceResult` shows.
 *
 * @example
 * ```ts
 * javaDate(Date.parse('2022-11-16T08:22:40.499Z')) // 'Nov 16, 2022, 8:22:40 AM'
 * ```
 */
export function javaDate(ms: number): string {
  const date = new Date(ms)
  const hours = date.getUTCHours()
  const pad = (n: number) => String(n).padStart(2, '0')
  const time = `${hours % 12 === 0 ? 12 : hours % 12}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`
  return `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()}, ${time} ${hours < 12 ? 'AM' : 'PM'}`
}

/** Gson's default HTML-safe escaping. */
function gsonJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&='\u2028\u2029]/g, unicodeEscape)
}

/**
 * The `SourceResult` text of a secret read through Parameter Store: SSM's Java service serialises
 * the GetSecretValue result with Gson (nulls omitted, bytes as a `java.nio.ByteBuffer`).
 *
 * @example
 * ```ts
 * sourceResult(view) // '{"ARN":"arn:...","name":"db","versionId":"...","secretString":"...",...}'
 * ```
 */
export function sourceResult(view: SecretView): string {
  const binary = view.secretBinary
  return gsonJson({
    ARN: view.arn,
    name: view.name,
    versionId: view.versionId,
    secretString: view.secretString,
    secretBinary: binary && {
      hb: [...binary].map((byte) => (byte > 127 ? byte - 256 : byte)),
      offset: 0,
      isReadOnly: false,
      bigEndian: true,
      nativeByteOrder: false,
      mark: -1,
      position: 0,
      limit: binary.length,
      capacity: binary.length,
      address: 16,
    },
    versionStages: view.versionStages,
    createdDate: javaDate(view.createdDate),
  })
}

/**
 * The layer's 200 body for `/aws/reference/secretsmanager/ID`: the secret's ARN, `DataType` null,
 * `Version` 0, the raw result in `SourceResult`, and `Value` null for a binary secret.
 *
 * @example
 * ```ts
 * layerReferenceBody('/aws/reference/secretsmanager/db', ':AWSPREVIOUS', view)
 * ```
 */
export function layerReferenceBody(name: string, selector: string | null, view: SecretView): string {
  return goJson({
    Parameter: {
      ARN: view.arn,
      DataType: null,
      LastModifiedDate: goTime(view.createdDate),
      Name: name,
      Selector: selector,
      SourceResult: sourceResult(view),
      Type: 'SecureString',
      Value: view.secretString ?? null,
      Version: 0,
    },
    ResultMetadata: {},
  })
}

/**
 * The agent's 200 body: absent fields omitted, `CreatedDate` as a string of epoch seconds.
 *
 * @example
 * ```ts
 * agentSecretBody(view) // '{"ARN":"...","Name":"db","VersionId":"...","SecretString":"...","VersionStages":["AWSCURRENT"],"CreatedDate":"1569534789.046"}'
 * ```
 */
export function agentSecretBody(view: SecretView): string {
  return JSON.stringify({
    ARN: view.arn,
    Name: view.name,
    VersionId: view.versionId,
    SecretString: view.secretString,
    SecretBinary: view.secretBinary?.toString('base64'),
    VersionStages: view.versionStages,
    CreatedDate: String(view.createdDate / 1000),
  })
}

/**
 * The agent's AWS error body, written by hand as the agent does: the message is not escaped, so a
 * `"` in it makes the body invalid JSON (clients must parse defensively).
 *
 * @example
 * ```ts
 * agentErrorBody('ThrottlingException', 'Rate exceeded') // '{"__type":"ThrottlingException", "message":"Rate exceeded"}'
 * ```
 */
export function agentErrorBody(code: string, message: string): string {
  if (message === '' || code === 'InternalFailure') return '{"__type":"InternalFailure"}'
  return `{"__type":"${code}", "message":"${message}"}`
}
