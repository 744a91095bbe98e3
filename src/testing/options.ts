import { readFileSync } from 'node:fs'
import type { EmulatorOptions, EmulatorProfile } from './types.ts'

/**
 * The emulator's options with every default applied.
 *
 * @example
 * ```ts
 * const resolved = resolveEmulatorOptions({ token: 't' })
 * resolved.ttlMs.secrets // 300000 unless SECRETS_MANAGER_TTL says otherwise
 * ```
 */
export interface ResolvedEmulatorOptions {
  profile: EmulatorProfile
  token: string
  port: number
  ready: boolean
  ttlMs: { secrets: number; parameters: number }
  cacheEnabled: boolean
  cacheSize: number
  strictQuery: boolean
  maxConnections: number
  now: () => number
  region: string
  accountId: string
  log?: (line: string) => void
}

/**
 * The agent's token variables, in its order.
 *
 * @example
 * ```ts
 * const token = AGENT_TOKEN_VARIABLES.map((name) => process.env[name]).find(Boolean)
 * ```
 */
export const AGENT_TOKEN_VARIABLES = [
  'AWS_TOKEN',
  'AWS_SESSION_TOKEN',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
] as const

/**
 * The token a server would take from its environment: the layer `AWS_SESSION_TOKEN`, the agent the
 * first set of {@link AGENT_TOKEN_VARIABLES} (a `file://PATH` value is that file's trimmed text).
 *
 * @example
 * ```ts
 * resolveDefaultToken('agent', { AWS_CONTAINER_AUTHORIZATION_TOKEN: 'c' }) // 'c'
 * ```
 */
export function resolveDefaultToken(
  profile: EmulatorProfile,
  env: Record<string, string | undefined>,
): string | undefined {
  if (profile === 'layer') return env.AWS_SESSION_TOKEN || undefined
  const found = AGENT_TOKEN_VARIABLES.map((name) => env[name]).find((value) => !!value)
  if (found?.startsWith('file://')) return readFileSync(found.slice('file://'.length), 'utf8').trim()
  return found
}

function seconds(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined
  if (!Number.isFinite(value) || value < 0)
    throw new TypeError(`startExtensionEmulator: ${name} must be a number >= 0`)
  return value
}

function envSeconds(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*\d+\s*$/.test(text)) return undefined
  return Number(text)
}

const clamp = (value: number, max: number) => Math.min(Math.max(value, 0), max)

/**
 * Applies defaults and checks the options; throws a clear Error when no token is configured.
 *
 * @example
 * ```ts
 * resolveEmulatorOptions({ profile: 'agent', env: { AWS_TOKEN: 't' } }).token // 't'
 * ```
 */
export function resolveEmulatorOptions(options: EmulatorOptions): ResolvedEmulatorOptions {
  const env = options.env ?? process.env
  const profile = options.profile ?? 'layer'
  if (profile !== 'layer' && profile !== 'agent') {
    throw new TypeError("startExtensionEmulator: profile must be 'layer' or 'agent'")
  }
  const token = options.token ?? resolveDefaultToken(profile, env)
  if (!token) {
    const where = profile === 'layer' ? 'AWS_SESSION_TOKEN' : AGENT_TOKEN_VARIABLES.join(', ')
    throw new Error(`startExtensionEmulator: no token configured: pass options.token or set ${where}`)
  }
  const port = options.port ?? 0
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError('startExtensionEmulator: port must be an integer from 0 to 65535')
  }
  const maxConnections = options.maxConnections ?? Number.POSITIVE_INFINITY
  if (!(maxConnections >= 1)) throw new TypeError('startExtensionEmulator: maxConnections must be >= 1')

  const isLayer = profile === 'layer'
  // The layer clamps its TTLs to 300 s; the agent allows up to 3600 s and reads no env variables.
  const maxTtl = isLayer ? 300 : 3600
  const secretsTtl = seconds(options.ttlSeconds?.secrets, 'ttlSeconds.secrets')
  const parametersTtl = seconds(options.ttlSeconds?.parameters, 'ttlSeconds.parameters')
  const ttl = (given: number | undefined, variable: string) =>
    clamp(given ?? (isLayer ? envSeconds(env[variable]) : undefined) ?? 300, maxTtl) * 1000
  const envEnabled = env.PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED?.trim().toLowerCase() !== 'false'
  const envSize = isLayer ? envSeconds(env.PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE) : undefined

  const resolved: ResolvedEmulatorOptions = {
    profile,
    token,
    port,
    ready: options.ready ?? true,
    ttlMs: {
      secrets: ttl(secretsTtl, 'SECRETS_MANAGER_TTL'),
      parameters: ttl(parametersTtl, 'SSM_PARAMETER_STORE_TTL'),
    },
    cacheEnabled: options.cacheEnabled ?? (isLayer ? envEnabled : true),
    cacheSize: clamp(envSize ?? 1000, 1000),
    strictQuery: options.strictQuery ?? true,
    maxConnections,
    now: options.now ?? Date.now,
    region: options.region ?? 'us-east-1',
    accountId: options.accountId ?? '123456789012',
  }
  if (options.log) resolved.log = options.log
  return resolved
}
