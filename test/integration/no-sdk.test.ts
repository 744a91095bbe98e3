/**
 * The extension path never loads the AWS SDK: in a fresh Node.js process whose resolver refuses
 * every `@aws-sdk/*` package (as if the optional peers were not installed), the whole middleware
 * resolves values through the emulator with transport 'auto'.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../..', import.meta.url))

const trap = `
import { registerHooks } from 'node:module'
globalThis.sdkResolutions = []
registerHooks({
  resolve(specifier, context, next) {
    if (specifier.startsWith('@aws-sdk/')) {
      globalThis.sdkResolutions.push(specifier)
      throw Object.assign(new Error('Cannot find package ' + specifier), { code: 'ERR_MODULE_NOT_FOUND' })
    }
    return next(specifier, context)
  },
})`

const script = `
const { default: middy } = await import('@middy/core')
const { default: paramsSecrets, parameter } = await import('./src/index.ts')
const { startExtensionEmulator } = await import('./src/testing/index.ts')
const emu = await startExtensionEmulator({ token: 't', secrets: { db: '{"u":"app"}' }, parameters: { '/p': 'v' } })
const mw = paramsSecrets({ extension: { port: emu.port, token: 't' }, fetchData: { db: 'db', p: parameter('/p') }, setToContext: true })
const handler = middy(async (_e, c) => [c.db.u, c.p]).use(mw)
const seen = await handler({}, { getRemainingTimeInMillis: () => 3000 })
await mw.close()
await emu.close()
console.log(JSON.stringify({ seen, sdk: globalThis.sdkResolutions }))`

describe('extension path without the SDK', () => {
  it('resolves values and never resolves an @aws-sdk package', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', `data:text/javascript,${encodeURIComponent(trap)}`, '--input-type=module', '-e', script],
      { cwd: root },
    )
    expect(JSON.parse(stdout)).toEqual({ seen: ['app', 'v'], sdk: [] })
  })
})
