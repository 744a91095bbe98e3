import { randomBytes, randomUUID } from 'node:crypto'
import type { SecretInput } from './types.ts'

/**
 * One version of a secret as GetSecretValue returns it.
 *
 * @example
 * ```ts
 * const view: SecretView = store.get('db', {}) as SecretView
 * ```
 */
export interface SecretView {
  arn: string
  name: string
  versionId: string
  secretString?: string
  secretBinary?: Buffer
  versionStages: string[]
  /** ms since the epoch */
  createdDate: number
}

/**
 * A failure as the upstream service reports it: its error code and message (never a value).
 *
 * @example
 * ```ts
 * const error: UpstreamError = { code: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." }
 * ```
 */
export interface UpstreamError {
  code: string
  message: string
}

interface SecretVersion {
  versionId: string
  secretString?: string
  secretBinary?: Buffer
  stages: string[]
  createdDate: number
}

interface SecretEntry {
  name: string
  arn: string
  versions: Map<string, SecretVersion>
  nextRotationDate?: number
}

/**
 * What DescribeSecret reports of a secret (no value). Dates in ms since the epoch.
 *
 * @example
 * ```ts
 * const about = secrets.describe('db') // { name: 'db', versionIdsToStages: { ... }, ... }
 * ```
 */
export interface SecretDescription {
  arn: string
  name: string
  createdDate: number
  lastChangedDate: number
  nextRotationDate?: number
  versionIdsToStages: Record<string, string[]>
}

/**
 * The secrets of the emulated Secrets Manager: versions, staging labels, ARNs.
 *
 * @example
 * ```ts
 * const secrets = createSecretStore({ region: 'us-east-1', accountId: '123456789012' })
 * secrets.put('db', 'pw')
 * ```
 */
export interface SecretStore {
  /**
   * New version staged AWSCURRENT (or the given stages, which leave the other versions); creates
   * the secret when absent. Returns the VersionId.
   */
  put(id: string, value: SecretInput, stages?: string[]): string
  delete(id: string): void
  /** The secret's name and ARN for a name or full ARN, when it exists. */
  resolve(id: string): { name: string; arn: string } | undefined
  get(id: string, selector: { versionId?: string; versionStage?: string }): SecretView | UpstreamError
  describe(id: string): SecretDescription | undefined
}

const ARN_SUFFIX_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

function arnSuffix(): string {
  return [...randomBytes(6)].map((byte) => ARN_SUFFIX_CHARS[byte % ARN_SUFFIX_CHARS.length]).join('')
}

/**
 * Normalises a {@link SecretInput} to exactly one of SecretString / SecretBinary bytes.
 *
 * @example
 * ```ts
 * normalizeSecretInput({ SecretBinary: 'AQID' }) // { secretBinary: <Buffer 01 02 03> }
 * ```
 */
export function normalizeSecretInput(value: SecretInput): { secretString?: string; secretBinary?: Buffer } {
  if (typeof value === 'string') return { secretString: value }
  if (value instanceof Uint8Array) return { secretBinary: Buffer.from(value) }
  if (typeof value !== 'object' || value === null)
    throw new TypeError('secret value must be a string, bytes or an object')
  const { SecretString, SecretBinary } = value
  if (SecretString !== undefined && SecretBinary !== undefined) {
    throw new TypeError('secret value must have SecretString or SecretBinary, not both')
  }
  if (typeof SecretString === 'string') return { secretString: SecretString }
  if (typeof SecretBinary === 'string') return { secretBinary: Buffer.from(SecretBinary, 'base64') }
  if (SecretBinary instanceof Uint8Array) return { secretBinary: Buffer.from(SecretBinary) }
  throw new TypeError('secret value must have a SecretString or a SecretBinary')
}

const notFound = (message: string): UpstreamError => ({ code: 'ResourceNotFoundException', message })
const SECRET_NOT_FOUND = "Secrets Manager can't find the specified secret."

/**
 * Creates an empty secret store.
 *
 * @example
 * ```ts
 * const secrets = createSecretStore({ region: 'eu-west-1', accountId: '111122223333' })
 * const versionId = secrets.put('api-key', 'k1')
 * ```
 */
