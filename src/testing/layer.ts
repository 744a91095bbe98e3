import {
  type Answer,
  type CachedRead,
  cachedRead,
  type DataRequest,
  headerValue,
  type Profile,
  type ProfileContext,
} from './profile.ts'
import { firstValue, parseQuery } from './query.ts'
import type { RequestLogEntry } from './request-log-types.ts'
import { SECRET_REFERENCE_PREFIX } from './store.ts'
import { goJson, layerParameterBody, layerReferenceBody, layerSecretBody } from './wire-format.ts'

/**
 * Seen: the layer's one body (status 400) for every upstream failure.
 *
 * @example
 * ```ts
 * if (status === 400 && body === LAYER_GENERIC_ERROR) diagnoseWithTheSdk()
 * ```
 */
export const LAYER_GENERIC_ERROR = 'an unexpected error occurred while executing request'

/**
 * Seen: the layer's body (status 400) during the INIT phase.
 *
 * @example
 * ```ts
 * const notReady = status === 400 && body === LAYER_NOT_READY
 * ```
 */
export const LAYER_NOT_READY = 'not ready to serve traffic, please wait'

/**
 * Seen once (awslabs/aws-sdk-rust#905): the layer's body (status 401, `X-Amzn-Errortype:
 * AccessDeniedException`) for a missing or wrong token.
 *
 * @example
 * ```ts
 * const badToken = status === 401 && body === LAYER_BAD_TOKEN
 * ```
 */
export const LAYER_BAD_TOKEN = 'bad session token or header key'

const TEXT = { 'content-type': 'text/plain' }
// Unknown on the real layer; these are what Go's net/http writes for 404 and 405.
const GO_ERROR = { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' }
const SECRET_QUERY = new Set(['secretId', 'versionId', 'versionStage'])
const PARAMETER_QUERY = new Set(['name', 'version', 'label', 'withDecryption'])
const PARAMETER_PATHS = new Set(['/systemsmanager/parameters/get', '/systemsmanager/parameters/get/'])

function text(status: number, body: string, kind: RequestLogEntry['kind'], extra: object = {}): Answer {
  return { status, body, headers: { ...TEXT, ...extra }, kind, cache: 'none' }
}

function generic(kind: 'secret' | 'parameter', id: string | undefined, error: string): Answer {
  const answer = text(400, LAYER_GENERIC_ERROR, kind)
  answer.error = error
  if (id !== undefined) answer.id = id
  return answer
}

function toAnswer(kind: 'secret' | 'parameter', id: string, read: CachedRead): Answer {
  if ('error' in read) return { ...generic(kind, id, read.error.code), cache: read.cache }
  const answer: Answer = { status: 200, body: read.body, headers: { ...TEXT }, kind, id, cache: read.cache }
  if (read.commit) answer.commit = read.commit
  return answer
}

/** Go's `strconv.ParseBool`; `undefined` for anything else. */
function parseGoBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false
  return undefined
}

/**
 * The Lambda layer: text/plain everywhere, Go-shaped JSON with every field, and one generic 400
 * for every upstream failure. Its answers where no source shows them (bad token aside, seen once)
 * are the emulator's choices: non-GET `405`, unknown path `404` (Go's defaults).
 *
 * @example
 * ```ts
 * const layer = createLayerProfile(context)
 * const routed = layer.route({ method: 'GET', path: '/ping', rawQuery: '', headers: {}, openConnections: 1 })
 * ```
 */
