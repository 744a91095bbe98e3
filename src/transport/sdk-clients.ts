/**
 * The AWS SDK clients of the SDK path: the optional peer packages loaded lazily (never at module
 * load, at most once per process), one client per service per transport, built on first use, and
 * `send` with its one retry after a clock-skew error.
 */
import type * as SecretsManagerSdk from '@aws-sdk/client-secrets-manager'
import type * as SsmSdk from '@aws-sdk/client-ssm'
import { ParamsSecretsError } from '../errors.ts'
import type { KeyDef } from '../model.ts'
import type { ParamsSecretsOptions } from '../types.ts'
import { awsErrorCode } from './sdk-errors.ts'
import type { FetchContext } from './types.ts'

/** Loads a package by name, as `import()` does. */
export type ImportModule = (name: string) => Promise<any>

/**
 * Options of the SDK transport: the client options of {@link ParamsSecretsOptions}.
 *
 * With `awsClientAssumeRole`, the credentials awaited from `request.internal` are given to both
 * clients (Secrets Manager and SSM); `awsClientOptions` and `ssmAwsClientOptions` override them.
 * `awsClientCapture` (X-Ray) wraps both clients, once each.
 */
export interface SdkTransportOptions
  extends Pick<
    ParamsSecretsOptions,
    | 'AwsClient'
    | 'awsClientOptions'
    | 'awsClientAssumeRole'
    | 'awsClientCapture'
    | 'ssmAwsClient'
    | 'ssmAwsClientOptions'
    | 'awsRequestLimit'
  > {
  /** Loads the SDK packages; default: `import()` of each. For tests of the `SdkMissing` path. */
  importModule?: ImportModule
  /** Per-call budget in ms (`extension.timeoutMs`): an SDK call is aborted after it. */
  timeoutMs?: number
}

/** The part of an SDK v3 client the transport uses. */
export interface SdkClient {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<any>
}

/** A built client with the module its commands come from. */
export interface SdkService<Module> {
  sdk: Module
  client: SdkClient
}

/** The two lazily built clients of one transport. */
export interface SdkClients {
  secretsManager(def: KeyDef, ctx: FetchContext): Promise<SdkService<typeof SecretsManagerSdk>>
  ssm(def: KeyDef, ctx: FetchContext): Promise<SdkService<typeof SsmSdk>>
  /** Destroys the clients built so far (waiting for one under construction). */
  close(): Promise<void>
}

export const SECRETS_MANAGER_PACKAGE = '@aws-sdk/client-secrets-manager'
export const SSM_PACKAGE = '@aws-sdk/client-ssm'

// Literal specifiers, so a user's bundler can see them (keep them external or bundle them).
const defaultImport: ImportModule = (name) =>
  name === SSM_PACKAGE ? import('@aws-sdk/client-ssm') : import('@aws-sdk/client-secrets-manager')

// Keyed by importer so the default one loads each package once per process, while a test's
// injected importer gets its own memo.
const loaded = new WeakMap<ImportModule, Map<string, Promise<any>>>()

const isModuleNotFound = (error: any, name: string): boolean =>
  (error?.code === 'ERR_MODULE_NOT_FOUND' || error?.code === 'MODULE_NOT_FOUND') &&
  String(error?.message).includes(name)

const sdkMissing = (name: string, key: string, error: unknown): ParamsSecretsError => {
  const message = isModuleNotFound(error, name)
    ? `The AWS SDK path needs ${name}, which is not installed: run \`npm install ${name}\` ` +
      '(the Lambda Node.js runtimes ship it; a bundle must keep it external or include it).'
    : `The AWS SDK path needs ${name}, which failed to load: reinstall it (\`npm install ${name}\`).`
  return new ParamsSecretsError(message, { code: 'SdkMissing', source: 'sdk', key, cause: error })
}

/** Loads an SDK package once per importer; a failure becomes `SdkMissing` naming the package. */
export const loadSdk = async (name: string, key: string, importModule = defaultImport): Promise<any> => {
  const memo = loaded.get(importModule) ?? new Map<string, Promise<any>>()
  loaded.set(importModule, memo)
  const module = memo.get(name) ?? Promise.resolve(name).then(importModule)
  memo.set(name, module)
  try {
    return await module
  } catch (error) {
    throw sdkMissing(name, key, error)
  }
}

const safeGet = (value: any, part: string): unknown =>
  value != null && Object.hasOwn(value, part) ? value[part] : undefined

/** `request.internal` at a dotted path (`'sts.role'`), each step awaited, as middy's getInternal reads it. */
const readInternal = async (internal: Record<string, unknown>, path: string): Promise<unknown> => {
  let value: unknown = internal
  for (const part of path.split('.')) value = await safeGet(await value, part)
  return value
}

