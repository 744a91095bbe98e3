/**
 * fetchData -> normalized key definitions: every spec validated, defaults applied, names checked.
 */
import { invalidOptions } from './errors.ts'
import type { KeyDef, KeyKind } from './model.ts'
import { checkAge, isPlainObject } from './option-checks.ts'
import type { JsonMode } from './types.ts'

export type { KeyDef } from './model.ts'

function policyFields(): string[] {
  return ['maxAge', 'staleWhileRevalidate', 'staleIfError', 'refreshOnError', 'optional']
}
const fieldsOf: Record<KeyKind, Set<string>> = {
  secret: new Set(['secret', 'versionId', 'versionStage', 'json', ...policyFields()]),
  parameter: new Set(['parameter', 'withDecryption', 'version', 'label', 'json', ...policyFields()]),
  path: new Set(['path', 'recursive', 'withDecryption', 'json', ...policyFields()]),
}
const KINDS: readonly KeyKind[] = ['secret', 'parameter', 'path']

// Members of the Lambda context (and its legacy callbacks) that setToContext must never replace.
const contextMembers = new Set([
  ...['functionName', 'functionVersion', 'invokedFunctionArn', 'memoryLimitInMB', 'awsRequestId'],
  ...['logGroupName', 'logStreamName', 'identity', 'clientContext', 'callbackWaitsForEmptyEventLoop'],
  ...['getRemainingTimeInMillis', 'done', 'fail', 'succeed', 'tenantId'],
])

/** `sanitizeKey` of `@middy/util`: `my-key` -> `my_key`, `1st` -> `_1st` (where `setToContext` puts a value). */
export const sanitizeKey = (key: string): string =>
  key.replace(/^([0-9])/, '_$1').replace(/[^a-zA-Z0-9]+/g, '_')

const nonEmptyString = (key: string, option: string, value: unknown): string => {
  if (typeof value !== 'string' || value === '')
    throw invalidOptions(key, option, 'must be a non-empty string')
  // A lone surrogate cannot be percent-encoded (URIError at every request): refuse it now.
  if (!value.isWellFormed())
    throw invalidOptions(key, option, 'must be well-formed Unicode (it holds a lone surrogate)')
  return value
}

const optionalString = (key: string, option: string, value: unknown): string | undefined =>
  value === undefined ? undefined : nonEmptyString(key, option, value)

const normalizeSpec = (key: string, spec: unknown, defaults: KeyDefaults): KeyDef => {
  if (typeof spec === 'string') return normalizeSpec(key, { secret: spec }, defaults)
  if (!isPlainObject(spec)) {
    throw invalidOptions(
      key,
      `fetchData.${key}`,
      'must be an id string, secret(...), parameter(...), parametersByPath(...) or { secret } / { parameter } / { path }',
    )
  }
  const kinds = KINDS.filter((k) => k in spec)
  const kind = kinds[0]
  if (kind === undefined || kinds.length > 1) {
    throw invalidOptions(
      key,
      `fetchData.${key}`,
      'must have exactly one of "secret" (an id or ARN), "parameter" (a name) and "path" (a path)',
    )
  }
  const allowed = fieldsOf[kind]
  for (const field of Object.keys(spec)) {
    if (!allowed.has(field)) throw invalidOptions(key, field, `is not an option of a ${kind} key`)
  }
  const id = nonEmptyString(key, kind, spec[kind])
  if (kind === 'path') {
    if (!id.startsWith('/')) throw invalidOptions(key, 'path', "must start with '/' (say '/prod/app/')")
    // GetParametersByPath has no extension route: only the SDK can serve a path.
    if (defaults.transport === 'extension') {
      throw invalidOptions(
        key,
        'path',
        "needs the AWS SDK (GetParametersByPath has no extension route), which transport: 'extension' never uses",
      )
    }
  }
  for (const flag of ['recursive', 'optional'] as const) {
    if (spec[flag] !== undefined && typeof spec[flag] !== 'boolean')
      throw invalidOptions(key, flag, 'must be a boolean')
  }
  if (spec.versionId !== undefined && spec.versionStage !== undefined) {
    throw invalidOptions(key, 'versionId', 'and versionStage are exclusive: give one')
  }
  if (spec.version !== undefined && spec.label !== undefined) {
    throw invalidOptions(key, 'version', 'and label are exclusive: give one')
  }
  if (spec.version !== undefined && (!Number.isSafeInteger(spec.version) || (spec.version as number) < 1)) {
    throw invalidOptions(key, 'version', 'must be a whole number, 1 or more')
  }
  if (spec.withDecryption !== undefined && typeof spec.withDecryption !== 'boolean') {
    throw invalidOptions(key, 'withDecryption', 'must be a boolean')
  }
  if (spec.json !== undefined && spec.json !== 'auto' && typeof spec.json !== 'boolean') {
    throw invalidOptions(key, 'json', "must be 'auto', true or false")
  }
  if (spec.refreshOnError !== undefined && typeof spec.refreshOnError !== 'function') {
    throw invalidOptions(key, 'refreshOnError', 'must be a function (error) => boolean')
  }
  const rotation =
    defaults.fetchRotationDate === true ||
    (isPlainObject(defaults.fetchRotationDate) && defaults.fetchRotationDate[key] === true)
  return {
    key,
    contextKey: sanitizeKey(key),
    kind,
    id,
    versionId: optionalString(key, 'versionId', spec.versionId),
    versionStage: optionalString(key, 'versionStage', spec.versionStage),
    version: spec.version as number | undefined,
    label: optionalString(key, 'label', spec.label),
    withDecryption: (spec.withDecryption as boolean | undefined) ?? true,
    recursive: (spec.recursive as boolean | undefined) ?? true,
    json: (spec.json as JsonMode | undefined) ?? 'auto',
    maxAge: spec.maxAge === undefined ? defaults.cacheExpiry : checkAge(key, 'maxAge', spec.maxAge),
    staleWhileRevalidate: checkAge(key, 'staleWhileRevalidate', spec.staleWhileRevalidate ?? 0, false),
    staleIfError: checkAge(key, 'staleIfError', spec.staleIfError ?? 0, false),
    refreshOnError: spec.refreshOnError as KeyDef['refreshOnError'],
    fetchRotationDate: kind === 'secret' && rotation,
    optional: (spec.optional as boolean | undefined) ?? false,
  }
}

