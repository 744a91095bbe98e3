/**
 * A binary secret read through Parameter Store (`/aws/reference/secretsmanager/ID`): the layer's
 * captured answer has `Value: null` and the bytes in `SourceResult`; SSM's own GetParameter gives
 * the same `SourceResult` text. The same bytes on every path.
 */
import { readFileSync } from 'node:fs'
import { decodeBody } from '../../src/transport/extension-body.ts'
import { referenceBinary } from '../../src/transport/reference-binary.ts'
import { ok } from '../helpers/raw-server.ts'
import { PATHS, parameterDef, type Rig, startRig } from './harness.ts'

const captures = JSON.parse(
  readFileSync(new URL('../emulator/fixtures/layer-captures-2022.json', import.meta.url), 'utf8'),
)
const REFERENCE_PATH =
  '/systemsmanager/parameters/get?name=%2Faws%2Freference%2Fsecretsmanager%2Fdummy-binary-secret&label=AWSPREVIOUS&withDecryption=true'
const capture = captures[REFERENCE_PATH]
const expected = Buffer.from(capture.value.data)
const NAME = '/aws/reference/secretsmanager/dummy-binary-secret'

/** `SourceResult` as Gson writes it, for `bytes` (signed Java bytes) and a ByteBuffer window. */
const sourceResult = (bytes: number[], window: Record<string, unknown> = {}) =>
  JSON.stringify({
    name: 's',
    secretBinary: {
      hb: bytes.map((b) => (b > 127 ? b - 256 : b)),
      offset: 0,
      position: 0,
      limit: bytes.length,
      ...window,
    },
  })

describe('referenceBinary', () => {
  it('decodes the captured layer answer to the secret bytes', () => {
    expect(capture.response.Parameter.Value).toBeNull()
    expect(Buffer.from(referenceBinary(capture.response.Parameter.SourceResult)!)).toEqual(expected)
  })

  it('decodes an SDK GetParameter answer of the same secret (same SourceResult, no Value) alike', () => {
    // SSM's JSON answer as the SDK reads it: Value absent, SourceResult the same text
    const { Value: _none, ...parameter } = capture.response.Parameter
    expect(Buffer.from(referenceBinary(parameter.SourceResult)!)).toEqual(expected)
  })

  it('turns signed Java bytes back into 0..255', () => {
    expect([...referenceBinary(sourceResult([0, 127, 128, 255]))!]).toEqual([0, 127, 128, 255])
  })

  it('keeps the ByteBuffer window: hb[offset + position, offset + limit)', () => {
    expect([
      ...referenceBinary(sourceResult([1, 2, 3, 4, 5], { offset: 1, position: 1, limit: 3 }))!,
    ]).toEqual([3, 4])
    expect([...referenceBinary(JSON.stringify({ secretBinary: { hb: [7, 8] } }))!]).toEqual([7, 8])
  })

  it.each([
    ['no SourceResult', null],
    ['a string secret', JSON.stringify({ secretString: 'text' })],
    ['not JSON', '{"secretBinary":{"hb":[1,'],
    ['hb not an array', JSON.stringify({ secretBinary: { hb: 'AQI=' } })],
    ['a byte out of range', JSON.stringify({ secretBinary: { hb: [1, 300] } })],
    ['a fraction', JSON.stringify({ secretBinary: { hb: [1.5] } })],
    ['a window past the array', JSON.stringify({ secretBinary: { hb: [1, 2], limit: 3 } })],
    ['a position past the limit', JSON.stringify({ secretBinary: { hb: [1, 2], position: 2, limit: 1 } })],
  ])('gives undefined (never a partial value) for %s', (_name, text) => {
    expect(referenceBinary(text)).toBeUndefined()
  })

  it('makes a bad SourceResult an InvalidResponse that quotes nothing of it', () => {
    const body = JSON.stringify({
      Parameter: { Name: NAME, Value: null, SourceResult: '{"secretBinary":{"hb":[1,300]}}' },
    })
    expect(() => decodeBody(parameterDef(NAME), body)).toThrow(
      expect.objectContaining({
        code: 'InvalidResponse',
        status: 200,
        message: expect.not.stringContaining('300'),
      }),
    )
  })
})

describe.each(PATHS)('binary secret through the reference path (%s)', (path) => {
  let rig: Rig
  afterEach(() => rig.close())

  it('serves the bytes of the captured layer answer, byte for byte', async () => {
    rig = await startRig(path, (socket) => {
      socket.write(ok(JSON.stringify(capture.response)))
    })
    const value = await rig.fetch(parameterDef(NAME, 'AWSPREVIOUS'))
    expect(Buffer.from(value.binary!)).toEqual(expected)
    expect(value.text).toBeUndefined()
    expect(rig.server.requests.at(-1)?.line).toBe(`GET ${REFERENCE_PATH} HTTP/1.1`)
  })
})
