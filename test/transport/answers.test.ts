/**
 * Answers no well-behaved server sends, byte for byte: a 200 cut short (Content-Length larger
 * than the body, then FIN), an unsolicited `100 Continue` before the 200, on both client paths.
 */
import { ok } from '../helpers/raw-server.ts'
import { PATHS, type Rig, SECRET_BODY, startRig } from './harness.ts'

const HEAD_LONGER_THAN_BODY = `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${SECRET_BODY.length + 40}\r\n\r\n`

describe.each(PATHS)('answers (%s)', (path) => {
  let rig: Rig
  afterEach(() => rig.close())

  it('a 200 cut short by FIN is InvalidResponse with status 200, after one retry', async () => {
    rig = await startRig(path, (socket) => {
      socket.end(HEAD_LONGER_THAN_BODY + SECRET_BODY)
    })
    const error = await rig.failure()
    expect(error).toMatchObject({
      code: 'InvalidResponse',
      status: 200,
      source: 'extension',
      key: 's',
      attempts: 2,
    })
    expect(error.message).toContain('cut short')
    expect(error.message).not.toContain('"v"')
    expect(rig.requests()).toBe(2)
  })

  it('a 200 cut short once, then whole: the value, 2 attempts', async () => {
    rig = await startRig(path, (socket, _request, index) => {
      if (index === 0) socket.end(HEAD_LONGER_THAN_BODY + SECRET_BODY)
      else socket.write(ok(SECRET_BODY))
    })
    await expect(rig.fetch()).resolves.toEqual({ text: 'v', attempts: 2 })
    expect(rig.requests()).toBe(2)
  })

  it('a 200 cut short by a reset is the same InvalidResponse', async () => {
    rig = await startRig(path, (socket) => {
      socket.write(HEAD_LONGER_THAN_BODY + SECRET_BODY.slice(0, 10), () => socket.resetAndDestroy())
    })
    await expect(rig.failure()).resolves.toMatchObject({ code: 'InvalidResponse', status: 200, attempts: 2 })
  })

  it('a reset before any answer stays ExtensionUnavailable, retried to the bound', async () => {
    rig = await startRig(path, (socket) => {
      socket.resetAndDestroy()
    })
    await expect(rig.failure()).resolves.toMatchObject({ code: 'ExtensionUnavailable', attempts: 3 })
    expect(rig.requests()).toBe(3)
  })

  it('reads the 200 after an unsolicited 100 Continue', async () => {
    rig = await startRig(path, (socket) => {
      socket.write(`HTTP/1.1 100 Continue\r\n\r\n${ok(SECRET_BODY)}`)
    })
    const value = await rig.fetch()
    expect(value.text).toBe('v')
    // undici refuses the 1xx: its request is sent again through node:http, and counted
    expect(value.attempts).toBe(path === 'undici' ? 2 : 1)
    expect(rig.requests()).toBe(value.attempts)
    // from then on node:http serves this server: one request each
    if (path === 'undici') await expect(rig.fetch()).resolves.toEqual({ text: 'v', attempts: 1 })
  })

  it('a 100 Continue before an error answer gives that answer', async () => {
    rig = await startRig(path, (socket) => {
      socket.write(
        'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 403 Forbidden\r\nContent-Length: 9\r\n\r\nBad Token',
      )
    })
    await expect(rig.failure()).resolves.toMatchObject({ code: 'ExtensionRequestFailed', status: 403 })
  })
})