export function createLayerProfile(context: ProfileContext): Profile {
  function secretRequest(rawQuery: string): Answer | DataRequest {
    const pairs = parseQuery(rawQuery, 'go')
    const secretId = firstValue(pairs, 'secretId') || undefined
    if (context.strictQuery && pairs.some(([key]) => !SECRET_QUERY.has(key))) {
      return generic('secret', secretId, 'UnknownQueryParameter')
    }
    if (secretId === undefined) return generic('secret', undefined, 'MissingSecretId')
    const versionId = firstValue(pairs, 'versionId') || undefined
    const versionStage = firstValue(pairs, 'versionStage') || undefined
    return {
      ...shapes('secret', goJson(wrongSecret(secretId))),
      id: secretId,
      resolve: () =>
        toAnswer(
          'secret',
          secretId,
          cachedRead(context, {
            kind: 'secret',
            key: JSON.stringify(['secret', secretId, versionId ?? null, versionStage ?? null]),
            ttlMs: context.ttlMs.secrets,
            read: () => {
              const view = context.store.readSecret(secretId, { versionId, versionStage })
              return 'code' in view ? view : layerSecretBody(view)
            },
          }),
        ),
    }
  }

  function parameterRequest(rawQuery: string): Answer | DataRequest {
    const pairs = parseQuery(rawQuery, 'go')
    const name = firstValue(pairs, 'name') || undefined
    if (context.strictQuery && pairs.some(([key]) => !PARAMETER_QUERY.has(key))) {
      return generic('parameter', name, 'UnknownQueryParameter')
    }
    if (name === undefined) return generic('parameter', undefined, 'MissingName')
    const decryption = parseGoBool(firstValue(pairs, 'withDecryption') || 'false')
    if (decryption === undefined) return generic('parameter', name, 'InvalidWithDecryption')
    // `version` and `label` are exclusive: the first one in the query wins.
    const chosen = pairs.find(([key, value]) => (key === 'version' || key === 'label') && value !== '')
    const selector =
      chosen?.[0] === 'version' ? { version: Number(chosen[1]) } : chosen ? { label: chosen[1] } : {}
    const reference = name.startsWith(SECRET_REFERENCE_PREFIX)
    return {
      ...shapes('parameter', '{"ResultMetadata":{}}'),
      id: name,
      resolve: () =>
        toAnswer(
          'parameter',
          name,
          cachedRead(context, {
            kind: 'parameter',
            key: JSON.stringify(['parameter', name, chosen ?? null, decryption]),
            ttlMs: context.ttlMs.parameters,
            read: () => {
              if (reference) {
                const view = context.store.readSecretReference(name, selector, decryption)
                if ('code' in view) return view
                return layerReferenceBody(name, chosen ? `:${chosen[1]}` : null, view)
              }
              const view = context.store.readParameter(name, selector, decryption)
              return 'code' in view ? view : layerParameterBody(view)
            },
          }),
        ),
    }
  }

  return {
    name: 'layer',
    route(request) {
      const { path } = request
      const kind =
        path === '/secretsmanager/get' ? 'secret' : PARAMETER_PATHS.has(path) ? 'parameter' : 'other'
      if (request.openConnections > context.maxConnections)
        return text(429, 'Connection limit exceeded', kind)
      if (!context.isReady()) return text(400, LAYER_NOT_READY, kind)
      if (headerValue(request.headers, 'x-aws-parameters-secrets-token') !== context.token) {
        return text(401, LAYER_BAD_TOKEN, kind, { 'x-amzn-errortype': 'AccessDeniedException' })
      }
      if (request.method !== 'GET')
        return { ...text(405, 'Method Not Allowed\n', kind), headers: { ...GO_ERROR } }
      if (kind === 'secret') return secretRequest(request.rawQuery)
      if (kind === 'parameter') return parameterRequest(request.rawQuery)
      return { ...text(404, '404 page not found\n', kind), headers: { ...GO_ERROR } }
    },
  }
}

function shapes(kind: 'secret' | 'parameter', wrongShapeBody: string) {
  return { kind, successHeaders: { ...TEXT }, errorHeaders: { ...TEXT }, wrongShapeBody }
}

function wrongSecret(name: string) {
  return {
    ARN: null,
    CreatedDate: null,
    Name: name,
    SecretBinary: null,
    SecretString: null,
    VersionId: null,
    VersionStages: null,
    ResultMetadata: {},
  }
}
