/**
 * The HTTP server: where it listens, pause/resume, close with keep-alive connections, the request
 * log (token redacted), counters, and the log callback (never a value, never the token).
 */
import { Agent, get } from 'node:http'
import { networkInterfaces } from 'node:os'
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

describe('server', () => {
  it('listens on 127.0.0.1 on a free port, and describes itself', async () => {
    const emulator = await start({ profile: 'agent' })
    expect(emulator.url).toBe(`http://127.0.0.1:${emulator.port}`)
    expect(emulator).toMatchObject({ profile: 'agent', token: TOKEN })
    const external = Object.values(networkInterfaces())
      .flat()
      .find((address) => address?.family === 'IPv4' && !address.internal)
    if (external) {
      await expect(
        new Promise((resolve, reject) =>
          get({ host: external.address, port: emulator.port }, resolve).on('error', reject),
        ),
      ).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    }
  })

  it('listens on the port given', async () => {
    const first = await start()
    const port = first.port
    await first.close()
    const second = await start({ port })
    expect(second.port).toBe(port)
    expect((await request(second, '/nope')).status).toBe(404)
  })

  it.each(['layer', 'agent'] as const)(
    'refuses connections while paused and serves again after resume (%s)',
    async (profile) => {
      const emulator = await start({ profile, secrets: { s: 'v' } })
      const port = emulator.port
      expect((await getJson(emulator, secretPath('s'))).SecretString).toBe('v')
      await emulator.pause()
      await expect(request(emulator, secretPath('s'))).rejects.toMatchObject({ code: 'ECONNREFUSED' })
      emulator.putSecret('s', 'v2')
      await emulator.resume()
      expect(emulator.port).toBe(port)
      // State survives, the cache included.
      expect((await getJson(emulator, secretPath('s'))).SecretString).toBe('v')
    },
  )

  it('keeps an agent created not ready refusing after resume until ready()', async () => {
    const emulator = await start({ profile: 'agent', ready: false })
    await emulator.pause()
    await emulator.resume()
    await expect(request(emulator, '/ping', { token: null })).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    emulator.ready()
    expect((await request(emulator, '/ping', { token: null })).status).toBe(200)
  })

  it('resets kept-alive connections on pause and on close', async () => {
    const emulator = await start({ secrets: { s: 'v' } })
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    const call = () =>
      new Promise<number>((resolve, reject) => {
        const req = get(
          {
            host: '127.0.0.1',
            port: emulator.port,
            path: secretPath('s'),
            agent,
            headers: { [TOKEN_HEADER]: TOKEN },
          },
          (res) => {
            res.resume()
            res.on('end', () => resolve(res.statusCode ?? 0))
          },
        )
        req.on('error', reject)
      })
    expect(await call()).toBe(200)
    const socketClosed = () => {
      const [socket] = Object.values(agent.freeSockets).flat()
      expect(socket).toBeDefined()
      return new Promise((resolve) => socket!.once('close', resolve))
    }
    let closed = socketClosed()
    await emulator.pause()
    await closed
    await emulator.resume()
    expect(await call()).toBe(200)
    closed = socketClosed()
    await emulator.close()
    await closed
    await expect(call()).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    agent.destroy()
  })

  it('closes idempotently and refuses to resume after close', async () => {
    const emulator = await start()
    await emulator.close()
    await emulator.close()
    await expect(emulator.resume()).rejects.toThrow(/closed/)
  })

  it('logs each request with its query, kind, id, cache and the token redacted', async () => {
    const emulator = await start({ secrets: { 'a/b': 'value' }, parameters: { p: 'x' } })
    await request(emulator, secretPath('a/b', '&versionStage=AWSCURRENT'), { headers: { 'X-Other': 'kept' } })
    await request(emulator, secretPath('a/b', '&versionStage=AWSCURRENT'))
    await request(emulator, parameterPath('p'), { token: 'a-wrong-token' })
    await request(emulator, '/elsewhere')
    const [first, second, third, fourth] = emulator.requests
    expect(first).toMatchObject({
      method: 'GET',
      path: '/secretsmanager/get',
      query: { secretId: 'a/b', versionStage: 'AWSCURRENT' },
      status: 200,
      kind: 'secret',
      id: 'a/b',
      cache: 'miss',
    })
    expect(first!.headers[TOKEN_HEADER.toLowerCase()]).toBe('[redacted]')
    expect(first!.headers['x-other']).toBe('kept')
    expect(first!.at).toBeGreaterThan(Date.now() - 60_000)
    expect(second!.cache).toBe('hit')
    expect(third).toMatchObject({ status: 401, kind: 'parameter', cache: 'none' })
    expect(third!.headers[TOKEN_HEADER.toLowerCase()]).toBe('[redacted]')
    expect(fourth).toMatchObject({ status: 404, kind: 'other' })
    expect(JSON.stringify(emulator.requests)).not.toContain(TOKEN)
  })

  it('redacts any header carrying the token, X-Vault-Token included', async () => {
    const emulator = await start({ profile: 'agent' })
    await request(emulator, '/ping', {
      token: null,
      headers: { 'X-Vault-Token': TOKEN, Authorization: TOKEN },
    })
    expect(emulator.requests[0]!.headers).toMatchObject({
      'x-vault-token': '[redacted]',
      authorization: '[redacted]',
    })
  })

  it('counts requests, store reads and statuses, and resetLog clears them in place', async () => {
    const emulator = await start({ secrets: { s: 'v' }, parameters: { p: 'x' } })
    const { requests, counters } = emulator
    await request(emulator, secretPath('s'))
    await request(emulator, secretPath('s'))
    await request(emulator, parameterPath('p'))
    await request(emulator, secretPath('nope'))
    expect(counters).toEqual({
      requests: 4,
      upstream: { secret: 2, parameter: 1 },
      byStatus: { 200: 3, 400: 1 },
    })
    emulator.resetLog()
    expect(requests).toHaveLength(0)
    expect(counters).toEqual({ requests: 0, upstream: { secret: 0, parameter: 0 }, byStatus: {} })
    await request(emulator, secretPath('s'))
    expect(emulator.requests).toBe(requests)
    expect(counters.requests).toBe(1)
  })

  it('logs one line per request through `log`, never a value nor the token', async () => {
    const lines: string[] = []
    const emulator = await start({
      secrets: { db: 'super-secret-value' },
      parameters: { p: { value: 'secure-value', type: 'SecureString' } },
      log: (line) => lines.push(line),
    })
    await request(emulator, secretPath('db'))
    await request(emulator, secretPath('db'))
    await request(emulator, parameterPath('p', '&withDecryption=true'))
    await request(emulator, secretPath('missing'))
    emulator.inject({ malformed: 'truncated' })
    await request(emulator, secretPath('db'))
    expect(lines).toHaveLength(5)
    expect(lines[0]).toBe('GET /secretsmanager/get?secretId=db 200 cache=miss')
    expect(lines[1]).toBe('GET /secretsmanager/get?secretId=db 200 cache=hit')
    expect(lines[3]).toBe(
      'GET /secretsmanager/get?secretId=missing 400 cache=miss error=ResourceNotFoundException',
    )
    expect(lines[4]).toContain('fault=malformed:truncated')
    for (const line of lines) {
      expect(line).not.toMatch(/super-secret-value|secure-value/)
      expect(line).not.toContain(TOKEN)
    }
  })

  it('fails to start with a clear error when the port is taken', async () => {
    const first = await start()
    await expect(start({ port: first.port })).rejects.toMatchObject({ code: 'EADDRINUSE' })
  })
})