export function createSecretStore(options: { region: string; accountId: string }): SecretStore {
  const byName = new Map<string, SecretEntry>()
  const byArn = new Map<string, SecretEntry>()

  const find = (id: string): SecretEntry | undefined => byName.get(id) ?? byArn.get(id)

  function put(id: string, value: SecretInput, stages = ['AWSCURRENT']): string {
    const normalized = normalizeSecretInput(value)
    if (!Array.isArray(stages) || stages.length === 0 || !stages.every((s) => typeof s === 'string' && s)) {
      throw new TypeError(`putSecret ${id}: stages must be a non-empty list of staging labels`)
    }
    let entry = find(id)
    if (!entry) {
      const arn = `arn:aws:secretsmanager:${options.region}:${options.accountId}:secret:${id}-${arnSuffix()}`
      entry = { name: id, arn, versions: new Map() }
      byName.set(id, entry)
      byArn.set(arn, entry)
    }
    const rotation =
      typeof value === 'object' && !(value instanceof Uint8Array) ? value.NextRotationDate : undefined
    if (rotation !== undefined) entry.nextRotationDate = rotation.getTime()
    // Secrets Manager's rotation bookkeeping: AWSPREVIOUS moves to the old AWSCURRENT.
    for (const version of stages.includes('AWSCURRENT') ? entry.versions.values() : []) {
      if (version.stages.includes('AWSCURRENT')) {
        version.stages = version.stages.filter((stage) => stage !== 'AWSCURRENT')
        for (const other of entry.versions.values()) {
          other.stages = other.stages.filter((stage) => stage !== 'AWSPREVIOUS')
        }
        version.stages.push('AWSPREVIOUS')
        break
      }
    }
    // A staging label is on one version at a time.
    for (const version of entry.versions.values()) {
      version.stages = version.stages.filter((stage) => !stages.includes(stage))
    }
    const versionId = randomUUID()
    entry.versions.set(versionId, {
      versionId,
      ...normalized,
      stages: [...stages],
      createdDate: Date.now(),
    })
    return versionId
  }

  function remove(id: string): void {
    const entry = find(id)
    if (!entry) return
    byName.delete(entry.name)
    byArn.delete(entry.arn)
  }

  function get(
    id: string,
    selector: { versionId?: string; versionStage?: string },
  ): SecretView | UpstreamError {
    const entry = find(id)
    if (!entry) return notFound(SECRET_NOT_FOUND)
    let version: SecretVersion | undefined
    if (selector.versionId !== undefined) {
      version = entry.versions.get(selector.versionId)
      if (!version)
        return notFound(`${SECRET_NOT_FOUND.slice(0, -1)} value for VersionId: ${selector.versionId}`)
      if (selector.versionStage !== undefined && !version.stages.includes(selector.versionStage)) {
        return notFound(
          `${SECRET_NOT_FOUND.slice(0, -1)} value for VersionId: ${selector.versionId} and staging label: ${selector.versionStage}`,
        )
      }
    } else {
      const stage = selector.versionStage ?? 'AWSCURRENT'
      version = [...entry.versions.values()].find((candidate) => candidate.stages.includes(stage))
      if (!version) return notFound(`${SECRET_NOT_FOUND.slice(0, -1)} value for staging label: ${stage}`)
    }
    const view: SecretView = {
      arn: entry.arn,
      name: entry.name,
      versionId: version.versionId,
      versionStages: [...version.stages],
      createdDate: version.createdDate,
    }
    if (version.secretString !== undefined) view.secretString = version.secretString
    if (version.secretBinary !== undefined) view.secretBinary = version.secretBinary
    return view
  }

  return {
    put,
    delete: remove,
    resolve: (id) => {
      const entry = find(id)
      return entry && { name: entry.name, arn: entry.arn }
    },
    get,
    describe(id) {
      const entry = find(id)
      if (!entry) return undefined
      const versions = [...entry.versions.values()]
      const description: SecretDescription = {
        arn: entry.arn,
        name: entry.name,
        createdDate: versions[0]?.createdDate ?? 0,
        lastChangedDate: versions.at(-1)?.createdDate ?? 0,
        versionIdsToStages: Object.fromEntries(versions.map((v) => [v.versionId, [...v.stages]])),
      }
      if (entry.nextRotationDate !== undefined) description.nextRotationDate = entry.nextRotationDate
      return description
    },
  }
}
