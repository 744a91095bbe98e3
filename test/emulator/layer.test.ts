/**
 * The layer profile over real HTTP: routes, shapes, headers, its generic 400, its INIT phase, and
 * the emulator's choices for what the real layer's answers are unknown.
 */
import {
  closeEmulatorsAfterEach,
  GENERIC_400,
  getJson,
  parameterPath,
  request,
  secretPath,
  start,
} from './helpers.ts'

closeEmulatorsAfterEach()

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/

describe('layer', () => {
  it('answers a secret with text/plain and every Go field in order, absent ones null', async () => {
    const emulator = await start({ secrets: { db: '{"password":"pw"}' } })
    const reply = await request(emulator, secretPath('db'))
    expect(reply.status).toBe(200)
    expect(reply.headers['content-type']).toBe('text/plain')
    const body = JSON.parse(reply.body)
    expect(Object.keys(body)).toEqual([
      'ARN',
      'CreatedDate',
      'Name',
      'SecretBinary',
      'SecretString',
      'VersionId',
      'VersionStages',
      'ResultMetadata',
    ])
    expect(body).toMatchObject({
      Name: 'db',
      SecretBinary: null,
      SecretString: '{"password":"pw"}',
      VersionStages: ['AWSCURRENT'],
      ResultMetadata: {},
    })
    expect(body.ARN).toMatch(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:db-[A-Za-z0-9]{6}$/)
    expect(body.CreatedDate).toMatch(RFC3339)
    expect(body.VersionId).toMatch(/^[0-9a-f-]{36}$/)
    expect(reply.body).not.toMatch(/\n/)
  })

  it('answers a binary secret with base64 SecretBinary and a null SecretString', async () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255])
    const emulator = await start({ secrets: { bin: bytes, b64: { SecretBinary: 'AAEC+v8=' } } })
    for (const id of ['bin', 'b64']) {
      const body = await getJson(emulator, secretPath(id))
      expect(body.SecretString).toBeNull()
      expect(Buffer.from(body.SecretBinary, 'base64')).toEqual(Buffer.from(bytes))
    }
  })

  it('uses the region and account given for ARNs, with a suffix stable across rotations', async () => {
    const emulator = await start({ region: 'eu-west-1', accountId: '111122223333', secrets: { s: 'v1' } })
    const first = await getJson(emulator, secretPath('s'))
    expect(first.ARN).toMatch(/^arn:aws:secretsmanager:eu-west-1:111122223333:secret:s-[A-Za-z0-9]{6}$/)
    emulator.putSecret('s', 'v2')
    emulator.flushCache()
    expect((await getJson(emulator, secretPath('s'))).ARN).toBe(first.ARN)
  })

  it.each([
    ['an unknown secret', secretPath('nope')],
    ['an unknown parameter', parameterPath('nope')],
    ['a missing secretId', '/secretsmanager/get'],
    ['an empty secretId', '/secretsmanager/get?secretId='],
    ['a missing name', '/systemsmanager/parameters/get'],
    ['an unknown version stage', secretPath('s', '&versionStage=NOPE')],
    ['an unknown version id', secretPath('s', '&versionId=00000000-0000-0000-0000-000000000000')],
    ['parameter version 0', parameterPath('p', '&version=0')],
    ['a missing parameter version', parameterPath('p', '&version=9')],
    ['a non-numeric version', parameterPath('p', '&version=abc')],
    ['an unknown label', parameterPath('p', '&label=nope')],
  ])('answers the generic text/plain 400 to %s', async (_, path) => {
    const emulator = await start({ secrets: { s: 'v' }, parameters: { p: 'v' } })
    const reply = await request(emulator, path)
    expect(reply.status).toBe(400)
    expect(reply.statusMessage).toBe('Bad Request')
    expect(reply.body).toBe(GENERIC_400)
    expect(reply.headers['content-type']).toBe('text/plain')
  })

  it('logs the upstream error code behind a generic 400 (what the layer writes to CloudWatch)', async () => {
    const emulator = await start({ secrets: { s: 'v' } })
    await request(emulator, secretPath('nope'))
    emulator.denyAccess('secret', 's')
    await request(emulator, secretPath('s'))
    expect(emulator.requests.map((entry) => entry.error)).toEqual([
      'ResourceNotFoundException',
      'AccessDeniedException',
    ])
  })

  it('answers a missing or wrong token 401 "bad session token or header key" (seen once)', async () => {
    const emulator = await start({ secrets: { s: 'v' } })
    for (const token of [null, 'wrong']) {
      const reply = await request(emulator, secretPath('s'), { token })
      expect(reply).toMatchObject({ status: 401, body: 'bad session token or header key' })
      expect(reply.headers['content-type']).toBe('text/plain')
      expect(reply.headers['x-amzn-errortype']).toBe('AccessDeniedException')
    }
  })

  it('checks the token before the method and the route, as the one report shows', async () => {
    const emulator = await start()
    const reply = await request(emulator, '/secretsmanager/', { method: 'POST', token: null })
    expect(reply.status).toBe(401)
  })

  it('answers a non-GET 405 and an unknown path 404 as Go does (the emulator’s choice)', async () => {
    const emulator = await start({ secrets: { s: 'v' } })
    const post = await request(emulator, secretPath('s'), { method: 'POST' })
    expect(post).toMatchObject({ status: 405, body: 'Method Not Allowed\n' })
    for (const path of ['/nope', '/ping', '/v1/s', '/secretsmanager/get/']) {
      const reply = await request(emulator, path)
      expect(reply).toMatchObject({ status: 404, body: '404 page not found\n' })
      expect(reply.headers['content-type']).toBe('text/plain; charset=utf-8')
    }
  })

  it('ignores X-Forwarded-For (the agent refuses it)', async () => {
    const emulator = await start({ secrets: { s: 'v' } })
    const reply = await request(emulator, secretPath('s'), { headers: { 'X-Forwarded-For': '10.0.0.1' } })
    expect(reply.status).toBe(200)
  })

  it('refuses any query parameter outside the documented ones with the generic 400 by default', async () => {
    const emulator = await start({ secrets: { s: 'v' }, parameters: { p: 'v' } })
    for (const path of [
      secretPath('s', '&refreshNow=true'),
      secretPath('s', '&withDecryption=true'),
      parameterPath('p', '&refreshNow=false'),
      parameterPath('p', '&versionStage=AWSCURRENT'),
    ]) {
      expect(await request(emulator, path)).toMatchObject({ status: 400, body: GENERIC_400 })
    }
    expect(emulator.requests.every((entry) => entry.error === 'UnknownQueryParameter')).toBe(true)
  })

  it('accepts and ignores unknown query parameters with strictQuery false', async () => {
    const emulator = await start({ secrets: { s: 'v' }, strictQuery: false })
    const body = await getJson(emulator, secretPath('s', '&refreshNow=true&x=1'))
    expect(body.SecretString).toBe('v')
  })

  it('answers 400 "not ready to serve traffic, please wait" until ready(), then serves', async () => {
    const emulator = await start({ secrets: { s: 'v' }, ready: false })
    const early = await request(emulator, secretPath('s'))
    expect(early).toMatchObject({ status: 400, body: 'not ready to serve traffic, please wait' })
    expect(early.headers['content-type']).toBe('text/plain')
    expect(emulator.counters.upstream.secret).toBe(0)
    emulator.ready()
    expect((await getJson(emulator, secretPath('s'))).SecretString).toBe('v')
    emulator.setNotReady()
    expect((await request(emulator, secretPath('s'))).status).toBe(400)
  })

  it('escapes <, > and & in JSON as Go does, which decodes to the same text', async () => {
    const value = '<a href="x?a=1&b=2">\u2028'
    const emulator = await start({ secrets: { s: value } })
    const reply = await request(emulator, secretPath('s'))
    expect(reply.body).toContain('\\u003ca href=\\"x?a=1\\u0026b=2\\"\\u003e\\u2028')
    expect(JSON.parse(reply.body).SecretString).toBe(value)
  })
})
