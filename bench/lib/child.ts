/**
 * The child's side of a fresh-process round: its parameters in, one result line out.
 */

/** The prefix of the line that carries a child's result (other output is ignored). */
export const RESULT_PREFIX = 'BENCH_RESULT '

/**
 * The JSON parameters the parent passed as the first argument.
 *
 * @example
 * ```ts
 * const { subject } = childParams<{ subject: string }>()
 * ```
 */
export const childParams = <T>(): T => JSON.parse(process.argv[2] ?? '{}') as T

/**
 * Prints the result and ends the process: a keep-alive socket or a client left open by a peer
 * library must not keep the round alive. (Writes to a pipe are synchronous on Linux.)
 *
 * @example
 * ```ts
 * finish({ nsPerCall: 312 })
 * ```
 */
export const finish = (result: unknown): never => {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`)
  process.exit(0)
}

/**
 * Runs a child's main function, reporting its result, or its error on stderr with exit code 1.
 *
 * @example
 * ```ts
 * runMain(async () => ({ nsPerCall: await timePerCall(fn) }))
 * ```
 */
export const runMain = (main: () => Promise<unknown>): void => {
  main().then(finish, (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    process.exit(1)
  })
}
