/**
 * Copies every cached value onto `request.internal` (and `context`) on a warm invocation, in
 * place: other middlewares keep their own properties (symbol keys, non-enumerable ones) and any
 * reference they hold to the object.
 *
 * A store under a computed key (`target[key] = value`) takes V8's megamorphic keyed-store path;
 * the same stores written with literal names are cheaper (bench/, warm figure). So the copier is
 * generated once per instance from the declared key names: the names are the developer's own
 * `fetchData` keys, embedded with `JSON.stringify` (always a valid, inert string literal). Where
 * code generation is disallowed (`--disallow-code-generation-from-strings`), a plain loop does it.
 */

type Sources = ReadonlyArray<{ value: unknown }>

/** Stores `sources[i].value` under `names[i]` on `target`. */
export type Assigner = (target: Record<string, unknown>, sources: Sources) => void

const stores = (target: string, names: readonly string[]): string =>
  names.map((name, i) => `${target}[${JSON.stringify(name)}] = s[${i}].value`).join('\n')

export const createAssigner = (names: readonly string[]): Assigner => {
  try {
    return new Function('t', 's', stores('t', names)) as Assigner
  } catch {
    return (target, sources) => {
      for (let i = 0; i < names.length; i++) target[names[i]!] = sources[i]!.value
    }
  }
}
