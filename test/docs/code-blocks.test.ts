/**
 * Every code block of README.md, CONTRIBUTING.md and docs/*.md is checked by what it is: TypeScript
 * is type-checked against the built package as a user's project would be, and run where marked
 * (`<!-- docs-test: run -->`, `run cjs` for CommonJS); the README's project files (`file NAME`,
 * `file NAME (VARIANT)`) are type-checked together and run together. Shell, JSON, text and diff
 * blocks have their own tests beside this one. Needs `npm run build` first (part of `npm test`).
 */
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { startExtensionEmulator } from '../../src/testing/index.ts'
import { allBlocks, type CodeBlock, root, where } from './markdown.ts'
import { projectFiles, variants } from './project.ts'
import { createProgram, diagnostics, requireBuild } from './typescript.ts'

const run = promisify(execFile)
const blocks = allBlocks()
const distUrl = (file: string) => pathToFileURL(join(root, 'dist', file)).href

/** A user's ESM code against dist/: the package's specifiers become file URLs. */
const toDist = (code: string) =>
  code
    .replaceAll("'middy-params-secrets/testing'", `'${distUrl('testing.js')}'`)
    .replaceAll("'middy-params-secrets/ssm'", `'${distUrl('ssm.js')}'`)
    .replaceAll("'middy-params-secrets'", `'${distUrl('index.js')}'`)

const toDistCjs = (code: string) =>
  code.replaceAll(
    "require('middy-params-secrets')",
    `require(${JSON.stringify(join(root, 'dist/index.cjs'))})`,
  )

/** A scratch directory that sees the repository's node_modules, as a project would. */
const scratch = async (files: Record<string, string>): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'mps-docs-'))
  await symlink(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir')
  await writeFile(join(dir, 'package.json'), JSON.stringify({ type: 'module' }))
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text)
  return dir
}

const runNode = (args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) =>
  run(process.execPath, args, { cwd, env, timeout: 20_000 }).catch(
    (error: { stdout?: string; stderr?: string; message: string }) => ({
      stdout: error.stdout ?? '',
      failed: `${error.stdout ?? ''}${error.stderr || error.message}`,
    }),
  )

describe('code blocks of the documentation', () => {
  it('are each of a kind the docs tests check, and every js block is run or a project file', () => {
    for (const block of blocks) {
      expect([where(block), ['ts', 'js', 'sh', 'json', 'text', 'diff'].includes(block.lang)]).toEqual([
        where(block),
        true,
      ])
      if (block.lang === 'js')
        expect([where(block), /^(run cjs|file \S+)/.test(block.marker ?? '')]).toEqual([where(block), true])
    }
    expect(blocks.filter((b) => b.lang === 'ts').length).toBeGreaterThanOrEqual(15)
  })

  it('type-check against the built package, as a user project would', () => {
    requireBuild()
    const virtual: Record<string, string> = {}
    const origin = new Map<string, CodeBlock>()
    for (const block of blocks.filter((b) => b.lang === 'ts' && !b.marker?.startsWith('file '))) {
      // Beside the testing example, so that its `import('./handler.js')` resolves as in a project.
      const name = `${block.file.replace(/[^\w]/g, '_')}_${block.line}`
      const file = join(root, 'examples/testing', `__${name}.ts`)
      virtual[file] = block.code
      origin.set(file, block)
      if (block.marker === 'also-with @middy/secrets-manager') {
        const swapped = join(root, 'examples/testing', `__${name}_middy.ts`)
        expect(block.code).toContain("from 'middy-params-secrets'")
        virtual[swapped] = block.code.replace("from 'middy-params-secrets'", "from '@middy/secrets-manager'")
        origin.set(swapped, block)
      }
    }
    // The README's project: each variant in a directory of its own, with the shared files.
    for (const variant of variants(blocks)) {
      for (const [name, block] of Object.entries(projectFiles(blocks, variant))) {
        if (!name.endsWith('.ts')) continue
        const file = join(root, 'examples', `__readme_${variant || 'base'}`.replace(/\W/g, '_'), name)
        virtual[file] = block.code
        origin.set(file, block)
      }
    }
    const problems = diagnostics(createProgram([], virtual), Object.keys(virtual)).map((d) => {
      const [file, line, ...rest] = d.split(':')
      const block = origin.get(file!)
      return block ? `${where(block, Number(line))}:${rest.join(':')}` : d
    })
    expect(problems).toEqual([])
  }, 180_000)

  describe.each(blocks.filter((b) => b.marker === 'run').map((b) => [where(b), b] as const))(
    'TypeScript marked runnable: %s',
    (_where, block) => {
      it('runs, Node.js stripping the types', async () => {
        requireBuild()
        const dir = await scratch({ 'block.ts': toDist(block.code) })
        try {
          const result = await runNode(['block.ts'], dir)
          expect([where(block), result]).toEqual([
            where(block),
            expect.not.objectContaining({ failed: expect.anything() }),
          ])
        } finally {
          await rm(dir, { recursive: true, force: true })
        }
      }, 30_000)
    },
  )

  describe.each(blocks.filter((b) => b.marker === 'run cjs').map((b) => [where(b), b] as const))(
    'CommonJS marked runnable: %s',
    (_where, block) => {
      it('runs as a .cjs file', async () => {
        requireBuild()
        const dir = await scratch({ 'block.cjs': toDistCjs(block.code) })
        try {
          const result = await runNode(['block.cjs'], dir)
          expect([where(block), result]).toEqual([
            where(block),
            expect.not.objectContaining({ failed: expect.anything() }),
          ])
        } finally {
          await rm(dir, { recursive: true, force: true })
        }
      }, 30_000)
    },
  )
})

