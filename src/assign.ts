/**
 * Copies every cached value onto `request.internal` (and, with `setToContext`, `context`) on a warm
 * invocation, in place: other middlewares keep their own properties (symbol keys, non-enumerable
 * ones) and any reference they hold to the object.
 *
 * A store under a computed key (`target[key] = value`) takes V8's megamorphic keyed-store path;
 * the same stores written with literal names are cheaper (bench/, warm figure). So the copier is
 * generated once per instance from the declared key names: the names are the developer's own
 * `fetchData` keys, embedded with `JSON.stringify` (always a valid, inert string literal). Both
 * targets are written in one pass, each value read once. Where code generation is disallowed
 * (`--disallow-code-generation-from-strings`), a plain loop does it.
 */

type Sources = ReadonlyArray<{ value: unknown }>

/** Stores `sources[i].value` under `keys[i]` on `internal` and, if given, under `contextKeys[i]` on `context`. */
export type Assigner = (
  internal: Record<string, unknown>,
  context: Record<string, unknown>,
  sources: Sources,
) => void

const line = (key: string, contextKey: string | undefined, i: number): string =>
  contextKey === undefined
    ? `i[${JSON.stringify(key)}] = s[${i}].value`
    : `i[${JSON.stringify(key)}] = c[${JSON.stringify(contextKey)}] = s[${i}].value`

/** `contextKeys` undefined: values go to `internal` only. */
export const createAssigner = (keys: readonly string[], contextKeys?: readonly string[]): Assigner => {
  try {
    const body = keys.map((key, i) => line(key, contextKeys?.[i], i)).join('\n')
    return new Function('i', 'c', 's', body) as Assigner
  } catch {
    return (internal, context, sources) => {
      for (let i = 0; i < keys.length; i++) {
        const value = sources[i]!.value
        internal[keys[i]!] = value
        if (contextKeys !== undefined) context[contextKeys[i]!] = value
      }
    }
  }
}
