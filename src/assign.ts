/**
 * Copies every cached value onto `request.internal` (and `context`) on a warm invocation.
 *
 * Two V8 facts make the obvious loop slow (bench/, 50 keys): a store under a computed key
 * (`target[key] = value`) takes the megamorphic keyed-store path, and middy 7 creates
 * `request.internal` with `Object.create(null)`, an object in dictionary mode from birth. Together
 * about 25 ns a key and object. The same stores written with literal names into a fast-mode object
 * cost 1-7 ns a key. So the copiers are generated once per instance from the declared key names:
 * the names are the developer's own `fetchData` keys, embedded with `JSON.stringify` (always a
 * valid, inert string literal). Where code generation is disallowed
 * (`--disallow-code-generation-from-strings`), plain loops do the same job.
 */

type Sources = ReadonlyArray<{ value: unknown }>

/** Stores `sources[i].value` under `names[i]` on `target`. */
export type Assigner = (target: Record<string, unknown>, sources: Sources) => void

/** Builds a fresh `internal` holding every value; like `Object.create(null)`, it inherits nothing. */
export type InternalFactory = (sources: Sources) => Record<string, unknown>

const stores = (target: string, names: readonly string[]): string =>
  names.map((name, i) => `${target}[${JSON.stringify(name)}] = s[${i}].value`).join('\n')

const generate = <T>(make: () => T, fallback: () => T): T => {
  try {
    return make()
  } catch {
    return fallback()
  }
}

export const createAssigner = (names: readonly string[]): Assigner =>
  generate(
    () => new Function('t', 's', stores('t', names)) as Assigner,
    () => (target, sources) => {
      for (let i = 0; i < names.length; i++) target[names[i]!] = sources[i]!.value
    },
  )

/** `assign` (from {@link createAssigner} over the same names) fills the fallback's object. */
export const createInternalFactory = (names: readonly string[], assign: Assigner): InternalFactory =>
  generate(
    () => {
      // Instances of a constructor whose prototype has no prototype: fast-mode objects that,
      // like middy's own `Object.create(null)`, resolve no inherited name (`toString`, `constructor`).
      const Internal = new Function('s', stores('this', names)) as unknown as new (
        s: Sources,
      ) => Record<string, unknown>
      Internal.prototype = Object.create(null)
      return (sources) => new Internal(sources)
    },
    () => (sources) => {
      const internal: Record<string, unknown> = Object.create(null)
      assign(internal, sources)
      return internal
    },
  )

/** True when `target` has no enumerable key (middy's fresh `internal` when nothing came before). */
export const isEmpty = (target: object): boolean => {
  for (const _ in target) return false
  return true
}
