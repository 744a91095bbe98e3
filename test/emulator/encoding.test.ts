/**
 * Hard names round-trip when the client encodes them with encodeURIComponent, on both profiles,
 * through global fetch (the client the middleware's users have).
 */
import type { ExtensionEmulator } from '../../src/testing/index.ts'
import { closeEmulatorsAfterEach, start, TOKEN, TOKEN_HEADER } from './helpers.ts'

closeEmulatorsAfterEach()

const HARD_NAMES = [
  'with space',
  'plus+sign',
  'amp&ersand',
  'hash#tag',
  'per%cent',
  '%2F-looks-encoded',
  'ünïcødé-名前-🔑',
  'path/with/slashes',
  'colon:separated:name',
  'equals=sign?and&more',
  'quote"and\'apostrophe',
]

async function fetchJson(emulator: ExtensionEmulator, path: string) {
  const res = await fetch(`${emulator.url}${path}`, { headers: { [TOKEN_HEADER]: TOKEN } })
  const text = await res.text()
  if (res.status !== 200) throw new Error(`${res.status} ${text}`)
  return JSON.parse(text)
}

const secretQuery = (id: string) => `/secretsmanager/get?secretId=${encodeURIComponent(id)}`

describe('encoding', () => {
  it.each(['layer', 'agent'] as const)(
    'round-trips hard secret names and their ARNs on the %s',
    async (profile) => {
      const secrets = Object.fromEntries(HARD_NAMES.map((name) => [name, `value of ${name}`]))
      const emulator = await start({ profile, secrets })
      for (const name of HARD_NAMES) {
        const byName = await fetchJson(emulator, secretQuery(name))
        expect(byName).toMatchObject({ Name: name, SecretString: `value of ${name}` })
        const byArn = await fetchJson(emulator, secretQuery(byName.ARN))
        expect(byArn).toMatchObject({ Name: name, ARN: byName.ARN, SecretString: `value of ${name}` })
      }
      expect(emulator.requests.map((entry) => entry.id)).toContain('plus+sign')
    },
  )

  it('round-trips hard parameter names and hard labels on the layer', async () => {
    const names = ['/app/with space', '/app/plus+sign', '/app/ümlaut', 'no-leading-slash', '/a&b#c%d']
    const parameters = Object.fromEntries(
      names.map((name) => [name, { value: `v:${name}`, labels: ['la bel+&'] }]),
    )
    const emulator = await start({ parameters })
    for (const name of names) {
      const query = `/systemsmanager/parameters/get?name=${encodeURIComponent(name)}`
      const body = await fetchJson(emulator, query)
      expect(body.Parameter).toMatchObject({ Name: name, Value: `v:${name}` })
      const byArn = await fetchJson(
        emulator,
        `/systemsmanager/parameters/get?name=${encodeURIComponent(body.Parameter.ARN)}`,
      )
      expect(byArn.Parameter.Value).toBe(`v:${name}`)
      const byLabel = await fetchJson(emulator, `${query}&label=${encodeURIComponent('la bel+&')}`)
      expect(byLabel.Parameter.Selector).toBe(':la bel+&')
    }
  })

  it('decodes + as a space, so an unencoded + does not round-trip (clients must encode)', async () => {
    const emulator = await start({ secrets: { 'a b': 'space', 'a+b': 'plus' } })
    expect((await fetchJson(emulator, '/secretsmanager/get?secretId=a+b')).SecretString).toBe('space')
    expect((await fetchJson(emulator, '/secretsmanager/get?secretId=a%2Bb')).SecretString).toBe('plus')
  })

  it('drops a pair with a broken % escape on the layer (Go) and keeps it literally on the agent (Rust)', async () => {
    const secrets = { '100%': 'literal' }
    const layer = await start({ secrets })
    const res = await fetch(`${layer.url}/secretsmanager/get?secretId=100%`, {
      headers: { [TOKEN_HEADER]: TOKEN },
    })
    expect(res.status).toBe(400)
    await res.text()
    const agent = await start({ profile: 'agent', secrets })
    expect((await fetchJson(agent, '/secretsmanager/get?secretId=100%')).SecretString).toBe('literal')
  })

  it('serves secrets by ARN only for the exact ARN with its suffix', async () => {
    const emulator = await start({ secrets: { s: 'v' } })
    const arn: string = (await fetchJson(emulator, secretQuery('s'))).ARN
    const res = await fetch(`${emulator.url}${secretQuery(arn.slice(0, -7))}`, {
      headers: { [TOKEN_HEADER]: TOKEN },
    })
    expect(res.status).toBe(400)
    await res.text()
  })
})
