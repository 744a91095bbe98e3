/**
 * The agent profile over real HTTP, as the Secrets Manager Agent's source reads.
 */
import { connect, type Socket } from 'node:net'
import { eventually } from '../helpers/lambda.ts'
import {
  closeEmulatorsAfterEach,
  getJson,
  parameterPath,
  request,
  secretPath,
  start,
  TOKEN,
} from './helpers.ts'

closeEmulatorsAfterEach()

const openIdleSocket = (port: number) =>
  new Promise<Socket>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket))
    socket.on('error', reject)
  })

describe('agent', () => {
  it('answers a secret without Content-Type, absent fields omitted, CreatedDate as epoch seconds', async () => {
    const emulator = await start({ profile: 'agent', secrets: { db: 'pw' } })
    const reply = await request(emulator, secretPath('db'))
    expect(reply.status).toBe(200)
    expect(reply.headers['content-type']).toBeUndefined()
    const body = JSON.parse(reply.body)
    expect(Object.keys(body)).toEqual([
      'ARN',
      'Name',
      'VersionId',
      'SecretString',
      'VersionStages',
      'CreatedDate',
    ])
    expect(body).toMatchObject({ Name: 'db', SecretString: 'pw', VersionStages: ['AWSCURRENT'] })
    expect(body.CreatedDate).toMatch(/^\d{10}(\.\d{1,3})?$/)
    expect(Math.abs(Number(body.CreatedDate) * 1000 - Date.now())).toBeLessThan(60_000)
  })

  it('answers a binary secret with SecretBinary and no SecretString key', async () => {
    const emulator = await start({ profile: 'agent', secrets: { bin: new Uint8Array([9, 8, 7]) } })
    const body = await getJson(emulator, secretPath('bin'))
    expect(Object.keys(body)).toEqual([
      'ARN',
      'Name',
      'VersionId',
      'SecretBinary',
      'VersionStages',
      'CreatedDate',
    ])
    expect(body.SecretBinary).toBe('CQgH')
  })

  it('answers /ping 200 healthy without a token', async () => {
    const emulator = await start({ profile: 'agent' })
    const reply = await request(emulator, '/ping', { token: null, headers: { 'X-Forwarded-For': '1.2.3.4' } })
    expect(reply).toMatchObject({ status: 200, body: 'healthy' })
    expect(reply.headers['content-type']).toBeUndefined()
  })

  it('serves GET /v1/<ID> with the path not percent-decoded, as the agent reads it', async () => {
    const emulator = await start({ profile: 'agent', secrets: { plain: 'a', 'with%2Fslash': 'b' } })
    const arn = (await getJson(emulator, secretPath('plain'))).ARN
    expect((await getJson(emulator, '/v1/plain')).SecretString).toBe('a')
    expect((await getJson(emulator, `/v1/${arn}`)).SecretString).toBe('a')
    expect((await getJson(emulator, '/v1/with%2Fslash')).SecretString).toBe('b')
    expect((await getJson(emulator, '/v1/plain?versionStage=AWSCURRENT&refreshNow=true')).SecretString).toBe(
      'a',
    )
    expect(await request(emulator, '/v1/')).toMatchObject({ status: 400, body: 'missing secret ID' })
    expect(await request(emulator, '/v1/plain?secretId=x')).toMatchObject({
      status: 400,
      body: 'unknown parameter: secretId',
    })
  })

  it('answers 400 "unknown parameter: NAME" to any other query parameter, strictQuery or not', async () => {
    const emulator = await start({ profile: 'agent', secrets: { s: 'v' }, strictQuery: false })
    for (const name of ['withDecryption', 'foo', 'SecretId']) {
      const reply = await request(emulator, secretPath('s', `&${name}=1`))
      expect(reply).toMatchObject({ status: 400, body: `unknown parameter: ${name}` })
    }
  })

  it('answers 400 to a missing secretId and to a bad refreshNow', async () => {
    const emulator = await start({ profile: 'agent', secrets: { s: 'v' } })
    expect(await request(emulator, '/secretsmanager/get')).toMatchObject({
      status: 400,
      body: 'missing parameter secretId',
    })
    expect(await request(emulator, secretPath('s', '&refreshNow=maybe'))).toMatchObject({
      status: 400,
      body: 'invalid refreshNow value',
    })
    for (const value of ['TRUE', '1', 'false', '0']) {
      expect((await request(emulator, secretPath('s', `&refreshNow=${value}`))).status).toBe(200)
    }
  })

  it('has no parameter endpoint: 404 Not found', async () => {
    const emulator = await start({ profile: 'agent', parameters: { p: 'v' } })
    for (const path of [parameterPath('p'), parameterPath('p', '&withDecryption=true'), '/nope']) {
      expect(await request(emulator, path)).toMatchObject({ status: 404, body: 'Not found' })
    }
  })

  it('answers AWS JSON errors with status 400 and never a value in the message', async () => {
    const emulator = await start({ profile: 'agent', secrets: { s: 'the-value' } })
    const cases: Array<[string, string]> = [
      [secretPath('nope'), 'ResourceNotFoundException'],
      [secretPath('s', '&versionStage=NOPE'), 'ResourceNotFoundException'],
      [secretPath('s', '&versionId=0000'), 'ResourceNotFoundException'],
    ]
    for (const [path, type] of cases) {
      const reply = await request(emulator, path)
      expect(reply.status).toBe(400)
      expect(reply.headers['content-type']).toBeUndefined()
      expect(JSON.parse(reply.body)).toEqual({ __type: type, message: expect.any(String) })
      expect(reply.body).not.toContain('the-value')
    }
    emulator.denyAccess('secret', 's')
    const denied = JSON.parse((await request(emulator, secretPath('s'))).body)
    expect(denied.__type).toBe('AccessDeniedException')
    expect(denied.message).toContain('secretsmanager:GetSecretValue')
    emulator.allowAccess('secret', 's')
    emulator.throttle(true)
    expect(JSON.parse((await request(emulator, secretPath('nope'))).body)).toEqual({
      __type: 'ThrottlingException',
      message: 'Rate exceeded',
    })
  })

  it('writes error JSON by hand as the agent does: a " in the message makes it invalid JSON', async () => {
    const emulator = await start({ profile: 'agent', secrets: { s: 'v' } })
    const reply = await request(emulator, secretPath('s', `&versionStage=${encodeURIComponent('a"b')}`))
    expect(reply.status).toBe(400)
    expect(reply.body).toBe(
      '{"__type":"ResourceNotFoundException", "message":"Secrets Manager can\'t find the specified secret value for staging label: a"b"}',
    )
    expect(() => JSON.parse(reply.body)).toThrow()
  })

  it('answers 403 Bad Token to a missing or wrong token, and accepts X-Vault-Token', async () => {
    const emulator = await start({ profile: 'agent', secrets: { s: 'v' } })
    expect(await request(emulator, secretPath('s'), { token: null })).toMatchObject({
      status: 403,
      body: 'Bad Token',
    })
    expect(await request(emulator, secretPath('s'), { token: 'nope' })).toMatchObject({
      status: 403,
      body: 'Bad Token',
    })
    const vault = await request(emulator, secretPath('s'), {
      token: null,
      headers: { 'X-Vault-Token': TOKEN },
    })
    expect(vault.status).toBe(200)
  })

  it('answers 400 Forwarded to X-Forwarded-For, even with a good token', async () => {
    const emulator = await start({ profile: 'agent', secrets: { s: 'v' } })
    const reply = await request(emulator, secretPath('s'), { headers: { 'X-Forwarded-For': '10.0.0.1' } })
    expect(reply).toMatchObject({ status: 400, body: 'Forwarded' })
  })

  it('answers 405 Not allowed to a non-GET, /ping included', async () => {
    const emulator = await start({ profile: 'agent', secrets: { s: 'v' } })
    expect(await request(emulator, secretPath('s'), { method: 'POST' })).toMatchObject({
      status: 405,
      body: 'Not allowed',
    })
    expect(await request(emulator, '/ping', { method: 'DELETE', token: null })).toMatchObject({ status: 405 })
  })

  it('checks in order: connection limit, X-Forwarded-For, token, method, route', async () => {
    const emulator = await start({ profile: 'agent', maxConnections: 1 })
    const bad = { method: 'POST', token: 'wrong', headers: { 'X-Forwarded-For': '1.1.1.1' } }
    expect((await request(emulator, '/nope', bad)).status).toBe(400)
    expect((await request(emulator, '/nope', { ...bad, headers: {} })).status).toBe(403)
    expect((await request(emulator, '/nope', { method: 'POST' })).status).toBe(405)
    expect((await request(emulator, '/nope')).status).toBe(404)
    const idle = await openIdleSocket(emulator.port)
    await eventually(() => emulator.openConnections === 1)
    expect(await request(emulator, '/nope', bad)).toMatchObject({
      status: 429,
      body: 'Connection limit exceeded',
    })
    idle.destroy()
  })

  it('answers 429 above maxConnections concurrent connections, keeping two more for /ping', async () => {
    const emulator = await start({ profile: 'agent', secrets: { s: 'v' }, maxConnections: 2 })
    const idle = [await openIdleSocket(emulator.port), await openIdleSocket(emulator.port)]
    await eventually(() => emulator.openConnections === 2)
    expect((await request(emulator, secretPath('s'))).status).toBe(429)
    expect((await request(emulator, '/ping', { token: null })).status).toBe(200)
    for (const socket of idle) socket.destroy()
    await eventually(() => emulator.openConnections === 0)
    expect((await request(emulator, secretPath('s'))).status).toBe(200)
  })

  it('refuses connections until ready() (the agent starts listening at the first invoke)', async () => {
    const emulator = await start({ profile: 'agent', secrets: { s: 'v' }, ready: false })
    expect(emulator.port).toBeGreaterThan(0)
    await expect(request(emulator, secretPath('s'))).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    emulator.ready()
    expect((await getJson(emulator, secretPath('s'))).SecretString).toBe('v')
    emulator.setNotReady()
    await expect(request(emulator, secretPath('s'))).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    emulator.ready()
    expect((await request(emulator, '/ping', { token: null })).status).toBe(200)
  })

  it('takes its token from AWS_TOKEN, then AWS_SESSION_TOKEN, then AWS_CONTAINER_AUTHORIZATION_TOKEN', async () => {
    const env = { AWS_SESSION_TOKEN: 'session', AWS_CONTAINER_AUTHORIZATION_TOKEN: 'container' }
    expect(
      (await start({ profile: 'agent', token: undefined, env: { ...env, AWS_TOKEN: 'aws' } })).token,
    ).toBe('aws')
    expect((await start({ profile: 'agent', token: undefined, env })).token).toBe('session')
    const snapStart = await start({
      profile: 'agent',
      token: undefined,
      env: { AWS_CONTAINER_AUTHORIZATION_TOKEN: 'c' },
    })
    expect(snapStart.token).toBe('c')
    expect((await request(snapStart, '/nope', { token: 'c' })).status).toBe(404)
  })
})
