import { createStore, type Store } from './store.ts'
import type { ParameterInput, SecretInput } from './types.ts'

/**
 * Secrets and parameters that several emulators serve at once: pass it as `store` to
 * {@link startExtensionEmulator} and {@link startAwsEmulator}, and one rotation reaches both paths
 * (the extension's TTL cache aside, unless it was started with `evictOnWrite: true`).
 *
 * @example
 * ```ts
 * import { createEmulatorStore, startAwsEmulator, startExtensionEmulator } from 'middy-params-secrets/testing'
 *
 * const store = createEmulatorStore({ secrets: { db: 'v1' } })
 * const extension = await startExtensionEmulator({ store, token: 'test-token', evictOnWrite: true })
 * const aws = await startAwsEmulator({ store })
 * store.putSecret('db', 'v2') // both serve v2 from now on
 * await Promise.all([extension.close(), aws.close()])
 * ```
 */
export interface EmulatorStore {
  /** Region in ARNs. */
  readonly region: string
  /** Account in ARNs. */
  readonly accountId: string
  /**
   * Rotation: the new version becomes AWSCURRENT and the old AWSCURRENT AWSPREVIOUS, or the new
   * version takes the given `stages` (say `['AWSPENDING']`) and the others keep theirs. Returns the VersionId.
   */
  putSecret(id: string, value: SecretInput, stages?: string[]): string
  deleteSecret(id: string): void
  /** New version of a parameter; returns its number. Given labels move to it. */
  putParameter(name: string, value: ParameterInput): number
  deleteParameter(name: string): void
  /** An IAM mistake for one item: reads of it fail with AccessDeniedException. */
  denyAccess(kind: 'secret' | 'parameter', id: string): void
  allowAccess(kind: 'secret' | 'parameter', id: string): void
  /** Upstream throttling: every read fails with ThrottlingException while on. */
  throttle(on: boolean): void
}

/**
 * Options of {@link createEmulatorStore}.
 *
 * @example
 * ```ts
 * const options: EmulatorStoreOptions = { secrets: { db: 'pw' }, parameters: { '/app/url': 'https://example.com' } }
 * ```
 */
export interface EmulatorStoreOptions {
  secrets?: Record<string, SecretInput>
  parameters?: Record<string, ParameterInput>
  /** Region in ARNs. Default `'us-east-1'`. */
  region?: string
  /** Account in ARNs. Default `'123456789012'`. */
  accountId?: string
}

// The fidelity side (reads, write listeners) stays out of the public type.
const internals = new WeakMap<EmulatorStore, Store>()

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
  const shared: EmulatorStore = {
    region: store.region,
    accountId: store.accountId,
    putSecret: (id, value, stages) => store.putSecret(id, value, stages),
    deleteSecret: (id) => store.deleteSecret(id),
    putParameter: (name, value) => store.putParameter(name, value),
    deleteParameter: (name) => store.deleteParameter(name),
    denyAccess: (kind, id) => store.deny(kind, id),
    allowAccess: (kind, id) => store.allow(kind, id),
    throttle: (on) => store.setThrottled(on),
  }
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
