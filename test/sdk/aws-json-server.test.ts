import { type AwsJsonServer, startAwsJsonServer } from '../helpers/aws-json-server.ts'

let server: AwsJsonServer
beforeEach(async () => {
  server = await startAwsJsonServer({ secrets: { s: 'dummy' } })
})
afterEach(() => server.close())

const post = (target: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(server.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': target,
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/secretsmanager/aws4_request, Signature=0',
      ...headers,
    },
    body: JSON.stringify(body),
  })

const error = async (response: Response) => ({
  status: response.status,
  header: response.headers.get('x-amzn-errortype'),
  type: ((await response.json()) as { __type: string }).__type,
})

describe('aws-json-server', () => {
  it('answers in AWS JSON 1.1 with epoch-second dates', async () => {
    const response = await post('secretsmanager.GetSecretValue', { SecretId: 's' })
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1')
    const body = (await response.json()) as Record<string, unknown>
    expect(typeof body.CreatedDate).toBe('number')
    expect(body.VersionStages).toEqual(['AWSCURRENT'])
    expect(server.calls).toEqual([
      { target: 'secretsmanager.GetSecretValue', body: { SecretId: 's' }, accessKeyId: 'AKID' },
    ])
  })

  it('answers errors as status 400 with __type and x-amzn-ErrorType', async () => {
    expect(await error(await post('secretsmanager.GetSecretValue', { SecretId: 'nope' }))).toEqual({
      status: 400,
      header: 'ResourceNotFoundException',
      type: 'ResourceNotFoundException',
    })
  })

  it('refuses an unsigned request, another content type and an unknown operation', async () => {
    expect((await error(await post('secretsmanager.GetSecretValue', {}, { authorization: '' }))).type).toBe(
      'MissingAuthenticationTokenException',
    )
    expect(
      (await error(await post('secretsmanager.GetSecretValue', {}, { 'content-type': 'application/json' })))
        .type,
    ).toBe('SerializationException')
    expect((await error(await post('secretsmanager.PutSecretValue', {}))).type).toBe(
      'UnknownOperationException',
    )
  })

  it('injects a fault the given number of times', async () => {
    server.fail('secretsmanager.GetSecretValue', { status: 500, type: 'InternalServiceError' }, 1)
    expect(await error(await post('secretsmanager.GetSecretValue', { SecretId: 's' }))).toMatchObject({
      status: 500,
    })
    expect((await post('secretsmanager.GetSecretValue', { SecretId: 's' })).status).toBe(200)
  })

  it('refuses more than 10 names in GetParameters', async () => {
    const names = Array.from({ length: 11 }, (_, i) => `/p${i}`)
    expect((await error(await post('AmazonSSM.GetParameters', { Names: names }))).type).toBe(
      'ValidationException',
    )
  })
})
