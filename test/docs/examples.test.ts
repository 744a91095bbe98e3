/**
 * examples/testing (a user's handler and its jest test) type-checks against the built package, as
 * in a user's project. Its test runs with the rest of the suite (jest's testMatch includes it).
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { root } from './markdown.ts'
import { createProgram, diagnostics, requireBuild } from './typescript.ts'

describe('examples/testing', () => {
  it('type-checks against the built package', () => {
    requireBuild()
    const dir = join(root, 'examples/testing')
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(dir, f))
    expect(files.map((f) => f.slice(dir.length + 1)).sort()).toEqual(['handler.test.ts', 'handler.ts'])
    expect(diagnostics(createProgram(files))).toEqual([])
  }, 120_000)
})
