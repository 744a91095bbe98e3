/**
 * Child of the fleet figure: `n` environments of one library in this process, each its own
 * middleware instance (its own SDK clients, its own cache; its own layer where there is one),
 * cold-starting evenly over `windowMs`: INIT (the middleware built, its prefetch started) and at
 * once the first invocation, which fails if it has not all its values within `timeoutMs` (the
 * function's timeout). Reports each environment's outcome and time to first value.
 */
import middy from '@middy/core'
import { childParams, runMain } from '../lib/child.ts'
import { expectedValue, parameterKeys, secretKeys } from '../lib/keys.ts'

export type FleetSubject = 'ours-layer' | 'ours-sdk' | 'ours-sdk-retry' | 'middy' | 'powertools'

/** The parameters the parent passes. */
export interface FleetParams {
  subject: FleetSubject
  n: number
  windowMs: number
  timeoutMs: number
  /** one layer emulator port per environment (ours-layer) */
  ports: number[]
  token: string
}

const PARAMETERS = parameterKeys(10)
const SECRETS = secretKeys(0, 2)
const KEYS = [...PARAMETERS, ...SECRETS]

type Middleware = Parameters<ReturnType<typeof middy>['use']>[0]

/** One environment's middlewares, built at its INIT. */
const buildEnvironment = async (p: FleetParams, i: number): Promise<Middleware[]> => {
  if (p.subject.startsWith('ours')) {
    const { default: paramsSecrets, parameter } = await import('middy-params-secrets')
    const fetchData = Object.fromEntries([
      ...PARAMETERS.map((k) => [k.key, parameter(k.id)] as const),
      ...SECRETS.map((k) => [k.key, k.id] as const),
    ])
    // No layer: a token is set (as on Lambda) and nothing listens on the port (1: refused at once).
    const port = p.subject === 'ours-layer' ? p.ports[i]! : 1
    // ours-sdk-retry: the SDK's own retries (3 attempts, as the peers' clients), within the budget.
    const retry = p.subject === 'ours-sdk-retry' ? { maxAttempts: 3 } : {}
    return [
      paramsSecrets({
        fetchData,
        setToContext: true,
        cacheKey: `env-${i}`,
        extension: { port, token: p.token },
        awsClientOptions: retry,
        ssmAwsClientOptions: retry,
      }),
    ]
  }
  if (p.subject === 'middy') {
    const [{ default: ssm }, { default: secretsManager }] = await Promise.all([
      import('@middy/ssm'),
      import('@middy/secrets-manager'),
    ])
    return [
      ssm({
        fetchData: Object.fromEntries(PARAMETERS.map((k) => [k.key, k.id])),
        setToContext: true,
        // Each environment its own cache: middy's is per process, keyed by cacheKey.
        cacheKey: `ssm-${i}`,
        awsClientOptions: {},
      }),
      secretsManager({
        fetchData: Object.fromEntries(SECRETS.map((k) => [k.key, k.id])),
        setToContext: true,
        cacheKey: `secrets-manager-${i}`,
        awsClientOptions: {},
      }),
    ] as Middleware[]
  }
  // Powertools: providers of this environment's own (the default ones are per process).
  const [{ SSMProvider }, { SecretsProvider }] = await Promise.all([
    import('@aws-lambda-powertools/parameters/ssm'),
    import('@aws-lambda-powertools/parameters/secrets'),
  ])
  const ssm = new SSMProvider()
  const secrets = new SecretsProvider()
  const names = Object.fromEntries(PARAMETERS.map((k) => [k.id, {}]))
  return [
    {
      before: async (request: any) => {
        const [params, ...values] = await Promise.all([
          ssm.getParametersByName<string>(names, { throwOnError: true }),
          ...SECRETS.map((k) => secrets.get(k.id)),
        ])
        for (const k of PARAMETERS) request.context[k.key] = (params as Record<string, string>)[k.id]
        SECRETS.forEach((k, j) => {
          request.context[k.key] = values[j]
        })
      },
    },
  ]
}

interface Outcome {
  ok: boolean
  ms: number
  error?: string
}

const runEnvironment = async (p: FleetParams, i: number): Promise<Outcome> => {
  const started = performance.now()
  const deadline = started + p.timeoutMs
  const context: Record<string, unknown> = {
    getRemainingTimeInMillis: () => Math.max(0, Math.round(deadline - performance.now())),
  }
  const work = (async () => {
    const handler = middy(async (_event: unknown, ctx: Record<string, unknown>) => ctx)
    for (const m of await buildEnvironment(p, i)) handler.use(m)
    await handler({}, context as any)
    for (const k of KEYS)
      if (context[k.key] !== expectedValue(k)) throw new Error(`${k.key}: not the seeded value`)
  })()
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('Timeout')), p.timeoutMs)
  })
  try {
    await Promise.race([work, timeout])
    return { ok: true, ms: performance.now() - started }
  } catch (error) {
    // The code only (a ParamsSecretsError's or the SDK's name): never a message.
    const e = error as { code?: string; name?: string; message?: string }
    return { ok: false, ms: performance.now() - started, error: e?.code ?? e?.name ?? 'Error' }
  } finally {
    clearTimeout(timer)
    work.catch(() => undefined)
  }
}

runMain(async () => {
  const p = childParams<FleetParams>()
  // Modules load once per process, not per environment: all loaded before the clock starts.
  const preload: Record<FleetSubject, string[]> = {
    'ours-layer': ['middy-params-secrets', '@aws-sdk/client-ssm', '@aws-sdk/client-secrets-manager'],
    'ours-sdk': ['middy-params-secrets', '@aws-sdk/client-ssm', '@aws-sdk/client-secrets-manager'],
    'ours-sdk-retry': ['middy-params-secrets', '@aws-sdk/client-ssm', '@aws-sdk/client-secrets-manager'],
    middy: ['@middy/ssm', '@middy/secrets-manager'],
    powertools: ['@aws-lambda-powertools/parameters/ssm', '@aws-lambda-powertools/parameters/secrets'],
  }
  await Promise.all(preload[p.subject].map((name) => import(name)))
  const outcomes = await Promise.all(
    Array.from(
      { length: p.n },
      (_, i) =>
        new Promise<Outcome>((resolve) => {
          setTimeout(() => resolve(runEnvironment(p, i)), (i * p.windowMs) / p.n)
        }),
    ),
  )
  return { outcomes }
})