describe("the README's project, run together against dist/", () => {
  const base = projectFiles(blocks, '')
  const store = JSON.parse(
    blocks.find((b) => b.file === 'README.md' && b.lang === 'json' && b.code.includes('"secrets"'))!.code,
  )

  it('has the Quick start handler, its script, jest config, CommonJS variant, and two tests', () => {
    expect(Object.keys(base).sort()).toEqual(['handler.cjs', 'handler.ts', 'invoke.ts', 'jest.config.js'])
    expect(variants(blocks).sort()).toEqual(['', 'jest', 'node:test'])
    expect(Object.keys(projectFiles(blocks, 'jest')).sort()).toContain('handler.test.ts')
  })

  it('passes its node:test test with nothing installed or configured', async () => {
    requireBuild()
    const files = projectFiles(blocks, 'node:test')
    const dir = await scratch({
      'handler.ts': toDist(files['handler.ts']!.code),
      'handler.test.ts': toDist(files['handler.test.ts']!.code),
    })
    try {
      const result = await runNode(['--test'], dir)
      expect(result).not.toHaveProperty('failed')
      expect(result.stdout).toMatch(/pass 1/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }, 30_000)

  it('prints what the README says invoke.ts prints, and the CommonJS handler gives the same', async () => {
    requireBuild()
    const readme = readFileSync(join(root, 'README.md'), 'utf8')
    const printed = /It prints `([^`]+)`/.exec(readme)![1]!
    await using emulator = await startExtensionEmulator({ token: 'local-token', ...store })
    const harness = [
      `const { handler } = (await import('./handler.cjs')).default`,
      'console.log(JSON.stringify(await handler({}, { getRemainingTimeInMillis: () => 3000 })))',
    ].join('\n')
    const dir = await scratch({
      'handler.ts': toDist(base['handler.ts']!.code),
      'invoke.ts': base['invoke.ts']!.code,
      'handler.cjs': toDistCjs(base['handler.cjs']!.code),
      'cjs.mjs': harness,
    })
    try {
      const env = { ...process.env, ...emulator.env }
      const invoked = await runNode(['invoke.ts'], dir, env)
      expect(invoked).not.toHaveProperty('failed')
      expect(invoked.stdout.trim()).toBe(printed)
      const cjs = await runNode(['cjs.mjs'], dir, env)
      expect(cjs).not.toHaveProperty('failed')
      expect(JSON.parse(cjs.stdout)).toEqual(new Function(`return (${printed})`)())
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }, 30_000)
})
