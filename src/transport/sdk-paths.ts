/**
 * The SDK path of a parameters-by-path key: GetParametersByPath, every page (`NextToken` to the
 * end, at most {@link MAX_PAGES}), with the key's `Recursive` and `WithDecryption`. The layer has
 * no route for it, so a path is always read here.
 */
import type { KeyDef } from '../model.ts'
import { type CallBudget, sendWithin } from './sdk-call.ts'
import type { SdkClients } from './sdk-clients.ts'
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
 * const { entries } = await fetchPath(clients, def, { force: false }, budget)
 * ```
 */
export const fetchPath = async (
  clients: SdkClients,
  def: KeyDef,
  ctx: FetchContext,
  budget: CallBudget,
): Promise<Upstream> => {
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
    // One budget for every page: the key's resolution ends at its deadline whatever the tree's size.
    const { output, attempts: spent } = await sendWithin(client, command, budget, def, 'GetParametersByPath')
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
