/**
 * The README followed literally, in a scratch consumer project: the packed tarball beside
 * `@middy/core` 7, the Quick start handler, its jest test (with the printed jest config and
 * command), its node:test test (Node.js 24 and 22, nothing configured), the local run (the
 * emulator's command line, then `node invoke.ts`), and the CommonJS variant, each file exactly as
 * printed; all of it type-checks under TypeScript `strict` with `skipLibCheck: false`. The jest
 * tools the README installs are linked from this repository's node_modules (no download).
 * Needs `npm run build` first (part of `npm test`).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { commandLines, shellWords } from '../docs/commands.ts'
import { allBlocks, type CodeBlock } from '../docs/markdown.ts'
import { projectFiles } from '../docs/project.ts'
import { packInto } from './pack.ts'

const run = promisify(execFile)
const root = process.cwd()
const readme = readFileSync(join(root, 'README.md'), 'utf8')
const blocks = allBlocks().filter((b) => b.file === 'README.md')
const shell = blocks.filter((b) => b.lang === 'sh').flatMap(commandLines)
const printed = /It prints `([^`]+)`/.exec(readme)![1]!
const expected = new Function(`return (${printed})`)()
const store = blocks.find((b) => b.lang === 'json' && b.code.includes('"secrets"'))!.code
/** variant -> the directory of the scratch project its files are written to */
const dirs = { '': 'app', jest: 'with-jest', 'node:test': 'with-node-test' } as const

const ok = <T extends object>(promise: Promise<T>) =>
  promise.catch((error: { stdout?: string; stderr?: string; message: string }) => ({
    stdout: error.stdout ?? '',
    failed: `${error.stdout ?? ''}${error.stderr || error.message}`,
  }))

