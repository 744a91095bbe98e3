/**
 * @module middy-params-secrets
 *
 * middy-params-secrets: a Middy middleware for Secrets Manager secrets and SSM parameters through
 * the AWS Parameters and Secrets Lambda Extension, with per-key refresh policies and an SDK fallback.
 */

export type { ErrorSource, ParamsSecretsErrorCode, ParamsSecretsErrorInit } from './errors.ts'
export { ParamsSecretsError } from './errors.ts'
export { RESOLUTION_CHANNEL } from './events.ts'
export { parameter, parametersByPath, secret, secretsManagerParam } from './key-helpers.ts'
export { paramsSecrets as default, paramsSecrets, paramsSecretsValidateOptions } from './middleware.ts'
export type {
  Context,
  EventSource,
  ExtensionOptions,
  Internal,
  JsonMode,
  KeyOptions,
  KeySpec,
  Optional,
  ParameterOptions,
  ParameterSpec,
  ParamsSecretsMiddleware,
  ParamsSecretsOptions,
  PathOptions,
  PathSpec,
  RefreshPolicy,
  ResolutionEvent,
  SecretId,
  SecretOptions,
  SecretSpec,
  SecretsManagerOptions,
  SecretType,
  Typed,
  ValueOf,
} from './types.ts'
export { secretsManagerValidateOptions } from './validate-options.ts'
