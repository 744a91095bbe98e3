/** Public types of the extension emulator's fault injection (`inject`). */

/**
 * A fault to inject. Fields combine: `delayMs` delays any answer, the others pick the answer.
 *
 * @example
 * ```ts
 * const remove = emulator.inject({ kind: 'secret', id: 'db', times: 1, drop: 'mid-body' })
 * ```
 */
export interface Fault {
  /** Which endpoint; omitted = both. */
  kind?: 'secret' | 'parameter'
  /** The secretId or parameter name as decoded; omitted = any. */
  id?: string
  /** How many matching requests it applies to. Default: every one until removed. */
  times?: number
  /** Added latency before answering. */
  delayMs?: number
  /** A given answer: status (default 200 when a body is given), body, extra headers. */
  status?: number
  body?: string
  headers?: Record<string, string>
  /** Destroy the socket before any byte, or after writing part of a valid 200 body. */
  drop?: 'before-response' | 'mid-body'
  /** A 200 whose body is cut, not JSON, or JSON without the value fields. */
  malformed?: 'truncated' | 'not-json' | 'wrong-shape'
  /**
   * Only requests whose decoded query has these values, say `{ versionStage: 'AWSPREVIOUS' }` or
   * `{ label: 'prod' }`, besides `kind` and `id`.
   */
  query?: Record<string, string>
  /**
   * A programmed answer: called with each matching request; what it returns is sent (status default
   * 200), `undefined` lets the real answer through. Each call counts as one use.
   */
  respond?: (request: FaultRequest) => FaultAnswer | undefined
}

/**
 * What a `respond` function of a {@link Fault} sees of a request.
 *
 * @example
 * ```ts
 * const respond = (request: FaultRequest): FaultAnswer | undefined =>
 *   request.query.versionStage === 'AWSPENDING' ? { status: 400, body: 'not yet' } : undefined
 * ```
 */
export interface FaultRequest {
  kind: 'secret' | 'parameter'
  /** The decoded secretId or parameter name. */
  id: string
  /** The form-decoded query. */
  query: Record<string, string>
}

/**
 * The answer a `respond` function gives.
 *
 * @example
 * ```ts
 * const answer: FaultAnswer = { status: 200, body: '{"SecretString":"programmed"}' }
 * ```
 */
export interface FaultAnswer {
  /** Default 200. */
  status?: number
  /** Default empty. */
  body?: string
  headers?: Record<string, string>
}
