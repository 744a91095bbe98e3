/**
 * A small Lambda handler that reads a database secret and two parameters. The same file runs in
 * Lambda (with the Parameters and Secrets Lambda Extension layer) and locally against the emulator.
 * It imports the package's source so `npm run example` works on a fresh clone without a build; in
 * your project the import is `from 'middy-params-secrets'`.
 */
import middy from '@middy/core'
import paramsSecrets, { parameter, type ResolutionEvent, secret } from '../../src/index.ts'

interface DbCredentials {
  username: string
  password: string
}

/** Events are metadata only (key, source, duration): safe to log. */
export const events: ResolutionEvent[] = []

export const secrets = paramsSecrets({
  fetchData: {
    db: secret<DbCredentials>('demo/db', { maxAge: 60_000, staleIfError: 300_000 }),
    apiKey: secret<string>('demo/api-key'),
    flags: parameter<{ beta: boolean }>('/demo/flags', { maxAge: 30_000 }),
    regions: parameter<string[]>('/demo/regions'),
  },
  setToContext: true,
  onEvent: (event) => events.push(event),
})

export const handler = middy()
  .use(secrets)
  .handler(async (_event: unknown, context) => {
    // Never return or log the values themselves: only what the handler did with them.
    return {
      dbUser: context.db.username.length > 0,
      apiKeyLength: context.apiKey.length,
      beta: context.flags.beta,
      regions: context.regions.length,
    }
  })
