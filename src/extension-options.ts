/**
 * The `extension` options: the port, token, timeout and connections to the layer on 127.0.0.1,
 * with the layer's own variables as fallbacks.
 */
import { invalidOptions } from './errors.ts'
import { checkType, isPlainObject } from './option-checks.ts'
import type { ExtensionOptions } from './types.ts'

/** The `extension` options after defaults and environment. Internal. */
export interface ResolvedExtension {
  port: number
  /** read at each request: a SnapStart restore or a long-lived process may change the variables */
  token: () => string | undefined
  timeoutMs: number
  refreshNow: boolean
  connections: number
}

const DEFAULT_PORT = 2773
const DEFAULT_TIMEOUT_MS = 3000
// Callers' connections to the extension, not the layer's own: PARAMETERS_SECRETS_EXTENSION_MAX_CONNECTIONS
// (3) bounds its outbound clients to AWS. The Secrets Manager Agent documents 800 simultaneous
// inbound connections (max_conn, 1 to 1000); the layer documents none. 10 halves a 50-key miss
// against 3 and costs nothing measurable at 10 keys (bench/findings.md, figure 2).
const DEFAULT_CONNECTIONS = 10
const MAX_TIMEOUT_MS = 900_000

const extensionKeys = new Set(['port', 'token', 'timeoutMs', 'refreshNow', 'connections'])

const checkPort = (option: string, value: unknown): number => {
  const port = typeof value === 'string' && /^\d{1,5}$/.test(value) ? Number(value) : value
  // Stryker disable next-line ConditionalExpression: equivalent: Number.isInteger is false for a non-number (typeof narrows the type)
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    // The host is always 127.0.0.1: a port is the only thing a user may choose.
    throw invalidOptions(
      undefined,
      option,
      'must be a port number from 1 to 65535 (the extension is always on 127.0.0.1)',
    )
  }
  return port
}

/** The token the extension expects: an explicit option, else the agent's order of variables. */
export const resolveToken = (env: NodeJS.ProcessEnv): string | undefined =>
  env.AWS_TOKEN || env.AWS_SESSION_TOKEN || env.AWS_CONTAINER_AUTHORIZATION_TOKEN || undefined

/** Validates `extension`; the port variable is read only when the extension may be used. */
export const resolveExtension = (
  value: unknown,
  env: NodeJS.ProcessEnv,
  usesExtension: boolean,
): ResolvedExtension => {
  if (value !== undefined && !isPlainObject(value))
    throw invalidOptions(undefined, 'extension', 'must be an object')
  const ext = (value ?? {}) as ExtensionOptions & Record<string, unknown>
  for (const name of Object.keys(ext)) {
    if (!extensionKeys.has(name)) {
      throw invalidOptions(
        undefined,
        `extension.${name}`,
        `is not an option (known: ${[...extensionKeys].join(', ')})`,
      )
    }
  }
  // transport: 'sdk' never reaches the port: its variable is not read.
  const envPort = usesExtension ? env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT : undefined
  const port =
    ext.port !== undefined
      ? checkPort('extension.port', ext.port)
      : envPort
        ? checkPort('PARAMETERS_SECRETS_EXTENSION_HTTP_PORT', envPort)
        : DEFAULT_PORT
  if (ext.token !== undefined && (typeof ext.token !== 'string' || ext.token === '')) {
    throw invalidOptions(undefined, 'extension.token', 'must be a non-empty string')
  }
  const timeoutMs = ext.timeoutMs ?? DEFAULT_TIMEOUT_MS
  // A Lambda invocation lasts at most 15 minutes (and Node's timers overflow past 2^31 ms).
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
    throw invalidOptions(
      undefined,
      'extension.timeoutMs',
      `must be a whole number of ms from 1 to ${MAX_TIMEOUT_MS}`,
    )
  }
  const connections = ext.connections ?? DEFAULT_CONNECTIONS
  if (!Number.isInteger(connections) || connections < 1 || connections > 64) {
    throw invalidOptions(undefined, 'extension.connections', 'must be a whole number from 1 to 64')
  }
  checkType('extension.refreshNow', ext.refreshNow, 'boolean')
  return {
    port,
    token: ext.token !== undefined ? () => ext.token : () => resolveToken(env),
    timeoutMs,
    refreshNow: ext.refreshNow ?? false,
    connections,
  }
}
