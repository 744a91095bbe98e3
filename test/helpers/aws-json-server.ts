/**
 * The project's tests' AWS JSON 1.1 server: a thin wrapper over the public `startAwsEmulator`
 * (src/testing), keeping the short names these tests were written with.
 */
import { type AwsCall, startAwsEmulator } from '../../src/testing/index.ts'

export type { AwsCall }
export type SecretSeed =
  | string
  | Uint8Array
  | { SecretString?: string; SecretBinary?: Uint8Array; NextRotationDate?: Date }
export type ParameterType = 'String' | 'StringList' | 'SecureString'
export type ParameterSeed = string | { value: string; type?: ParameterType; labels?: string[] }

export interface AwsFault {
  status: number
  type: string
  message?: string
  /** a raw body to send instead of the JSON error (say, a truncated answer) */
  body?: string
}

export interface AwsJsonServer {
  endpoint: string
  calls: AwsCall[]
  /** A new version staged `AWSCURRENT` (the previous one becomes `AWSPREVIOUS`), or the given stages. Its VersionId. */
  putSecret(id: string, value: SecretSeed, stages?: string[]): string
  /** A new version of the parameter (labels move to it). Its version number. */
  putParameter(name: string, value: ParameterSeed): number
  /** Answer `AccessDeniedException` for this secret or parameter (GetParameters fails as a whole). */
  deny(id: string): void
  /** Answer the next `times` requests with `ThrottlingException`. */
  throttle(times: number): void
  /** Answer the next `times` (default: every) requests of a target with this error. */
  fail(target: string, fault: AwsFault, times?: number): void
  close(): Promise<void>
}

/** Starts the server on 127.0.0.1, port 0. */
export const startAwsJsonServer = async (
  seed: { secrets?: Record<string, SecretSeed>; parameters?: Record<string, ParameterSeed> } = {},
): Promise<AwsJsonServer> => {
  const aws = await startAwsEmulator(seed)
  const count = (times: number | undefined) =>
    times === undefined || times === Number.POSITIVE_INFINITY ? {} : { times }
  return {
    endpoint: aws.endpoint,
    calls: aws.calls,
    putSecret: (id, value, stages) => aws.putSecret(id, value, stages),
    putParameter: (name, value) => aws.putParameter(name, value),
    deny(id) {
      aws.denyAccess('secret', id)
      aws.denyAccess('parameter', id)
    },
    throttle: (times) =>
      void aws.inject({ ...count(times), type: 'ThrottlingException', message: 'Rate exceeded' }),
    fail(target, { status, type, message = type, body }, times) {
      const answer = body === undefined ? { type, message } : { body }
      aws.inject({ operation: target, status, ...answer, ...count(times) })
    },
    close: () => aws.close(),
  }
}
