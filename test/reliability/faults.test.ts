/**
 * The fault matrix: every fault of the emulator, under each policy (none, staleIfError,
 * staleWhileRevalidate), both transports that talk to the layer ('extension', and 'auto' with
 * a loopback SDK endpoint) and both clients of the connection (node:http, undici's pool), through
 * real middy and real HTTP. Byte-level faults the emulator cannot send (100 Continue, a reset
 * after the status line, an endless stream) are in test/transport/, on both clients too. Each row writes down what must
 * happen: the error code and status, the upstream attempts and the requests the layer saw, a
 * stale value within its window, or the new value from the SDK.
 *
 * The clock runs in real time and jumps on demand (`now` option): the not-ready window is measured
 * on it (see the failing test at the end for a frozen clock).
 */
import diagnosticsChannel from 'node:diagnostics_channel'
import type { Socket } from 'node:net'
import { ParamsSecretsError, secret } from '../../src/index.ts'
import type { Fault } from '../../src/testing/index.ts'
import { clientPin, MAX_BODY_BYTES } from '../../src/transport/connection.ts'
import { REPROBE_MS } from '../../src/transport/select.ts'
import { eventually, manualClock } from '../helpers/lambda.ts'
import { startWorld, TOKEN, type World } from '../helpers/world.ts'

/** The latency row's extension.timeoutMs: its fault answers TIMEOUT_MS + 50 ms late. */
const TIMEOUT_MS = 250
/**
 * Every other row's: a healthy answer over loopback on a loaded machine (2 cores, several jest
 * workers) can take longer than 250 ms, which turned a 429 or a not-ready row into a Timeout.
 */
const HEALTHY_TIMEOUT_MS = 2000
const MAX_AGE = 10_000
const WINDOW = 60_000
/** the transport's bound: one request and two retries */
const MAX_ATTEMPTS = 3
/** not-ready: 500 ms of retries every 20 ms at most, plus the first */
const NOT_READY_MAX_REQUESTS = 500 / 20 + 1

/** A clock in real time that can jump forward. */
const jumpingClock = (start = 10_000_000) => {
  let offset = 0
  const origin = performance.now()
  const now = () => start + offset + Math.floor(performance.now() - origin)
  now.jump = (ms: number) => {
    offset += ms
  }
  return now
}

type Trigger = { fault: Fault } | { notReady: true } | { pause: true } | { denied: true } | { token: string }

// undici's pool announces each connection it makes.
let undiciConnects = 0
diagnosticsChannel.subscribe('undici:client:connected', () => {
  undiciConnects++
})

// Every client socket the process opens (node:http and undici both connect through `net`), with
// the port it connected to, until it closes: the layer's absence is "between invocations" once
// the client has seen its keep-alive connections to the layer close.
const openSockets = new Map<Socket, number | undefined>()
diagnosticsChannel.subscribe('net.client.socket', (message) => {
  const { socket } = message as { socket: Socket }
  openSockets.set(socket, undefined)
  socket.once('connect', () => openSockets.set(socket, socket.remotePort))
  socket.once('close', () => openSockets.delete(socket))
})
const socketsTo = (port: number) => [...openSockets.values()].filter((p) => p === port).length

/**
 * Called with each line the layer logs, as it answers: a test reacts to an answer at once, with
 * no timer between the answer and the next request. Reset after each test.
 */
let onLayerLog: (line: string) => void = () => undefined
/** Makes the layer ready as soon as it has answered one "not ready" (after one retry step). */
const readyAfterOneNotReady = (world: World) => {
  onLayerLog = (line) => {
    if (!/ 400 /.test(line)) return
    onLayerLog = () => undefined
    world.emu.ready()
  }
}

/** Both clients of the connection: node:http (an instance's first requests) and undici's pool. */
const CLIENTS = ['node:http', 'undici'] as const

interface Row {
  name: string
  trigger: Trigger
  /** extension.timeoutMs, when it is the fault's subject (default HEALTHY_TIMEOUT_MS) */
  timeoutMs?: number
  /** the error under transport 'extension' (and 'auto', unless `auto: 'sdk'`) */
  code: string
  status?: number
  /** upstream attempts the error and its event report */
  attempts?: number
  /** requests the layer logs for one failed fetch: exact, or [min, max] */
  requests: number | [number, number]
  /** with 'auto' and the SDK at hand, the SDK serves the new value instead */
  auto?: 'sdk'
}

