/**
 * A test world: the extension emulator and a loopback AWS JSON endpoint holding the same values,
 * and a factory for middleware instances wired to both (transport 'auto' by default).
 */
import middy from '@middy/core'
import paramsSecrets, { type ParamsSecretsOptions, type ResolutionEvent } from '../../src/index.ts'
import {
  type EmulatorOptions,
  type ExtensionEmulator,
  startExtensionEmulator,
} from '../../src/testing/index.ts'
import { type AwsJsonServer, startAwsJsonServer } from './aws-json-server.ts'
import { lambdaContext } from './lambda.ts'

export const TOKEN = 'world-session-token'

// The SDK's credentials and region come from the environment, as in Lambda: credentials or another
// region in the client options would route every key to the SDK (the layer reads with the
// function's own role, in its own region).
process.env.AWS_REGION = 'us-east-1'
process.env.AWS_ACCESS_KEY_ID = 'AKID'
process.env.AWS_SECRET_ACCESS_KEY = 'SECRET'

/** The query parameters the layer documents: nothing else may ever be sent to it. */
export const DOCUMENTED_QUERY = new Set([
  'secretId',
  'versionId',
  'versionStage',
  'name',
  'version',
  'label',
  'withDecryption',
])

export interface WorldOptions extends Omit<EmulatorOptions, 'secrets' | 'parameters' | 'token'> {
  secrets?: Record<string, string | Uint8Array>
  parameters?: Record<string, string | { value: string; type?: 'String' | 'StringList' | 'SecureString' }>
}

export const startWorld = async (options: WorldOptions = {}) => {
  const { secrets = {}, parameters = {}, ...emulatorOptions } = options
  const emu: ExtensionEmulator = await startExtensionEmulator({
    token: TOKEN,
    secrets,
    parameters,
    ...emulatorOptions,
  })
  const aws: AwsJsonServer = await startAwsJsonServer({ secrets, parameters })
  const closers: Array<() => Promise<void>> = []
  const sdkOptions = {
    endpoint: aws.endpoint,
    region: 'us-east-1',
  }

  /** A middleware on both servers; `events` collects its onEvent calls. */
  const middleware = (opts: ParamsSecretsOptions<any> = {}) => {
    const events: ResolutionEvent[] = []
    const mw = paramsSecrets({
      transport: 'auto',
      awsClientOptions: sdkOptions,
      ssmAwsClientOptions: sdkOptions,
      onEvent: (e) => events.push(e),
      ...opts,
      extension: { port: emu.port, token: TOKEN, ...opts.extension },
    })
    closers.push(() => mw.close())
    const handler = middy(async (_e: unknown, context: any) => context).use(mw)
    const invoke = async (remainingMs?: number): Promise<Record<string, any>> =>
      handler({}, lambdaContext(remainingMs))
    return { mw, events, handler, invoke }
  }

  /** Rotates a secret in both stores (the layer's own cache still holds the old one). */
  const rotate = (id: string, value: string) => {
    emu.putSecret(id, value)
    aws.putSecret(id, value)
  }

  const close = async () => {
    await Promise.all(closers.splice(0).map((c) => c()))
    await emu.close()
    await aws.close()
  }
  return { emu, aws, middleware, rotate, close, sdkOptions }
}

export type World = Awaited<ReturnType<typeof startWorld>>

/** A closed port: nothing listens there (the layer is absent). */
export const sdkCalls = (world: World, target?: string) =>
  world.aws.calls.filter((c) => target === undefined || c.target.endsWith(target)).length
