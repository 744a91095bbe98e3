import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { describe, expect, it } from '@jest/globals'
import { createEmitter, RESOLUTION_CHANNEL } from '../../src/events.ts'
import { keyDef } from '../helpers/scripted.ts'

describe('events: diagnostics_channel', () => {
  it('publishes each resolution on the package channel, metadata only, with or without onEvent', () => {
    const published: unknown[] = []
    const listener = (message: unknown) => published.push(message)
    subscribe(RESOLUTION_CHANNEL, listener)
    try {
      const seen: unknown[] = []
      const withListener = createEmitter((e) => seen.push(e))
      const without = createEmitter(undefined)
      expect(without.observed()).toBe(true)
      withListener.emit(keyDef({ key: 'db' }), 'extension', { durationMs: 1, attempts: 1 })
      without.emit(keyDef({ key: 'db' }), 'cache', { durationMs: 0, attempts: 0 })
      expect(published).toEqual([
        { key: 'db', kind: 'secret', id: 'k', source: 'extension', durationMs: 1, attempts: 1 },
        { key: 'db', kind: 'secret', id: 'k', source: 'cache', durationMs: 0, attempts: 0 },
      ])
      expect(seen).toEqual([published[0]])
    } finally {
      unsubscribe(RESOLUTION_CHANNEL, listener)
    }
    expect(createEmitter(undefined).observed()).toBe(false)
  })

  it('contains a listener that throws or rejects', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      const throwing = createEmitter(() => {
        throw new Error('observer bug')
      })
      const rejecting = createEmitter(async () => {
        throw new Error('async observer bug')
      })
      expect(() => throwing.emit(keyDef(), 'cache', { durationMs: 0, attempts: 0 })).not.toThrow()
      rejecting.emit(keyDef(), 'cache', { durationMs: 0, attempts: 0 })
      await new Promise((resolve) => setImmediate(resolve))
      await new Promise((resolve) => setImmediate(resolve))
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })
})
