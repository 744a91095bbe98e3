/**
 * The selector over scripted transports: which way each fetch goes, and at most one layer and one
 * SDK request per fetch whatever fails.
 */
import { describe, expect, it } from '@jest/globals'
import { ParamsSecretsError } from '../../src/errors.ts'
import { resolveOptions } from '../../src/options.ts'
import { createSelector } from '../../src/transport/select.ts'
import type { Upstream } from '../../src/transport/types.ts'
import { keyDef } from '../helpers/scripted.ts'

type Script = Array<Upstream | ParamsSecretsError>

const layerError = (code: string, status?: number, cause?: unknown) =>
  new ParamsSecretsError(`layer: ${code}`, { code, source: 'extension', key: 'k', status, cause })
const sdkError = (code: string) => new ParamsSecretsError(`sdk: ${code}`, { code, source: 'sdk', key: 'k' })
const GENERIC_400 = () => layerError('ExtensionRequestFailed', 400)

const world = (opts: Record<string, unknown>, layer: Script, sdk: Script, env: NodeJS.ProcessEnv = {}) => {
  const calls = { layer: 0, sdk: 0 }
  const next = (script: Script) => {
    const step = script.shift()
    if (step === undefined) throw new Error('unscripted request')
    return step instanceof ParamsSecretsError ? Promise.reject(step) : Promise.resolve(step)
  }
  const options = resolveOptions(
    { extension: { token: 'tok', port: 2773 }, ...opts },
    { AWS_REGION: 'us-east-1', ...env },
  )
  const selector = createSelector(options, {
    extension: () => ({
      fetch: () => {
        calls.layer++
        return next(layer)
      },
      close: async () => undefined,
    }),
    sdk: () => ({
      fetch: () => {
        calls.sdk++
        return next(sdk)
      },
      rotationSchedule: async () => ({}),
      close: async () => undefined,
    }),
  })
  return { selector, calls }
}

const ctx = (over: Record<string, unknown> = {}) => ({ force: false, prefetch: false, ...over })
const value = (text: string): Upstream => ({ text, attempts: 1 })

