/**
 * Ground truth: every response captured from the real layer in 2022 (fixtures/README.md). The
 * emulator, seeded with the same data, must answer each request with a body of the same shape
 * (same keys in the same order, same null-ness, same types) and the same values where we seeded
 * them; ARN suffixes, dates, VersionIds and ciphertexts may differ. Error captures must match
 * status line and body exactly.
 */
import { readFileSync } from 'node:fs'
import type { ExtensionEmulator } from '../../src/testing/index.ts'
import { closeEmulatorsAfterEach, request, start } from './helpers.ts'

closeEmulatorsAfterEach()

interface Capture {
  description: string
  response: { error: string } | Record<string, unknown>
}
const captures: Record<string, Capture> = JSON.parse(
  readFileSync(new URL('./fixtures/layer-captures-2022.json', import.meta.url), 'utf8'),
)

const BINARY_V1 = Buffer.from('a string secret value to be saved as binary')
const BINARY_V2 = Buffer.from('a string secret value to be saved as binary updatedVersion!')
const CAPTURED_V2_ID = '5ce2760a-2802-4c73-bd99-63d49ab6b5ef'

/** Seeds the same store the captures came from; returns the emulator and the binary secret's new VersionId. */
async function seededLayer(): Promise<{ emulator: ExtensionEmulator; binaryV2: string }> {
  const emulator = await start({
    secrets: { 'dummy-string-secret': 'an-insecure-string-secret-value', 'dummy-binary-secret': BINARY_V1 },
    parameters: {
      '/lambda-ext-test-param/dummy-string': 'my-string-param-value',
      '/lambda-ext-test-param/dummy-string-list': {
        value: 'listval-0,listval-1,listval-2',
        type: 'StringList',
      },
      '/lambda-ext-test-param/dummy-secure-string': {
        value: 'my-secure-string-value',
        type: 'SecureString',
        labels: ['Dev'],
      },
    },
  })
  const binaryV2 = emulator.putSecret('dummy-binary-secret', BINARY_V2)
  emulator.putParameter('/lambda-ext-test-param/dummy-secure-string', {
    value: 'my-secure-string-value - 2022-11-16T08:24:05.476Z',
  })
  return { emulator, binaryV2 }
}

/** The shape of a JSON value: key order, null-ness and types, recursively. */
function shape(value: unknown): unknown {
  if (value === null) return 'null'
  if (Array.isArray(value)) return value.map(shape)
  if (typeof value === 'object')
    return Object.entries(value as object).map(([key, item]) => [key, shape(item)])
  return typeof value
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/
const JAVA_DATE = /^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}:\d{2} [AP]M$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** Replaces the values that legitimately differ with placeholders, after checking their form. */
function normalize(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => normalize(item))
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>
    return Object.fromEntries(Object.entries(record).map(([k, item]) => [k, normalizeField(k, item, record)]))
  }
  return key ? normalizeField(key, value, {}) : value
}

function normalizeField(key: string, value: unknown, parent: Record<string, unknown>): unknown {
  if (typeof value !== 'string') return normalize(value)
  if (key === 'ARN') return value.replace(/-[A-Za-z0-9]{6}$/, '-XXXXXX')
  if (key === 'CreatedDate' || key === 'LastModifiedDate') return RFC3339.test(value) ? 'RFC3339' : value
  if (key === 'createdDate') return JAVA_DATE.test(value) ? 'JAVA_DATE' : value
  if (key === 'VersionId' || key === 'versionId') return UUID.test(value) ? 'UUID' : value
  if (key === 'Value' && parent.Type === 'SecureString' && /^AQICAH[A-Za-z0-9+/]+=*$/.test(value))
    return 'CIPHERTEXT'
  if (key === 'SourceResult') return normalize(JSON.parse(value))
  return value
}

describe('fixtures', () => {
  const entries = Object.entries(captures)

  it('has the captures to check', () => {
    expect(entries.length).toBeGreaterThanOrEqual(17)
  })

  it.each(entries)('answers %s as the real layer did', async (path, capture) => {
    const { emulator, binaryV2 } = await seededLayer()
    const reply = await request(emulator, path.replace(CAPTURED_V2_ID, binaryV2))
    if ('error' in capture.response) {
      expect(`${reply.status} ${reply.statusMessage}: ${reply.body}`).toBe(capture.response.error)
      expect(reply.headers['content-type']).toBe('text/plain')
      return
    }
    expect(reply.status).toBe(200)
    expect(reply.headers['content-type']).toBe('text/plain')
    const body = JSON.parse(reply.body)
    expect(shape(body)).toEqual(shape(capture.response))
    const source = (body.Parameter as { SourceResult?: string } | undefined)?.SourceResult
    if (typeof source === 'string') {
      const captured = (capture.response.Parameter as { SourceResult: string }).SourceResult
      expect(shape(JSON.parse(source))).toEqual(shape(JSON.parse(captured)))
    }
    expect(normalize(body)).toEqual(normalize(capture.response))
  })
})
