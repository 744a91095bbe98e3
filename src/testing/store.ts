import {
  createParameterStore,
  type ParameterSelector,
  type ParameterStore,
  type ParameterView,
  parameterArn,
} from './parameter-store.ts'
import {
  createSecretStore,
  type SecretDescription,
  type SecretStore,
  type SecretView,
  type UpstreamError,
} from './secret-store.ts'
import type { ParameterInput, SecretInput } from './types.ts'

/**
 * The name prefix through which Parameter Store serves a Secrets Manager secret.
 *
 * @example
 * ```ts
 * `${SECRET_REFERENCE_PREFIX}db` // '/aws/reference/secretsmanager/db'
 * ```
 */
export const SECRET_REFERENCE_PREFIX = '/aws/reference/secretsmanager/'

/**
 * The emulated AWS side: both services, plus the IAM mistakes and throttling the tests switch on.
 * Every `read*` call is one upstream call.
 *
 * @example
 * ```ts
 * const store = createStore({ region: 'us-east-1', accountId: '123456789012' })
 * store.secrets.put('db', 'pw')
 * store.deny('secret', 'db')
 * store.readSecret('db', {}) // { code: 'AccessDeniedException', ... }
 * ```
 */
export interface Store {
  readonly secrets: SecretStore
  readonly parameters: ParameterStore
  readonly region: string
  readonly accountId: string
  /** Writes go through these, so every server sharing the store hears of them ({@link onWrite}). */
  putSecret(id: string, value: SecretInput, stages?: string[]): string
  deleteSecret(id: string): void
  putParameter(name: string, value: ParameterInput): number
  deleteParameter(name: string): void
  /** `listener(kind, ids)` after each write: the written item's name and ARN. Returns the remover. */
  onWrite(listener: (kind: 'secret' | 'parameter', ids: string[]) => void): () => void
  deny(kind: 'secret' | 'parameter', id: string): void
  allow(kind: 'secret' | 'parameter', id: string): void
  setThrottled(on: boolean): void
  readSecret(id: string, selector: { versionId?: string; versionStage?: string }): SecretView | UpstreamError
  readParameter(
    name: string,
    selector: ParameterSelector,
    withDecryption: boolean,
  ): ParameterView | UpstreamError
  describeSecret(id: string): SecretDescription | UpstreamError
  /** GetParametersByPath: the parameters under `path` (its direct children unless `recursive`). */
  readParametersByPath(
    path: string,
    recursive: boolean,
    withDecryption: boolean,
  ): ParameterView[] | UpstreamError
  /** GetParameter of `/aws/reference/secretsmanager/ID`: the label is the staging label. */
  readSecretReference(
    name: string,
    selector: ParameterSelector,
    withDecryption: boolean,
  ): SecretView | UpstreamError
}

const THROTTLED: UpstreamError = { code: 'ThrottlingException', message: 'Rate exceeded' }

/**
 * Creates the emulated upstream with no secrets and no parameters.
 *
 * @example
 * ```ts
 * const store = createStore({ region: 'us-east-1', accountId: '123456789012' })
 * ```
 */