describe('select', () => {
  it('reads through the layer by default', async () => {
    const { selector, calls } = world({}, [value('v')], [])
    expect(await selector.fetch(keyDef(), ctx())).toMatchObject({ text: 'v', source: 'extension' })
    expect(calls).toEqual({ layer: 1, sdk: 0 })
  })

  it('case 2/3: a forced refresh asks the service only; its error decides (no layer request)', async () => {
    const { selector, calls } = world({}, [value('old')], [sdkError('ThrottlingException')])
    await expect(selector.fetch(keyDef(), ctx({ force: true }))).rejects.toMatchObject({
      code: 'ThrottlingException',
      message: expect.stringContaining('forced refresh'),
    })
    expect(calls).toEqual({ layer: 0, sdk: 1 })
  })

  it("a forced refresh is served by the service's value", async () => {
    const { selector, calls } = world({}, [], [value('new')])
    expect(await selector.fetch(keyDef(), ctx({ force: true }))).toMatchObject({ text: 'new', source: 'sdk' })
    expect(calls).toEqual({ layer: 0, sdk: 1 })
  })

  it('the layer stands in only when the SDK cannot be used at all, and says so', async () => {
    for (const code of ['SdkMissing', 'CredentialsProviderError', 'RegionMissing']) {
      const { selector, calls } = world({}, [value('cached')], [sdkError(code)])
      expect(await selector.fetch(keyDef(), ctx({ force: true }))).toMatchObject({
        text: 'cached',
        source: 'extension',
        standIn: code,
      })
      expect(calls).toEqual({ layer: 1, sdk: 1 })
    }
  })

  it('case 3: a stand-in that meets the generic 400 never asks the SDK a second time', async () => {
    const { selector, calls } = world({}, [GENERIC_400()], [sdkError('SdkMissing')])
    await expect(selector.fetch(keyDef(), ctx({ force: true }))).rejects.toMatchObject({
      code: 'ExtensionRequestFailed',
    })
    expect(calls).toEqual({ layer: 1, sdk: 1 })
  })

  it('the generic 400 is explained by one SDK request, whose error says why it was asked', async () => {
    const { selector, calls } = world({}, [GENERIC_400()], [sdkError('AccessDeniedException')])
    await expect(selector.fetch(keyDef(), ctx())).rejects.toMatchObject({
      code: 'AccessDeniedException',
      message: expect.stringContaining('generic 400'),
    })
    expect(calls).toEqual({ layer: 1, sdk: 1 })
  })

  it("keeps the layer's error when the SDK cannot explain it", async () => {
    const { selector } = world({}, [GENERIC_400()], [sdkError('SdkMissing')])
    await expect(selector.fetch(keyDef(), ctx())).rejects.toMatchObject({ code: 'ExtensionRequestFailed' })
  })

  it("with 'extension', never the SDK", async () => {
    const { selector, calls } = world({ transport: 'extension' }, [GENERIC_400()], [])
    await expect(selector.fetch(keyDef(), ctx({ force: true }))).rejects.toMatchObject({
      code: 'ExtensionRequestFailed',
    })
    expect(calls).toEqual({ layer: 1, sdk: 0 })
  })

  it('an absent layer: the SDK serves, the absence is remembered, and an SDK failure says nothing answered', async () => {
    const refused = layerError('ExtensionUnavailable', undefined, { code: 'ECONNREFUSED' })
    const { selector, calls } = world({}, [refused], [sdkError('SdkMissing'), value('v')])
    await expect(selector.fetch(keyDef(), ctx())).rejects.toMatchObject({
      code: 'SdkMissing',
      message: expect.stringContaining('nothing answered on 127.0.0.1:2773'),
    })
    expect(await selector.fetch(keyDef(), ctx())).toMatchObject({ text: 'v', source: 'sdk' })
    expect(calls).toEqual({ layer: 1, sdk: 2 })
  })

  it('no token: the SDK serves, and its failure names the missing token', async () => {
    const options = resolveOptions({}, { AWS_REGION: 'us-east-1' })
    let sdkCalls = 0
    const selector = createSelector(options, {
      extension: () => {
        throw new Error('the layer must not be used')
      },
      sdk: () => ({
        fetch: () => {
          sdkCalls++
          return Promise.reject(sdkError('RegionMissing'))
        },
        rotationSchedule: async () => ({}),
        close: async () => undefined,
      }),
    })
    await expect(selector.fetch(keyDef(), ctx())).rejects.toMatchObject({
      code: 'RegionMissing',
      message: expect.stringContaining('no extension token'),
    })
    expect(sdkCalls).toBe(1)
  })

  it('case 9: keys whose client options name another region, credentials or a role go to the SDK', async () => {
    for (const opts of [
      { awsClientOptions: { region: 'eu-west-1' } },
      { awsClientOptions: { credentials: { accessKeyId: 'a', secretAccessKey: 'b' } } },
      { awsClientAssumeRole: 'role' },
    ]) {
      const { selector, calls } = world(opts, [], [value('remote')])
      expect(await selector.fetch(keyDef(), ctx())).toMatchObject({ source: 'sdk' })
      expect(calls).toEqual({ layer: 0, sdk: 1 })
    }
    // The same region as the function's: the layer serves.
    const same = world({ awsClientOptions: { region: 'us-east-1' } }, [value('v')], [])
    expect(await same.selector.fetch(keyDef(), ctx())).toMatchObject({ source: 'extension' })
    // Parameters follow the SSM client's options, not the Secrets Manager one's.
    const ssm = world({ ssmAwsClientOptions: { region: 'eu-west-1' } }, [value('s')], [value('p')])
    expect(await ssm.selector.fetch(keyDef(), ctx())).toMatchObject({ source: 'extension' })
    expect(await ssm.selector.fetch(keyDef({ kind: 'parameter' }), ctx())).toMatchObject({ source: 'sdk' })
  })

  it("case 9: with 'extension', such options are refused at construction", () => {
    expect(() =>
      resolveOptions(
        { transport: 'extension', awsClientOptions: { region: 'eu-west-1' } },
        { AWS_REGION: 'us-east-1' },
      ),
    ).toThrow(
      expect.objectContaining({ code: 'InvalidOptions', message: expect.stringContaining("'eu-west-1'") }),
    )
  })

  it('reads no port variable with transport sdk', () => {
    expect(() =>
      resolveOptions({ transport: 'sdk' }, { PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: 'not-a-port' }),
    ).not.toThrow()
    expect(() => resolveOptions({}, { PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: 'not-a-port' })).toThrow(
      expect.objectContaining({ code: 'InvalidOptions' }),
    )
  })

  it('the prefetch never retries "not ready"; an invocation retries it within the window', async () => {
    const notReady = () => layerError('ExtensionNotReady', 400)
    const prefetch = world({}, [notReady()], [])
    await expect(prefetch.selector.fetch(keyDef(), ctx({ prefetch: true }))).rejects.toMatchObject({
      code: 'ExtensionNotReady',
    })
    expect(prefetch.calls).toEqual({ layer: 1, sdk: 0 })
    const first = world({}, [notReady(), notReady(), value('v')], [])
    expect(await first.selector.fetch(keyDef(), ctx())).toMatchObject({ text: 'v', attempts: 3 })
  })

  it('after close(), every fetch fails with Closed', async () => {
    const { selector, calls } = world({}, [value('v')], [])
    await selector.close()
    await expect(selector.fetch(keyDef(), ctx())).rejects.toMatchObject({ code: 'Closed', key: 'k' })
    expect(calls).toEqual({ layer: 0, sdk: 0 })
  })
})