const ROWS: Row[] = [
  {
    name: 'latency past extension.timeoutMs',
    // Timers of one process fire in the order they are due: the client's deadline always comes first.
    trigger: { fault: { delayMs: TIMEOUT_MS + 50 } },
    timeoutMs: TIMEOUT_MS,
    code: 'Timeout',
    attempts: 1,
    requests: 1,
  },
  {
    name: '500',
    trigger: { fault: { status: 500 } },
    code: 'ExtensionRequestFailed',
    status: 500,
    attempts: 3,
    requests: 3,
  },
  {
    name: '502',
    trigger: { fault: { status: 502 } },
    code: 'ExtensionRequestFailed',
    status: 502,
    attempts: 3,
    requests: 3,
  },
  {
    name: '503',
    trigger: { fault: { status: 503 } },
    code: 'ExtensionRequestFailed',
    status: 503,
    attempts: 3,
    requests: 3,
  },
  // An upstream timeout behind the layer: not retried (it already spent the upstream budget).
  {
    name: '504',
    trigger: { fault: { status: 504 } },
    code: 'Timeout',
    status: 504,
    attempts: 1,
    requests: 1,
  },
  {
    name: '429',
    trigger: { fault: { status: 429, body: 'Connection limit exceeded' } },
    code: 'ExtensionRequestFailed',
    status: 429,
    attempts: 3,
    requests: 3,
  },
  {
    name: 'connection reset before the response',
    trigger: { fault: { drop: 'before-response' } },
    code: 'ExtensionUnavailable',
    attempts: 3,
    requests: 3,
  },
  // A 200 whose connection ends before Content-Length bytes: cut short, retried once.
  {
    name: 'connection dropped in the middle of the body',
    trigger: { fault: { drop: 'mid-body' } },
    code: 'InvalidResponse',
    status: 200,
    attempts: 2,
    requests: 2,
  },
  {
    name: 'truncated body',
    trigger: { fault: { malformed: 'truncated' } },
    code: 'InvalidResponse',
    status: 200,
    attempts: 1,
    requests: 1,
  },
  // Past the cap nothing more is read, and the answer is not asked for again.
  {
    name: 'a 200 body over the cap',
    trigger: { fault: { body: 'x'.repeat(MAX_BODY_BYTES + 1) } },
    code: 'InvalidResponse',
    status: 200,
    attempts: 1,
    requests: 1,
  },
  // A token that cannot be a header value: refused before anything is sent, not even to the SDK.
  {
    name: 'a token with CR LF',
    trigger: { token: `${TOKEN}\r\nX-Injected: 1` },
    code: 'InvalidToken',
    attempts: 0,
    requests: 0,
  },
  {
    name: 'body that is not JSON',
    trigger: { fault: { malformed: 'not-json' } },
    code: 'InvalidResponse',
    status: 200,
    attempts: 1,
    requests: 1,
  },
  {
    name: 'body of the wrong shape (no SecretString)',
    trigger: { fault: { malformed: 'wrong-shape' } },
    code: 'InvalidResponse',
    status: 200,
    attempts: 1,
    requests: 1,
  },
  // Not a transport fault but the layer's one answer to every upstream failure: 'auto' asks the SDK.
  {
    name: "the layer's generic 400 (access denied)",
    trigger: { denied: true },
    code: 'ExtensionRequestFailed',
    status: 400,
    attempts: 1,
    requests: 1,
    auto: 'sdk',
  },
  {
    name: 'not-ready window',
    trigger: { notReady: true },
    code: 'ExtensionNotReady',
    status: 400,
    requests: [2, NOT_READY_MAX_REQUESTS],
    auto: 'sdk',
  },
  {
    name: 'layer gone between invocations (connection refused)',
    trigger: { pause: true },
    code: 'ExtensionUnavailable',
    attempts: 1,
    requests: 0,
    auto: 'sdk',
  },
]

const POLICIES = {
  none: { maxAge: MAX_AGE },
  staleIfError: { maxAge: MAX_AGE, staleIfError: WINDOW },
  staleWhileRevalidate: { maxAge: MAX_AGE, staleWhileRevalidate: WINDOW },
} as const
type PolicyName = keyof typeof POLICIES

