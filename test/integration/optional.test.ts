/**
 * `optional: true`: a key that cannot be resolved is `undefined` for that invocation (its event
 * carries the error code), the others are served, and it is tried again at the next invocation;
 * on both transports.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { secret } from '../../src/index.ts'
import { startWorld, type World } from '../helpers/world.ts'

describe.each(['extension', 'sdk'] as const)('optional keys (%s)', (transport) => {
  let world: World
  beforeEach(async () => {
    world = await startWorld({ secrets: { db: 'pw', flags: '{"beta":true}' } })
  })
  afterEach(async () => {
    await world.close()
  })

  const deny = (id: string) => (transport === 'sdk' ? world.aws.deny(id) : world.emu.denyAccess('secret', id))

  it('goes on with undefined for a failing optional key, and tries it again next time', async () => {
    deny('flags')
    const { invoke, events } = world.middleware({
      transport,
      disablePrefetch: true,
      setToContext: true,
      fetchData: { db: 'db', flags: secret('flags', { optional: true }) },
    })
    const context = await invoke()
    expect([context.db, context.flags]).toEqual(['pw', undefined])
    expect(Object.hasOwn(context, 'flags')).toBe(true)
    expect(events.find((e) => e.key === 'flags' && e.errorCode !== undefined)).toBeDefined()
    if (transport === 'sdk') world.aws.allow('flags')
    else world.emu.allowAccess('secret', 'flags')
    expect((await invoke()).flags).toEqual({ beta: true })
  })

  it('still fails the invocation for a key that is not optional', async () => {
    deny('db')
    const { invoke } = world.middleware({
      transport,
      disablePrefetch: true,
      fetchData: { db: 'db', flags: secret('flags', { optional: true }) },
    })
    await expect(invoke()).rejects.toMatchObject({ key: 'db' })
  })
})