export function createStore(options: { region: string; accountId: string }): Store {
  const secrets = createSecretStore(options)
  const parameters = createParameterStore(options)
  const denied = { secret: new Set<string>(), parameter: new Set<string>() }
  const listeners = new Set<(kind: 'secret' | 'parameter', ids: string[]) => void>()
  let throttled = false

  const notify = (kind: 'secret' | 'parameter', ids: Array<string | undefined>) => {
    const known = ids.filter((id): id is string => id !== undefined)
    for (const listener of [...listeners]) listener(kind, known)
  }
  const secretIds = (id: string) => {
    const found = secrets.resolve(id)
    return found ? [found.name, found.arn] : [id]
  }
  const parameterIds = (id: string) => {
    const name = parameters.resolve(id) ?? id
    return [name, parameterArn(options.region, options.accountId, name)]
  }

  const caller = `arn:aws:sts::${options.accountId}:assumed-role/emulator-role/emulator`
  const accessDenied = (action: string, resource: string): UpstreamError => ({
    code: 'AccessDeniedException',
    message: `User: ${caller} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`,
  })

  const isSecretDenied = (id: string): boolean => {
    const found = secrets.resolve(id)
    return (
      denied.secret.has(id) || (!!found && (denied.secret.has(found.name) || denied.secret.has(found.arn)))
    )
  }
  const isParameterDenied = (id: string): boolean => {
    // `name:3` and `name:label` are the same resource as `name`.
    const colon = id.lastIndexOf(':')
    const name = parameters.resolve(id) ?? (colon > 0 ? parameters.resolve(id.slice(0, colon)) : undefined)
    return denied.parameter.has(id) || (name !== undefined && denied.parameter.has(name))
  }

  function readSecret(id: string, selector: { versionId?: string; versionStage?: string }) {
    if (throttled) return THROTTLED
    if (isSecretDenied(id))
      return accessDenied('secretsmanager:GetSecretValue', secrets.resolve(id)?.arn ?? id)
    return secrets.get(id, selector)
  }

  function readParameter(name: string, selector: ParameterSelector, withDecryption: boolean) {
    if (throttled) return THROTTLED
    if (isParameterDenied(name)) return accessDenied('ssm:GetParameter', name)
    return parameters.get(name, selector, withDecryption)
  }

  function readSecretReference(name: string, selector: ParameterSelector, withDecryption: boolean) {
    if (throttled) return THROTTLED
    if (isParameterDenied(name)) return accessDenied('ssm:GetParameter', name)
    if (!withDecryption) {
      return {
        code: 'ValidationException',
        message: 'WithDecryption flag must be True for retrieving a Secret Manager secret.',
      }
    }
    if (selector.version !== undefined) {
      return {
        code: 'ValidationException',
        message: 'A secret reference takes a staging label, not a version.',
      }
    }
    const secretId = name.slice(SECRET_REFERENCE_PREFIX.length)
    // SSM calls Secrets Manager as the caller: both permissions are needed.
    if (isSecretDenied(secretId)) {
      return accessDenied('secretsmanager:GetSecretValue', secrets.resolve(secretId)?.arn ?? secretId)
    }
    const found = secrets.get(secretId, selector.label === undefined ? {} : { versionStage: selector.label })
    return 'code' in found ? { code: 'ParameterNotFound', message: found.message } : found
  }

  function describeSecret(id: string): SecretDescription | UpstreamError {
    if (throttled) return THROTTLED
    if (isSecretDenied(id))
      return accessDenied('secretsmanager:DescribeSecret', secrets.resolve(id)?.arn ?? id)
    return (
      secrets.describe(id) ?? {
        code: 'ResourceNotFoundException',
        message: "Secrets Manager can't find the specified secret.",
      }
    )
  }

  function readParametersByPath(path: string, recursive: boolean, withDecryption: boolean) {
    if (throttled) return THROTTLED
    if (!path.startsWith('/')) {
      return {
        code: 'ValidationException',
        message: 'The parameter path must begin with a forward slash (/).',
      }
    }
    if (denied.parameter.has(path)) return accessDenied('ssm:GetParametersByPath', path)
    const prefix = path.endsWith('/') ? path : `${path}/`
    const views: ParameterView[] = []
    for (const name of parameters.names()) {
      const rest = name.startsWith(prefix) ? name.slice(prefix.length) : undefined
      if (!rest || (!recursive && rest.includes('/')) || isParameterDenied(name)) continue
      const view = parameters.get(name, {}, withDecryption)
      if (!('code' in view)) views.push(view)
    }
    return views
  }

  return {
    secrets,
    parameters,
    region: options.region,
    accountId: options.accountId,
    putSecret(id, value, stages) {
      const versionId = secrets.put(id, value, stages)
      notify('secret', secretIds(id))
      return versionId
    },
    deleteSecret(id) {
      const ids = secretIds(id)
      secrets.delete(id)
      notify('secret', ids)
    },
    putParameter(name, value) {
      const version = parameters.put(name, value)
      notify('parameter', parameterIds(name))
      return version
    },
    deleteParameter(name) {
      const ids = parameterIds(name)
      parameters.delete(name)
      notify('parameter', ids)
    },
    onWrite(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    describeSecret,
    readParametersByPath,
    deny: (kind, id) => void denied[kind].add(id),
    allow: (kind, id) => void denied[kind].delete(id),
    setThrottled: (on) => {
      throttled = on
    },
    readSecret,
    readParameter,
    readSecretReference,
  }
}
