/**
 * The layer profile's parameter endpoint over real HTTP: shapes, selectors, SecureString, and
 * secrets read through `/aws/reference/secretsmanager/` names.
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
  it('answers a parameter with the Go shape and Selector null, :N or :label', async () => {
    const emulator = await start({ parameters: { '/app/url': { value: 'https://x', labels: ['prod'] } } })
    const plain = await getJson(emulator, parameterPath('/app/url'))
    expect(Object.keys(plain)).toEqual(['Parameter', 'ResultMetadata'])
    expect(Object.keys(plain.Parameter)).toEqual([
      'ARN',
      'DataType',
      'LastModifiedDate',
      'Name',
      'Selector',
      'SourceResult',
      'Type',
      'Value',
      'Version',
    ])
    expect(plain.Parameter).toMatchObject({
      ARN: 'arn:aws:ssm:us-east-1:123456789012:parameter/app/url',
      DataType: 'text',
      Name: '/app/url',
      Selector: null,
      SourceResult: null,
      Type: 'String',
      Value: 'https://x',
      Version: 1,
    })
    expect(plain.Parameter.LastModifiedDate).toMatch(RFC3339)
    expect((await getJson(emulator, parameterPath('/app/url', '&version=1'))).Parameter.Selector).toBe(':1')
    expect((await getJson(emulator, parameterPath('/app/url', '&label=prod'))).Parameter.Selector).toBe(
      ':prod',
    )
  })

  it('serves the parameter path with a trailing slash too', async () => {
    const emulator = await start({ parameters: { p: 'v' } })
    const body = await getJson(emulator, '/systemsmanager/parameters/get/?name=p')
    expect(body.Parameter.Value).toBe('v')
  })

  it('gives a StringList as its comma-joined text', async () => {
    const emulator = await start({ parameters: { l: { value: 'a,b,c', type: 'StringList' } } })
    expect((await getJson(emulator, parameterPath('l'))).Parameter).toMatchObject({
      Type: 'StringList',
      Value: 'a,b,c',
    })
  })

  it('gives a SecureString encrypted without withDecryption=true, deterministically, never the value', async () => {
    const emulator = await start({ parameters: { s: { value: 'plain-secret', type: 'SecureString' } } })
    const encrypted = (await getJson(emulator, parameterPath('s'))).Parameter.Value
    expect(encrypted).toMatch(/^AQICAH[A-Za-z0-9+/]+=*$/)
    expect(encrypted).not.toContain('plain-secret')
    expect(Buffer.from(encrypted, 'base64').toString('latin1')).not.toContain('plain-secret')
    expect((await getJson(emulator, parameterPath('s', '&withDecryption=false'))).Parameter.Value).toBe(
      encrypted,
    )
    emulator.flushCache()
    expect((await getJson(emulator, parameterPath('s'))).Parameter.Value).toBe(encrypted)
    const decrypted = await getJson(emulator, parameterPath('s', '&withDecryption=true'))
    expect(decrypted.Parameter).toMatchObject({ Type: 'SecureString', Value: 'plain-secret' })
  })

  it('reads withDecryption as Go ParseBool does, and answers the generic 400 to other values', async () => {
    const emulator = await start({ parameters: { s: { value: 'v', type: 'SecureString' } } })
    for (const yes of ['1', 't', 'T', 'TRUE', 'True']) {
      expect((await getJson(emulator, parameterPath('s', `&withDecryption=${yes}`))).Parameter.Value).toBe(
        'v',
      )
    }
    const reply = await request(emulator, parameterPath('s', '&withDecryption=yes'))
    expect([reply.status, reply.body]).toEqual([400, GENERIC_400])
  })

  it('lets the first of version and label in the query win', async () => {
    const emulator = await start({ parameters: { p: { value: 'one', labels: ['first'] } } })
    emulator.putParameter('p', { value: 'two', labels: ['second'] })
    const byVersion = await getJson(emulator, parameterPath('p', '&version=1&label=second'))
    expect(byVersion.Parameter).toMatchObject({ Value: 'one', Selector: ':1', Version: 1 })
    const byLabel = await getJson(emulator, parameterPath('p', '&label=second&version=1'))
    expect(byLabel.Parameter).toMatchObject({ Value: 'two', Selector: ':second', Version: 2 })
  })

  it('serves /aws/reference/secretsmanager/ names as the captured shape', async () => {
    const emulator = await start({ secrets: { ref: 'secret-text' } })
    const name = '/aws/reference/secretsmanager/ref'
    const body = await getJson(emulator, parameterPath(name, '&withDecryption=true'))
    const secret = await getJson(emulator, secretPath('ref'))
    expect(body.Parameter).toMatchObject({
      ARN: secret.ARN,
      DataType: null,
      LastModifiedDate: secret.CreatedDate,
      Name: name,
      Selector: null,
      Type: 'SecureString',
      Value: 'secret-text',
      Version: 0,
    })
    const source = JSON.parse(body.Parameter.SourceResult)
    expect(Object.keys(source)).toEqual([
      'ARN',
      'name',
      'versionId',
      'secretString',
      'versionStages',
      'createdDate',
    ])
    expect(source).toMatchObject({ name: 'ref', versionId: secret.VersionId, versionStages: ['AWSCURRENT'] })
    expect(source.createdDate).toMatch(/^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}:\d{2} [AP]M$/)
  })

  it('serves a binary secret through a reference with Value null and the label as staging label', async () => {
    const emulator = await start({ secrets: { bin: new Uint8Array([1, 200]) } })
    emulator.putSecret('bin', new Uint8Array([3]))
    const name = '/aws/reference/secretsmanager/bin'
    const body = await getJson(emulator, parameterPath(name, '&label=AWSPREVIOUS&withDecryption=true'))
    expect(body.Parameter).toMatchObject({ Value: null, Selector: ':AWSPREVIOUS', Version: 0 })
    const source = JSON.parse(body.Parameter.SourceResult)
    expect(source.secretBinary).toMatchObject({ hb: [1, -56], limit: 2, capacity: 2 })
    expect(source.versionStages).toEqual(['AWSPREVIOUS'])
  })

  it('answers the generic 400 to a reference without withDecryption=true', async () => {
    const emulator = await start({ secrets: { ref: 'v' } })
    const reply = await request(emulator, parameterPath('/aws/reference/secretsmanager/ref'))
    expect(reply).toMatchObject({ status: 400, body: GENERIC_400 })
  })
})
