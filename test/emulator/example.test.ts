/**
 * `npm run example` on a fresh clone: right after `npm ci`, with no `dist/` (it imports the
 * sources), it runs to the end and prints no value of its demo store.
 */
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
const root = process.cwd()
const example = join(root, 'examples/local')

describe('examples/local', () => {
  it('imports the sources, never the built package', async () => {
    for (const file of ['run.ts', 'handler.ts']) {
      const text = await readFile(join(example, file), 'utf8')
      const specifiers = [...text.matchAll(/^import [^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1])
      expect(specifiers.filter((s) => s?.startsWith('middy-params-secrets'))).toEqual([])
    }
  })

  it('runs to the end without printing a value', async () => {
    const { stdout } = await run(process.execPath, [join(example, 'run.ts')], { cwd: root, timeout: 60_000 })
    expect(stdout).toContain('invocation 3')
    expect(stdout).toContain('no value was printed')
    const store = JSON.parse(await readFile(join(example, 'demo-store.json'), 'utf8'))
    for (const value of Object.values<unknown>({ ...store.secrets, ...store.parameters })) {
      const text = typeof value === 'string' ? value : JSON.stringify(value)
      for (const part of text.match(/local-demo-\w+|demo-api-key-\d+/g) ?? [])
        expect(stdout).not.toContain(part)
    }
  }, 60_000)
})
