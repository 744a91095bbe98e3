import type { Answer, DataRequest } from './profile.ts'
import type { Fault, FaultAnswer, FaultRequest } from './types.ts'

/**
 * The injected faults, matched in the order they were added.
 *
 * @example
 * ```ts
 * const faults = createFaultRegistry()
 * const remove = faults.add({ kind: 'secret', times: 1, status: 500 })
 * faults.take({ kind: 'secret', id: 'db', query: { secretId: 'db' } }) // the fault, now used up
 * ```
 */
export interface FaultRegistry {
  /** Validates and adds; returns the remover. */
  add(fault: Fault): () => void
  /** The first fault matching this request, counting one use of it. */
  take(request: FaultRequest): Fault | undefined
  /** Faults not used up: a `times` one with uses left, or one without `times` never used. */
  pending(): string[]
  clear(): void
}

const DROPS = new Set(['before-response', 'mid-body'])
const MALFORMED = new Set(['truncated', 'not-json', 'wrong-shape'])

function validate(fault: Fault): void {
  const problem = (text: string) => new TypeError(`inject: ${text}`)
  if (typeof fault !== 'object' || fault === null) throw problem('a fault is an object')
  if (fault.kind !== undefined && fault.kind !== 'secret' && fault.kind !== 'parameter') {
    throw problem("kind must be 'secret' or 'parameter'")
  }
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
  if (fault.drop !== undefined && !DROPS.has(fault.drop))
    throw problem("drop must be 'before-response' or 'mid-body'")
  if (fault.malformed !== undefined && !MALFORMED.has(fault.malformed)) {
    throw problem("malformed must be 'truncated', 'not-json' or 'wrong-shape'")
  }
  if (fault.respond !== undefined && typeof fault.respond !== 'function')
    throw problem('respond must be a function')
  if (
    fault.query !== undefined &&
    (typeof fault.query !== 'object' ||
      fault.query === null ||
      !Object.values(fault.query).every((v) => typeof v === 'string'))
  ) {
    throw problem('query must be an object of strings, e.g. { versionStage: "AWSPREVIOUS" }')
  }
  const answers = [
    fault.status !== undefined || fault.body !== undefined,
    fault.drop,
    fault.malformed,
    fault.respond,
  ]
  if (answers.filter(Boolean).length > 1)
    throw problem('pick one of status/body, drop, malformed and respond')
}

/**
 * A fault in words for a failure message: what it matches and how often it was used, never its body.
 *
 * @example
 * ```ts
 * describeFault({ kind: 'secret', id: 'db', times: 1 }, 0) // 'secret db, times 1, used 0'
 * ```
 */
export function describeFault(fault: Fault, used: number): string {
  const query = fault.query ? ` ${JSON.stringify(fault.query)}` : ''
  const times = fault.times === undefined ? 'no times' : `times ${fault.times}`
  return `${fault.kind ?? 'any kind'} ${fault.id ?? 'any id'}${query}, ${times}, used ${used}`
}

const matches = (fault: Fault, request: FaultRequest): boolean =>
  (fault.kind === undefined || fault.kind === request.kind) &&
  (fault.id === undefined || fault.id === request.id) &&
  Object.entries(fault.query ?? {}).every(([name, value]) => request.query[name] === value)

/**
 * A fault with a `respond` function, applied to one request: the answer it returns as a
 * status/body fault, or (when it returns `undefined`) only its delay, if any.
 *
 * @example
 * ```ts
 * const applied = programmedFault(fault, { kind: 'secret', id: 'db', query: {} })
 * ```
 */
export function programmedFault(fault: Fault, request: FaultRequest): Fault | undefined {
  if (!fault.respond) return fault
  const answer: FaultAnswer | undefined = fault.respond(request)
  const delay = fault.delayMs ? { delayMs: fault.delayMs } : undefined
  if (answer === undefined) return delay
  return { ...delay, status: answer.status ?? 200, body: answer.body ?? '', headers: answer.headers ?? {} }
}

/**
 * Creates an empty fault registry.
 *
 * @example
 * ```ts
 * const faults = createFaultRegistry()
 * faults.add({ delayMs: 50 })
 * ```
 */
export function createFaultRegistry(): FaultRegistry {
  const active: Array<{ fault: Fault; left: number; used: number }> = []

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
    take(request) {
      const entry = active.find((candidate) => candidate.left > 0 && matches(candidate.fault, request))
      if (!entry) return undefined
      entry.left -= 1
      entry.used += 1
      return entry.fault
    },
    // Used-up faults stay listed until removed, so pending() can tell "used" from "never added".
    pending: () =>
      active
        .filter(({ left, used }) => left > 0 && (Number.isFinite(left) || used === 0))
        .map(({ fault, used }) => describeFault(fault, used)),
    clear: () => {
      active.length = 0
    },
  }
}

const NOT_JSON = '<html><body><h1>502 Bad Gateway</h1></body></html>'

/**
 * Whether a fault's answer depends on the real one. Those that do not skip the store and the cache.
 *
 * @example
 * ```ts
 * needsRealAnswer({ status: 500 }) // false
 * needsRealAnswer({ malformed: 'truncated' }) // true
 * ```
 */
export function needsRealAnswer(fault: Fault): boolean {
  if (fault.drop === 'before-response' || fault.status !== undefined || fault.body !== undefined) return false
  return fault.malformed !== 'not-json' && fault.malformed !== 'wrong-shape'
}

/**
 * What the server does for a fault: drop the connection before any byte, send part of `answer`
 * then drop it, or send `answer`. `note` goes to the log line.
 *
 * @example
 * ```ts
 * const outcome: FaultOutcome = { answer, note: ' fault' }
 * ```
 */
export interface FaultOutcome {
  drop?: 'before-response' | 'mid-body'
  answer: Answer
  note: string
}

/**
 * Turns a fault into its outcome, given the request and (when {@link needsRealAnswer}) the real answer.
 *
 * @example
 * ```ts
 * const outcome = faultOutcome({ malformed: 'wrong-shape' }, routed, undefined)
 * ```
 */
export function faultOutcome(fault: Fault, routed: DataRequest, real: Answer | undefined): FaultOutcome {
  const base = { kind: routed.kind, id: routed.id, cache: 'none' as const, headers: {}, body: '' }
  if (fault.drop === 'before-response') {
    return { drop: 'before-response', answer: { ...base, status: 0 }, note: ' fault=drop:before-response' }
  }
  if (fault.drop === 'mid-body') {
    const headers = { ...routed.successHeaders, ...fault.headers }
    return { drop: 'mid-body', answer: { ...real!, status: 200, headers }, note: ' fault=drop:mid-body' }
  }
  if (fault.status !== undefined || fault.body !== undefined) {
    const status = fault.status ?? 200
    const headers = { ...(status < 400 ? routed.successHeaders : routed.errorHeaders), ...fault.headers }
    return { answer: { ...base, status, body: fault.body ?? '', headers }, note: ' fault' }
  }
  if (fault.malformed) {
    let body = routed.wrongShapeBody
    if (fault.malformed === 'not-json') body = NOT_JSON
    if (fault.malformed === 'truncated')
      body = real!.body.slice(0, Math.max(1, Math.floor(real!.body.length / 2)))
    const headers = { ...routed.successHeaders, ...fault.headers }
    const answer = { ...base, cache: real?.cache ?? 'none', status: 200, body, headers }
    return { answer, note: ` fault=malformed:${fault.malformed}` }
  }
  return { answer: { ...real!, headers: { ...real!.headers, ...fault.headers } }, note: ' fault' }
}
