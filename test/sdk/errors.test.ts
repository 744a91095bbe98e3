import { ParamsSecretsError } from '../../src/errors.ts'
import { sdkError } from '../../src/transport/sdk.ts'
import { parameterDef, secretDef } from './defs.ts'

const DUMMY_VALUE = 'dummy-value-that-must-not-leak'

const awsError = (name: string, status = 400, fields: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${name}: ${DUMMY_VALUE}`), {
    name,
    $metadata: { httpStatusCode: status },
    ...fields,
  })

describe('sdkError', () => {
  it.each([
    [
      'AccessDeniedException',
      'a secret',
      secretDef('prod/db', { key: 'db' }),
      ['secretsmanager:GetSecretValue', 'kms:Decrypt'],
    ],
    [
      'AccessDeniedException',
      'a parameter',
      parameterDef('/app/url', { key: 'url' }),
      ['ssm:GetParameter', 'ssm:GetParameters'],
    ],
    ['DecryptionFailure', 'a secret', secretDef('prod/db', { key: 'db' }), ['kms:Decrypt']],
    ['ResourceNotFoundException', 'a secret', secretDef('prod/db', { key: 'db' }), ['Check the name']],
    [
      'ParameterNotFound',
      'a parameter version',
      parameterDef('/app/url', { key: 'url', version: 2 }),
      ["'/app/url:2'", 'Check the name'],
    ],
    ['ThrottlingException', 'a secret', secretDef('prod/db', { key: 'db' }), ['throttled']],
  ])('maps %s of %s with the key, the id, the code and what to do', (code, _, def, hints) => {
    const cause = awsError(code)
    const error = sdkError(cause, def)
    expect(error).toBeInstanceOf(ParamsSecretsError)
    expect(error).toMatchObject({ code, key: def.key, source: 'sdk', status: 400, cause })
    for (const text of [def.key, def.id, code, ...hints]) expect(error.message).toContain(text)
  })

  it('never copies the SDK message into its own', () => {
    const error = sdkError(awsError('AccessDeniedException'), secretDef('s'))
    expect(error.message.includes(DUMMY_VALUE)).toBe(false)
  })

  it('leaves kms:Decrypt out for a parameter read without decryption', () => {
    const error = sdkError(awsError('AccessDeniedException'), parameterDef('/p', { withDecryption: false }))
    expect(error.message.includes('kms:Decrypt')).toBe(false)
  })

  it('names ssm:GetParameters for a batch', () => {
    const error = sdkError(awsError('AccessDeniedException'), parameterDef('/p'), 'GetParameters')
    expect(error.message).toContain('SSM GetParameters')
    expect(error.message).toContain('ssm:GetParameters')
  })

  it.each<[string, Record<string, unknown>, string]>([
    [
      'a __type when the name is generic',
      { name: 'Error', __type: 'ThrottlingException' },
      'ThrottlingException',
    ],
    [
      'a namespaced __type',
      { name: 'Error', __type: 'com.amazonaws.kms#KMSAccessDeniedException' },
      'KMSAccessDeniedException',
    ],
    [
      'an error-type URL',
      { name: 'SSMServiceException', __type: 'InternalServerError:http://internal.amazon.com/' },
      'InternalServerError',
    ],
    ['a Node.js code', { name: 'Error', code: 'ECONNREFUSED' }, 'ECONNREFUSED'],
    ['the name of a non-AWS error', { name: 'CredentialsProviderError' }, 'CredentialsProviderError'],
    ['SdkError when nothing says more', { name: 'Error' }, 'SdkError'],
  ])('takes %s as the code', (_, fields, code) => {
    expect(sdkError(Object.assign(new Error('x'), fields), secretDef('s')).code).toBe(code)
  })

  it('keeps no cause for a 2xx the SDK failed to read, whose raw body it holds', () => {
    const unreadable = Object.assign(new SyntaxError('bad JSON'), {
      $metadata: { httpStatusCode: 200 },
      $response: { body: DUMMY_VALUE },
    })
    const error = sdkError(unreadable, secretDef('s', { key: 'k' }))
    expect(error).toMatchObject({ code: 'InvalidResponse', key: 'k', status: 200 })
    expect(error.cause).toBeUndefined()
  })

  it('has no status without HTTP metadata', () => {
    expect(sdkError(new Error('x'), secretDef('s')).status).toBeUndefined()
  })

  it('passes a ParamsSecretsError through, set to the key at hand', () => {
    const own = new ParamsSecretsError('SDK missing', { code: 'SdkMissing', source: 'sdk', key: 'first' })
    expect(sdkError(own, secretDef('s', { key: 'first' }))).toBe(own)
    expect(sdkError(own, secretDef('s', { key: 'second' }))).toMatchObject({
      code: 'SdkMissing',
      key: 'second',
      message: 'SDK missing',
    })
  })
})

describe('sdkError: codes shared with the extension path', () => {
  it("maps the SDK's own TimeoutError to Timeout, as the extension path names a timeout", () => {
    const error = sdkError(
      Object.assign(new Error('timed out'), { name: 'TimeoutError' }),
      secretDef('s', { key: 'k' }),
    )
    expect(error).toMatchObject({ code: 'Timeout', key: 'k', source: 'sdk' })
  })
})
