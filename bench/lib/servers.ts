/**
 * The servers every figure talks to, run in the PARENT process so a child's measurements contain
 * only the client's cost: the package's extension emulator (layer profile, its TTL cache on) and
 * the loopback AWS JSON 1.1 server of the test helpers, for the real SDK clients.
 */
import { type ExtensionEmulator, startExtensionEmulator } from 'middy-params-secrets/testing'
import { type AwsJsonServer, startAwsJsonServer } from '../../test/helpers/aws-json-server.ts'
import { seed } from './keys.ts'

/** What a child needs to reach the servers (passed in its parameters). */
export interface ServerParams {
  /** the emulator's port on 127.0.0.1 */
  port: number
  token: string
  /** the AWS JSON server, `http://127.0.0.1:PORT` */
  endpoint: string
}

/** The running servers, and the environment of every child. */
export interface Servers {
  emulator: ExtensionEmulator
  aws: AwsJsonServer
  params: ServerParams
  env: NodeJS.ProcessEnv
  /** Clears the request logs, so the parent (the servers' process) does not grow between rounds. */
  reset(): void
  close(): Promise<void>
}

const TOKEN = 'bench-token'

/**
 * A child's environment: this one without any AWS variable (no token that would reach the
 * extension by accident, no real credentials), plus fake credentials and the loopback endpoint
 * for every SDK client (`AWS_ENDPOINT_URL`), whichever library builds it.
 */
const childEnv = (endpoint: string): NodeJS.ProcessEnv => {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(AWS_|POWERTOOLS_)/.test(name)),
  )
  return {
    ...env,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDBENCHMARK',
    AWS_SECRET_ACCESS_KEY: 'bench-secret-access-key',
    AWS_ENDPOINT_URL: endpoint,
    AWS_EC2_METADATA_DISABLED: 'true',
  }
}

/**
 * Starts both servers with the benchmark's data.
 *
 * @example
 * ```ts
 * const servers = await startServers()
 * try { ... } finally { await servers.close() }
 * ```
 */
export const startServers = async (): Promise<Servers> => {
  const data = seed()
  const emulator = await startExtensionEmulator({ profile: 'layer', token: TOKEN, ...data, env: {} })
  const aws = await startAwsJsonServer(data).catch(async (error: unknown) => {
    await emulator.close()
    throw error
  })
  return {
    emulator,
    aws,
    params: { port: emulator.port, token: TOKEN, endpoint: aws.endpoint },
    env: childEnv(aws.endpoint),
    reset() {
      emulator.resetLog()
      aws.calls.length = 0
    },
    async close() {
      await Promise.allSettled([emulator.close(), aws.close()])
    },
  }
}
