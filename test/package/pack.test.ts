/**
 * The published artifact: `npm pack` -> install into a fresh project -> import both entry points
 * under ESM and CommonJS; publint and attw (types for every resolution mode, node10 included) find
 * nothing wrong; a strict consumer project type-checks its typed context with `skipLibCheck: false`
 * without installing `@types/aws-lambda` itself. Needs `npm run build` first (part of `npm test`).
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

/** Packs the package into a fresh temp project and installs it there beside `peers`. */
const packInto = async (prefix: string, peers: string[]): Promise<{ dir: string; tarball: string }> => {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: root })
  const tarball = join(dir, JSON.parse(stdout)[0].filename)
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true }))
  const flags = ['--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts']
  await run('npm', ['install', tarball, ...peers, ...flags], { cwd: dir })
  return { dir, tarball }
}

describe('package', () => {
  let dir: string
  let tarball: string

  beforeAll(async () => {
    if (!existsSync(join(root, 'dist/index.js')))
      throw new Error('dist/ is missing: run `npm run build` first')
    ;({ dir, tarball } = await packInto('mps-pack-', ['@middy/core@7', '@middy/util@7', '@types/node@24']))
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
    expect(JSON.parse(stdout).analysis.problems).toEqual([])
  }, 60_000)

  it('ships the license, the repository links and declarations that cite no missing file', async () => {
    const { readFile } = await import('node:fs/promises')
    const installed = join(dir, 'node_modules/middy-params-secrets')
    const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8'))
    expect(manifest).toMatchObject({
      license: 'MIT',
      repository: { url: expect.stringContaining('github.com/middy-params-secrets/middy-params-secrets') },
      homepage: expect.any(String),
      bugs: { url: expect.any(String) },
    })
    expect(await readFile(join(installed, 'LICENSE'), 'utf8')).toContain('middy-params-secrets contributors')
    for (const file of ['index.d.ts', 'testing.d.ts']) {
      // A bare file name in a shipped declaration is a dead link: cite docs by URL.
      const text = await readFile(join(installed, 'dist', file), 'utf8')
      expect(text.match(/(?<![/\w])[A-Z][A-Z-]+\.md\b/g) ?? []).toEqual([])
    }
  })

  it('type-checks a strict consumer with skipLibCheck false: context is typed, a typo fails', async () => {
    // The consumer installs only the package and its peers: @types/aws-lambda comes as a dependency.
    const code = `
      import middy from '@middy/core'
      import paramsSecrets, { secret } from 'middy-params-secrets'
      import { startAwsEmulator, startExtensionEmulator } from 'middy-params-secrets/testing'

      export const handler = middy()
        .use(paramsSecrets({ fetchData: { db: secret<{ user: string }>('prod/db') }, setToContext: true }))
        .handler(async (_event: unknown, context) => {
          // @ts-expect-error a typo in the secret's shape must not compile
          context.db.usr
          // @ts-expect-error nor one in the Lambda context
          context.functionNam
          return context.db.user.length + context.getRemainingTimeInMillis()
        })

      export async function emulators(): Promise<string> {
        await using extension = await startExtensionEmulator({ token: 't', evictOnWrite: true })
        await using aws = await startAwsEmulator({ store: extension.store })
        extension.assertNoPendingFaults()
        return extension.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT + aws.env.AWS_ENDPOINT_URL_SSM
      }`
    const compilerOptions = {
      strict: true,
      skipLibCheck: false,
      target: 'es2023',
      module: 'nodenext',
      moduleResolution: 'nodenext',
      noEmit: true,
      types: ['node'],
    }
    // .mts: an ESM module, as middy 7 (ESM only) needs.
    await writeFile(join(dir, 'typed.mts'), code)
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['typed.mts'] }))
    expect(existsSync(join(dir, 'node_modules/@types/aws-lambda'))).toBe(true)
    const tsc = join(root, 'node_modules/typescript/bin/tsc')
    const result = await run(node, [tsc, '-p', 'tsconfig.json'], { cwd: dir }).catch((error) => error)
    // @middy/core 7's own declarations import its optional peer @aws/durable-execution-sdk-js:
    // middy's error, not ours, and the only one allowed.
    const errors = `${result.stdout}${result.stderr ?? ''}`
      .split('\n')
      .filter((line) => line && !/^node_modules\/@middy\/core\/.*'@aws\/durable-execution-sdk-js'/.test(line))
    expect(errors).toEqual([])
  }, 60_000)
})

/**
 * The peers' majors 6 and 7: the packed package, installed beside each, resolves values through
 * the emulator from CommonJS and from ESM, and the consumer's own `clearCache` reaches it.
 */
describe.each(['6', '7'])('package with @middy/core and @middy/util %s', (major) => {
  let dir: string

  beforeAll(async () => {
    ;({ dir } = await packInto(`mps-middy${major}-`, [`@middy/core@${major}`, `@middy/util@${major}`]))
  }, 180_000)

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  const invocation = (load: string) => `
    ${load}
    const emu = await startExtensionEmulator({ token: 't', secrets: { db: '{"user":"app"}' } })
    const mw = paramsSecrets({ extension: { port: emu.port, token: 't' }, fetchData: { db: 'db' }, setToContext: true, cacheKey: 'pack' })
    const handler = middy(async (_event, context) => context.db.user).use(mw)
    const context = () => ({ getRemainingTimeInMillis: () => 3000 })
    const seen = [await handler({}, context()), await handler({}, context())]
    clearCache(['pack'])
    seen.push(await handler({}, context()))
    const requests = emu.requests.length
    await mw.close()
    await emu.close()
    console.log(JSON.stringify({ seen, requests }))`

  it('works from ESM', async () => {
    const load = `
      import middy from '@middy/core'
      import { clearCache } from '@middy/util'
      import paramsSecrets from 'middy-params-secrets'
      import { startExtensionEmulator } from 'middy-params-secrets/testing'`
    await writeFile(join(dir, 'invoke.mjs'), invocation(load))
    const { stdout } = await run(node, ['invoke.mjs'], { cwd: dir })
    expect(JSON.parse(stdout)).toEqual({ seen: ['app', 'app', 'app'], requests: 2 })
  })

  it('works from CommonJS', async () => {
    // middy is ESM (7 only exports `import`): a CommonJS handler imports it; this package it requires.
    const load = `
      const { default: paramsSecrets } = require('middy-params-secrets')
      const { startExtensionEmulator } = require('middy-params-secrets/testing')
      const { default: middy } = await import('@middy/core')
      const { clearCache } = await import('@middy/util')`
    await writeFile(join(dir, 'invoke.cjs'), `(async () => {${invocation(load)}})()`)
    const { stdout } = await run(node, ['invoke.cjs'], { cwd: dir })
    expect(JSON.parse(stdout)).toEqual({ seen: ['app', 'app', 'app'], requests: 2 })
  })
})
