/**
 * Option defaults: the token each server would take from its environment, TTLs, validation.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startExtensionEmulator } from '../../src/testing/index.ts'
import { resolveDefaultToken, resolveEmulatorOptions } from '../../src/testing/options.ts'

describe('options', () => {
  it('takes the layer token from AWS_SESSION_TOKEN only', () => {
    expect(resolveDefaultToken('layer', { AWS_SESSION_TOKEN: 's', AWS_TOKEN: 'a' })).toBe('s')
    expect(
      resolveDefaultToken('layer', { AWS_TOKEN: 'a', AWS_CONTAINER_AUTHORIZATION_TOKEN: 'c' }),
    ).toBeUndefined()
  })

  it('takes the agent token from the first set of its three variables, reading file:// values', () => {
    expect(resolveDefaultToken('agent', { AWS_TOKEN: '', AWS_SESSION_TOKEN: 's' })).toBe('s')
    const dir = mkdtempSync(join(tmpdir(), 'emulator-token-'))
    writeFileSync(join(dir, 'token'), '  from-file\n')
    expect(resolveDefaultToken('agent', { AWS_TOKEN: `file://${join(dir, 'token')}` })).toBe('from-file')
  })

  it.each(['layer', 'agent'] as const)(
    'fails to start with a clear Error when no token is configured (%s)',
    async (profile) => {
      const env = profile === 'layer' ? { AWS_TOKEN: 'not-for-the-layer' } : {}
      await expect(startExtensionEmulator({ profile, env })).rejects.toThrow(/no token configured/)
      expect(() => resolveEmulatorOptions({ profile, env, token: '' })).toThrow(/no token configured/)
    },
  )

  it('reads process.env when no env is given', () => {
    const saved = process.env.AWS_SESSION_TOKEN
    process.env.AWS_SESSION_TOKEN = 'from-process-env'
    try {
      expect(resolveEmulatorOptions({}).token).toBe('from-process-env')
    } finally {
      if (saved === undefined) delete process.env.AWS_SESSION_TOKEN
      else process.env.AWS_SESSION_TOKEN = saved
    }
  })

  it('defaults TTLs to 300 s, ignores a malformed variable, and clamps per profile', () => {
    const base = { token: 't' }
    expect(resolveEmulatorOptions({ ...base, env: {} }).ttlMs).toEqual({
      secrets: 300_000,
      parameters: 300_000,
    })
    expect(resolveEmulatorOptions({ ...base, env: { SECRETS_MANAGER_TTL: 'soon' } }).ttlMs.secrets).toBe(
      300_000,
    )
    expect(resolveEmulatorOptions({ ...base, env: { SSM_PARAMETER_STORE_TTL: '0' } }).ttlMs.parameters).toBe(
      0,
    )
    const agent = resolveEmulatorOptions({
      ...base,
      profile: 'agent',
      ttlSeconds: { secrets: 5000 },
      env: {},
    })
    expect(agent.ttlMs.secrets).toBe(3_600_000)
  })

  it.each([
    [{ port: -1 }, /port/],
    [{ port: 1.5 }, /port/],
    [{ maxConnections: 0 }, /maxConnections/],
    [{ ttlSeconds: { secrets: -1 } }, /ttlSeconds/],
    [{ profile: 'lambda' as 'layer' }, /profile/],
  ])('rejects %j', (options, message) => {
    expect(() => resolveEmulatorOptions({ token: 't', env: {}, ...options })).toThrow(message)
  })
})
