import { createStore, type Store } from './store.ts'
import type { EmulatorStore, EmulatorStoreOptions, StoreWrites } from './store-types.ts'

// The fidelity side (reads, write listeners) stays out of the public type.
const internals = new WeakMap<EmulatorStore, Store>()

/**
 * The write members of `store` alone, bound to it: what a shared store and both emulators expose,
 * so none of them hands out the store's reads or listeners.
 *
 * @example
 * ```ts
 * const emulator = { url, ...storeWrites(store) }
 * ```
 */
export function storeWrites(store: StoreWrites): StoreWrites {
  return {
    putSecret: (id, value, stages) => store.putSecret(id, value, stages),
    deleteSecret: (id) => store.deleteSecret(id),
    putParameter: (name, value) => store.putParameter(name, value),
    deleteParameter: (name) => store.deleteParameter(name),
    denyAccess: (kind, id) => store.denyAccess(kind, id),
    allowAccess: (kind, id) => store.allowAccess(kind, id),
    throttle: (on) => store.throttle(on),
  }
}

/**
 * Creates a store to share between emulators.
 *
 * @example
 * ```ts
 * const store = createEmulatorStore({ parameters: { '/app/flags': '{"beta":false}' } })
 * store.putParameter('/app/flags', '{"beta":true}')
 * ```
 */
export function createEmulatorStore(options: EmulatorStoreOptions = {}): EmulatorStore {
  const store = createStore({
    region: options.region ?? 'us-east-1',
    accountId: options.accountId ?? '123456789012',
  })
  for (const [id, value] of Object.entries(options.secrets ?? {})) store.putSecret(id, value)
  for (const [name, value] of Object.entries(options.parameters ?? {})) store.putParameter(name, value)
  const shared: EmulatorStore = { region: store.region, accountId: store.accountId, ...storeWrites(store) }
  internals.set(shared, store)
  return shared
}

/**
 * The store behind a shared one, or a new one seeded from `seed` (when `shared` is absent).
 *
 * @example
 * ```ts
 * const { store, shared } = resolveStore(options.store, options)
 * ```
 */
export function resolveStore(
  given: EmulatorStore | undefined,
  seed: EmulatorStoreOptions,
  who: string,
): { store: Store; shared: EmulatorStore } {
  const shared =
    given ?? createEmulatorStore({ ...seed, secrets: {}, parameters: {} } satisfies EmulatorStoreOptions)
  const store = internals.get(shared)
  if (!store) throw new TypeError(`${who}: store must come from createEmulatorStore()`)
  for (const [id, value] of Object.entries(seed.secrets ?? {})) store.putSecret(id, value)
  for (const [name, value] of Object.entries(seed.parameters ?? {})) store.putParameter(name, value)
  return { store, shared }
}
