/**
 * The emulated upstream through both profiles: versions, staging labels, rotation, parameter
 * versions and labels, deletion, IAM denial per item, throttling.
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

describe('store', () => {
  it.each(['layer', 'agent'] as const)(
    'rotates on putSecret: new AWSCURRENT, old AWSPREVIOUS (%s)',
    async (profile) => {
      const emulator = await start({ profile, secrets: { s: 'v1' }, cacheEnabled: false })
      const v1 = (await getJson(emulator, secretPath('s'))).VersionId
      const v2 = emulator.putSecret('s', 'v2')
      expect(v2).toMatch(/^[0-9a-f-]{36}$/)
      expect(await getJson(emulator, secretPath('s'))).toMatchObject({
        SecretString: 'v2',
        VersionId: v2,
        VersionStages: ['AWSCURRENT'],
      })
      expect(await getJson(emulator, secretPath('s', '&versionStage=AWSPREVIOUS'))).toMatchObject({
        SecretString: 'v1',
        VersionId: v1,
        VersionStages: ['AWSPREVIOUS'],
      })
      expect((await getJson(emulator, secretPath('s', `&versionId=${v1}`))).SecretString).toBe('v1')
      expect(
        (await getJson(emulator, secretPath('s', `&versionId=${v2}&versionStage=AWSCURRENT`))).SecretString,
      ).toBe('v2')
      const v3 = emulator.putSecret('s', { SecretBinary: 'AQ==' })
      const third = await getJson(emulator, secretPath('s'))
      expect(third.VersionId).toBe(v3)
      expect(third.SecretBinary).toBe('AQ==')
      // The oldest version keeps no staging label but stays readable by its id.
      expect((await getJson(emulator, secretPath('s', `&versionId=${v1}`))).VersionStages).toEqual([])
      expect((await getJson(emulator, secretPath('s', '&versionStage=AWSPREVIOUS'))).VersionId).toBe(v2)
    },
  )

  it.each(['layer', 'agent'] as const)(
    'fails a versionId with a stage it does not carry (%s)',
    async (profile) => {
      const emulator = await start({ profile, secrets: { s: 'v1' } })
      const v1 = (await getJson(emulator, secretPath('s'))).VersionId
      expect(
        (await request(emulator, secretPath('s', `&versionId=${v1}&versionStage=AWSPREVIOUS`))).status,
      ).toBe(400)
    },
  )

  it('creates a secret on putSecret when absent, and deleteSecret removes it', async () => {
    const emulator = await start({ cacheEnabled: false })
    expect((await request(emulator, secretPath('new'))).status).toBe(400)
    emulator.putSecret('new', 'v')
    expect((await getJson(emulator, secretPath('new'))).SecretString).toBe('v')
    emulator.deleteSecret('new')
    expect(await request(emulator, secretPath('new'))).toMatchObject({ status: 400, body: GENERIC_400 })
  })

  it('numbers parameter versions, moves given labels, and keeps the type of a plain string put', async () => {
    const emulator = await start({
      cacheEnabled: false,
      parameters: { p: { value: 'one', type: 'SecureString', labels: ['prod', 'stable'] } },
    })
    expect(emulator.putParameter('p', { value: 'two', labels: ['prod'] })).toBe(2)
    expect(emulator.putParameter('p', 'three')).toBe(3)
    const latest = await getJson(emulator, parameterPath('p', '&withDecryption=true'))
    expect(latest.Parameter).toMatchObject({ Value: 'three', Version: 3, Type: 'SecureString' })
    const prod = await getJson(emulator, parameterPath('p', '&label=prod&withDecryption=true'))
    expect(prod.Parameter).toMatchObject({ Value: 'two', Version: 2 })
    const stable = await getJson(emulator, parameterPath('p', '&label=stable&withDecryption=true'))
    expect(stable.Parameter).toMatchObject({ Value: 'one', Version: 1 })
    const v1 = await getJson(emulator, parameterPath('p', '&version=1&withDecryption=true'))
    expect(v1.Parameter.Value).toBe('one')
    expect(emulator.putParameter('fresh', 'x')).toBe(1)
    expect((await getJson(emulator, parameterPath('fresh'))).Parameter.Type).toBe('String')
    emulator.deleteParameter('p')
    expect((await request(emulator, parameterPath('p'))).status).toBe(400)
  })

  it('takes a version or label selector inside the name, as GetParameter does', async () => {
    const emulator = await start({ parameters: { '/p': { value: 'one', labels: ['l'] } } })
    emulator.putParameter('/p', 'two')
    expect((await getJson(emulator, parameterPath('/p:1'))).Parameter).toMatchObject({
      Value: 'one',
      Selector: ':1',
    })
    expect((await getJson(emulator, parameterPath('/p:l'))).Parameter).toMatchObject({
      Value: 'one',
      Name: '/p',
    })
  })

  it('denies one item at a time, by name or ARN, until allowed again (layer: generic 400)', async () => {
    const emulator = await start({ secrets: { a: '1', b: '2' }, parameters: { p: 'x' }, cacheEnabled: false })
    const arn = (await getJson(emulator, secretPath('a'))).ARN
    emulator.denyAccess('secret', arn)
    emulator.denyAccess('parameter', 'p')
    expect(await request(emulator, secretPath('a'))).toMatchObject({ status: 400, body: GENERIC_400 })
    expect((await request(emulator, secretPath(arn))).status).toBe(400)
    expect((await request(emulator, secretPath('b'))).status).toBe(200)
    expect((await request(emulator, parameterPath('p'))).status).toBe(400)
    emulator.allowAccess('secret', arn)
    emulator.allowAccess('parameter', 'p')
    expect((await request(emulator, secretPath('a'))).status).toBe(200)
    expect((await request(emulator, parameterPath('p'))).status).toBe(200)
  })

  it('needs both permissions for a secret read through Parameter Store', async () => {
    const emulator = await start({ secrets: { s: 'v' }, cacheEnabled: false })
    const reference = parameterPath('/aws/reference/secretsmanager/s', '&withDecryption=true')
    emulator.denyAccess('secret', 's')
    expect((await request(emulator, reference)).status).toBe(400)
    emulator.allowAccess('secret', 's')
    emulator.denyAccess('parameter', '/aws/reference/secretsmanager/s')
    expect((await request(emulator, reference)).status).toBe(400)
    emulator.allowAccess('parameter', '/aws/reference/secretsmanager/s')
    expect((await request(emulator, reference)).status).toBe(200)
  })

  it('denies a secret that does not exist as AccessDenied, as AWS does without permission (agent)', async () => {
    const emulator = await start({ profile: 'agent' })
    emulator.denyAccess('secret', 'ghost')
    expect(JSON.parse((await request(emulator, secretPath('ghost'))).body).__type).toBe(
      'AccessDeniedException',
    )
  })

  it('throttles every store read while on (layer: generic 400)', async () => {
    const emulator = await start({ secrets: { s: 'v' }, parameters: { p: 'v' }, cacheEnabled: false })
    emulator.throttle(true)
    expect(await request(emulator, secretPath('s'))).toMatchObject({ status: 400, body: GENERIC_400 })
    expect((await request(emulator, parameterPath('p'))).status).toBe(400)
    expect(emulator.requests.map((entry) => entry.error)).toEqual([
      'ThrottlingException',
      'ThrottlingException',
    ])
    emulator.throttle(false)
    expect((await request(emulator, secretPath('s'))).status).toBe(200)
  })

  it('rejects bad secret and parameter inputs with a TypeError naming no value', async () => {
    const emulator = await start()
    expect(() => emulator.putSecret('s', {})).toThrow(TypeError)
    expect(() => emulator.putSecret('s', { SecretString: 'a', SecretBinary: 'AQ==' })).toThrow(/not both/)
    expect(() => emulator.putParameter('p', { value: 'v', type: 'Nope' as 'String' })).toThrow(TypeError)
    await expect(start({ secrets: { s: 42 as unknown as string } })).rejects.toThrow(TypeError)
  })
})
