/**
 * No leak: every failure path runs with distinctive secret and parameter values and a distinctive
 * session token (the extension's token and the SDK's session token alike). Everything the package
 * hands out or writes is collected: each error's message, String(), stack, its cause chain
 * (messages, stacks, own enumerable properties through util.inspect at depth 10), every onEvent
 * payload, the emulator's request log, and stdout/stderr/console. None may contain a value or the
 * token; errors and events carry ids and names only. Findings are reported by source and needle
 * name, never by the value.
 */
import { randomBytes } from 'node:crypto'
import { inspect } from 'node:util'
import { jest } from '@jest/globals'
import middy from '@middy/core'
import paramsSecrets, {
  ParamsSecretsError,
  type ParamsSecretsOptions,
  parameter,
  type ResolutionEvent,
  secret,
} from '../../src/index.ts'
import { type ExtensionEmulator, startExtensionEmulator } from '../../src/testing/index.ts'
import { type AwsJsonServer, startAwsJsonServer } from '../helpers/aws-json-server.ts'
import { eventually, lambdaContext, manualClock } from '../helpers/lambda.ts'

const RUN = randomBytes(6).toString('hex')
const MARK = `S3CR3T-VALUE-${RUN}`
// long values: a body cut in half still holds the start of the value
const VALUES = {
  db: `{"username":"app","password":"${MARK}-db-${'p'.repeat(300)}"}`,
  plain: `${MARK}-plain-${'q'.repeat(300)}`,
  notJson: `{${MARK}-not-json-${'r'.repeat(300)}`,
  param: `${MARK}-param-${'s'.repeat(300)}`,
}
const PROBE = `capture-probe-${randomBytes(4).toString('hex')}`
const TOKEN = `T0K3N-${randomBytes(6).toString('hex')}`
/** extension.timeoutMs of the timeout case (its fault answers 50 ms later); every other case has 2 s. */
const TIMEOUT_MS = 300
const NEEDLES: Record<string, string> = {
  'the value marker': MARK,
  'the run id of the values': RUN,
  'the token': TOKEN,
  'the token suffix': TOKEN.slice(6),
  ...Object.fromEntries(Object.entries(VALUES).map(([k, v]) => [`value ${k}`, v])),
  ...Object.fromEntries(Object.entries(VALUES).map(([k, v]) => [`end of value ${k}`, v.slice(-40)])),
}
const EVENT_FIELDS = new Set([
  'key',
  'kind',
  'id',
  'source',
  'durationMs',
  'attempts',
  'background',
  'forced',
  'errorCode',
])
const ERROR_FIELDS = new Set(['name', 'code', 'source', 'key', 'status', 'attempts'])

/** Everything one error exposes, through the whole cause chain. */
const errorTexts = (error: unknown, showHidden = false): string[] => {
  const texts: string[] = []
  const seen = new Set<unknown>()
  let current: unknown = error
  while (current !== undefined && current !== null && !seen.has(current)) {
    seen.add(current)
    if (current instanceof Error) {
      texts.push(current.message, String(current), current.stack ?? '')
    } else texts.push(String(current))
    texts.push(inspect(current, { depth: 10, showHidden }))
    try {
      texts.push(JSON.stringify(current) ?? '')
    } catch {
      // a circular cause: inspect above covered it
    }
    current = (current as { cause?: unknown }).cause
  }
  return texts
}

/** Which needles a text holds (by name). */
const leaksIn = (source: string, texts: string[]): string[] => {
  const found: string[] = []
  for (const [name, needle] of Object.entries(NEEDLES)) {
    if (texts.some((t) => t.includes(needle))) found.push(`${source} contains ${name}`)
  }
  return found
}

