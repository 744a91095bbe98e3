/**
 * The selector over scripted transports: which way each fetch goes, and at most one layer and one
 * SDK request per fetch whatever fails.
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { ParamsSecretsError } from '../../src/errors.ts'
import { resolveOptions } from '../../src/options.ts'
import { createSelector, NOT_READY_WINDOW_MS, REPROBE_MS } from '../../src/transport/select.ts'
import type { Upstream } from '../../src/transport/types.ts'
import { keyDef } from '../helpers/scripted.ts'

type Step = Upstream | Error
/** The answers a transport gives, in order; or one answer for every request. */
type Script = Step[] | (() => Step)

const layerError = (code: string, status?: number, cause?: unknown) =>
  new ParamsSecretsError(`layer: ${code}`, { code, source: 'extension', key: 'k', status, cause })
const sdkError = (code: string) => new ParamsSecretsError(`sdk: ${code}`, { code, source: 'sdk', key: 'k' })
const GENERIC_400 = () => layerError('ExtensionRequestFailed', 400)
const REFUSED = () => layerError('ExtensionUnavailable', undefined, { code: 'ECONNREFUSED' })
const NOT_READY = () => layerError('ExtensionNotReady', 400)

const world = (opts: Record<string, unknown>, layer: Script, sdk: Script, env: NodeJS.ProcessEnv = {}) => {
  const calls = { layer: 0, sdk: 0 }
  const closes = { layer: 0, sdk: 0 }
  const next = (script: Script) => {
    const step = typeof script === 'function' ? script() : script.shift()
    if (step === undefined) throw new Error('unscripted request')
    return step instanceof Error ? Promise.reject(step) : Promise.resolve(step)
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
      close: async () => {
        closes.layer++
      },
    }),
    sdk: () => ({
      fetch: () => {
        calls.sdk++
        return next(sdk)
      },
      rotationSchedule: async (def) => ({ nextMs: def.key.length }),
      close: async () => {
        closes.sdk++
      },
    }),
  })
  return { selector, calls, closes }
}

const ctx = (over: Record<string, unknown> = {}) => ({ force: false, prefetch: false, ...over })
const value = (text: string): Upstream => ({ text, attempts: 1 })

