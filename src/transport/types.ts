/**
 * What every transport (the extension over HTTP, or the AWS SDK) takes and gives back. A transport
 * knows nothing of caching or decoding: it turns one key definition into the raw upstream value.
 */
import type { KeyDef } from '../model.ts'

/** One parameter of a path (GetParametersByPath): its full name, text and `Type`. */
export interface PathEntry {
  name: string
  text: string
  type?: string | undefined
}

/** The raw value of one key, before decoding: exactly one of `text`, `binary` and `entries` is set. */
export interface Upstream {
  /** `SecretString`, or the parameter's `Value` */
  text?: string
  /** `SecretBinary` as bytes */
  binary?: Uint8Array
  /** the parameter's `Type` (`String`, `StringList`, `SecureString`) */
  parameterType?: string | undefined
  /** a path's parameters, every page */
  entries?: PathEntry[]
  /** upstream requests spent on it (retries included) */
  attempts: number
}

/** A fetch's circumstances. */
export interface FetchContext {
  /** a forced refresh: the value must not come from an intermediate cache */
  force: boolean
  /** the middy request, on an invocation (absent for the prefetch at module load) */
  request?: { internal: Record<string, unknown>; context?: { getRemainingTimeInMillis?: () => number } }
  /** performance.now() value by which this key's resolution must end; undefined = unknown */
  deadline?: number
  /** aborted when the invocation's budget ends or the middleware is closed; reason is a ParamsSecretsError or an Error */
  signal?: AbortSignal
}

/** A secret's rotation schedule from DescribeSecret, in epoch ms. */
export interface RotationSchedule {
  /** `NextRotationDate`; absent when the secret does not rotate */
  nextMs?: number
  /** the later of `LastRotatedDate` and `LastChangedDate` */
  lastChangedMs?: number
}

/** One way to reach Secrets Manager and Parameter Store. */
export interface Transport {
  fetch(def: KeyDef, ctx: FetchContext): Promise<Upstream>
  close(): Promise<void>
}
