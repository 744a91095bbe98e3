/**
 * A 200 body of the extension -> the raw value. The layer sends Go-style JSON under `text/plain`
 * with every field present (`null` when absent); the agent omits absent fields and sends no
 * Content-Type. So the text is parsed whatever the headers say, and `null` and absent are alike.
 */
import { ParamsSecretsError } from '../errors.ts'
import type { KeyDef } from '../model.ts'
import { referenceBinary } from './reference-binary.ts'
import type { Upstream } from './types.ts'

const invalid = (def: KeyDef, what: string): ParamsSecretsError =>
  // Never quote the body: it is the value.
  new ParamsSecretsError(
    `The extension answered 200 for key "${def.key}" (${def.kind} ${def.id}) with ${what}`,
    {
      code: 'InvalidResponse',
      source: 'extension',
      key: def.key,
      status: 200,
    },
  )

const parseJson = (def: KeyDef, body: string): any => {
  try {
    return JSON.parse(body)
  } catch {
    throw invalid(def, 'a body that is not JSON (truncated or malformed)')
  }
}

const isObject = (value: unknown): value is Record<string, any> => typeof value === 'object' && value !== null

/** Decodes a 200 body into `text` or `binary`, or throws `InvalidResponse`. */
export const decodeBody = (def: KeyDef, body: string): Omit<Upstream, 'attempts'> => {
  const json = parseJson(def, body)
  if (!isObject(json)) throw invalid(def, 'JSON of the wrong shape')
  if (def.kind === 'secret') {
    if (typeof json.SecretString === 'string') return { text: json.SecretString }
    if (typeof json.SecretBinary === 'string') return { binary: Buffer.from(json.SecretBinary, 'base64') }
    throw invalid(def, 'neither SecretString nor SecretBinary')
  }
  const parameter = json.Parameter
  if (!isObject(parameter)) throw invalid(def, 'no Parameter')
  const parameterType = typeof parameter.Type === 'string' ? parameter.Type : undefined
  if (typeof parameter.Value === 'string') return { text: parameter.Value, parameterType }
  // A binary secret through `/aws/reference/secretsmanager/`: `Value: null`, the bytes in `SourceResult`.
  const binary = referenceBinary(parameter.SourceResult)
  if (binary !== undefined) return { binary, parameterType }
  throw invalid(def, 'a Parameter without a Value')
}