describe('select', () => {
  it('reads through the layer by default', async () => {
    const { selector, calls } = world({}, [value('v')], [])
    // exactly the layer's answer and its source: no stand-in field when the layer served on its own
    expect(await selector.fetch(keyDef(), ctx())).toStrictEqual({
      text: 'v',
      attempts: 1,
      source: 'extension',
    })
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

const WHY = '(The AWS SDK was used because'

describe('select: the way each fetch goes, and what its errors say', () => {
  it("with 'sdk', the SDK serves even a forced refresh, and its error is its own (no reason appended)", async () => {
    const denied = sdkError('AccessDeniedException')
    const { selector, calls } = world({ transport: 'sdk' }, [], [value('v'), denied])
    expect(await selector.fetch(keyDef(), ctx())).toMatchObject({ text: 'v', source: 'sdk' })
    await expect(selector.fetch(keyDef(), ctx({ force: true }))).rejects.toBe(denied)
    expect(calls).toEqual({ layer: 0, sdk: 2 })
  })

  it('a path goes to the SDK in auto (the layer has no route), its error unexplained', async () => {
    const missing = sdkError('ParameterNotFound')
    const { selector, calls } = world({}, [], [value('p'), missing])
    const path = keyDef({ kind: 'path', id: '/p/' })
    expect(await selector.fetch(path, ctx())).toMatchObject({ text: 'p', source: 'sdk' })
    await expect(selector.fetch(path, ctx())).rejects.toBe(missing)
    expect(calls).toEqual({ layer: 0, sdk: 2 })
  })

  it("an explained error keeps the SDK error's code, source, key, status, cause and attempts", async () => {
    const cause = new Error('upstream')
    const denied = new ParamsSecretsError('sdk: denied', {
      code: 'AccessDeniedException',
      source: 'sdk',
      key: 'k',
      status: 403,
      cause,
    })
    denied.attempts = 2
    const { selector } = world({}, [GENERIC_400()], [denied])
    const thrown = await selector.fetch(keyDef(), ctx()).catch((error: unknown) => error)
    expect(thrown).toBeInstanceOf(ParamsSecretsError)
    expect(thrown).not.toBe(denied)
    expect(thrown).toMatchObject({
      code: 'AccessDeniedException',
      source: 'sdk',
      key: 'k',
      status: 403,
      attempts: 2,
    })
    expect((thrown as Error).cause).toBe(cause)
    expect((thrown as Error).message).toBe(
      'sdk: denied (The AWS SDK was used because the layer answered its generic 400, which hides the AWS error.)',
    )
  })

  it('an error of the SDK transport that is not an SDK error passes unchanged', async () => {
    for (const odd of [new Error('bug'), layerError('Closed')]) {
      const { selector } = world({}, [GENERIC_400()], [odd])
      await expect(selector.fetch(keyDef(), ctx())).rejects.toBe(odd)
    }
  })

  it("the SDK error of an SDK-only key says which option sent it there; a parameter follows the SSM client's", async () => {
    const role = world({ awsClientAssumeRole: 'arn:aws:iam::1:role/r' }, [], [sdkError('AccessDenied')])
    await expect(role.selector.fetch(keyDef(), ctx())).rejects.toMatchObject({
      message: `sdk: AccessDenied ${WHY} awsClientAssumeRole is set (the layer reads with the function's own role).)`,
    })
    const ssm = world({ ssmAwsClientOptions: { region: 'eu-west-1' } }, [], [sdkError('ParameterNotFound')])
    await expect(ssm.selector.fetch(keyDef({ kind: 'parameter' }), ctx())).rejects.toMatchObject({
      message: expect.stringContaining("ssmAwsClientOptions.region names 'eu-west-1'"),
    })
    expect(ssm.calls).toEqual({ layer: 0, sdk: 1 })
  })

  it("with 'extension' and no token: MissingToken naming the key and the variables, and no request", async () => {
    const options = resolveOptions({ transport: 'extension' }, {})
    const selector = createSelector(options, {
      extension: () => {
        throw new Error('the layer must not be used')
      },
      sdk: () => {
        throw new Error('the SDK must not be used')
      },
    })
    await expect(selector.fetch(keyDef({ key: 'db' }), ctx())).rejects.toMatchObject({
      code: 'MissingToken',
      source: 'extension',
      key: 'db',
      message:
        'No token for the extension (key "db"): set extension.token, or AWS_TOKEN, AWS_SESSION_TOKEN or AWS_CONTAINER_AUTHORIZATION_TOKEN',
    })
  })

  it('an absent layer is trusted for REPROBE_MS by the instance clock, then probed again', async () => {
    let t = 1_000_000
    const { selector, calls } = world({ now: () => t }, [REFUSED(), value('late')], [value('a'), value('b')])
    expect(await selector.fetch(keyDef(), ctx())).toMatchObject({ text: 'a', source: 'sdk' })
    t += REPROBE_MS - 1
    expect(await selector.fetch(keyDef(), ctx())).toMatchObject({ text: 'b', source: 'sdk' })
    expect(calls).toEqual({ layer: 1, sdk: 2 })
    t += 1
    expect(await selector.fetch(keyDef(), ctx())).toMatchObject({ text: 'late', source: 'extension' })
    expect(calls).toEqual({ layer: 2, sdk: 2 })
  })

  it('refused during the prefetch: later prefetches skip the layer, the first invocation probes it again', async () => {
    const { selector, calls } = world({}, [REFUSED(), value('late')], [value('a'), sdkError('SdkMissing')])
    expect(await selector.fetch(keyDef(), ctx({ prefetch: true }))).toMatchObject({
      text: 'a',
      source: 'sdk',
    })
    await expect(selector.fetch(keyDef(), ctx({ prefetch: true }))).rejects.toMatchObject({
      code: 'SdkMissing',
      message: `sdk: SdkMissing ${WHY} nothing answered on 127.0.0.1:2773 (no layer or agent is running).)`,
    })
    expect(calls).toEqual({ layer: 1, sdk: 2 })
    expect(await selector.fetch(keyDef(), ctx())).toMatchObject({ text: 'late', source: 'extension' })
    expect(calls).toEqual({ layer: 2, sdk: 2 })
  })

  it("with 'extension', a refused connection is the error, and the layer is asked again next time", async () => {
    const refused = REFUSED()
    const { selector, calls } = world({ transport: 'extension' }, [refused, value('v')], [])
    await expect(selector.fetch(keyDef(), ctx())).rejects.toBe(refused)
    expect(await selector.fetch(keyDef(), ctx())).toMatchObject({ text: 'v', source: 'extension' })
    expect(calls).toEqual({ layer: 2, sdk: 0 })
  })

  it("with extension.refreshNow, a forced refresh is the layer's to serve (it skips its own cache)", async () => {
    const { selector, calls } = world({ extension: { token: 'tok', refreshNow: true } }, [value('fresh')], [])
    expect(await selector.fetch(keyDef(), ctx({ force: true }))).toMatchObject({
      text: 'fresh',
      source: 'extension',
    })
    expect(calls).toEqual({ layer: 1, sdk: 0 })
  })

  it("a stand-in that finds no layer keeps the layer's error (the SDK was asked already)", async () => {
    const refused = REFUSED()
    const { selector, calls } = world({}, [refused], [sdkError('CredentialsProviderError')])
    await expect(selector.fetch(keyDef(), ctx({ force: true }))).rejects.toBe(refused)
    expect(calls).toEqual({ layer: 1, sdk: 1 })
  })

  it('a stand-in that meets "not ready" keeps it, past the window', async () => {
    const { selector, calls } = world({}, () => NOT_READY(), [sdkError('SdkMissing')])
    await expect(
      selector.fetch(keyDef(), ctx({ force: true, deadline: performance.now() - 1 })),
    ).rejects.toMatchObject({ code: 'ExtensionNotReady' })
    expect(calls).toEqual({ layer: 1, sdk: 1 })
  })

  it('"not ready" past the window: one SDK request, whose error says why; if the SDK is unusable, the layer\'s error', async () => {
    const past = () => ctx({ deadline: performance.now() - 1 })
    const denied = world({}, () => NOT_READY(), [sdkError('AccessDeniedException')])
    await expect(denied.selector.fetch(keyDef(), past())).rejects.toMatchObject({
      code: 'AccessDeniedException',
      message: `sdk: AccessDeniedException ${WHY} the layer was still not ready (INIT) after ${NOT_READY_WINDOW_MS} ms.)`,
    })
    expect(denied.calls).toEqual({ layer: 1, sdk: 1 })
    const notReady = NOT_READY()
    const unusable = world({}, [notReady], [sdkError('RegionMissing')])
    await expect(unusable.selector.fetch(keyDef(), past())).rejects.toBe(notReady)
    const served = world({}, [NOT_READY()], [value('v')])
    expect(await served.selector.fetch(keyDef(), past())).toMatchObject({ text: 'v', source: 'sdk' })
  })

  it("the agent's 404 is explained like the generic 400; other failures of the layer are not", async () => {
    const missing = world(
      {},
      [layerError('ExtensionRequestFailed', 404)],
      [sdkError('ResourceNotFoundException')],
    )
    await expect(missing.selector.fetch(keyDef(), ctx())).rejects.toMatchObject({
      code: 'ResourceNotFoundException',
      message: expect.stringContaining('the layer answered its generic 404, which hides the AWS error'),
    })
    for (const failure of [
      layerError('ExtensionRequestFailed', 500),
      layerError('ExtensionRequestFailed'),
      layerError('AccessDeniedException', 400),
      layerError('ExtensionUnavailable', undefined, { code: 'ECONNRESET' }),
      new Error('a bug in the layer transport'),
    ]) {
      const { selector, calls } = world({}, [failure], [])
      await expect(selector.fetch(keyDef(), ctx())).rejects.toBe(failure)
      expect(calls).toEqual({ layer: 1, sdk: 0 })
    }
    // an error that is not the package's own is passed on untouched (no attempts count written on it)
    const bug = new Error('a bug in the layer transport')
    await expect(world({}, [bug], []).selector.fetch(keyDef(), ctx())).rejects.toBe(bug)
    expect(bug).not.toHaveProperty('attempts')
  })

  it('reads the rotation schedule through the SDK, and refuses it after close()', async () => {
    const { selector } = world({}, [], [])
    expect(await selector.rotationSchedule(keyDef({ key: 'abc' }), ctx())).toEqual({ nextMs: 3 })
    await selector.close()
    await expect(selector.rotationSchedule(keyDef(), ctx())).rejects.toMatchObject({
      code: 'Closed',
      key: 'k',
    })
  })

  it('close() closes each transport it built, and builds none', async () => {
    const both = world({}, [value('v')], [value('w')])
    await both.selector.fetch(keyDef(), ctx())
    await both.selector.fetch(keyDef(), ctx({ force: true }))
    await both.selector.close()
    expect(both.closes).toEqual({ layer: 1, sdk: 1 })
    const none = world({}, [], [])
    await none.selector.close()
    expect(none.closes).toEqual({ layer: 0, sdk: 0 })
  })

  it('builds each transport once, on its first use', async () => {
    const built = { layer: 0, sdk: 0 }
    const options = resolveOptions({ extension: { token: 'tok' } }, { AWS_REGION: 'us-east-1' })
    const selector = createSelector(options, {
      extension: () => {
        built.layer++
        return { fetch: async () => value('v'), close: async () => undefined }
      },
      sdk: () => {
        built.sdk++
        return {
          fetch: async () => value('w'),
          rotationSchedule: async () => ({}),
          close: async () => undefined,
        }
      },
    })
    expect(built).toEqual({ layer: 0, sdk: 0 })
    for (let i = 0; i < 2; i++) {
      await selector.fetch(keyDef(), ctx())
      await selector.fetch(keyDef(), ctx({ force: true }))
    }
    expect(built).toEqual({ layer: 1, sdk: 1 })
  })
})

describe('select: the "not ready" window of an invocation', () => {
  afterEach(() => {
    jest.useRealTimers()
  })

  it('adds up the attempts of every try, an error without a count as one', async () => {
    const counted = layerError('ExtensionNotReady', 400)
    counted.attempts = 2
    const uncounted = NOT_READY()
    const { selector } = world({}, [counted, uncounted, { text: 'v', attempts: 3 }], [])
    expect(await selector.fetch(keyDef(), ctx())).toMatchObject({
      text: 'v',
      attempts: 6,
      source: 'extension',
    })
  })

  it('retries every 20 ms while a retry can start within 500 ms, then asks the SDK once', async () => {
    jest.useFakeTimers()
    const { selector, calls } = world({}, () => NOT_READY(), [value('sdk')])
    const served = selector.fetch(keyDef(), ctx())
    await jest.advanceTimersByTimeAsync(NOT_READY_WINDOW_MS)
    // tries at 0, 20, ..., 500 ms: the one at 500 ms has no room for another
    expect(await served).toMatchObject({ text: 'sdk', source: 'sdk' })
    expect(calls).toEqual({ layer: 26, sdk: 1 })
  })

  it('ends the window at the deadline when that comes first', async () => {
    jest.useFakeTimers()
    const last: ParamsSecretsError[] = []
    const { selector, calls } = world({}, () => {
      last.push(NOT_READY())
      return last.at(-1)!
    }, [sdkError('SdkMissing')])
    const failed = selector
      .fetch(keyDef(), ctx({ deadline: performance.now() + 100 }))
      .catch((e: unknown) => e)
    await jest.advanceTimersByTimeAsync(100)
    const error = await failed
    expect(error).toBe(last.at(-1))
    expect(calls).toEqual({ layer: 6, sdk: 1 })
    expect((error as ParamsSecretsError).attempts).toBe(6)
  })

  it('never retries once the invocation is aborted', async () => {
    const aborted = new AbortController()
    aborted.abort(new Error('budget'))
    const { selector, calls } = world({}, () => NOT_READY(), [sdkError('SdkMissing')])
    await expect(selector.fetch(keyDef(), ctx({ signal: aborted.signal }))).rejects.toMatchObject({
      code: 'ExtensionNotReady',
    })
    expect(calls).toEqual({ layer: 1, sdk: 1 })
  })

  it('an abort ends the pause at once, leaving no timer and no listener behind', async () => {
    jest.useFakeTimers()
    const controller = new AbortController()
    const live = new Set<unknown>()
    const { signal } = controller
    const add = signal.addEventListener.bind(signal)
    const remove = signal.removeEventListener.bind(signal)
    signal.addEventListener = ((type: string, listener: any, options?: any) => {
      live.add(`${type}:${listener.name}`)
      add(type, listener, options)
    }) as typeof signal.addEventListener
    signal.removeEventListener = ((type: string, listener: any, options?: any) => {
      live.delete(`${type}:${listener.name}`)
      remove(type, listener, options)
    }) as typeof signal.removeEventListener
    const { selector, calls } = world({}, () => NOT_READY(), [sdkError('SdkMissing')])
    const failed = selector.fetch(keyDef(), ctx({ signal })).catch((e: unknown) => e)
    await jest.advanceTimersByTimeAsync(40)
    expect(calls.layer).toBe(3)
    expect(live.size).toBe(1)
    controller.abort(new Error('budget'))
    // no timer runs: the pause ends on the abort itself
    expect(await failed).toMatchObject({ code: 'ExtensionNotReady', attempts: 4 })
    expect(calls).toEqual({ layer: 4, sdk: 1 })
    expect(jest.getTimerCount()).toBe(0)
    expect(live.size).toBe(0)
  })
})