/** Starts the fault; returns what ends it (the layer comes back). */
const applyTrigger = async (world: World, trigger: Trigger): Promise<() => Promise<void>> => {
  if ('fault' in trigger) {
    const remove = world.emu.inject({ kind: 'secret', id: 's', ...trigger.fault })
    return async () => remove()
  }
  if ('notReady' in trigger) {
    world.emu.setNotReady()
    return async () => world.emu.ready()
  }
  if ('token' in trigger) {
    process.env.AWS_TOKEN = trigger.token
    return async () => {
      process.env.AWS_TOKEN = TOKEN
    }
  }
  if ('denied' in trigger) {
    world.emu.denyAccess('secret', 's')
    return async () => world.emu.allowAccess('secret', 's')
  }
  await world.emu.pause()
  // between invocations: the client has seen its idle keep-alive connections close
  await eventually(() => socketsTo(world.emu.port) === 0)
  return () => world.emu.resume()
}

/** Waits for the layer's log to reach the expected count (a timed-out request is logged late). */
const expectRequests = async (world: World, expected: number | [number, number]) => {
  const [min, max] = typeof expected === 'number' ? [expected, expected] : expected
  await eventually(() => world.emu.requests.length >= min, 3000).catch(() => undefined)
  expect(world.emu.requests.length).toBeGreaterThanOrEqual(min)
  expect(world.emu.requests.length).toBeLessThanOrEqual(max)
  // every request is for this secret (a not-ready answer is logged before the id is read)
  expect(world.emu.requests.every((r) => r.kind === 'secret' && (r.id ?? 's') === 's')).toBe(true)
}

const failureOf = (row: Row) => ({
  code: row.code,
  key: 's',
  source: 'extension',
  ...(row.status === undefined ? {} : { status: row.status }),
  ...(row.attempts === undefined ? {} : { attempts: row.attempts }),
})

const failureEvent = (row: Row, background: boolean) => ({
  key: 's',
  source: 'extension',
  errorCode: row.code,
  ...(row.attempts === undefined ? {} : { attempts: row.attempts }),
  ...(background ? { background: true } : {}),
})

