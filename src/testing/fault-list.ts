/**
 * What both emulators' fault registries share: the fields every fault has, their checks, and
 * the ordered, counted list a request takes its fault from. What a fault matches and answers is
 * each registry's own (`faults.ts`, `aws-faults.ts`).
 */

/**
 * The fields both kinds of fault have, checked alike.
 *
 * @example
 * ```ts
 * const fault: CountedFault = { times: 1, delayMs: 50 }
 * ```
 */
export interface CountedFault {
  times?: number
  delayMs?: number
  status?: number
  respond?: unknown
}

/**
 * Injected faults, matched in the order they were added.
 *
 * @example
 * ```ts
 * const remove = faults.add(fault)
 * faults.take(request) // the first fault matching it, one use counted
 * ```
 */
export interface FaultList<F, R> {
  /** Validates and adds; returns the remover. */
  add(fault: F): () => void
  /** The first fault matching this request, counting one use of it. */
  take(request: R): F | undefined
  /** Faults not used up: a `times` one with uses left, or one without `times` never used. */
  pending(): string[]
  clear(): void
}

/**
 * What a registry adds to the list: its own checks, its matching, and a fault in words (never
 * its body, which may hold a value).
 *
 * @example
 * ```ts
 * const rules: FaultRules<Fault, FaultRequest> = { validate, matches, describe: describeFault }
 * ```
 */
export interface FaultRules<F, R> {
  validate(fault: F): void
  matches(fault: F, request: R): boolean
  describe(fault: F, used: number): string
}

/**
 * Throws `problem(...)` for the first bad field every fault has: not an object, `times`,
 * `delayMs`, `status`, `respond`.
 *
 * @example
 * ```ts
 * checkCountedFault(fault, (text) => new TypeError(`inject: ${text}`))
 * ```
 */
export function checkCountedFault(fault: CountedFault, problem: (text: string) => TypeError): void {
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
  if (fault.respond !== undefined && typeof fault.respond !== 'function')
    throw problem('respond must be a function')
}

/**
 * Creates an empty list that validates, matches and describes by `rules`.
 *
 * @example
 * ```ts
 * const faults = createFaultList({ validate, matches, describe: describeFault })
 * ```
 */
export function createFaultList<F extends CountedFault, R>(rules: FaultRules<F, R>): FaultList<F, R> {
  const active: Array<{ fault: F; left: number; used: number }> = []
  return {
    add(fault) {
      rules.validate(fault)
      const entry = { fault: { ...fault }, left: fault.times ?? Number.POSITIVE_INFINITY, used: 0 }
      active.push(entry)
      return () => {
        const index = active.indexOf(entry)
        if (index !== -1) active.splice(index, 1)
      }
    },
    take(request) {
      const entry = active.find((candidate) => candidate.left > 0 && rules.matches(candidate.fault, request))
      if (!entry) return undefined
      entry.left -= 1
      entry.used += 1
      return entry.fault
    },
    // Used-up faults stay listed until removed, so pending() can tell "used" from "never added".
    pending: () =>
      active
        .filter(({ left, used }) => left > 0 && (Number.isFinite(left) || used === 0))
        .map(({ fault, used }) => rules.describe(fault, used)),
    clear: () => {
      active.length = 0
    },
  }
}

/**
 * Throws an Error listing the faults not used up, when there are any (as undici's
 * `assertNoPendingInterceptors`). `what` names them: `'fault'`, `'AWS fault'`.
 *
 * @example
 * ```ts
 * assertAllUsed(faults, 'fault') // Error: 1 injected fault(s) not used up: ...
 * ```
 */
export function assertAllUsed(faults: Pick<FaultList<never, never>, 'pending'>, what: string): void {
  const pending = faults.pending()
  if (pending.length > 0) {
    throw new Error(`${pending.length} injected ${what}(s) not used up:\n  ${pending.join('\n  ')}`)
  }
}
