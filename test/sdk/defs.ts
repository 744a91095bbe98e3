/** KeyDef builders for the SDK transport tests. */
import type { KeyDef } from '../../src/keys.ts'

const base = (key: string): Omit<KeyDef, 'kind' | 'id'> => ({
  key,
  contextKey: key.replace(/[^a-zA-Z0-9]+/g, '_'),
  withDecryption: true,
  recursive: true,
  json: 'auto',
  maxAge: -1,
  staleWhileRevalidate: 0,
  staleIfError: 0,
  fetchRotationDate: false,
  optional: false,
})

export const secretDef = (id: string, over: Partial<KeyDef> = {}): KeyDef => ({
  ...base(over.key ?? id),
  kind: 'secret',
  id,
  ...over,
})

export const parameterDef = (name: string, over: Partial<KeyDef> = {}): KeyDef => ({
  ...base(over.key ?? name),
  kind: 'parameter',
  id: name,
  ...over,
})

export const pathDef = (path: string, over: Partial<KeyDef> = {}): KeyDef => ({
  ...base(over.key ?? path),
  kind: 'path',
  id: path,
  ...over,
})

/** The settled outcome of a fetch, to assert on codes and keys without printing values. */
export const outcome = async (work: Promise<unknown>): Promise<unknown> =>
  work.then(
    () => 'ok',
    (error) => ({
      name: error?.name,
      code: error?.code,
      key: error?.key,
      source: error?.source,
      status: error?.status,
    }),
  )
