/**
 * A handler that used `@middy/secrets-manager` and `@middy/ssm` side by side, migrated: the two
 * imports changed, nothing else. It reads two secrets, one named parameter and every parameter
 * under one path; examples/sam and examples/cdk deploy it with a role that can read exactly
 * those. `migrated.test.ts` beside it runs it against the emulators, with the layer and without.
 */
import middy from '@middy/core'
// Was: import secretsManager, { secret } from '@middy/secrets-manager'
import secretsManager, { secret } from 'middy-params-secrets'
// Was: import ssm, { ssmParam } from '@middy/ssm'
import ssm, { ssmParam } from 'middy-params-secrets/ssm'

interface DbCredentials {
  username: string
  password: string
}

/** Exported so tests (and a graceful shutdown) can `close()` its connections. */
export const secrets = secretsManager({
  fetchData: {
    db: secret<DbCredentials>('prod/db'),
    apiKey: secret<string>('prod/api-key'),
  },
  setToContext: true,
})

export const parameters = ssm({
  fetchData: {
    flags: ssmParam<{ beta: boolean }>('/prod/app/flags'),
    // A name ending in `/`: every parameter under the path, keyed by the rest of its name.
    config: ssmParam<{ api_url: string; timeout_ms: string }>('/prod/app/config/'),
  },
  setToContext: true,
  cacheExpiry: 5 * 60_000,
})

export const handler = middy<{ name?: string }>()
  .use(secrets)
  .use(parameters)
  .handler(async (event, context) => {
    const greeting = context.flags.beta ? 'Welcome to the beta' : 'Hello'
    // Use the secrets; never return or log them.
    return {
      greeting: `${greeting}, ${event.name ?? 'world'}`,
      dbUser: context.db.username,
      hasApiKey: context.apiKey.length > 0,
      apiUrl: context.config.api_url,
      timeoutMs: Number(context.config.timeout_ms),
    }
  })
