/**
 * The SDK path of a parameters-by-path key: GetParametersByPath, every page (`NextToken` to the
 * end, at most {@link MAX_PAGES}), with the key's `Recursive` and `WithDecryption`. The layer has
 * no route for it, so a path is always read here.
 */
import type { KeyDef } from '../model.ts'
import { type SdkClients, send } from './sdk-clients.ts'
import { invalidResponse, sdkError } from './sdk-errors.ts'
import type { FetchContext, PathEntry, Upstream } from './types.ts'

/** Pages followed before giving up: 100 pages of 10 is 1,000 parameters, far past a sane tree. */
export const MAX_PAGES = 100

/** One page's parameters as entries; a parameter without a string `Name` and `Value` is a bad answer. */
const entriesOf = (def: KeyDef, parameters: unknown): PathEntry[] => {
  if (parameters === undefined || parameters === null) return []
  if (!Array.isArray(parameters))
    throw invalidResponse(def, 'GetParametersByPath', 'Parameters is not a list')
  return parameters.map((p) => {
    if (typeof p?.Name !== 'string' || typeof p?.Value !== 'string') {
      throw invalidResponse(def, 'GetParametersByPath', 'a parameter without a Name or a Value')
    }
    return { name: p.Name, text: p.Value, type: typeof p.Type === 'string' ? p.Type : undefined }
  })
}

/**
 * Reads every parameter under `def.id`. `attempts` counts the HTTP requests of every page.
 *
 * @example
 * ```ts
 * const { entries } = await fetchPath(clients, def, { force: false })
 * ```
 */
export const fetchPath = async (clients: SdkClients, def: KeyDef, ctx: FetchContext): Promise<Upstream> => {
  const { sdk, client } = await clients.ssm(def, ctx).catch((error) => Promise.reject(sdkError(error, def)))
  const entries: PathEntry[] = []
  let attempts = 0
  let nextToken: string | undefined
  for (let page = 0; page < MAX_PAGES; page++) {
    const command = new sdk.GetParametersByPathCommand({
      Path: def.id,
      Recursive: def.recursive,
      WithDecryption: def.withDecryption,
      NextToken: nextToken,
    })
    const { output, attempts: spent } = await send(client, command).catch((error) => {
      throw sdkError(error, def, 'GetParametersByPath')
    })
    attempts += spent
    entries.push(...entriesOf(def, output?.Parameters))
    const token: unknown = output?.NextToken
    if (token === undefined || token === null || token === '') return { entries, attempts }
    if (typeof token !== 'string')
      throw invalidResponse(def, 'GetParametersByPath', 'a NextToken that is not a string')
    nextToken = token
  }
  throw invalidResponse(def, 'GetParametersByPath', `more than ${MAX_PAGES} pages (NextToken never ended)`)
}
