/**
 * `middy-params-secrets/testing`: a local emulator of the AWS Parameters and Secrets Lambda
 * Extension and of the Secrets Manager Agent. Self-contained: it loads nothing of the middleware.
 *
 * @example
 * ```ts
 * import { startExtensionEmulator } from 'middy-params-secrets/testing'
 * const emulator = await startExtensionEmulator({ token: 't', secrets: { db: 'pw' } })
 * await emulator.close()
 * ```
 * @module middy-params-secrets/testing
 */
export { startExtensionEmulator } from './emulator.ts'
export type {
  EmulatorCounters,
  EmulatorOptions,
  EmulatorProfile,
  ExtensionEmulator,
  Fault,
  ParameterInput,
  ParameterType,
  RequestLogEntry,
  SecretInput,
} from './types.ts'
