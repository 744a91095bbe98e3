/**
 * The benchmark's secrets and parameters: the same names and values in the extension emulator and
 * in the AWS JSON server, so every subject reads the same data.
 */

/** Secrets seeded in both servers (the memory figure needs 1,000 distinct keys). */
export const SECRET_COUNT = 1000
/** Parameters seeded in both servers (one GetParameters call takes 10 names at most). */
export const PARAMETER_COUNT = 10

/** One key a subject resolves: where it goes on `context`, and what it reads. */
export interface BenchKey {
  /** the fetchData / context key */
  key: string
  kind: 'secret' | 'parameter'
  /** the secret id or the parameter name */
  id: string
}

/** The id of secret number `i`. */
export const secretId = (i: number): string => `bench/secret-${String(i).padStart(4, '0')}`

/** The name of parameter number `i`. */
export const parameterName = (i: number): string => `/bench/param-${String(i).padStart(2, '0')}`

/**
 * A plain-text value (not JSON, so no subject parses it), giving a ~310-byte extension body, as
 * the layer sends for a small secret.
 */
export const seededValue = (i: number): string => `bench-value-${i}-`.padEnd(40, 'x')

/**
 * `count` secrets starting at number `first`, keyed `s<number>`.
 *
 * @example
 * ```ts
 * secretKeys(10, 3) // s10, s11, s12
 * ```
 */
export const secretKeys = (first: number, count: number): BenchKey[] =>
  Array.from({ length: count }, (_, n) => ({ key: `s${first + n}`, kind: 'secret', id: secretId(first + n) }))

/**
 * The first `count` parameters, keyed `p<number>`.
 *
 * @example
 * ```ts
 * parameterKeys(10) // p0 .. p9
 * ```
 */
export const parameterKeys = (count: number): BenchKey[] =>
  Array.from({ length: count }, (_, n) => ({ key: `p${n}`, kind: 'parameter', id: parameterName(n) }))

/** The values to seed, by secret id and by parameter name. */
export const seed = (): { secrets: Record<string, string>; parameters: Record<string, string> } => ({
  secrets: Object.fromEntries(Array.from({ length: SECRET_COUNT }, (_, i) => [secretId(i), seededValue(i)])),
  parameters: Object.fromEntries(
    Array.from({ length: PARAMETER_COUNT }, (_, i) => [parameterName(i), seededValue(i)]),
  ),
})

/** The value a key must resolve to: the subjects' results are checked, not only timed. */
export const expectedValue = (key: BenchKey): string => seededValue(Number(key.key.slice(1)))
