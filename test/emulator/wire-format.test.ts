/**
 * The body builders: Go's JSON and time formats, Java's date format, the agent's date string and
 * hand-written error JSON.
 */
import type { SecretView } from '../../src/testing/secret-store.ts'
import {
  agentErrorBody,
  agentSecretBody,
  goJson,
  goTime,
  javaDate,
  layerSecretBody,
  sourceResult,
} from '../../src/testing/wire-format.ts'

const view: SecretView = {
  arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:s-AbCdEf',
  name: 's',
  versionId: 'b1c367b9-7f53-4a47-82c4-be51a054b953',
  secretString: "it's <b>&=",
  versionStages: ['AWSCURRENT'],
  createdDate: Date.parse('2019-09-26T21:53:09.046Z'),
}

describe('wire-format', () => {
  it('escapes <, >, &, U+2028 and U+2029 as Go does, and nothing else', () => {
    expect(goJson({ a: '<>&\u2028\u2029=\'"' })).toBe('{"a":"\\u003c\\u003e\\u0026\\u2028\\u2029=\'\\""}')
  })

  it.each([
    ['2022-11-16T08:22:40.499Z', '2022-11-16T08:22:40.499Z'],
    ['2022-11-16T08:22:40.490Z', '2022-11-16T08:22:40.49Z'],
    ['2022-11-16T08:22:40.500Z', '2022-11-16T08:22:40.5Z'],
    ['2022-11-16T08:22:40.000Z', '2022-11-16T08:22:40Z'],
  ])('formats %s as Go RFC3339Nano: %s', (iso, expected) => {
    expect(goTime(Date.parse(iso))).toBe(expected)
  })

  it.each([
    ['2022-11-16T08:22:40.499Z', 'Nov 16, 2022, 8:22:40 AM'],
    ['2022-01-02T00:05:09.000Z', 'Jan 2, 2022, 12:05:09 AM'],
    ['2022-07-04T12:00:00.000Z', 'Jul 4, 2022, 12:00:00 PM'],
    ['2022-12-31T23:59:59.999Z', 'Dec 31, 2022, 11:59:59 PM'],
  ])('formats %s as Java in UTC: %s', (iso, expected) => {
    expect(javaDate(Date.parse(iso))).toBe(expected)
  })

  it('writes SourceResult as Gson does: nulls omitted, HTML-safe escapes, signed bytes', () => {
    expect(sourceResult(view)).toBe(
      '{"ARN":"arn:aws:secretsmanager:us-east-1:123456789012:secret:s-AbCdEf","name":"s",' +
        '"versionId":"b1c367b9-7f53-4a47-82c4-be51a054b953","secretString":"it\\u0027s \\u003cb\\u003e\\u0026\\u003d",' +
        '"versionStages":["AWSCURRENT"],"createdDate":"Sep 26, 2019, 9:53:09 PM"}',
    )
    const binary = JSON.parse(
      sourceResult({ ...view, secretString: undefined, secretBinary: Buffer.from([0, 127, 128, 255]) }),
    )
    expect(binary.secretBinary.hb).toEqual([0, 127, -128, -1])
    expect('secretString' in binary).toBe(false)
  })

  it('writes the layer secret body with every field', () => {
    expect(JSON.parse(layerSecretBody(view))).toEqual({
      ARN: view.arn,
      CreatedDate: '2019-09-26T21:53:09.046Z',
      Name: 's',
      SecretBinary: null,
      SecretString: view.secretString,
      VersionId: view.versionId,
      VersionStages: ['AWSCURRENT'],
      ResultMetadata: {},
    })
  })

  it('writes the agent CreatedDate as epoch seconds text like "1569534789.046"', () => {
    expect(JSON.parse(agentSecretBody(view)).CreatedDate).toBe('1569534789.046')
    expect(JSON.parse(agentSecretBody({ ...view, createdDate: 1569534789000 })).CreatedDate).toBe(
      '1569534789',
    )
  })

  it('writes agent errors by hand, InternalFailure without a message', () => {
    expect(agentErrorBody('ThrottlingException', 'Rate exceeded')).toBe(
      '{"__type":"ThrottlingException", "message":"Rate exceeded"}',
    )
    expect(agentErrorBody('InternalFailure', 'x')).toBe('{"__type":"InternalFailure"}')
    expect(agentErrorBody('AccessDeniedException', '')).toBe('{"__type":"InternalFailure"}')
  })
})
