/**
 * What the transport refuses before sending anything, and what it says when nothing listens.
 */
import { createServer } from 'node:net'
import { ParamsSecretsError } from '../../src/errors.ts'
import { createExtensionTransport } from '../../src/transport/extension.ts'
import { answerOk, PATHS, type Rig, secretDef, startRig } from './harness.ts'

const BAD_TOKENS: Array<[string, string]> = [
  ['CR LF (header injection)', 'Zq9sekrit\r\nX-Injected: 1'],
  ['a lone LF', 'Zq9sekrit\n'],
  ['NUL', 'Zq9sekrit\u0000'],
  ['another control character (ESC)', 'Zq9sekrit\u001b'],
  ['DEL', 'Zq9sekrit\u007f'],
  ['a tab', 'Zq9\tsekrit'],
  ['a character above U+00FF', 'Zq9sekrit\u20ac'],
  ['an emoji', 'Zq9sekrit\u{1f511}'],
]

describe.each(PATHS)('token refusals (%s)', (path) => {
  let rig: Rig
  let token = 'good-token'
  afterEach(() => rig.close())

  it.each(BAD_TOKENS)(
    'refuses a token with %s before sending: InvalidToken, never the token',
    async (_name, bad) => {
      rig = await startRig(path, answerOk, { token: () => token })
      token = bad
      const connectionsBefore = rig.server.connections
      try {
        const error = await rig.failure()
        expect(error).toBeInstanceOf(ParamsSecretsError)
        expect(error).toMatchObject({ code: 'InvalidToken', source: 'extension', key: 's', attempts: 0 })
        expect(error.message).toMatch(/extension\.token/)
        expect(error.message).toMatch(/AWS_SESSION_TOKEN/)
        expect(error.message).not.toContain(bad)
        expect(error.message).not.toContain('Zq9')
        expect(JSON.stringify(error)).not.toContain('Zq9')
        // nothing was sent, nor a connection opened for it
        expect(rig.requests()).toBe(0)
        expect(rig.server.connections).toBe(connectionsBefore)
      } finally {
        token = 'good-token'
      }
    },
  )

  it('sends a Latin-1 token as it is', async () => {
    rig = await startRig(path, answerOk, { token: () => 'Zq9\u00e9n' })
    await expect(rig.fetch()).resolves.toMatchObject({ text: 'v' })
    // one byte per character on the wire (the raw server reads Latin-1)
    expect(rig.server.requests.at(-1)?.headers['x-aws-parameters-secrets-token']).toBe('Zq9\u00e9n')
  })
})

describe('connection refused', () => {
  it('names the port and the fix', async () => {
    // a port that was just free: nothing listens there
    const probe = createServer().listen(0, '127.0.0.1')
    await new Promise((resolve) => probe.once('listening', resolve))
    const port = (probe.address() as { port: number }).port
    await new Promise((resolve) => probe.close(resolve))
    const transport = createExtensionTransport({
      port,
      token: () => 't',
      timeoutMs: 1000,
      refreshNow: false,
      connections: 3,
    })
    try {
      const error = await transport.fetch(secretDef(), { force: false }).catch((e: unknown) => e)
      expect(error).toMatchObject({
        code: 'ExtensionUnavailable',
        source: 'extension',
        key: 's',
        attempts: 1,
      })
      expect((error as Error).message).toContain(
        `nothing listens on 127.0.0.1:${port}: add the layer, start the emulator, or set transport: 'sdk'`,
      )
    } finally {
      await transport.close()
    }
  })
})