describe("the README's project, in a scratch consumer of the tarball", () => {
  let dir: string

  beforeAll(async () => {
    if (!existsSync(join(root, 'dist/index.js')))
      throw new Error('dist/ is missing: run `npm run build` first')
    ;({ dir } = await packInto('mps-consumer-', ['@middy/core@7', '@middy/util@7', '@types/node@24'], {
      type: 'module',
    }))
    // The jest tools of the README's `npm i -D` line, linked from this repository as npm would install them.
    const tools = shellWords(shell.find((l) => l.startsWith('npm i -D '))!).slice(3)
    for (const name of tools) {
      await mkdir(dirname(join(dir, 'node_modules', name)), { recursive: true })
      await symlink(join(root, 'node_modules', name), join(dir, 'node_modules', name), 'dir')
    }
    await mkdir(join(dir, 'node_modules/.bin'), { recursive: true })
    await symlink('../jest/bin/jest.js', join(dir, 'node_modules/.bin/jest'))
    for (const [variant, sub] of Object.entries(dirs)) {
      await mkdir(join(dir, sub))
      const files: Record<string, CodeBlock> = projectFiles(blocks, variant)
      for (const [name, block] of Object.entries(files)) await writeFile(join(dir, sub, name), block.code)
    }
    await writeFile(join(dir, dirs[''], 'store.json'), store)
  }, 180_000)

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('type-checks under strict with skipLibCheck false', async () => {
    const compilerOptions = {
      strict: true,
      skipLibCheck: false,
      target: 'es2023',
      module: 'nodenext',
      moduleResolution: 'nodenext',
      allowImportingTsExtensions: true, // as the README says, for the tests' `.ts` imports
      noEmit: true,
      types: ['node'],
    }
    await writeFile(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions, include: Object.values(dirs) }),
    )
    const tsc = join(root, 'node_modules/typescript/bin/tsc')
    const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: dir }).catch((e) => e)
    // @middy/core 7's own declarations import its optional peer @aws/durable-execution-sdk-js.
    const errors = `${result.stdout}${result.stderr ?? ''}`
      .split('\n')
      .filter((line) => line && !/^node_modules\/@middy\/core\/.*'@aws\/durable-execution-sdk-js'/.test(line))
    expect(errors).toEqual([])
  }, 120_000)

  it('passes the jest test with the printed config and command', async () => {
    const line = shell.find((l) => l.endsWith('npx jest'))!
    const [assignment, ...command] = shellWords(line)
    const [name, value] = assignment!.split('=') as [string, string]
    const result = await ok(
      run(command[0]!, command.slice(1), {
        cwd: join(dir, dirs.jest),
        env: { ...process.env, [name]: value },
        timeout: 60_000,
      }),
    )
    expect(result).not.toHaveProperty('failed')
  }, 90_000)

  it.each([
    ['24', process.execPath],
    ['22', join(root, 'node_modules/node22/bin/node')],
  ])(
    'passes the node:test test on Node.js %s with nothing configured',
    async (_major, node) => {
      const [, ...args] = shellWords(shell.find((l) => l.startsWith('node --test'))!)
      const result = await ok(run(node, args, { cwd: join(dir, dirs['node:test']), timeout: 60_000 }))
      expect(result).not.toHaveProperty('failed')
      expect(result.stdout).toMatch(/pass 1/)
    },
    90_000,
  )

  it('runs locally: the emulator command line, the exports, then `node invoke.ts` prints what the README says', async () => {
    const cli = shellWords(shell.find((l) => l.startsWith('npx params-secrets-emulator '))!).slice(1)
    const args = cli.slice(1).map((a, i, all) => (all[i - 1] === '--port' ? '0' : a)) // any free port here
    let child: ChildProcess | undefined
    try {
      // the bin `npx` would run, started directly so that the test stops that very process
      const bin = join(dir, 'node_modules/.bin', cli[0]!)
      child = spawn(bin, args, { cwd: join(dir, dirs['']), stdio: ['ignore', 'pipe', 'pipe'] })
      const port = await new Promise<string>((resolve, reject) => {
        let out = ''
        const seen = (chunk: Buffer) => {
          out += chunk
          const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)
          if (match) resolve(match[1]!)
        }
        child!.stdout!.on('data', seen)
        child!.stderr!.on('data', seen)
        child!.on('exit', (code) => reject(new Error(`the emulator exited (${code}): ${out}`)))
      })
      const env = Object.fromEntries(
        shell
          .filter((l) => l.startsWith('export '))
          .map((l) => l.slice('export '.length).split('='))
          .map(([k, v]) => [k, k === 'PARAMETERS_SECRETS_EXTENSION_HTTP_PORT' ? port : v]),
      )
      const [, ...invoke] = shellWords(shell.find((l) => l.startsWith('node invoke'))!)
      const result = await ok(
        run(process.execPath, invoke, { cwd: join(dir, dirs['']), env: { ...process.env, ...env } }),
      )
      expect(result).not.toHaveProperty('failed')
      expect(result.stdout.trim()).toBe(printed)
    } finally {
      child?.kill('SIGTERM')
    }
  }, 60_000)

  it('runs the CommonJS handler, and requires the package as docs/commonjs.md says', async () => {
    const harness = `
      import { startExtensionEmulator } from 'middy-params-secrets/testing'
      // No \`await using\`: this runs on Node.js 22 too.
      const emulator = await startExtensionEmulator({ token: 't', ...${store.trim()} })
      Object.assign(process.env, emulator.env)
      const { handler } = (await import('./handler.cjs')).default
      console.log(JSON.stringify(await handler({}, { getRemainingTimeInMillis: () => 3000 })))
      await emulator.close()`
    await writeFile(join(dir, dirs[''], 'cjs-harness.mjs'), harness)
    const result = await ok(run(process.execPath, ['cjs-harness.mjs'], { cwd: join(dir, dirs['']) }))
    expect(result).not.toHaveProperty('failed')
    expect(JSON.parse(result.stdout)).toEqual(expected)
    for (const block of allBlocks().filter((b) => b.marker === 'run cjs')) {
      await writeFile(join(dir, dirs[''], 'block.cjs'), block.code)
      const ran = await ok(run(process.execPath, ['block.cjs'], { cwd: join(dir, dirs['']) }))
      expect([`${block.file}:${block.line}`, ran]).toEqual([
        `${block.file}:${block.line}`,
        expect.not.objectContaining({ failed: expect.anything() }),
      ])
    }
  }, 60_000)
})
