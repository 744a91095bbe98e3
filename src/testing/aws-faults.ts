import { isDeepStrictEqual } from 'node:util'
import type { AwsCall, AwsFault } from './aws-types.ts'

/**
 * The AWS emulator's injected faults, matched in the order they were added.
 *
 * @example
 * ```ts
 * const faults = createAwsFaultRegistry()
 * faults.add({ operation: 'GetSecretValue', times: 1, type: 'ThrottlingException' })
 * faults.take({ target: 'secretsmanager.GetSecretValue', body: { SecretId: 'db' }, accessKeyId: 'AKID' })
 * ```
 */
export interface AwsFaultRegistry {
  /** Validates and adds; returns the remover. */
  add(fault: AwsFault): () => void
  /** The first fault matching this call, counting one use of it. */
  take(call: AwsCall): AwsFault | undefined
  /** Faults not used up: a `times` one with uses left, or one without `times` never used. */
  pending(): string[]
  clear(): void
}

function validate(fault: AwsFault): void {
  const problem = (text: string) => new TypeError(`aws inject: ${text}`)
  if (typeof fault !== 'object' || fault === null) throw problem('a fault is an object')
  if (fault.times !== undefined && !(Number.isInteger(fault.times) && fault.times > 0)) {
    throw problem('times must be a positive integer')
  }
  if (fault.delayMs !== undefined && !(Number.isFinite(fault.delayMs) && fault.delayMs >= 0)) {
    throw problem('delayMs must be a number >= 0')
  }
  if (
    fault.status !== undefined &&
    !(Number.isInteger(fault.status) && fault.status >= 100 && fault.status <= 599)
  ) {
    throw problem('status must be an HTTP status (100-599)')
  }
  if (fault.match !== undefined && (typeof fault.match !== 'object' || fault.match === null)) {
    throw problem('match must be an object of request body fields')
  }
  if (fault.respond !== undefined && typeof fault.respond !== 'function')
    throw problem('respond must be a function')
  const answers = [fault.type !== undefined || fault.body !== undefined, fault.drop, fault.respond]
  if (answers.filter(Boolean).length > 1) throw problem('pick one of type/body, drop and respond')
  if (fault.type !== undefined && fault.body !== undefined) throw problem('pick one of type and body')
}

/** The ids a call names: `SecretId`, `Name`, `Path`, `Names`, `SecretIdList`. */
function idsOf(body: Record<string, any>): unknown[] {
  return [
    body.SecretId,
    body.Name,
    body.Path,
    ...[body.Names, body.SecretIdList].flatMap((list) => (Array.isArray(list) ? list : [])),
  ]
}

const operationOf = (target: string) => target.slice(target.indexOf('.') + 1)

const matches = (fault: AwsFault, call: AwsCall): boolean =>
  (fault.operation === undefined ||
    fault.operation === call.target ||
    fault.operation === operationOf(call.target)) &&
  (fault.id === undefined || idsOf(call.body).includes(fault.id)) &&
  Object.entries(fault.match ?? {}).every(([field, value]) => isDeepStrictEqual(call.body[field], value))

function describe(fault: AwsFault, used: number): string {
  const match = fault.match ? ` ${JSON.stringify(fault.match)}` : ''
  const times = fault.times === undefined ? 'no times' : `times ${fault.times}`
  return `${fault.operation ?? 'any operation'} ${fault.id ?? 'any id'}${match}, ${times}, used ${used}`
}

/**
 * Creates an empty registry.
 *
 * @example
 * ```ts
 * const faults = createAwsFaultRegistry()
 * ```
 */
export function createAwsFaultRegistry(): AwsFaultRegistry {
  const active: Array<{ fault: AwsFault; left: number; used: number }> = []
  return {
    add(fault) {
      validate(fault)
      const entry = { fault: { ...fault }, left: fault.times ?? Number.POSITIVE_INFINITY, used: 0 }
      active.push(entry)
      return () => {
        const index = active.indexOf(entry)
        if (index !== -1) active.splice(index, 1)
      }
    },
    take(call) {
      const entry = active.find((candidate) => candidate.left > 0 && matches(candidate.fault, call))
      if (!entry) return undefined
      entry.left -= 1
      entry.used += 1
      return entry.fault
    },
    pending: () =>
      active
        .filter(({ left, used }) => left > 0 && (Number.isFinite(left) || used === 0))
        .map(({ fault, used }) => describe(fault, used)),
    clear: () => {
      active.length = 0
    },
  }
}
