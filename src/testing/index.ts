/**
 * `middy-params-secrets/testing`: local stand-ins for what a Lambda function talks to, over real
 * HTTP on 127.0.0.1. `startExtensionEmulator` answers as the AWS Parameters and Secrets Lambda
 * Extension (or the Secrets Manager Agent); `startAwsEmulator` as Secrets Manager and SSM for the
 * SDK v3 clients; `createEmulatorStore` gives both the same secrets and parameters.
 * Self-contained: it loads nothing of the middleware.
 *
 * @example
 * ```ts
 * import { startExtensionEmulator } from 'middy-params-secrets/testing'
 *
 * await using emulator = await startExtensionEmulator({ token: 't', secrets: { db: 'pw' } })
 * Object.assign(process.env, emulator.env)
 * ```
 * @module middy-params-secrets/testing
 */
export { startAwsEmulator } from './aws-emulator.ts'
export type { AwsAnswer, AwsCall, AwsEmulator, AwsEmulatorOptions, AwsFault } from './aws-types.ts'
export { startExtensionEmulator } from './emulator.ts'
export { createEmulatorStore, type EmulatorStore, type EmulatorStoreOptions } from './shared-store.ts'
export type {
  EmulatorCounters,
  EmulatorOptions,
  EmulatorProfile,
  ExtensionEmulator,
  Fault,
  FaultAnswer,
  FaultRequest,
  ParameterInput,
  ParameterType,
  RequestLogEntry,
  SecretInput,
} from './types.ts'
