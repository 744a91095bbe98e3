import { createHmac } from 'node:crypto'
import type { UpstreamError } from './secret-store.ts'
import type { ParameterInput, ParameterType } from './types.ts'

/**
 * One version of a parameter as GetParameter returns it.
 *
 * @example
 * ```ts
 * const view = parameters.get('/app/url', {}, true)
 * ```
 */
export interface ParameterView {
  arn: string
  name: string
  type: ParameterType
  /** The value, or the opaque encrypted text of a SecureString read without decryption. */
  value: string
  version: number
  /** ms since the epoch */
  lastModifiedDate: number
  /** `:N` or `:label` when a version or label was asked for, as SSM reports it. */
  selector?: string
}

/**
 * Which version to read: a version number or a label (at most one).
 *
 * @example
 * ```ts
 * const selector: ParameterSelector = { label: 'prod' }
 * ```
 */
export interface ParameterSelector {
  version?: number
  label?: string
}

interface ParameterVersion {
  version: number
  value: string
  type: ParameterType
  labels: string[]
  lastModifiedDate: number
}

/**
 * The parameters of the emulated Parameter Store: versions and labels.
 *
 * @example
 * ```ts
 * const parameters = createParameterStore({ region: 'us-east-1', accountId: '123456789012' })
 * parameters.put('/app/url', 'https://example.com')
 * ```
 */
export interface ParameterStore {
  /** New version; returns its number. Given labels move to it. */
  put(name: string, value: ParameterInput): number
  delete(name: string): void
  /** The parameter's name for a name or ARN, when it exists. */
  resolve(id: string): string | undefined
  get(id: string, selector: ParameterSelector, withDecryption: boolean): ParameterView | UpstreamError
  /** Every parameter's name, sorted. */
  names(): string[]
}

const TYPES: readonly ParameterType[] = ['String', 'StringList', 'SecureString']

// Not the value: a keyed digest of it, shaped like a KMS ciphertext blob (the real one starts `AQICAH`).
const CIPHER_KEY = 'middy-params-secrets emulator: not a real key'
const KMS_HEADER = Buffer.from([0x01, 0x02, 0x02, 0x00, 0x78])

/**
 * The deterministic opaque "encrypted" text of a SecureString read without decryption.
 *
 * @example
 * ```ts
 * encryptedText('/app/db-password', 1, 'pw') // 'AQICAH...' (base64, never the value)
 * ```
 */
export function encryptedText(name: string, version: number, value: string): string {
  const digest = createHmac('sha256', CIPHER_KEY).update(`${name}\0${version}\0${value}`).digest()
  const tail = createHmac('sha256', CIPHER_KEY).update(digest).digest()
  return Buffer.concat([KMS_HEADER, digest, tail]).toString('base64')
}

/**
 * The ARN SSM gives a parameter (a leading `/` of the name is not doubled).
 *
 * @example
 * ```ts
 * parameterArn('us-east-1', '123456789012', '/app/url') // 'arn:aws:ssm:us-east-1:123456789012:parameter/app/url'
 * ```
 */
export function parameterArn(region: string, accountId: string, name: string): string {
  return `arn:aws:ssm:${region}:${accountId}:parameter${name.startsWith('/') ? '' : '/'}${name}`
}

const error = (code: string, message: string): UpstreamError => ({ code, message })

/**
 * Creates an empty parameter store.
 *
 * @example
 * ```ts
 * const parameters = createParameterStore({ region: 'us-east-1', accountId: '123456789012' })
 * parameters.put('/app/hosts', { value: 'a,b', type: 'StringList' })
 * ```
 */
export function createParameterStore(options: { region: string; accountId: string }): ParameterStore {
  const byName = new Map<string, ParameterVersion[]>()
  const arnOf = (name: string) => parameterArn(options.region, options.accountId, name)

  function resolve(id: string): string | undefined {
    if (byName.has(id)) return id
    const prefix = `arn:aws:ssm:${options.region}:${options.accountId}:parameter`
    if (!id.startsWith(prefix)) return undefined
    const rest = id.slice(prefix.length)
    return [rest, rest.slice(1)].find((name) => byName.has(name) && arnOf(name) === id)
  }

  function put(name: string, input: ParameterInput): number {
    const given = typeof input === 'string' ? { value: input } : input
    if (typeof given !== 'object' || given === null || typeof given.value !== 'string') {
      throw new TypeError('parameter value must be a string or { value: string }')
    }
    if (given.type !== undefined && !TYPES.includes(given.type)) {
      throw new TypeError('parameter type must be String, StringList or SecureString')
    }
    const versions = byName.get(name) ?? []
    const labels = given.labels ?? []
    for (const older of versions) older.labels = older.labels.filter((label) => !labels.includes(label))
    const version = versions.length === 0 ? 1 : versions[versions.length - 1]!.version + 1
    const type = given.type ?? versions[versions.length - 1]?.type ?? 'String'
    versions.push({ version, value: given.value, type, labels: [...labels], lastModifiedDate: Date.now() })
    byName.set(name, versions)
    return version
  }

  function pick(versions: ParameterVersion[], selector: ParameterSelector): ParameterVersion | UpstreamError {
    if (selector.version !== undefined) {
      if (!Number.isInteger(selector.version) || selector.version < 1) {
        return error('ValidationException', 'Invalid parameter version.')
      }
      const found = versions.find((candidate) => candidate.version === selector.version)
      return (
        found ??
        error('ParameterVersionNotFound', `Version ${selector.version} of the parameter is not found.`)
      )
    }
    if (selector.label !== undefined) {
      const label = selector.label
      const found = versions.find((candidate) => candidate.labels.includes(label))
      return found ?? error('ParameterVersionLabelNotFound', `Label ${label} of the parameter is not found.`)
    }
    return versions[versions.length - 1]!
  }

  function get(
    id: string,
    selector: ParameterSelector,
    withDecryption: boolean,
  ): ParameterView | UpstreamError {
    let name = resolve(id)
    let effective = selector
    // GetParameter also takes the selector inside the name: `name:3` or `name:label`.
    if (name === undefined && selector.version === undefined && selector.label === undefined) {
      const colon = id.lastIndexOf(':')
      const base = colon > 0 ? resolve(id.slice(0, colon)) : undefined
      if (base !== undefined) {
        const suffix = id.slice(colon + 1)
        name = base
        effective = /^\d+$/.test(suffix) ? { version: Number(suffix) } : { label: suffix }
      }
    }
    const versions = name === undefined ? undefined : byName.get(name)
    if (name === undefined || !versions) return error('ParameterNotFound', 'Parameter not found.')
    const found = pick(versions, effective)
    if ('code' in found) return found
    const encrypted = found.type === 'SecureString' && !withDecryption
    const view: ParameterView = {
      arn: arnOf(name),
      name,
      type: found.type,
      value: encrypted ? encryptedText(name, found.version, found.value) : found.value,
      version: found.version,
      lastModifiedDate: found.lastModifiedDate,
    }
    if (effective.version !== undefined) view.selector = `:${effective.version}`
    else if (effective.label !== undefined) view.selector = `:${effective.label}`
    return view
  }

  return {
    put,
    delete: (id) => {
      const name = resolve(id)
      if (name !== undefined) byName.delete(name)
    },
    resolve,
    get,
    names: () => [...byName.keys()].sort(),
  }
}
