/**
 * The time budget the resolver passes in (`deadline`, `signal`) and `close()`: every wait of the
 * transport ends at the deadline, on abort, or at close, with the request in flight destroyed.
 * A server that never answers makes each case hang without the bound (the test timeout fails it).
 */
import { once } from 'node:events'
import type { Socket } from 'node:net'
import { ParamsSecretsError } from '../../src/errors.ts'
import { eventually } from '../helpers/lambda.ts'
import { ok } from '../helpers/raw-server.ts'
import { PATHS, type Rig, SECRET_BODY, startRig } from './harness.ts'

const never = () => undefined
const LONG_MS = 60_000

describe.each(PATHS)('time budget (%s)', (path) => {
  let rig: Rig
  afterEach(() => rig.close())

  it('fails with Timeout without sending when the budget is already spent', async () => {
    rig = await startRig(path, never, { timeoutMs: LONG_MS })
    const error = await rig.failure(undefined, { deadline: performance.now() - 1 })
    expect(error).toMatchObject({ code: 'Timeout', source: 'extension', key: 's', attempts: 0 })
    expect(error.message).toContain('time budget')
    expect(rig.requests()).toBe(0)
  })

  it('cuts the request timer to the deadline: Timeout, one request', async () => {
    rig = await startRig(path, never, { timeoutMs: LONG_MS })
    // Room for the request to reach the server first: with 50 ms, on a loaded machine the deadline
    // came before the server had read it (0 requests). The request is written before the deadline,
    // and read by the server in a later turn: wait for it, then count.
    const error = await rig.failure(undefined, { deadline: performance.now() + 250 })
    expect(error).toMatchObject({ code: 'Timeout', attempts: 1 })
    await eventually(() => rig.requests() > 0).catch(() => undefined)
    expect(rig.requests()).toBe(1)
  })

  it('cuts a retry to what is left of the deadline', async () => {
    // a 503 (retried), then silence: only the deadline can end the second request
    rig = await startRig(
      path,
      (socket, _request, index) => {
        if (index === 0) socket.write('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n')
      },
      { timeoutMs: LONG_MS },
    )
    const error = await rig.failure(undefined, { deadline: performance.now() + 300 })
    expect(error).toMatchObject({ code: 'Timeout', attempts: 2 })
    expect(error.message).toContain('time budget')
    expect(rig.requests()).toBe(2)
  })

  it('rejects at once on abort with the reason when it is a ParamsSecretsError, destroying the request', async () => {
    rig = await startRig(path, never, { timeoutMs: LONG_MS })
    const controller = new AbortController()
    const pending = rig.failure(undefined, { signal: controller.signal })
    await rig.server.waitForRequests(rig.server.requests.length + 1)
    const closed = rig.server.connections
    const reason = new ParamsSecretsError('budget over', { code: 'Timeout', source: 'extension', key: 's' })
    controller.abort(reason)
    expect(await pending).toBe(reason)
    expect(closed).toBeGreaterThan(0)
  })

  it('turns another abort reason into Timeout', async () => {
    rig = await startRig(path, never, { timeoutMs: LONG_MS })
    const controller = new AbortController()
    const pending = rig.failure(undefined, { signal: controller.signal })
    await rig.server.waitForRequests(rig.server.requests.length + 1)
    controller.abort(new Error('the invocation ended'))
    await expect(pending).resolves.toMatchObject({
      code: 'Timeout',
      source: 'extension',
      key: 's',
      attempts: 1,
    })
  })

  it('sends nothing when the signal is already aborted', async () => {
    rig = await startRig(path, never)
    const error = await rig.failure(undefined, { signal: AbortSignal.abort(new Error('gone')) })
    expect(error).toMatchObject({ code: 'Timeout', attempts: 0 })
    expect(rig.requests()).toBe(0)
  })

  it('stops a backoff sleep on abort', async () => {
    rig = await startRig(path, (socket) => {
      socket.write('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n')
    })
    const controller = new AbortController()
    const pending = rig.failure(undefined, { signal: controller.signal })
    await rig.server.waitForRequests(rig.server.requests.length + 1)
    controller.abort(new Error('stop'))
    const error = await pending
    expect(error.code).toBe('Timeout')
    expect(error.attempts).toBeLessThan(3)
  })

  it('counts real requests in attempts: a 503 then the value is 2', async () => {
    rig = await startRig(path, (socket, _request, index) => {
      socket.write(
        index === 0 ? 'HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n' : ok(SECRET_BODY),
      )
    })
    await expect(rig.fetch(undefined, { deadline: performance.now() + LONG_MS })).resolves.toEqual({
      text: 'v',
      attempts: 2,
    })
  })
})

describe.each(PATHS)('close (%s)', (path) => {
  let rig: Rig
  afterEach(() => rig.close())

  it('destroys a request in flight at once: the fetch rejects with Closed', async () => {
    let socket: Socket | undefined
    rig = await startRig(
      path,
      (s) => {
        socket = s
      },
      { timeoutMs: LONG_MS },
    )
    const pending = rig.failure()
    await rig.server.waitForRequests(1 + rig.server.requests.length - rig.requests())
    const socketClosed = once(socket!, 'close')
    await rig.transport.close()
    await expect(pending).resolves.toMatchObject({
      code: 'Closed',
      source: 'extension',
      key: 's',
      attempts: 1,
    })
    // the server sees its connection go: nothing was left waiting
    await socketClosed
  })

  it('fails a fetch after close with Closed, sending nothing', async () => {
    rig = await startRig(path, never)
    await rig.transport.close()
    const before = rig.requests()
    await expect(rig.failure()).resolves.toMatchObject({ code: 'Closed', source: 'extension', key: 's' })
    expect(rig.requests()).toBe(before)
  })

  it('cuts a backoff sleep with Closed', async () => {
    rig = await startRig(path, (socket) => {
      socket.write('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n')
    })
    const pending = rig.failure()
    await rig.server.waitForRequests(rig.server.requests.length + 1)
    await rig.transport.close()
    await expect(pending).resolves.toMatchObject({ code: 'Closed' })
  })
})
