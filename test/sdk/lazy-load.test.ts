/**
 * In a plain Node.js process whose resolver refuses `@aws-sdk/*`, as if the optional peers were
 * not installed: loading the transport must not touch them, and the first fetch names the package.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const transportUrl = new URL('../../src/transport/sdk.ts', import.meta.url).href

const trap = `
import { registerHooks } from 'node:module'
globalThis.sdkResolutions = []
registerHooks({
  resolve(specifier, context, next) {
    if (!specifier.startsWith('@aws-sdk/')) return next(specifier, context)
    globalThis.sdkResolutions.push(specifier)
    throw Object.assign(new Error("Cannot find package '" + specifier + "'"), { code: 'ERR_MODULE_NOT_FOUND' })
  },
})`

const script = `
const { createSdkTransport } = await import(${JSON.stringify(transportUrl)})
const transport = createSdkTransport({})
const loadedAtStart = [...globalThis.sdkResolutions]
const def = (kind, id) => ({ key: 'k-' + kind, kind, id, withDecryption: true })
const errors = await Promise.all([def('secret', 's'), def('parameter', '/p')].map((d) =>
  transport.fetch(d, { force: false }).catch((e) => ({ code: e.code, key: e.key, message: e.message }))))
console.log(JSON.stringify({ loadedAtStart, errors }))`

describe('sdk transport: lazy loading', () => {
  it('loads no SDK package at module load, and raises SdkMissing when one is absent', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', `data:text/javascript,${encodeURIComponent(trap)}`, '--input-type=module', '-e', script],
      { cwd: fileURLToPath(new URL('../..', import.meta.url)) },
    )
    const { loadedAtStart, errors } = JSON.parse(stdout)
    expect(loadedAtStart).toEqual([])
    expect(errors).toEqual([
      expect.objectContaining({ code: 'SdkMissing', key: 'k-secret' }),
      expect.objectContaining({ code: 'SdkMissing', key: 'k-parameter' }),
    ])
    expect(errors[0].message).toContain('npm install @aws-sdk/client-secrets-manager')
    expect(errors[1].message).toContain('npm install @aws-sdk/client-ssm')
  })
})