const assumedCredentials = async (
  path: string | undefined,
  def: KeyDef,
  ctx: FetchContext,
): Promise<{ credentials?: unknown }> => {
  if (!path) return {}
  if (!ctx.request) {
    throw new ParamsSecretsError(
      `awsClientAssumeRole '${path}' needs an invocation: the client is built at the first invocation ` +
        `from request.internal.${path}, so it cannot serve a prefetch at module load.`,
      { code: 'InvalidOptions', source: 'options', key: def.key },
    )
  }
  return { credentials: await readInternal(ctx.request.internal, path) }
}

/** A construction failure that is not already ours (say, the assumed-role credentials rejected). */
const buildError = (error: unknown, def: KeyDef, service: string): ParamsSecretsError =>
  error instanceof ParamsSecretsError
    ? error
    : new ParamsSecretsError(
        `Could not build the ${service} client for key '${def.key}': ${awsErrorCode(error)} ` +
          '(check the awsClientAssumeRole credentials and the client options).',
        { code: awsErrorCode(error), source: 'sdk', key: def.key, cause: error },
      )

interface Built<Module> extends SdkService<Module> {
  destroy(): void
}

/** One lazily built value: concurrent first calls share one construction; a failed one is retried. */
const createSlot = <Module>(build: (def: KeyDef, ctx: FetchContext) => Promise<Built<Module>>) => {
  let pending: Promise<Built<Module>> | undefined
  return {
    get(def: KeyDef, ctx: FetchContext): Promise<Built<Module>> {
      if (pending) return pending
      const attempt: Promise<Built<Module>> = build(def, ctx).catch((error) => {
        if (pending === attempt) pending = undefined
        throw error
      })
      pending = attempt
      return attempt
    },
    async close(): Promise<void> {
      const current = pending
      pending = undefined
      const built = await current?.catch(() => undefined)
      built?.destroy()
    },
  }
}

/**
 * The clients of one SDK transport. Secrets Manager:
 * `new (AwsClient ?? SecretsManagerClient)({ credentials?, ...awsClientOptions })`, wrapped by
 * `awsClientCapture`; SSM: `new (ssmAwsClient ?? SSMClient)({ credentials?, ...ssmAwsClientOptions })`,
 * wrapped too.
 *
 * @example
 * ```ts
 * const clients = createSdkClients({ awsClientOptions: { region: 'eu-west-1' } })
 * const { sdk, client } = await clients.secretsManager(def, { force: false })
 * await client.send(new sdk.GetSecretValueCommand({ SecretId: def.id }))
 * ```
 */
export const createSdkClients = (options: SdkTransportOptions): SdkClients => {
  const build = async <Module>(
    name: string,
    defaultClient: (sdk: any) => new (config: any) => any,
    Client: (new (config: any) => any) | undefined,
    clientOptions: Record<string, unknown> | undefined,
    def: KeyDef,
    ctx: FetchContext,
  ): Promise<Built<Module>> => {
    const sdk = await loadSdk(name, def.key, options.importModule)
    try {
      const credentials = await assumedCredentials(options.awsClientAssumeRole, def, ctx)
      // The package's policy does the retrying: one HTTP request per call unless the user chose otherwise.
      const retries =
        clientOptions !== undefined && ('maxAttempts' in clientOptions || 'retryStrategy' in clientOptions)
          ? {}
          : { maxAttempts: 1 }
      const raw = new (Client ?? defaultClient(sdk))({ ...retries, ...credentials, ...clientOptions })
      const client = options.awsClientCapture ? options.awsClientCapture(raw) : raw
      return { sdk, client, destroy: () => raw.destroy?.() }
    } catch (error) {
      throw buildError(error, def, name)
    }
  }

  const secretsManager = createSlot<typeof SecretsManagerSdk>((def, ctx) =>
    build(
      SECRETS_MANAGER_PACKAGE,
      (sdk) => sdk.SecretsManagerClient,
      options.AwsClient,
      options.awsClientOptions,
      def,
      ctx,
    ),
  )
  const ssm = createSlot<typeof SsmSdk>((def, ctx) =>
    build(SSM_PACKAGE, (sdk) => sdk.SSMClient, options.ssmAwsClient, options.ssmAwsClientOptions, def, ctx),
  )

  return {
    secretsManager: (def, ctx) => secretsManager.get(def, ctx),
    ssm: (def, ctx) => ssm.get(def, ctx),
    close: async () => {
      await Promise.all([secretsManager.close(), ssm.close()])
    },
  }
}
