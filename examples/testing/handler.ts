/**
 * A user's handler, as it would be deployed: a database secret cached for the life of the
 * execution environment, and feature flags read on every invocation (the layer's own cache absorbs
 * those reads). `handler.test.ts` beside it tests it against the extension emulator.
 */
import middy from '@middy/core'
import paramsSecrets, { parameter, secret } from 'middy-params-secrets'

interface DbCredentials {
  username: string
  password: string
}

/** Exported so tests (and a graceful shutdown) can `close()` its connections. */
export const secrets = paramsSecrets({
  fetchData: {
    db: secret<DbCredentials>('prod/db'),
    flags: parameter<{ beta: boolean }>('/prod/app/flags', { maxAge: 0 }),
  },
  setToContext: true,
})

export const handler = middy<{ name?: string }>()
  .use(secrets)
  .handler(async (event, context) => {
    const greeting = context.flags.beta ? 'Welcome to the beta' : 'Hello'
    // Use the credentials; never return or log them.
    return { greeting: `${greeting}, ${event.name ?? 'world'}`, dbUser: context.db.username }
  })
