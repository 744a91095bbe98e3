/**
 * A binary secret is the same bytes on every path: GetSecretValue and the Parameter Store
 * reference `/aws/reference/secretsmanager/...`, through the layer and through the SDK; the
 * layer's answer is checked against the capture of the real layer.
 */
import { readFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { decodeBody } from '../../src/transport/extension-body.ts'
import { startWorld, type World } from '../helpers/world.ts'
import { parameterDef } from '../sdk/defs.ts'

const BYTES = Buffer.from([0, 1, 2, 200, 255, 127, 128])

describe('binary secrets on every path', () => {
  let world: World
  beforeEach(async () => {
    world = await startWorld({ secrets: { bin: BYTES } })
  })
  afterEach(async () => {
    await world.close()
  })

  const fetchData = {
    direct: 'bin',
    reference: { parameter: '/aws/reference/secretsmanager/bin' },
  }

  it.each(['extension', 'sdk'] as const)(
    'gives the same bytes by id and by reference (%s)',
    async (transport) => {
      const { invoke } = world.middleware({ transport, fetchData, setToContext: true, disablePrefetch: true })
      const context = await invoke()
      expect(Buffer.compare(Buffer.from(context.direct), BYTES)).toBe(0)
      expect(Buffer.compare(Buffer.from(context.reference), BYTES)).toBe(0)
      if (transport === 'sdk') expect(world.emu.requests).toHaveLength(0)
      else expect(world.emu.requests).toHaveLength(2)
    },
  )

  it("decodes the real layer's captured answer of a binary reference", () => {
    const captures = JSON.parse(
      readFileSync(new URL('../emulator/fixtures/layer-captures-2022.json', import.meta.url), 'utf8'),
    ) as Record<string, { response?: unknown; value?: { data: number[] } }>
    const [path, capture] = Object.entries(captures).find(
      ([path, c]) => path.includes('dummy-binary-secret') && path.includes('reference') && c.response,
    )!
    const def = parameterDef('/aws/reference/secretsmanager/dummy-binary-secret')
    const decoded = decodeBody(def, JSON.stringify(capture.response))
    expect([path, Buffer.from(decoded.binary!).equals(Buffer.from(capture.value!.data))]).toEqual([
      path,
      true,
    ])
  })
})