describe('fault matrix', () => {
  let world: World

  // The token is read from the environment at each request, so a trigger can spoil it.
  beforeEach(() => {
    process.env.AWS_TOKEN = TOKEN
  })
  afterEach(async () => {
    delete process.env.AWS_TOKEN
    clientPin.client = undefined
    onLayerLog = () => undefined
    await world.close()
  })

  const setup = async (
    transport: 'extension' | 'auto',
    policy: PolicyName,
    timeoutMs = HEALTHY_TIMEOUT_MS,
  ) => {
    world = await startWorld({
      secrets: { s: 'v1' },
      ttlSeconds: { secrets: 0 },
      log: (line) => onLayerLog(line),
    })
    const clock = jumpingClock()
    const mw = world.middleware({
      transport,
      extension: { timeoutMs, token: undefined },
      fetchData: { s: secret('s', POLICIES[policy]) },
      setToContext: true,
      disablePrefetch: true,
      now: clock,
    })
    const connectsBefore = undiciConnects
    expect((await mw.invoke()).s).toBe('v1')
    expect(mw.events.at(-1)).toMatchObject({ source: 'extension' })
    // the pin holds: undici's pool connects only when it serves
    expect(undiciConnects > connectsBefore).toBe(clientPin.client === 'undici')
    // rotated: a stale answer is 'v1', a fresh one 'v2'
    world.rotate('s', 'v2')
    return { ...mw, clock }
  }

  const cases = ROWS.flatMap((row) =>
    (['extension', 'auto'] as const).flatMap((transport) =>
      (Object.keys(POLICIES) as PolicyName[]).flatMap((policy) =>
        CLIENTS.map((client) => ({ row, transport, policy, client })),
      ),
    ),
  )

  it.each(cases)('$row.name | $transport | $policy | $client', async ({ row, transport, policy, client }) => {
    clientPin.client = client
    const { invoke, events, clock } = await setup(transport, policy, row.timeoutMs)
    const stop = await applyTrigger(world, row.trigger)
    world.emu.resetLog()
    events.length = 0
    const sdkBefore = world.aws.calls.length
    const viaSdk = transport === 'auto' && row.auto === 'sdk'
    clock.jump(MAX_AGE)

    if (policy === 'staleWhileRevalidate') {
      // the last value at once; the refresh runs in the background
      expect((await invoke()).s).toBe('v1')
      expect(events[0]).toMatchObject({ key: 's', source: 'stale', background: true })
      await eventually(() => events.length >= 2, 4000)
      if (viaSdk) {
        expect(events[1]).toMatchObject({ key: 's', source: 'sdk', background: true })
        expect(events[1]?.errorCode).toBeUndefined()
        clock.jump(1)
        expect((await invoke()).s).toBe('v2')
      } else {
        expect(events[1]).toMatchObject(failureEvent(row, true))
        await expectRequests(world, row.requests)
        // at the end of the window the invocation waits for the fetch, and fails
        clock.jump(WINDOW)
        await expect(invoke()).rejects.toMatchObject(failureOf(row))
      }
    } else if (viaSdk) {
      expect((await invoke()).s).toBe('v2')
      expect(events.at(-1)).toMatchObject({ key: 's', source: 'sdk' })
    } else if (policy === 'staleIfError') {
      expect((await invoke()).s).toBe('v1')
      expect(events).toEqual([
        expect.objectContaining(failureEvent(row, false)),
        expect.objectContaining({ key: 's', source: 'stale', errorCode: row.code }),
      ])
      await expectRequests(world, row.requests)
      // past the window, the error is the invocation's
      clock.jump(WINDOW)
      await expect(invoke()).rejects.toMatchObject(failureOf(row))
    } else {
      const error = await invoke().then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(ParamsSecretsError)
      expect(error).toMatchObject(failureOf(row))
      expect(events).toEqual([expect.objectContaining(failureEvent(row, false))])
      await expectRequests(world, row.requests)
    }
    // only the layer's absence, its not-ready window or its generic 400 send 'auto' to the SDK,
    // and then once: never for the other faults
    expect(world.aws.calls.length - sdkBefore).toBe(viaSdk ? 1 : 0)

    // the layer comes back: the next fetch is the new value through it ('auto' re-probes a
    // remembered absence after REPROBE_MS)
    await stop()
    clock.jump(REPROBE_MS + WINDOW)
    expect((await invoke()).s).toBe('v2')
    expect(events.at(-1)).toMatchObject({ key: 's', source: 'extension' })
  })

  describe('transient faults are retried within the bound', () => {
    const transient = ROWS.filter((row) => row.attempts === MAX_ATTEMPTS)

    it.each(transient)('$name once: the value, after 2 attempts', async (row) => {
      const { invoke, events, clock } = await setup('extension', 'none')
      world.emu.resetLog()
      world.emu.inject({ kind: 'secret', id: 's', times: 1, ...(row.trigger as { fault: Fault }).fault })
      clock.jump(MAX_AGE)
      expect((await invoke()).s).toBe('v2')
      expect(events.at(-1)).toMatchObject({ key: 's', source: 'extension', attempts: 2 })
      expect(world.emu.requests).toHaveLength(2)
      expect(world.emu.requests[1]?.status).toBe(200)
    })

    it('a 500 twice then the value: 3 attempts, the bound', async () => {
      const { invoke, events, clock } = await setup('extension', 'none')
      world.emu.resetLog()
      world.emu.inject({ kind: 'secret', id: 's', times: 2, status: 500 })
      clock.jump(MAX_AGE)
      expect((await invoke()).s).toBe('v2')
      expect(events.at(-1)).toMatchObject({ source: 'extension', attempts: 3 })
      expect(world.emu.requests).toHaveLength(3)
    })
  })

  describe('not-ready window', () => {
    // Its length is a timing (the benchmark's business, not an assertion here): what is counted is
    // that it retried, and at most once a step of the window.
    it("under 'extension' gives up within the window: retried, at most once a step", async () => {
      const { invoke, clock } = await setup('extension', 'none')
      world.emu.setNotReady()
      world.emu.resetLog()
      clock.jump(MAX_AGE)
      await expect(invoke()).rejects.toMatchObject({ code: 'ExtensionNotReady', status: 400 })
      expect(world.emu.requests.length).toBeGreaterThanOrEqual(2)
      expect(world.emu.requests.length).toBeLessThanOrEqual(NOT_READY_MAX_REQUESTS)
    })

    it('ends as soon as the layer is ready: the value from the layer, not the SDK', async () => {
      const { invoke, events, clock } = await setup('auto', 'none')
      world.emu.setNotReady()
      world.emu.resetLog()
      const sdkBefore = world.aws.calls.length
      readyAfterOneNotReady(world)
      clock.jump(MAX_AGE)
      expect((await invoke()).s).toBe('v2')
      expect(events.at(-1)).toMatchObject({ source: 'extension' })
      expect(world.aws.calls.length).toBe(sdkBefore)
      expect(world.emu.requests.length).toBeGreaterThan(1)
    })
  })

  describe('edges that were defects', () => {
    // Once a defect: the not-ready window is measured on the injected `now` clock (options.now) while its
    // steps sleep in real time: with a clock that does not move (the usual test clock), the
    // first invocation retries "not ready" forever instead of a few hundred ms. The window must
    // be measured on a monotonic real clock (performance.now()).
    it('the not-ready window ends in real time even when the injected clock stands still', async () => {
      world = await startWorld({ secrets: { s: 'v1' }, ttlSeconds: { secrets: 0 }, ready: false })
      const clock = manualClock(10_000_000)
      const { invoke } = world.middleware({
        transport: 'extension',
        extension: { timeoutMs: HEALTHY_TIMEOUT_MS },
        fetchData: { s: 's' },
        disablePrefetch: true,
        now: clock,
      })
      const outcome = await Promise.race([
        invoke().then(
          () => 'resolved',
          (e: ParamsSecretsError) => e.code,
        ),
        new Promise((resolve) => setTimeout(() => resolve('still retrying after 3 s'), 3000).unref()),
      ])
      expect(outcome).toBe('ExtensionNotReady')
      expect(world.emu.requests.length).toBeLessThanOrEqual(NOT_READY_MAX_REQUESTS)
    })

    // Once a defect: an InvalidResponse (thrown by decodeBody, outside the retry loop's bookkeeping) carries
    // no `attempts` (undefined, where every other error has it), and its event falls back to 1
    // even after a retried 503, for 2 requests. It must count every request made.
    it('attempts counts a retry that ends in an InvalidResponse', async () => {
      const { invoke, events, clock } = await setup('extension', 'none')
      world.emu.resetLog()
      world.emu.inject({ kind: 'secret', id: 's', times: 1, malformed: 'not-json' })
      clock.jump(MAX_AGE)
      // a single request: the error says 1 attempt, as every other error does
      await expect(invoke()).rejects.toMatchObject({ code: 'InvalidResponse', attempts: 1 })
      world.emu.resetLog()
      world.emu.inject({ kind: 'secret', id: 's', times: 1, status: 503 })
      world.emu.inject({ kind: 'secret', id: 's', times: 1, malformed: 'truncated' })
      clock.jump(MAX_AGE)
      await expect(invoke()).rejects.toMatchObject({ code: 'InvalidResponse', attempts: 2 })
      expect(world.emu.requests).toHaveLength(2)
      expect(events.at(-1)).toMatchObject({ errorCode: 'InvalidResponse', attempts: 2 })
    })

    // Once a defect: the not-ready retries are made by the selector around the transport; the value's
    // `attempts` is the last transport call's (1), not the requests made (several).
    it('attempts counts the not-ready retries of the first invocation', async () => {
      const { invoke, events, clock } = await setup('extension', 'none')
      world.emu.setNotReady()
      world.emu.resetLog()
      readyAfterOneNotReady(world)
      clock.jump(MAX_AGE)
      expect((await invoke()).s).toBe('v2')
      expect(world.emu.requests.length).toBeGreaterThan(1)
      expect(events.at(-1)).toMatchObject({ source: 'extension', attempts: world.emu.requests.length })
    })

    // Once a defect: extension.timeoutMs is accepted up to any integer, but Node's timers hold 2^31-1 ms at
    // most: above it the request deadline becomes 1 ms (TimeoutOverflowWarning on stderr) and
    // every request fails with Timeout. It must be refused (InvalidOptions) or capped.
    it('a timeoutMs above the timer limit is refused or honoured, never 1 ms', async () => {
      world = await startWorld({ secrets: { s: 'v1' }, ttlSeconds: { secrets: 0 } })
      let built: ReturnType<World['middleware']> | undefined
      let refused: unknown
      try {
        built = world.middleware({
          transport: 'extension',
          extension: { timeoutMs: 2 ** 31 },
          fetchData: { s: 's' },
          disablePrefetch: true,
        })
      } catch (error) {
        refused = error
      }
      if (built === undefined) {
        expect(refused).toMatchObject({ code: 'InvalidOptions' })
        return
      }
      world.emu.inject({ kind: 'secret', id: 's', times: 1, delayMs: 20 })
      expect((await built.invoke()).s).toBe('v1')
    })
  })
})
