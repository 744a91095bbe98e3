/**
 * The connection to the extension: the first requests go through node:http (already loaded with
 * middy, cheap at cold start), then undici's pool takes over once it has loaded in the background.
 */
import diagnosticsChannel from 'node:diagnostics_channel'
import { type ExtensionEmulator, startExtensionEmulator } from '../../src/testing/index.ts'
import { createConnection, REQUEST_TIMEOUT } from '../../src/transport/connection.ts'
import { eventually } from '../helpers/lambda.ts'

const TOKEN = 'connection-token'
const headers = { 'x-aws-parameters-secrets-token': TOKEN }

describe('connection', () => {
  let emu: ExtensionEmulator
  const undiciConnects: unknown[] = []
  const onConnect = (message: unknown) => undiciConnects.push(message)

  beforeAll(() => diagnosticsChannel.subscribe('undici:client:connected', onConnect))
  afterAll(() => diagnosticsChannel.unsubscribe('undici:client:connected', onConnect))
  beforeEach(async () => {
    undiciConnects.length = 0
    emu = await startExtensionEmulator({ token: TOKEN, secrets: { s: 'v' } })
  })
  afterEach(async () => {
    await emu.close()
  })

  it('answers the first request through node:http, and later ones through the undici pool', async () => {
    const connection = createConnection(emu.port, 3, 1000)
    const first = await connection.get('/secretsmanager/get?secretId=s', headers, 1000)
    expect(first.status).toBe(200)
    expect(JSON.parse(first.body).SecretString).toBe('v')
    expect(undiciConnects).toHaveLength(0)
    // the pool loads off the critical path; once it is in, requests use it
    await eventually(() => {
      void connection.get('/secretsmanager/get?secretId=s', headers, 1000).catch(() => undefined)
      return undiciConnects.length > 0
    })
    const later = await connection.get('/secretsmanager/get?secretId=s', headers, 1000)
    expect(JSON.parse(later.body).SecretString).toBe('v')
    await connection.close()
    await connection.close()
  })

  it('times out on both clients with its own timer', async () => {
    const connection = createConnection(emu.port, 3, 1000)
    emu.inject({ delayMs: 300 })
    await expect(connection.get('/secretsmanager/get?secretId=s', headers, 50)).rejects.toMatchObject({
      code: REQUEST_TIMEOUT,
    })
    emu.clearFaults()
    await eventually(() => {
      void connection.get('/secretsmanager/get?secretId=s', headers, 1000).catch(() => undefined)
      return undiciConnects.length > 0
    })
    emu.inject({ delayMs: 300 })
    await expect(connection.get('/secretsmanager/get?secretId=s', headers, 50)).rejects.toMatchObject({
      code: REQUEST_TIMEOUT,
    })
    await connection.close()
  })

  it('passes a refused connection up as ECONNREFUSED', async () => {
    await emu.pause()
    const connection = createConnection(emu.port, 3, 1000)
    await expect(connection.get('/secretsmanager/get?secretId=s', headers, 1000)).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    })
    await connection.close()
  })
})
