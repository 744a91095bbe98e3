/**
 * Fault injection over real HTTP: each kind, on both profiles, matched by kind and id, counted
 * with `times`, removable.
 */

import { eventually } from '../helpers/lambda.ts'
import {
  closeEmulatorsAfterEach,
  getJson,
  parameterPath,
  request,
  secretPath,
  start,
  TOKEN,
  TOKEN_HEADER,
} from './helpers.ts'

closeEmulatorsAfterEach()

describe('faults', () => {
  it('delays the answer by delayMs', async () => {
    const emulator = await start({ secrets: { s: 'v', fast: 'f' } })
    emulator.inject({ id: 's', delayMs: 500 })
    const slow = getJson(emulator, secretPath('s'))
    // Ordering, not a stopwatch: received (the read is counted on arrival) but not answered, while
    // a request sent after it is answered at once.
    await eventually(() => emulator.counters.upstream.secret === 1)
    expect((await getJson(emulator, secretPath('fast'))).SecretString).toBe('f')
    expect(emulator.requests.map((r) => r.id)).toEqual(['fast'])
    expect((await slow).SecretString).toBe('v')
    expect(emulator.requests.map((r) => r.id)).toEqual(['fast', 's'])
  })

  it.each(['layer', 'agent'] as const)('answers a given status, body and headers (%s)', async (profile) => {
    const emulator = await start({ profile, secrets: { s: 'v' } })
    emulator.inject({ status: 503, body: 'busy', headers: { 'retry-after': '1' } })
    const reply = await request(emulator, secretPath('s'))
    expect(reply).toMatchObject({ status: 503, body: 'busy' })
    expect(reply.headers['retry-after']).toBe('1')
    expect(reply.headers['content-type']).toBe(profile === 'layer' ? 'text/plain' : undefined)
    expect(emulator.counters.upstream.secret).toBe(0)
  })

  it('answers 200 with a given body and no status', async () => {
    const emulator = await start({ secrets: { s: 'v' } })
    emulator.inject({ body: '{"SecretString":"forged"}' })
    expect((await getJson(emulator, secretPath('s'))).SecretString).toBe('forged')
  })

  it('adds headers to the real answer when only headers are given', async () => {
    const emulator = await start({ secrets: { s: 'v' } })
    emulator.inject({ headers: { 'x-extra': 'yes' } })
    const reply = await request(emulator, secretPath('s'))
    expect(reply.status).toBe(200)
    expect(reply.headers['x-extra']).toBe('yes')
    expect(JSON.parse(reply.body).SecretString).toBe('v')
  })

  it.each(['layer', 'agent'] as const)('drops the connection before any byte (%s)', async (profile) => {
    const emulator = await start({ profile, secrets: { s: 'v' } })
    emulator.inject({ drop: 'before-response' })
    await expect(request(emulator, secretPath('s'))).rejects.toMatchObject({ code: 'ECONNRESET' })
    expect(emulator.requests[0]).toMatchObject({ status: 0, kind: 'secret', id: 's' })
    expect(emulator.counters.byStatus[0]).toBe(1)
  })

  it('drops the connection after part of a valid 200 body (fetch fails reading it)', async () => {
    const emulator = await start({ secrets: { s: 'a long enough value to cut in half' } })
    emulator.inject({ drop: 'mid-body' })
    await expect(request(emulator, secretPath('s'))).rejects.toMatchObject({ code: 'ECONNRESET' })
    emulator.inject({ drop: 'mid-body', times: 1 })
    const res = await fetch(`${emulator.url}${secretPath('s')}`, { headers: { [TOKEN_HEADER]: TOKEN } })
    expect(res.status).toBe(200)
    await expect(res.text()).rejects.toThrow()
  })

  it.each(['layer', 'agent'] as const)('sends a truncated 200 body (%s)', async (profile) => {
    const emulator = await start({ profile, secrets: { s: 'v' } })
    emulator.inject({ malformed: 'truncated', times: 1 })
    const reply = await request(emulator, secretPath('s'))
    const whole = await request(emulator, secretPath('s'))
    expect(reply.status).toBe(200)
    expect(whole.body.startsWith(reply.body)).toBe(true)
    expect(reply.body.length).toBeLessThan(whole.body.length)
    expect(() => JSON.parse(reply.body)).toThrow()
  })

  it('sends a 200 that is not JSON', async () => {
    const emulator = await start({ secrets: { s: 'v' } })
    emulator.inject({ malformed: 'not-json' })
    const reply = await request(emulator, secretPath('s'))
    expect(reply.status).toBe(200)
    expect(() => JSON.parse(reply.body)).toThrow()
  })

  it.each([
    ['layer', secretPath('s'), ['SecretString', 'SecretBinary']],
    ['agent', secretPath('s'), ['SecretString', 'SecretBinary']],
    ['layer', parameterPath('p'), ['Parameter']],
  ] as const)('sends valid JSON of the wrong shape (%s %s)', async (profile, path, missing) => {
    const emulator = await start({ profile, secrets: { s: 'v' }, parameters: { p: 'v' } })
    emulator.inject({ malformed: 'wrong-shape' })
    const body = JSON.parse((await request(emulator, path)).body)
    for (const field of missing) expect(body[field] ?? undefined).toBeUndefined()
  })

  it('matches by kind and id, applies `times` times, and is removed by its remover', async () => {
    const emulator = await start({ secrets: { a: '1', b: '2' }, parameters: { a: 'p' } })
    emulator.inject({ kind: 'secret', id: 'a', status: 500, times: 2 })
    const remove = emulator.inject({ kind: 'parameter', status: 502 })
    expect((await request(emulator, secretPath('b'))).status).toBe(200)
    expect((await request(emulator, parameterPath('a'))).status).toBe(502)
    expect((await request(emulator, secretPath('a'))).status).toBe(500)
    expect((await request(emulator, secretPath('a'))).status).toBe(500)
    expect((await request(emulator, secretPath('a'))).status).toBe(200)
    remove()
    expect((await request(emulator, parameterPath('a'))).status).toBe(200)
  })

  it('stops every fault on clearFaults()', async () => {
    const emulator = await start({ secrets: { s: 'v' } })
    emulator.inject({ status: 500 })
    emulator.inject({ drop: 'before-response' })
    emulator.clearFaults()
    expect((await request(emulator, secretPath('s'))).status).toBe(200)
  })

  it('applies after the checks: a bad token is still refused, a not-ready layer still not ready', async () => {
    const emulator = await start({ secrets: { s: 'v' } })
    emulator.inject({ status: 500 })
    expect((await request(emulator, secretPath('s'), { token: 'wrong' })).status).toBe(401)
    emulator.setNotReady()
    expect((await request(emulator, secretPath('s'))).status).toBe(400)
    emulator.ready()
    expect((await request(emulator, secretPath('s'))).status).toBe(500)
  })

  it('rejects a fault that makes no sense', async () => {
    const emulator = await start()
    expect(() => emulator.inject({ times: 0 })).toThrow(/times/)
    expect(() => emulator.inject({ status: 42 })).toThrow(/status/)
    expect(() => emulator.inject({ drop: 'sometimes' as 'mid-body' })).toThrow(/drop/)
    expect(() => emulator.inject({ malformed: 'odd' as 'not-json' })).toThrow(/malformed/)
    expect(() => emulator.inject({ status: 500, drop: 'mid-body' })).toThrow(/one of/)
  })

  it('answers nothing to a delayed request when the emulator closes meanwhile', async () => {
    const emulator = await start({ secrets: { s: 'v' } })
    emulator.inject({ delayMs: 5_000 })
    const pending = request(emulator, secretPath('s'))
    await eventually(() => emulator.counters.upstream.secret === 1)
    await emulator.close()
    await expect(pending).rejects.toMatchObject({ code: 'ECONNRESET' })
  })
})
