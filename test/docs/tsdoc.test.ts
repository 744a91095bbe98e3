/**
 * The public entries' self-contained TSDoc examples (those that import the package, as a user
 * would paste them) compile under the project's `strict` settings.
 */
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { root } from './markdown.ts'
import { createProgram, diagnostics, tsdocExamples } from './typescript.ts'

const FILES = ['errors.ts', 'keys.ts', 'middleware.ts', 'ssm.ts', 'validate-options.ts']

const examples = (file: string): string[] => tsdocExamples(`src/${file}`)

describe('public TSDoc examples', () => {
  it('compile under strict, importing the package as users do', () => {
    const virtual: Record<string, string> = {}
    for (const file of FILES) {
      examples(file)
        .filter((code) => /from 'middy-params-secrets(\/ssm)?'/.test(code))
        .forEach((code, n) => {
          const path = join(root, 'test/docs', `__tsdoc_${file.replace('.ts', '')}_${n}.ts`)
          virtual[path] = `${code
            .replaceAll("'middy-params-secrets/ssm'", "'../../src/ssm.ts'")
            .replaceAll("'middy-params-secrets'", "'../../src/index.ts'")}\nexport {}\n`
        })
    }
    expect(Object.keys(virtual).length).toBeGreaterThanOrEqual(2)
    expect(diagnostics(createProgram([], virtual), Object.keys(virtual))).toEqual([])
  }, 60_000)
})
