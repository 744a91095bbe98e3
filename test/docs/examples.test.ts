/**
 * examples/testing (a user's handlers and their jest tests) type-checks against the built package,
 * as in a user's project; its tests run with the rest of the suite (jest's testMatch includes
 * them). The migrated handler also type-checks with its two imports put back to @middy/secrets-manager
 * and @middy/ssm, in the same program: it is a handler written for middy, but for its imports.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { root } from './markdown.ts'
import { createProgram, diagnostics, requireBuild } from './typescript.ts'

const dir = join(root, 'examples/testing')

/** migrated.ts as it was before the migration: only its two imports differ. */
const beforeMigration = (source: string): string => {
  const imports = [
    ["import secretsManager, { secret } from 'middy-params-secrets'", "from '@middy/secrets-manager'"],
    ["import ssm, { ssmParam } from 'middy-params-secrets/ssm'", "from '@middy/ssm'"],
  ] as const
  let text = source
  for (const [line, middy] of imports) {
    expect(text).toContain(line)
    text = text.replace(line, line.replace(/from '[^']+'/, middy))
  }
  expect(text).not.toContain("from 'middy-params-secrets")
  return text
}

describe('examples/testing', () => {
  it('type-checks against the built package, and the migrated handler against middy too', () => {
    requireBuild()
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(dir, f))
    expect(files.map((f) => f.slice(dir.length + 1)).sort()).toEqual([
      'handler.test.ts',
      'handler.ts',
      'migrated.test.ts',
      'migrated.ts',
    ])
    const middy = join(dir, '__migrated_middy.ts')
    const virtual = { [middy]: beforeMigration(readFileSync(join(dir, 'migrated.ts'), 'utf8')) }
    expect(diagnostics(createProgram(files, virtual))).toEqual([])
  }, 120_000)
})
