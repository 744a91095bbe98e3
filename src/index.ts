/**
 * @module middy-params-secrets
 *
 * middy-params-secrets: a Middy middleware for Secrets Manager secrets and SSM parameters through
 * the AWS Parameters and Secrets Lambda Extension, with per-key refresh policies and an SDK fallback.
 */

export type { ErrorSource, ParamsSecretsErrorCode, ParamsSecretsErrorInit } from './errors.ts'
export { ParamsSecretsError } from './errors.ts'
export { parameter, secret, secretsManagerParam } from './keys.ts'
export { paramsSecrets as default, paramsSecrets, paramsSecretsValidateOptions } from './middleware.ts'
export type {
  Context,
  EventSource,
  ExtensionOptions,
  Internal,
  JsonMode,
  KeySpec,
  ParameterOptions,
  ParameterSpec,
  ParamsSecretsMiddleware,
  ParamsSecretsOptions,
  RefreshPolicy,
  ResolutionEvent,
  SecretId,
  SecretOptions,
  SecretSpec,
  Typed,
  ValueOf,
} from './types.ts'
