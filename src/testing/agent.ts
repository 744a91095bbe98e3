import {
  type Answer,
  cachedRead,
  type DataRequest,
  headerValue,
  kindOfPath,
  type Profile,
  type ProfileContext,
  type RequestView,
} from './profile.ts'
import { parseQuery } from './query.ts'
import type { RequestLogEntry } from './request-log-types.ts'
import { agentErrorBody, agentSecretBody } from './wire-format.ts'

/** The agent's path-style prefix (`GET /v1/<ID>`). */
const PATH_PREFIX = '/v1/'
/** The agent accepts its token in either header. */
const TOKEN_HEADERS = ['x-aws-parameters-secrets-token', 'x-vault-token']

// The agent (hyper) sets no Content-Type on any answer.
function plain(status: number, body: string, kind: RequestLogEntry['kind'], id?: string): Answer {
  const answer: Answer = { status, body, headers: {}, kind, cache: 'none' }
  if (id !== undefined) answer.id = id
  return answer
}

function parseRefresh(value: string): boolean | undefined {
  const lower = value.toLowerCase()
  if (lower === 'true' || lower === '1') return true
  if (lower === 'false' || lower === '0') return false
  return undefined
}

interface AgentQuery {
  secretId: string
  versionId?: string
  versionStage?: string
  refreshNow: boolean
}

/** The agent's query parser: the last value wins, any other name is `400 unknown parameter: NAME`. */
function parseAgentQuery(rawQuery: string, secretId: string, allowSecretId: boolean): AgentQuery | Answer {
  const query: AgentQuery = { secretId, refreshNow: false }
  for (const [key, value] of parseQuery(rawQuery, 'rust')) {
    if (key === 'secretId' && allowSecretId) query.secretId = value
    else if (key === 'versionId') query.versionId = value
    else if (key === 'versionStage') query.versionStage = value
    else if (key === 'refreshNow') {
      const refresh = parseRefresh(value)
      if (refresh === undefined) return plain(400, 'invalid refreshNow value', 'secret')
      query.refreshNow = refresh
    } else return plain(400, `unknown parameter: ${key}`, 'secret')
  }
  return query
}

/**
 * The Secrets Manager Agent, as its source reads: checks in the order connection limit,
 * `X-Forwarded-For`, token, method, route; `/ping`; `/secretsmanager/get` and `/v1/<ID>` (the
 * path form is not percent-decoded); `refreshNow`; AWS JSON errors; no parameter endpoint.
 *
 * @example
 * ```ts
 * const agent = createAgentProfile(context)
 * agent.route({ method: 'GET', path: '/ping', rawQuery: '', headers: {}, openConnections: 1 }) // 200 healthy
 * ```
 */
export function createAgentProfile(context: ProfileContext): Profile {
  function secretRequest(query: AgentQuery): DataRequest {
    const { secretId, versionId, versionStage, refreshNow } = query
    const selector: { versionId?: string; versionStage?: string } = {}
    if (versionId !== undefined) selector.versionId = versionId
    if (versionStage !== undefined) selector.versionStage = versionStage
    return {
      kind: 'secret',
      id: secretId,
      successHeaders: {},
      errorHeaders: {},
      wrongShapeBody: JSON.stringify({ Name: secretId }),
      resolve: () => {
        const read = cachedRead(context, {
          kind: 'secret',
          key: JSON.stringify(['secret', secretId, versionId ?? null, versionStage ?? null]),
          ttlMs: context.ttlMs.secrets,
          bypass: refreshNow,
          staleOnTransient: true,
          read: () => {
            const view = context.store.readSecret(secretId, selector)
            return 'code' in view ? view : agentSecretBody(view)
          },
        })
        if ('body' in read) {
          const answer: Answer = { ...plain(200, read.body, 'secret', secretId), cache: read.cache }
          if (read.commit) answer.commit = read.commit
          return answer
        }
        const answer = plain(400, agentErrorBody(read.error.code, read.error.message), 'secret', secretId)
        return { ...answer, cache: read.cache, error: read.error.code }
      },
    }
  }

  function route(request: RequestView): Answer | DataRequest {
    const { path } = request
    const isPing = path === '/ping'
    const kind = isPing ? 'ping' : kindOfPath(path)
    // Two extra connections are kept for health checks.
    if (request.openConnections > context.maxConnections + (isPing ? 2 : 0)) {
      return plain(429, 'Connection limit exceeded', kind)
    }
    if (!isPing) {
      if (request.headers['x-forwarded-for'] !== undefined) return plain(400, 'Forwarded', kind)
      const good = TOKEN_HEADERS.some((name) => headerValue(request.headers, name) === context.token)
      if (!good) return plain(403, 'Bad Token', kind)
    }
    if (request.method !== 'GET') return plain(405, 'Not allowed', kind)
    if (isPing) return plain(200, 'healthy', kind)
    if (path === '/secretsmanager/get') {
      const query = parseAgentQuery(request.rawQuery, '', true)
      if ('status' in query) return query
      if (query.secretId === '') return plain(400, 'missing parameter secretId', kind)
      return secretRequest(query)
    }
    if (path.startsWith(PATH_PREFIX)) {
      const secretId = path.slice(PATH_PREFIX.length)
      if (secretId === '') return plain(400, 'missing secret ID', kind)
      const query = parseAgentQuery(request.rawQuery, secretId, false)
      return 'status' in query ? query : secretRequest(query)
    }
    return plain(404, 'Not found', kind)
  }

  return { name: 'agent', route }
}