interface KeyDefaults {
  cacheExpiry: number
  setToContext: boolean
  fetchRotationDate: boolean | Record<string, boolean>
  /** the instance's transport: a path under 'extension' is refused */
  transport?: 'auto' | 'extension' | 'sdk'
}

/** Validates `fetchData` (and `fetchRotationDate`) and returns one definition per key. */
export const normalizeKeys = (fetchData: unknown, defaults: KeyDefaults): KeyDef[] => {
  if (fetchData !== undefined && !isPlainObject(fetchData)) {
    throw invalidOptions(undefined, 'fetchData', 'must be an object of { key: id string | key spec }')
  }
  const rotation = defaults.fetchRotationDate
  if (typeof rotation !== 'boolean' && !isPlainObject(rotation)) {
    throw invalidOptions(undefined, 'fetchRotationDate', 'must be true, false or { [key]: true }')
  }
  const entries = Object.entries(fetchData ?? {})
  // Stryker disable next-line ConditionalExpression: equivalent: rotation is a boolean otherwise, and Object.entries(boolean) is empty
  if (isPlainObject(rotation)) {
    for (const [key, on] of Object.entries(rotation)) {
      if (typeof on !== 'boolean' || fetchData === undefined || !Object.hasOwn(fetchData, key)) {
        throw invalidOptions(key, 'fetchRotationDate', 'must name keys of fetchData, each with true or false')
      }
    }
  }
  const contextKeys = new Map<string, string>()
  return entries.map(([key, spec]) => {
    if (key === '' || key === '__proto__')
      throw invalidOptions(key, 'fetchData', 'a key must be a non-empty name other than __proto__')
    const def = normalizeSpec(key, spec, defaults)
    if (isPlainObject(rotation) && rotation[key] === true && def.kind !== 'secret') {
      throw invalidOptions(key, 'fetchRotationDate', 'applies to secrets only')
    }
    if (defaults.setToContext) {
      if (contextMembers.has(def.contextKey)) {
        throw invalidOptions(
          key,
          'setToContext',
          `would overwrite context.${def.contextKey} of the Lambda context; rename the key`,
        )
      }
      const other = contextKeys.get(def.contextKey)
      if (other !== undefined) {
        throw invalidOptions(
          key,
          'setToContext',
          `and key "${other}" both become context.${def.contextKey}; rename one`,
        )
      }
      contextKeys.set(def.contextKey, key)
    }
    return def
  })
}
