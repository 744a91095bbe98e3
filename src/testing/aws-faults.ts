import { isDeepStrictEqual } from 'node:util'
import type { AwsCall, AwsFault } from './aws-types.ts'
import { checkCountedFault, createFaultList, type FaultList } from './fault-list.ts'

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
export type AwsFaultRegistry = FaultList<AwsFault, AwsCall>

function validate(fault: AwsFault): void {
  const problem = (text: string) => new TypeError(`aws inject: ${text}`)
  checkCountedFault(fault, problem)
  if (fault.match !== undefined && (typeof fault.match !== 'object' || fault.match === null)) {
    throw problem('match must be an object of request body fields')
  }
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
  return createFaultList({ validate, matches, describe })
}
