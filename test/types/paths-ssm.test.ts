/**
 * Type tests of the third round: `parametersByPath<T>()` carried to context and internal, the
 * `/ssm` entry's inference (as @middy/ssm's `ssmParam<T>()`), and middy 7's names on the main
 * entry. `tsc --noEmit` fails when an inference breaks; jest runs only the trivial assertions.
 */
import middy from '@middy/core'
import { expectTypeOf } from 'expect-type'
import paramsSecrets, {
  parametersByPath,
  type SecretsManagerOptions,
  type SecretType,
  secret,
  secretsManagerValidateOptions,
} from '../../src/index.ts'
import ssm, { type ParamType, type SsmOptions, ssmParam, ssmValidateOptions } from '../../src/ssm.ts'

// Built but never invoked: no prefetch, nothing sent.
const quiet = { disablePrefetch: true, transport: 'sdk' } as const

describe('types: paths and the ssm entry', () => {
  it('carries parametersByPath<T>() and { path } into context and internal', () => {
    const mw = paramsSecrets({
      fetchData: {
        db: parametersByPath<{ url: string }>('/prod/db/', { recursive: false, optional: true }),
        all: parametersByPath('/prod/'),
        raw: { path: '/prod/raw/' },
      },
      setToContext: true,
      ...quiet,
    })
    middy()
      .use(mw)
      .before((request) => {
        expectTypeOf(request.internal.db).toEqualTypeOf<{ url: string }>()
      })
      .handler(async (_event, context) => {
        expectTypeOf(context.db).toEqualTypeOf<{ url: string }>()
        expectTypeOf(context.all).toEqualTypeOf<Record<string, unknown>>()
        expectTypeOf(context.raw).toBeUnknown()
      })
    // @ts-expect-error a path spec has no version
    parametersByPath('/prod/', { version: 2 })
    void mw.close()
  })

  it('infers the /ssm entry as @middy/ssm does', () => {
    const mw = ssm({
      fetchData: {
        url: ssmParam<string>('/prod/db/url'),
        cfg: ssmParam<{ db_url: string }>('/prod/app/'),
        plain: '/prod/plain',
        flags: parametersByPath<{ beta: string }>('/prod/flags/', { maxAge: 1000 }),
      },
      setToContext: true,
      awsRequestLimit: 5,
      ...quiet,
    })
    middy()
      .use(mw)
      .handler(async (_event, context) => {
        expectTypeOf(context.url).toEqualTypeOf<string>()
        expectTypeOf(context.cfg).toEqualTypeOf<{ db_url: string }>()
        expectTypeOf(context.plain).toBeUnknown()
        expectTypeOf(context.flags).toEqualTypeOf<{ beta: string }>()
      })
    expectTypeOf(ssmParam<number>('/n')).toEqualTypeOf<ParamType<number>>()
    expectTypeOf(ssmValidateOptions)
      .parameter(0)
      .toEqualTypeOf<SsmOptions<any> | Record<string, unknown> | undefined>()
    void mw.close()
  })

  it("has middy 7's secrets-manager names on the main entry", () => {
    expectTypeOf(secret<number>('id')).toExtend<SecretType<number>>()
    const options: SecretsManagerOptions = { fetchData: { a: 'id' } }
    expectTypeOf(secretsManagerValidateOptions(options)).toEqualTypeOf<SecretsManagerOptions>()
  })
})
