import { jest } from '@jest/globals'
import { ParamsSecretsError } from '../../src/errors.ts'
import { createSdkTransport, type SdkTransportOptions } from '../../src/transport/sdk.ts'
import { outcome, parameterDef, secretDef } from './defs.ts'

const ctx = { force: false }

/** A client class that records its configurations and answers every command. */
const fakeClient = (answer: (command: any) => unknown = () => ({ SecretString: 'dummy' })) => {
  const configs: any[] = []
  const destroyed: any[] = []
  class Fake {
    readonly config: any
    constructor(config: any) {
      this.config = config
      configs.push(config)
    }
    send = async (command: any) => answer(command)
    destroy() {
      destroyed.push(this.config)
    }
  }
  return { Client: Fake, configs, destroyed }
}

const ssmAnswer = (command: any) => ({
  Parameter: { Name: command.input.Name, Value: 'dummy', Type: 'String' },
})

const transportWith = (options: SdkTransportOptions) => createSdkTransport(options)

describe('sdk transport: clients', () => {
  it('loads nothing until the first fetch, then each package once', async () => {
    const importModule = jest.fn((name: string) => import(name))
    const { Client } = fakeClient()
    const transport = transportWith({ AwsClient: Client, importModule })
    expect(importModule).not.toHaveBeenCalled()
    await Promise.all([transport.fetch(secretDef('a'), ctx), transport.fetch(secretDef('b'), ctx)])
    await transport.fetch(secretDef('c'), ctx)
    const other = transportWith({ AwsClient: Client, importModule })
    await other.fetch(secretDef('d'), ctx)
    expect(importModule.mock.calls).toEqual([['@aws-sdk/client-secrets-manager']])
    await Promise.all([transport.close(), other.close()])
  })

  it.each([
    ['ERR_MODULE_NOT_FOUND', "Cannot find package '@aws-sdk/client-ssm' imported from /var/task/index.mjs"],
    ['MODULE_NOT_FOUND', "Cannot find module '@aws-sdk/client-ssm'"],
  ])('raises SdkMissing naming the package when it is absent (%s)', async (code, message) => {
    const importModule = async () => {
      throw Object.assign(new Error(message), { code })
    }
    const transport = transportWith({ importModule })
    const error = await transport.fetch(parameterDef('/p', { key: 'cfg' }), ctx).catch((e) => e)
    expect(error).toBeInstanceOf(ParamsSecretsError)
    expect(error).toMatchObject({ code: 'SdkMissing', source: 'sdk', key: 'cfg' })
    expect(error.message).toContain('npm install @aws-sdk/client-ssm')
    expect(error.message).toContain('Lambda Node.js runtimes ship it')
    await transport.close()
  })

  it('raises SdkMissing for the secrets package with the key of each fetch', async () => {
    const importModule = async () => {
      throw Object.assign(new Error("Cannot find package '@aws-sdk/client-secrets-manager'"), {
        code: 'ERR_MODULE_NOT_FOUND',
      })
    }
    const transport = transportWith({ importModule })
    const results = await Promise.all(['a', 'b'].map((key) => outcome(transport.fetch(secretDef(key), ctx))))
    expect(results).toEqual([
      expect.objectContaining({ code: 'SdkMissing', key: 'a' }),
      expect.objectContaining({ code: 'SdkMissing', key: 'b' }),
    ])
  })

  it('raises SdkMissing saying the package failed to load for another import failure', async () => {
    const importModule = async () => {
      throw new SyntaxError('Unexpected token')
    }
    const error = await transportWith({ importModule })
      .fetch(secretDef('s'), ctx)
      .catch((e) => e)
    expect(error.code).toBe('SdkMissing')
    expect(error.message).toContain('failed to load')
  })

  it('leaves the retries to the user when the client options choose them', async () => {
    const configs: unknown[] = []
    class Client {
      constructor(config: unknown) {
        configs.push(config)
      }
      send = async () => ({ SecretString: 'v' })
    }
    for (const choice of [{ maxAttempts: 4 }, { retryStrategy: {} }]) {
      const transport = createSdkTransport({ AwsClient: Client, awsClientOptions: choice })
      await transport.fetch(secretDef('s'), ctx)
      await transport.close()
    }
    expect(configs).toEqual([{ maxAttempts: 4 }, { retryStrategy: {} }])
  })

  it('builds one client for 20 concurrent first calls, and captures it once', async () => {
    const { Client, configs } = fakeClient()
    const capture = jest.fn((client: any) => client)
    const transport = transportWith({
      AwsClient: Client,
      awsClientOptions: { region: 'eu-west-1' },
      awsClientCapture: capture,
    })
    await Promise.all(Array.from({ length: 20 }, (_, i) => transport.fetch(secretDef(`s${i}`), ctx)))
    expect(configs).toEqual([{ maxAttempts: 1, region: 'eu-west-1' }])
    expect(capture).toHaveBeenCalledTimes(1)
    await transport.close()
  })

  it('sends through the captured client', async () => {
    const { Client } = fakeClient()
    const sent: string[] = []
    const transport = transportWith({
      AwsClient: Client,
      awsClientCapture: (client) => ({
        send: (command: any) => {
          sent.push(command.input.SecretId)
          return client.send(command)
        },
      }),
    })
    await transport.fetch(secretDef('s'), ctx)
    expect(sent).toEqual(['s'])
  })

  it('builds the SSM client from ssmAwsClient and ssmAwsClientOptions', async () => {
    const { Client, configs } = fakeClient(ssmAnswer)
    const transport = transportWith({ ssmAwsClient: Client, ssmAwsClientOptions: { region: 'ap-south-1' } })
    expect((await transport.fetch(parameterDef('/p'), ctx)).text).toBe('dummy')
    expect(configs).toEqual([{ maxAttempts: 1, region: 'ap-south-1' }])
  })

  describe('awsClientAssumeRole', () => {
    const credentials = { accessKeyId: 'ROLE', secretAccessKey: 'dummy', sessionToken: 'dummy' }

    it('builds the client from the awaited request.internal credentials', async () => {
      const { Client, configs } = fakeClient()
      const transport = transportWith({
        AwsClient: Client,
        awsClientAssumeRole: 'role',
        awsClientOptions: { region: 'r' },
      })
      const request = { internal: { role: Promise.resolve(credentials) } }
      await transport.fetch(secretDef('s'), { force: false, request })
      expect(configs).toEqual([{ maxAttempts: 1, credentials, region: 'r' }])
    })

    it('follows a dotted path, and lets awsClientOptions override the credentials', async () => {
      const { Client, configs } = fakeClient()
      const override = { accessKeyId: 'OVERRIDE', secretAccessKey: 'dummy' }
      const transport = transportWith({
        AwsClient: Client,
        awsClientAssumeRole: 'sts.role',
        awsClientOptions: { credentials: override },
      })
      await transport.fetch(secretDef('s'), {
        force: false,
        request: { internal: { sts: Promise.resolve({ role: credentials }) } },
      })
      expect(configs).toEqual([{ maxAttempts: 1, credentials: override }])
    })

    it('gives the credentials to the SSM client too', async () => {
      const { Client, configs } = fakeClient(ssmAnswer)
      const transport = transportWith({ ssmAwsClient: Client, awsClientAssumeRole: 'role' })
      await transport.fetch(parameterDef('/p'), {
        force: false,
        request: { internal: { role: credentials } },
      })
      expect(configs).toEqual([{ maxAttempts: 1, credentials }])
    })

    it('fails with InvalidOptions without an invocation, and builds at the next one', async () => {
      const { Client, configs } = fakeClient()
      const transport = transportWith({ AwsClient: Client, awsClientAssumeRole: 'role' })
      expect(await outcome(transport.fetch(secretDef('s', { key: 'db' }), ctx))).toMatchObject({
        code: 'InvalidOptions',
        key: 'db',
      })
      await transport.fetch(secretDef('s'), { force: false, request: { internal: { role: credentials } } })
      expect(configs).toHaveLength(1)
    })

    it('fails the key when the credentials reject, and retries the construction later', async () => {
      const { Client, configs } = fakeClient()
      const transport = transportWith({ AwsClient: Client, awsClientAssumeRole: 'role' })
      const denied = Object.assign(new Error('not authorized'), { name: 'AccessDenied' })
      const rejected = Promise.reject(denied)
      rejected.catch(() => {})
      const failed = await transport
        .fetch(secretDef('s', { key: 'db' }), { force: false, request: { internal: { role: rejected } } })
        .catch((e) => e)
      expect(failed).toMatchObject({ code: 'AccessDenied', key: 'db', source: 'sdk', cause: denied })
      expect(failed.message).toContain('awsClientAssumeRole')
      await transport.fetch(secretDef('s'), { force: false, request: { internal: { role: credentials } } })
      expect(configs).toEqual([{ maxAttempts: 1, credentials }])
    })
  })

  it('destroys the clients it built on close, after the work in flight', async () => {
    let release = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const secrets = fakeClient(async () => {
      await gate
      return { SecretString: 'dummy' }
    })
    const parameters = fakeClient(ssmAnswer)
    const transport = transportWith({ AwsClient: secrets.Client, ssmAwsClient: parameters.Client })
    await transport.fetch(parameterDef('/p'), ctx)
    const pending = transport.fetch(secretDef('s'), ctx)
    const closed = transport.close()
    await new Promise((resolve) => setImmediate(resolve))
    expect(secrets.destroyed).toHaveLength(0)
    release()
    await Promise.all([pending, closed])
    expect(secrets.destroyed).toHaveLength(1)
    expect(parameters.destroyed).toHaveLength(1)
  })

  it('closes without having built anything', async () => {
    await expect(transportWith({}).close()).resolves.toBeUndefined()
  })
})
