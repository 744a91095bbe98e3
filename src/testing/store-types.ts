/** Public types of the store the emulators serve, and of the writes a test makes to it. */
import type { ParameterInput, SecretInput } from './value-types.ts'

/**
 * The writes a test makes to the secrets and parameters an emulator serves: the same on a shared
 * {@link EmulatorStore}, an extension emulator and an AWS emulator (all write to one store).
 *
 * @example
 * ```ts
 * const rotate = (target: StoreWrites) => target.putSecret('db', 'v2')
 * ```
 */
export interface StoreWrites {
  /**
   * Rotation: the new version becomes AWSCURRENT and the old AWSCURRENT AWSPREVIOUS, or the new
   * version takes the given `stages` (say `['AWSPENDING']`) and the others keep theirs. Returns the
   * VersionId. An extension emulator's TTL cache keeps the old answer unless it was started with
   * `evictOnWrite: true`.
   */
  putSecret(id: string, value: SecretInput, stages?: string[]): string
  deleteSecret(id: string): void
  /** New version of a parameter; returns its number. Given labels move to it. */
  putParameter(name: string, value: ParameterInput): number
  deleteParameter(name: string): void
  /**
   * An IAM mistake for one item: reads of it fail with AccessDeniedException (a path: the AWS
   * emulator's GetParametersByPath of it). Applies to store reads, not to cached answers.
   */
  denyAccess(kind: 'secret' | 'parameter', id: string): void
  allowAccess(kind: 'secret' | 'parameter', id: string): void
  /** Upstream throttling: every store read fails with ThrottlingException while on, on every emulator sharing the store. */
  throttle(on: boolean): void
}

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
export interface EmulatorStore extends StoreWrites {
  /** Region in ARNs. */
  readonly region: string
  /** Account in ARNs. */
  readonly accountId: string
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
