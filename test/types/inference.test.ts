/**
 * Type tests: `tsc --noEmit` (part of `npm test`) fails when an inference breaks; jest only runs
 * the trivial assertions. `@ts-expect-error` lines prove that wrong uses do not compile.
 */
import middy from '@middy/core'
import { secret as middySecret } from '@middy/secrets-manager'
import type { Context as LambdaContext } from 'aws-lambda'
import { expectTypeOf } from 'expect-type'
import paramsSecrets, { parameter, secret, secretsManagerParam } from '../../src/index.ts'

// Built but never invoked: no prefetch, no transport.
const quiet = { disablePrefetch: true, transport: 'extension' } as const

interface Db {
  username: string
  password: string
}

describe('types', () => {
  it('carries secret<T>() and parameter<T>() into context and internal', () => {
    const mw = paramsSecrets({
      fetchData: {
        db: secret<Db>('prod/db'),
        dbPrevious: secret<Db>('prod/db', { versionStage: 'AWSPREVIOUS' }),
        flags: parameter<{ beta: boolean }>('/app/flags'),
        name: parameter('/app/name'),
        plain: 'prod/plain',
        alias: secretsManagerParam<number>('prod/n'),
      },
      setToContext: true,
      ...quiet,
    })
    middy()
      .use(mw)
      .handler(async (_event, context) => {
        expectTypeOf(context.db).toEqualTypeOf<Db>()
        expectTypeOf(context.dbPrevious).toEqualTypeOf<Db>()
        expectTypeOf(context.flags).toEqualTypeOf<{ beta: boolean }>()
        expectTypeOf(context.name).toEqualTypeOf<string>()
        expectTypeOf(context.plain).toBeUnknown()
        expectTypeOf(context.alias).toEqualTypeOf<number>()
        expectTypeOf(context.functionName).toEqualTypeOf<string>()
      })
      .before(async (request) => {
        expectTypeOf(request.internal.db).toEqualTypeOf<Db>()
      })
    expect(typeof mw.invalidate).toBe('function')
  })

  it('leaves context alone without setToContext', () => {
    const mw = paramsSecrets({ fetchData: { db: secret<Db>('prod/db') }, ...quiet })
    middy()
      .use(mw)
      .handler(async (_event, context) => {
        expectTypeOf(context).toEqualTypeOf<LambdaContext>()
        // @ts-expect-error db is on internal only
        context.db
      })
  })

  it('still compiles a handler typed with @middy/secrets-manager helpers', () => {
    middy()
      .use(paramsSecrets({ fetchData: { db: middySecret<Db>('prod/db') }, setToContext: true, ...quiet }))
      .handler(async (_event, context) => {
        expectTypeOf(context.db).toEqualTypeOf<Db>()
      })
  })

  it('rejects wrong option types at compile time', () => {
    // @ts-expect-error maxAge is a number of ms
    secret('x', { maxAge: '1m' })
    // @ts-expect-error withDecryption is a parameter option
    secret('x', { withDecryption: true })
    // @ts-expect-error transport is one of three words
    expect(() => paramsSecrets({ transport: 'http' })).toThrow()
  })
})
