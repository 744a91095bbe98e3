/**
 * The shell blocks of the documentation: only commands these tests know how to check; npm scripts
 * that exist; the install line; the emulator's command line with the README's store file and the
 * variables the handler's shell exports; the esbuild line; a layer ARN aws-cdk-lib knows.
 * Needs `npm run build` first.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { RegionInfo } from 'aws-cdk-lib/region-info'
import { startExtensionEmulator } from '../../src/testing/index.ts'
import { commandLines, shellWords } from './commands.ts'
import { allBlocks, type CodeBlock, root, where } from './markdown.ts'
import { requireBuild } from './typescript.ts'

const run = promisify(execFile)
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const byLang = (lang: string) => allBlocks().filter((b) => b.lang === lang)

/** The JSON block that is a store file for the emulator's command line. */
const storeBlock = (): CodeBlock => {
  const found = byLang('json').filter(
    (b) => 'secrets' in JSON.parse(b.code) || 'parameters' in JSON.parse(b.code),
  )
  expect(found).toHaveLength(1)
  return found[0]!
}

describe('shell blocks of the documentation', () => {
  const lines = () => byLang('sh').flatMap((block) => commandLines(block).map((line) => ({ block, line })))

  it('use only commands this suite knows how to check', () => {
    const known =
      /^(npm (ci|test|run \S+|i .+)|npx (params-secrets-emulator|esbuild) .+|export [A-Z_]+=\S+|aws lambda get-layer-version-by-arn .+|node invoke\.ts|node --test|NODE_OPTIONS=--experimental-vm-modules npx jest)$/
    for (const { block, line } of lines())
      expect([where(block), line, known.test(line)]).toEqual([where(block), line, true])
    // the two commands a fresh clone needs, in the README itself
    const readmeLines = lines()
      .filter((l) => l.block.file === 'README.md')
      .map((l) => l.line)
    expect(readmeLines).toEqual(expect.arrayContaining(['npm ci', 'npm test']))
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain('`npm run example`')
  })

  it("list in CONTRIBUTING.md's table exactly the npm scripts package.json has (but the parts of npm test)", () => {
    const contributing = readFileSync(join(root, 'CONTRIBUTING.md'), 'utf8')
    const listed = [...contributing.matchAll(/^\| `npm run (\S+)`/gm)].map((m) => m[1]!)
    expect(listed.sort()).toEqual(
      Object.keys(packageJson.scripts)
        .filter((s) => !['test', 'format'].includes(s))
        .sort(),
    )
  })

  it('run npm scripts that exist', () => {
    for (const { line } of lines()) {
      const script = /^npm run (\S+)/.exec(line)?.[1]
      if (script) expect([script, script in packageJson.scripts]).toEqual([script, true])
    }
  })

  it("install the jest example's tools, each one the repository has (the package test links them)", () => {
    const dev = lines().filter(({ line }) => line.startsWith('npm i -D '))
    expect(dev.map((d) => d.block.file)).toEqual(['README.md'])
    for (const name of shellWords(dev[0]!.line).slice(3))
      expect([
        name,
        name in packageJson.devDependencies || existsSync(join(root, 'node_modules', name)),
      ]).toEqual([name, true])
  })

  it('install this package with its required peers', () => {
    const install = lines().filter(({ line }) => line.startsWith('npm i ') && !line.startsWith('npm i -D '))
    expect(install).toHaveLength(1)
    const names = shellWords(install[0]!.line).slice(2)
    const optional = packageJson.peerDependenciesMeta ?? {}
    const required = Object.keys(packageJson.peerDependencies).filter((n) => !optional[n]?.optional)
    expect(names.sort()).toEqual([packageJson.name, ...required].sort())
  })

  it('start the emulator command line with the README store file, and export what it serves on', async () => {
    requireBuild()
    const cli = lines().find(({ line }) => line.startsWith('npx params-secrets-emulator '))!.line
    expect(packageJson.bin['params-secrets-emulator']).toBe('./dist/emulator-cli.js')
    const args = shellWords(cli).slice(2)
    const flag = (name: string) => args[args.indexOf(name) + 1]
    // the exports tell the handler's shell the same port and token
    const exports = Object.fromEntries(
      lines()
        .filter(({ line }) => line.startsWith('export '))
        .map(({ line }) => line.slice('export '.length).split('=')),
    )
    expect(exports).toEqual({
      AWS_SESSION_TOKEN: flag('--token'),
      PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: flag('--port'),
    })

    const dir = await mkdtemp(join(tmpdir(), 'mps-cli-'))
    let child: ChildProcess | undefined
    try {
      await writeFile(join(dir, flag('--file')!), storeBlock().code)
      const argv = args.map((a, i) => (args[i - 1] === '--port' ? '0' : a)) // any free port here
      child = spawn(process.execPath, [join(root, packageJson.bin['params-secrets-emulator']), ...argv], {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let out = ''
      const exited = new Promise<number | null>((resolve) => child!.on('exit', resolve))
      // Wait for what is asserted: the listening line (or the exit that says it never came).
      const listening = /listening on http:\/\/127\.0\.0\.1:\d+ \(layer\)/
      await new Promise<void>((resolve) => {
        const take = (chunk: Buffer) => {
          out += chunk
          if (listening.test(out)) resolve()
        }
        child!.stdout!.on('data', take)
        child!.stderr!.on('data', take)
        void exited.then(() => resolve())
      })
      expect(out).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+ \(layer\)/)
      const port = Number(/127\.0\.0\.1:(\d+)/.exec(out)![1])
      const answer = await fetch(`http://127.0.0.1:${port}/secretsmanager/get?secretId=prod%2Fdb`, {
        headers: { 'X-Aws-Parameters-Secrets-Token': flag('--token')! },
      })
      expect(answer.status).toBe(200)
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
      expect(out).toContain('stopped')
    } finally {
      if (child && child.exitCode === null) child.kill('SIGKILL')
      await rm(dir, { recursive: true, force: true })
    }
  }, 30_000)

  it('bundle a handler with the esbuild line into an ESM file that runs against the emulator', async () => {
    requireBuild()
    const line = lines().find(({ line }) => line.startsWith('npx esbuild '))!.line
    const dir = await mkdtemp(join(tmpdir(), 'mps-esbuild-'))
    const outfile = join(dir, 'handler.mjs')
    try {
      const args = shellWords(line)
        .slice(2)
        .map((a) =>
          a === 'handler.ts'
            ? join(root, 'examples/testing/handler.ts')
            : a.startsWith('--outfile=')
              ? `--outfile=${outfile}`
              : a,
        )
      await run(join(root, 'node_modules/.bin/esbuild'), args, { cwd: root })
      const emulator = await startExtensionEmulator({
        token: 'bundle-token',
        secrets: { 'prod/db': '{"username":"bundled","password":"pw"}' },
        parameters: { '/prod/app/flags': '{"beta":true}' },
      })
      try {
        const script = [
          `const app = await import(${JSON.stringify(pathToFileURL(outfile).href)})`,
          'const result = await app.handler({ name: "bundle" }, { getRemainingTimeInMillis: () => 3000 })',
          'await app.secrets.close()',
          'console.log(JSON.stringify(result))',
        ].join('\n')
        const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
          cwd: dir,
          timeout: 15_000,
          env: {
            ...process.env,
            AWS_SESSION_TOKEN: emulator.token,
            PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(emulator.port),
          },
        })
        expect(JSON.parse(stdout)).toEqual({ greeting: 'Welcome to the beta, bundle', dbUser: 'bundled' })
      } finally {
        await emulator.close()
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }, 60_000)

  it('check a layer ARN that aws-cdk-lib knows for its region and architecture', () => {
    const line = lines().find(({ line }) => line.startsWith('aws lambda get-layer-version-by-arn '))!.line
    const arn = shellWords(line)[shellWords(line).indexOf('--arn') + 1]!
    const [, region, layer] = /^arn:aws:lambda:([a-z0-9-]+):\d{12}:layer:([A-Za-z0-9-]+):\d+$/.exec(arn)!
    const arch = layer!.endsWith('-Arm64') ? 'arm64' : 'x86_64'
    expect(arn).toBe(RegionInfo.get(region!).paramsAndSecretsLambdaLayerArn('1.0.103', arch))
  })
})
