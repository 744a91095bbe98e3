/**
 * The extension transport: HTTP/1.1 to 127.0.0.1:PORT with the token header (see connection.ts
 * for the HTTP client). It maps every answer of the Lambda layer and of the Secrets Manager
 * Agent (see EXTENSION-PROTOCOL.md) to a value or a `ParamsSecretsError`, and retries only what
 * is transient (429, 5xx, a reset connection).
 */
import { ParamsSecretsError } from '../errors.ts'
import type { KeyDef } from '../keys.ts'
import { type Connection, createConnection, type RawResponse } from './connection.ts'
import { decodeBody } from './extension-body.ts'
import { extensionError, isRetryable, networkError } from './extension-errors.ts'
import type { FetchContext, Transport, Upstream } from './types.ts'

/** How the transport reaches the extension. */
export interface ExtensionTransportOptions {
  port: number
  /** read at each request */
  token: () => string | undefined
  timeoutMs: number
  /** send `refreshNow=true` on a forced refresh: only the agent understands it */
  refreshNow: boolean
  connections: number
}

const TOKEN_HEADER = 'x-aws-parameters-secrets-token'
const MAX_ATTEMPTS = 3
const BACKOFF_BASE_MS = 10

/** Every value is form-decoded by the servers (`+` is a space), so each is percent-encoded in full. */
export const requestPath = (def: KeyDef, force: boolean, refreshNow: boolean): string => {
  const e = encodeURIComponent
  if (def.kind === 'secret') {
    let path = `/secretsmanager/get?secretId=${e(def.id)}`
    if (def.versionId !== undefined) path += `&versionId=${e(def.versionId)}`
    if (def.versionStage !== undefined) path += `&versionStage=${e(def.versionStage)}`
    // Only the agent knows refreshNow; the layer's answer to unknown parameters is not documented.
    if (force && refreshNow) path += '&refreshNow=true'
    return path
  }
  let path = `/systemsmanager/parameters/get?name=${e(def.id)}`
  if (def.version !== undefined) path += `&version=${def.version}`
  if (def.label !== undefined) path += `&label=${e(def.label)}`
  if (def.withDecryption) path += '&withDecryption=true'
  return path
}

// Ref'd on purpose: an invocation waits on it, and an empty event loop would end the Lambda invocation.
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Exponential backoff with full jitter, so concurrent cold starts do not retry in step. */
export const backoffMs = (attempt: number, baseMs = BACKOFF_BASE_MS): number =>
  Math.round(Math.random() * baseMs * 2 ** (attempt - 1))

/** A transport to the extension, plus `close()` for its connections. */
export const createExtensionTransport = (options: ExtensionTransportOptions): Transport => {
  let connection: Connection | undefined
  const fetchOnce = async (def: KeyDef, path: string): Promise<RawResponse> => {
    connection ??= createConnection(options.port, options.connections, options.timeoutMs)
    try {
      const headers = { [TOKEN_HEADER]: options.token() ?? '' }
      return await connection.get(path, headers, options.timeoutMs)
    } catch (error) {
      throw networkError(def, error, options.timeoutMs)
    }
  }

  return {
    async fetch(def: KeyDef, ctx: FetchContext): Promise<Upstream> {
      const path = requestPath(def, ctx.force, options.refreshNow)
      for (let attempt = 1; ; attempt++) {
        try {
          const response = await fetchOnce(def, path)
          if (response.status === 200) return { ...decodeBody(def, response.body), attempts: attempt }
          throw extensionError(def, response.status, response.body)
        } catch (error) {
          if (attempt < MAX_ATTEMPTS && isRetryable(error)) {
            await sleep(backoffMs(attempt))
            continue
          }
          if (error instanceof ParamsSecretsError) error.attempts = attempt
          throw error
        }
      }
    },
    async close() {
      await connection?.close()
    },
  }
}
