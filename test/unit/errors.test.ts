import { closedError, invalidOptions, ParamsSecretsError } from '../../src/errors.ts'

describe('ParamsSecretsError', () => {
  it('carries its fields, a name and the cause', () => {
    const cause = new Error('upstream')
    const error = new ParamsSecretsError('failed', {
      code: 'Timeout',
      source: 'extension',
      key: 'db',
      status: 504,
      cause,
    })
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('ParamsSecretsError')
    expect(error.message).toBe('failed')
    expect(error).toMatchObject({ code: 'Timeout', source: 'extension', key: 'db', status: 504 })
    expect(error.cause).toBe(cause)
    expect(error.attempts).toBeUndefined()
    expect(String(error)).toBe('ParamsSecretsError: failed')
  })

  it('has no cause property at all without a cause', () => {
    const error = new ParamsSecretsError('m', { code: 'MissingToken', source: 'options' })
    expect(Object.hasOwn(error, 'cause')).toBe(false)
    expect(error.key).toBeUndefined()
    expect(error.status).toBeUndefined()
  })

  it('is recognised by its brand, as a copy from another build would be', () => {
    const brand = Symbol.for('middy-params-secrets.error')
    const foreign = { [brand]: true }
    expect(foreign instanceof ParamsSecretsError).toBe(true)
    expect({ [brand]: 'yes' } instanceof ParamsSecretsError).toBe(false)
    for (const value of [null, undefined, 'ParamsSecretsError', 1, new Error('x'), {}]) {
      expect(value instanceof ParamsSecretsError).toBe(false)
    }
    const own = new ParamsSecretsError('m', { code: 'Timeout', source: 'sdk' })
    expect((own as any)[brand]).toBe(true)
  })

  it('copies into an independent error with the same fields, cause and attempts', () => {
    const cause = new Error('upstream')
    const error = new ParamsSecretsError('failed', {
      code: 'AccessDeniedException',
      source: 'sdk',
      key: 'db',
      status: 400,
      cause,
    })
    error.attempts = 3
    const copy = error.copy()
    expect(copy).not.toBe(error)
    expect(copy).toBeInstanceOf(ParamsSecretsError)
    expect(copy).toMatchObject({
      message: 'failed',
      code: 'AccessDeniedException',
      source: 'sdk',
      key: 'db',
      status: 400,
      attempts: 3,
    })
    expect(copy.cause).toBe(cause)
    ;(copy as any).reported = true
    copy.attempts = 9
    expect((error as any).reported).toBeUndefined()
    expect(error.attempts).toBe(3)
  })
})

describe('invalidOptions', () => {
  it('names the option and the key', () => {
    const error = invalidOptions('db', 'maxAge', 'must be a number')
    expect(error).toBeInstanceOf(ParamsSecretsError)
    expect(error).toMatchObject({ code: 'InvalidOptions', source: 'options', key: 'db' })
    expect(error.message).toBe('Invalid option "maxAge" of key "db": must be a number')
  })

  it('names the option alone for an instance option', () => {
    const error = invalidOptions(undefined, 'cacheKey', 'must be a string')
    expect(error.key).toBeUndefined()
    expect(error.message).toBe('Invalid option "cacheKey": must be a string')
  })
})

describe('closedError', () => {
  // Without a key it is the middleware's own failure (an invocation after close()); with one, the
  // key whose resolution close() cut: the message says which, and how to get values again.
  it('says the middleware was closed and that a new one resolves values again', () => {
    const error = closedError()
    expect(error).toBeInstanceOf(ParamsSecretsError)
    expect(error).toMatchObject({ code: 'Closed', source: 'extension', key: undefined })
    expect(error.message).toBe(
      'The middleware was closed (close() was called): create a new one to resolve values again',
    )
  })

  it('names the key whose resolution close() cut', () => {
    const error = closedError('db')
    expect(error).toMatchObject({ code: 'Closed', source: 'extension', key: 'db' })
    expect(error.message).toBe('Key "db" was not resolved: the middleware was closed (close() was called)')
  })
})
