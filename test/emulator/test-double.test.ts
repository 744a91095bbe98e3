/**
 * The extension emulator as a test double: env, `await using`, faults matching the query,
 * programmed answers, the pending-fault check, and rotation without flushCache (evictOnWrite).
 */
import { startExtensionEmulator } from '../../src/testing/index.ts'
import {
  closeEmulatorsAfterEach,
  request as get,
  parameterPath as param,
  secretPath as secret,
  start,
  TOKEN,
} from './helpers.ts'

closeEmulatorsAfterEach()

const value = async (port: number, path: string) => {
  const reply = await get(port, path)
  if (reply.status !== 200) return `${reply.status} ${reply.body}`
  const body = JSON.parse(reply.body)
  return body.SecretString ?? body.Parameter?.Value
}

describe('extension emulator env and disposal', () => {
  it('gives the port and the token as Lambda sets them', async () => {
    const emu = await start()
    expect(emu.env).toEqual({
      PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(emu.port),
      AWS_SESSION_TOKEN: TOKEN,
    })
  })

  it('closes at the end of an await using block', async () => {
    let port = 0
    {
      await using emu = await startExtensionEmulator({ token: TOKEN, env: {} })
      port = emu.port
      expect((await get(port, '/ping')).status).toBe(404)
    }
    await expect(get(port, '/ping')).rejects.toMatchObject({ code: 'ECONNREFUSED' })
  })
})

describe('extension emulator faults', () => {
  it('matches on the query besides kind and id', async () => {
    const emu = await start({ secrets: { db: 'v1' } })
    emu.putSecret('db', 'v2')
    emu.inject({ kind: 'secret', id: 'db', query: { versionStage: 'AWSPREVIOUS' }, times: 1, status: 503 })
    expect(await value(emu.port, secret('db'))).toBe('v2')
    expect(await value(emu.port, secret('db', '&versionStage=AWSPREVIOUS'))).toBe('503 ')
    expect(await value(emu.port, secret('db', '&versionStage=AWSPREVIOUS'))).toBe('v1')
  })

  it('answers from a respond function, and lets the real answer through on undefined', async () => {
    const emu = await start({ parameters: { '/p': { value: 'v', labels: ['prod'] } } })
    const seen: string[] = []
    emu.inject({
      kind: 'parameter',
      respond: (request) => {
        seen.push(`${request.id} ${request.query.label ?? '-'}`)
        return request.query.label === 'prod' ? { status: 400, body: 'programmed' } : undefined
      },
    })
    expect(await value(emu.port, param('/p', '&label=prod'))).toBe('400 programmed')
    expect(await value(emu.port, param('/p'))).toBe('v')
    expect(seen).toEqual(['/p prod', '/p -'])
  })

  it('lists the faults not used up and throws on them, never with a body', async () => {
    const emu = await start({ secrets: { db: 'v1' } })
    emu.inject({ kind: 'secret', id: 'db', times: 2, status: 500, body: 'do-not-print' })
    emu.inject({ kind: 'parameter', delayMs: 1 })
    await get(emu.port, secret('db'))
    expect(emu.pendingFaults()).toEqual(['secret db, times 2, used 1', 'parameter any id, no times, used 0'])
    let message = ''
    try {
      emu.assertNoPendingFaults()
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toMatch(/^2 injected fault\(s\) not used up:/)
    expect(message).not.toContain('do-not-print')
    await get(emu.port, secret('db'))
    emu.clearFaults()
    expect(() => emu.assertNoPendingFaults()).not.toThrow()
  })

  it('refuses a respond that is not a function, or one combined with another answer', async () => {
    const emu = await start()
    expect(() => emu.inject({ respond: 'x' as never })).toThrow('inject: respond must be a function')
    expect(() => emu.inject({ respond: () => undefined, status: 500 })).toThrow(/pick one of/)
    expect(() => emu.inject({ query: { a: 1 } as never })).toThrow(
      'inject: query must be an object of strings',
    )
  })
})

describe('rotation without flushCache', () => {
  it('keeps the cached answer after a write by default, as the layer does', async () => {
    const emu = await start({ secrets: { db: 'v1' } })
    expect(await value(emu.port, secret('db'))).toBe('v1')
    emu.putSecret('db', 'v2')
    expect(await value(emu.port, secret('db'))).toBe('v1')
  })

  it('with evictOnWrite, drops only the answers of the written item: by name, label and secret reference', async () => {
    const emu = await start({
      evictOnWrite: true,
      secrets: { db: 'v1', other: 'o1' },
      parameters: { '/p': { value: 'p1', labels: ['prod'] } },
    })
    const reference = param('/aws/reference/secretsmanager/db', '&withDecryption=true')
    const paths = [secret('db'), secret('other'), param('/p'), param('/p', '&label=prod'), reference]
    for (const path of paths) await value(emu.port, path)
    emu.resetLog()
    emu.putSecret('db', 'v2')
    emu.putParameter('/p', { value: 'p2', labels: ['prod'] })
    const after = []
    for (const path of paths) after.push(await value(emu.port, path))
    expect(after).toEqual(['v2', 'o1', 'p2', 'p2', 'v2'])
    expect(emu.requests.map((r) => r.cache)).toEqual(['miss', 'hit', 'miss', 'miss', 'miss'])
  })

  it('hears writes made through a shared store; an emulator without it keeps its cache', async () => {
    const first = await start({ secrets: { db: 'v1' }, evictOnWrite: true })
    const second = await start({ store: first.store })
    expect(await value(second.port, secret('db'))).toBe('v1')
    expect(await value(first.port, secret('db'))).toBe('v1')
    second.putSecret('db', 'v2')
    expect(await value(first.port, secret('db'))).toBe('v2')
    // The second one has no evictOnWrite: its cache still holds v1.
    expect(await value(second.port, secret('db'))).toBe('v1')
  })
})
