import {
  createParameterStore,
  type ParameterSelector,
  type ParameterStore,
  type ParameterView,
} from './parameter-store.ts'
import { createSecretStore, type SecretStore, type SecretView, type UpstreamError } from './secret-store.ts'

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
  deny(kind: 'secret' | 'parameter', id: string): void
  allow(kind: 'secret' | 'parameter', id: string): void
  setThrottled(on: boolean): void
  readSecret(id: string, selector: { versionId?: string; versionStage?: string }): SecretView | UpstreamError
  readParameter(
    name: string,
    selector: ParameterSelector,
    withDecryption: boolean,
  ): ParameterView | UpstreamError
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
  let throttled = false

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
    const name = parameters.resolve(id)
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

  return {
    secrets,
    parameters,
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