describe('leaks', () => {
  let emu: ExtensionEmulator
  let agent: ExtensionEmulator
  let aws: AwsJsonServer
  const closers: Array<() => Promise<void>> = []
  const errors: Array<{ path: string; error: unknown }> = []
  const events: ResolutionEvent[] = []
  const written: string[] = []
  const restores: Array<() => void> = []

  // The SDK signs with the session token too: from the environment, as in Lambda (credentials in
  // the client options would route every key to the SDK).
  process.env.AWS_REGION = 'us-east-1'
  process.env.AWS_ACCESS_KEY_ID = 'AKIDLEAKTEST'
  process.env.AWS_SECRET_ACCESS_KEY = 'not-the-secret'
  process.env.AWS_SESSION_TOKEN = TOKEN
  const sdkOptions = () => ({ endpoint: aws.endpoint, region: 'us-east-1' })

  beforeAll(async () => {
    // capture everything written, from the first import of the package on
    const capture =
      (original: (...args: any[]) => any) =>
      (...args: any[]) => {
        const text = args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 10 }))).join(' ')
        written.push(text)
        // the capture's own probe (below) is not shown
        return text.includes(PROBE) ? true : original(...args)
      }
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write.bind(stream)
      const spy = jest.spyOn(stream, 'write').mockImplementation(capture(original) as any)
      restores.push(() => spy.mockRestore())
    }
    for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
      const spy = jest.spyOn(console, method).mockImplementation(capture(() => undefined))
      restores.push(() => spy.mockRestore())
    }
    const onWarning = (warning: Error) => written.push(String(warning), warning.stack ?? '')
    process.on('warning', onWarning)
    restores.push(() => process.off('warning', onWarning))

    const secrets = { db: VALUES.db, plain: VALUES.plain, 'not-json': VALUES.notJson }
    const parameters = { '/app/param': VALUES.param }
    emu = await startExtensionEmulator({
      token: TOKEN,
      secrets,
      parameters,
      ttlSeconds: { secrets: 0, parameters: 0 },
    })
    agent = await startExtensionEmulator({
      profile: 'agent',
      token: TOKEN,
      secrets,
      ttlSeconds: { secrets: 0 },
    })
    aws = await startAwsJsonServer({ secrets, parameters })
  })

  afterAll(async () => {
    await Promise.all(closers.splice(0).map((close) => close()))
    await emu.close()
    await agent.close()
    await aws.close()
    for (const restore of restores.splice(0)) restore()
  })

  /** One middleware on the given server; runs one invocation and records its error. */
  const run = async (
    path: string,
    options: ParamsSecretsOptions<any> & { port?: number },
    invocations = 1,
  ): Promise<unknown[]> => {
    const { port = emu.port, ...rest } = options
    const mw = paramsSecrets({
      transport: 'extension',
      disablePrefetch: true,
      awsClientOptions: sdkOptions(),
      ssmAwsClientOptions: sdkOptions(),
      onEvent: (e) => events.push(e),
      ...rest,
      // Generous: on a loaded machine a healthy answer took over 300 ms (a Timeout instead of the
      // fault's own error); the timeout case sets its own.
      extension: { port, token: TOKEN, timeoutMs: 2000, ...rest.extension },
    })
    closers.push(() => mw.close())
    const handler = middy(async () => 'handler ran').use(mw)
    const failures: unknown[] = []
    for (let i = 0; i < invocations; i++) {
      try {
        await handler({}, lambdaContext())
      } catch (error) {
        failures.push(error)
        errors.push({ path, error })
      }
    }
    return failures
  }

  const expectFailure = async (
    path: string,
    options: ParamsSecretsOptions<any> & { port?: number },
    code: string,
    setup?: () => void,
  ) => {
    setup?.()
    const failures = await run(path, options)
    expect(failures).toHaveLength(1)
    expect(failures[0]).toBeInstanceOf(ParamsSecretsError)
    expect(failures[0]).toMatchObject({ code })
  }

  describe('every failure path', () => {
    afterEach(() => {
      emu.clearFaults()
      agent.clearFaults()
    })

    it('layer: denied, not found, generic 400 under each transport', async () => {
      emu.denyAccess('secret', 'db')
      await expectFailure('layer denied', { fetchData: { db: 'db' } }, 'ExtensionRequestFailed')
      aws.deny('db')
      await expectFailure(
        'layer denied, SDK denied',
        { transport: 'auto', fetchData: { db: 'db' } },
        'AccessDeniedException',
      )
      emu.allowAccess('secret', 'db')
      await expectFailure('layer not found', { fetchData: { nope: 'nope' } }, 'ExtensionRequestFailed')
      await expectFailure(
        'layer not found, SDK not found',
        { transport: 'auto', fetchData: { nope: 'nope' } },
        'ResourceNotFoundException',
      )
      await expectFailure(
        'parameter not found through the SDK (GetParameters)',
        {
          transport: 'sdk',
          fetchData: { p: parameter('/app/param'), missing: parameter('/app/missing') },
        },
        'ParameterNotFound',
      )
    })

    it('layer: answers with the value in a body that is not a value', async () => {
      const cases: Array<[string, object, string]> = [
        [
          'a 400 quoting the value',
          { status: 400, body: `bad request: ${VALUES.plain}` },
          'ExtensionRequestFailed',
        ],
        [
          'a 500 quoting the value',
          { status: 500, body: `panic: ${VALUES.plain}` },
          'ExtensionRequestFailed',
        ],
        ['a 403 quoting the token', { status: 403, body: `bad token ${TOKEN}` }, 'ExtensionRequestFailed'],
        ['a truncated 200', { malformed: 'truncated' }, 'InvalidResponse'],
        ['a 200 cut mid-body', { drop: 'mid-body' }, 'InvalidResponse'],
        ['a 200 not JSON', { status: 200, body: `{"SecretString":"${VALUES.plain}` }, 'InvalidResponse'],
        [
          'a 200 of the wrong shape',
          { status: 200, body: `{"Secret":"${VALUES.plain}"}` },
          'InvalidResponse',
        ],
        // timers of one process fire in the order they are due: the client's deadline comes first
        ['a timeout', { delayMs: TIMEOUT_MS + 50 }, 'Timeout'],
        ['a reset', { drop: 'before-response' }, 'ExtensionUnavailable'],
      ]
      for (const [path, fault, code] of cases) {
        emu.clearFaults()
        emu.inject({ kind: 'secret', id: 'plain', ...fault })
        const extension = 'delayMs' in fault ? { timeoutMs: TIMEOUT_MS } : {}
        await expectFailure(`layer: ${path}`, { fetchData: { plain: 'plain' }, extension }, code)
      }
      emu.clearFaults()
      emu.inject({ kind: 'parameter', malformed: 'truncated' })
      await expectFailure(
        'layer: a truncated parameter',
        { fetchData: { p: parameter('/app/param') } },
        'InvalidResponse',
      )
    })

    it('agent: AWS errors, hand-written invalid JSON, and bodies quoting the value', async () => {
      agent.denyAccess('secret', 'db')
      await expectFailure(
        'agent denied',
        { port: agent.port, fetchData: { db: 'db' } },
        'AccessDeniedException',
      )
      agent.allowAccess('secret', 'db')
      const cases: Array<[string, object, string]> = [
        [
          'an AWS error quoting the value',
          { status: 400, body: `{"__type":"ValidationException","message":"${VALUES.plain}"}` },
          'ValidationException',
        ],
        [
          'invalid JSON quoting the value',
          { status: 500, body: `{"__type":"InternalFailure", "message":"said "${VALUES.plain}""}` },
          'InternalFailure',
        ],
        ['a truncated 200', { malformed: 'truncated' }, 'InvalidResponse'],
        ['a 504', { status: 504, body: `{"__type":"TimeoutError","message":"${VALUES.plain}"}` }, 'Timeout'],
      ]
      for (const [path, fault, code] of cases) {
        agent.clearFaults()
        agent.inject({ kind: 'secret', id: 'plain', ...fault })
        await expectFailure(`agent: ${path}`, { port: agent.port, fetchData: { plain: 'plain' } }, code)
      }
    })

    it('a value that is not JSON under json: true, by both paths', async () => {
      await expectFailure(
        'layer InvalidJson',
        { fetchData: { v: secret('not-json', { json: true }) } },
        'InvalidJson',
      )
      await expectFailure(
        'SDK InvalidJson',
        { transport: 'sdk', fetchData: { v: secret('not-json', { json: true }) } },
        'InvalidJson',
      )
    })

    it('SDK: 2xx bodies it cannot read, holding the value, and service errors', async () => {
      aws.fail(
        'secretsmanager.GetSecretValue',
        { status: 200, type: 'x', body: `{"SecretString":"${VALUES.plain}` },
        1,
      )
      await expectFailure(
        'SDK truncated secret',
        { transport: 'sdk', fetchData: { plain: 'plain' } },
        'InvalidResponse',
      )
      aws.fail(
        'AmazonSSM.GetParameter',
        { status: 200, type: 'x', body: `{"Parameter":{"Value":"${VALUES.param}` },
        1,
      )
      await expectFailure(
        'SDK truncated parameter',
        { transport: 'sdk', fetchData: { p: parameter('/app/param') } },
        'InvalidResponse',
      )
      aws.fail(
        'secretsmanager.GetSecretValue',
        { status: 500, type: 'InternalFailure', body: `<html>${VALUES.plain}</html>` },
        1,
      )
      await expectFailure(
        'SDK 500 with an HTML body',
        { transport: 'sdk', fetchData: { plain: 'plain' } },
        'SdkError',
      )
      aws.throttle(1)
      await expectFailure(
        'SDK throttled',
        { transport: 'sdk', fetchData: { plain: 'plain' } },
        'ThrottlingException',
      )
    })

    it('options and the token: InvalidOptions, MissingToken, a refused token', async () => {
      const invalid: Array<Record<string, unknown>> = [
        { extension: { token: TOKEN, port: 'example.com:80' } },
        { extension: { token: TOKEN, tokn: TOKEN } },
        { extension: { token: 42 } },
        { fetchData: { db: { secret: 'db', password: VALUES.plain } } },
        { fetchData: { db: { secret: 'db', maxAge: VALUES.plain } } },
        { transport: TOKEN },
        { cacheKey: 7, extension: { token: TOKEN } },
      ]
      for (const options of invalid) {
        try {
          paramsSecrets(options as any)
          throw new Error('expected InvalidOptions')
        } catch (error) {
          expect(error).toMatchObject({ code: 'InvalidOptions' })
          errors.push({ path: 'InvalidOptions', error })
        }
      }
      const saved = { ...process.env }
      for (const name of ['AWS_TOKEN', 'AWS_SESSION_TOKEN', 'AWS_CONTAINER_AUTHORIZATION_TOKEN'])
        delete process.env[name]
      try {
        const mw = paramsSecrets({ transport: 'extension', fetchData: { db: 'db' }, disablePrefetch: true })
        closers.push(() => mw.close())
        await expect(mw.before!({ internal: {}, context: lambdaContext() } as any)).rejects.toMatchObject({
          code: 'MissingToken',
        })
        await mw.before!({ internal: {}, context: lambdaContext() } as any).catch((error: unknown) =>
          errors.push({ path: 'MissingToken', error }),
        )
      } finally {
        process.env = saved
      }
      // the layer refuses a token that is not its own: the message must not quote either one
      const other = await startExtensionEmulator({ token: `${TOKEN}-other`, secrets: { db: VALUES.db } })
      closers.push(() => other.close())
      await expectFailure(
        'a refused token',
        { port: other.port, fetchData: { db: 'db' } },
        'ExtensionRequestFailed',
      )
      expect(other.requests.every((r) => r.headers['x-aws-parameters-secrets-token'] === '[redacted]')).toBe(
        true,
      )
    })

    it('stale values and background refreshes: events only', async () => {
      const clock = manualClock(2_000_000)
      const instance = paramsSecrets({
        transport: 'extension',
        extension: { port: emu.port, token: TOKEN },
        fetchData: {
          db: secret('db', { maxAge: 10, staleIfError: 10_000 }),
          plain: secret('plain', { maxAge: 10, staleWhileRevalidate: 10_000 }),
          p: parameter('/app/param', { maxAge: 10, staleIfError: 10_000 }),
        },
        setToContext: true,
        disablePrefetch: true,
        now: clock,
        onEvent: (e) => events.push(e),
      })
      closers.push(() => instance.close())
      const handler = middy(async () => 'handler ran').use(instance as any)
      await handler({}, lambdaContext())
      emu.inject({ malformed: 'truncated' })
      clock.advance(20)
      const before = events.length
      expect(await handler({}, lambdaContext())).toBe('handler ran')
      // plain's refresh runs in the background: its event is the end of the cycle
      await eventually(() =>
        events.slice(before).some((e) => e.background === true && e.errorCode === 'InvalidResponse'),
      )
      emu.clearFaults()
      const cycle = events.slice(before)
      expect(
        cycle
          .filter((e) => e.source === 'stale')
          .map((e) => e.key)
          .sort(),
      ).toEqual(['db', 'p', 'plain'])
      expect(cycle.some((e) => e.background === true && e.errorCode === 'InvalidResponse')).toBe(true)
    })
  })

  describe('what was collected', () => {
    it('the output capture works (a probe written through each channel is seen)', () => {
      console.log(PROBE)
      console.error(PROBE)
      process.stderr.write(PROBE)
      process.stdout.write(PROBE)
      expect(written.filter((w) => w.includes(PROBE)).length).toBeGreaterThanOrEqual(4)
    })

    it('covers every failure path above', () => {
      const codes = new Set(errors.map(({ error }) => (error as ParamsSecretsError).code))
      for (const code of [
        'ExtensionRequestFailed',
        'AccessDeniedException',
        'ResourceNotFoundException',
        'ParameterNotFound',
        'InvalidResponse',
        'ExtensionUnavailable',
        'Timeout',
        'ValidationException',
        'InternalFailure',
        'InvalidJson',
        'SdkError',
        'ThrottlingException',
        'InvalidOptions',
        'MissingToken',
      ])
        expect([code, codes.has(code)]).toEqual([code, true])
      expect(errors.length).toBeGreaterThan(30)
      expect(events.length).toBeGreaterThan(30)
    })

    it('no error message, stack, cause chain or serialization holds a value or the token', () => {
      expect(errors.length).toBeGreaterThan(30)
      const leaks = errors.flatMap(({ path, error }) => leaksIn(`error of "${path}"`, errorTexts(error)))
      expect(leaks).toEqual([])
    })

    it('errors carry ids and names only: their own fields are the documented ones', () => {
      expect(errors.length).toBeGreaterThan(30)
      for (const { error } of errors) {
        for (const field of Object.keys(error as object))
          expect([field, ERROR_FIELDS.has(field)]).toEqual([field, true])
      }
    })

    it('no onEvent payload holds a value or the token, and events have the documented fields only', () => {
      expect(events.length).toBeGreaterThan(30)
      expect(
        leaksIn(
          'onEvent payloads',
          events.map((e) => JSON.stringify(e)),
        ),
      ).toEqual([])
      for (const event of events) {
        for (const field of Object.keys(event))
          expect([field, EVENT_FIELDS.has(field)]).toEqual([field, true])
      }
    })

    it("the emulators' request logs hold no value nor the token", () => {
      expect(emu.requests.length + agent.requests.length).toBeGreaterThan(20)
      expect(leaksIn('request log', [JSON.stringify(emu.requests), JSON.stringify(agent.requests)])).toEqual(
        [],
      )
    })

    it('nothing written to stdout, stderr, the console or as a warning holds a value or the token', () => {
      expect(errors.length).toBeGreaterThan(30)
      expect(leaksIn('output', written)).toEqual([])
    })

    // DEFECT: the code of an error answer is read from any `"__type":"..."` in the body that
    // matches /[A-Za-z0-9_.#:-]{1,128}/, unchecked: a body (a proxy's, or a hand-written agent
    // body) whose __type holds other text (a value, a token: often just letters, digits, dashes)
    // becomes error.code and onEvent.errorCode verbatim. Only an AWS-shaped code (PascalCase
    // letters, optionally namespaced) should be kept; anything else is ExtensionRequestFailed.
    it('a __type that is not an AWS error code never becomes the error code', async () => {
      const before = events.length
      const remove = emu.inject({
        kind: 'secret',
        id: 'plain',
        status: 502,
        body: `{"__type":"${VALUES.plain.slice(0, 60)}"}`,
      })
      const failures = await run('a 502 whose __type holds the value', { fetchData: { plain: 'plain' } })
      remove()
      // kept out of the shared collection above: this one is pinned here
      errors.pop()
      expect(failures).toHaveLength(1)
      expect(
        leaksIn(
          'error',
          failures.flatMap((e) => errorTexts(e)),
        ),
      ).toEqual([])
      expect(
        leaksIn(
          'events',
          events.slice(before).map((e) => JSON.stringify(e)),
        ),
      ).toEqual([])
    })

    // DEFECT: an SDK error is kept as `cause` as it is, and its non-enumerable `$response` holds
    // the HTTP exchange, whose request headers carry the session token (x-amz-security-token)
    // and the signature. Default logging (console, JSON, pino) does not walk non-enumerable
    // fields, but util.inspect(error, { showHidden: true }) and any deep serializer do. The cause
    // should be a plain copy of the SDK error (name, code, message, $metadata) without $response.
    it('no cause holds the token even in non-enumerable fields', () => {
      // (run with the failure paths above: alone, there is nothing to look at)
      if (errors.length === 0) throw new Error('no errors collected')
      const leaks = errors.flatMap(({ path, error }) =>
        leaksIn(`error of "${path}" (hidden fields)`, errorTexts(error, true)),
      )
      expect(leaks).toEqual([])
    })
  })
})
