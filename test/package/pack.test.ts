/**
 * The published artifact: `npm pack` -> install into a fresh project -> import both entry points
 * under ESM and CommonJS; publint and attw (types for every resolution mode) find nothing wrong.
 * Needs `npm run build` first (part of `npm test`).
 */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
const root = process.cwd()
const node = process.execPath

describe('package', () => {
  let dir: string
  let tarball: string

  beforeAll(async () => {
    if (!existsSync(join(root, 'dist/index.js')))
      throw new Error('dist/ is missing: run `npm run build` first')
    dir = await mkdtemp(join(tmpdir(), 'mps-pack-'))
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: root })
    tarball = join(dir, JSON.parse(stdout)[0].filename)
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true }))
    await run(
      'npm',
      [
        'install',
        tarball,
        '@middy/core@7',
        '@middy/util@7',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
      ],
      { cwd: dir },
    )
  }, 180_000)

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('imports both entry points under ESM', async () => {
    const script = `
      import paramsSecrets, { secret, secretsManagerParam, parameter, ParamsSecretsError } from 'middy-params-secrets'
      import { startExtensionEmulator } from 'middy-params-secrets/testing'
      const ok = [typeof paramsSecrets, typeof secret, typeof secretsManagerParam, typeof parameter, typeof ParamsSecretsError, typeof startExtensionEmulator]
      console.log(JSON.stringify(ok))`
    await writeFile(join(dir, 'esm.mjs'), script)
    const { stdout } = await run(node, ['esm.mjs'], { cwd: dir })
    expect(JSON.parse(stdout)).toEqual(Array(6).fill('function'))
  })

  it('requires both entry points under CommonJS, and errors are instanceof across builds', async () => {
    const script = `
      const cjs = require('middy-params-secrets')
      const { startExtensionEmulator } = require('middy-params-secrets/testing')
      import('middy-params-secrets').then((esm) => {
        const e = new esm.ParamsSecretsError('m', { code: 'Timeout', source: 'extension' })
        console.log(JSON.stringify([typeof cjs.default, typeof cjs.secret, typeof cjs.parameter, typeof startExtensionEmulator, e instanceof cjs.ParamsSecretsError]))
      })`
    await writeFile(join(dir, 'cjs.cjs'), script)
    const { stdout } = await run(node, ['cjs.cjs'], { cwd: dir })
    expect(JSON.parse(stdout)).toEqual(['function', 'function', 'function', 'function', true])
  })

  it('passes publint and attw', async () => {
    await run(node, [join(root, 'node_modules/publint/src/cli.js'), '--strict'], { cwd: root })
    const { stdout } = await run(
      node,
      [join(root, 'node_modules/@arethetypeswrong/cli/dist/index.js'), tarball, '--format', 'json'],
      {
        cwd: root,
        maxBuffer: 64 * 1024 * 1024,
      },
    ).catch((error) => error)
    const problems = JSON.parse(stdout).analysis.problems.filter(
      (p: { resolutionKind?: string }) => p.resolutionKind !== 'node10',
    )
    expect(problems).toEqual([])
  }, 60_000)
})
