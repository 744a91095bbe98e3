/**
 * The testing entry's self-contained TSDoc examples (those that import the package) compile under
 * the project's `strict` settings, as a user would paste them.
 */
import { join } from 'node:path'
import { root } from '../docs/markdown.ts'
import { createProgram, diagnostics, tsdocExamples } from '../docs/typescript.ts'

const FILES = [
  'index.ts',
  'emulator.ts',
  'aws-emulator.ts',
  'aws-types.ts',
  'shared-store.ts',
  'types.ts',
  'store-types.ts',
  'value-types.ts',
  'request-log-types.ts',
]

const examples = (file: string): string[] => tsdocExamples(`src/testing/${file}`)

describe('testing entry TSDoc examples', () => {
  it('compile under strict, importing the package as users do', () => {
    const virtual: Record<string, string> = {}
    for (const file of FILES) {
      examples(file)
        .filter((code) => code.includes("from 'middy-params-secrets/testing'"))
        .forEach((code, n) => {
          const path = join(root, 'test/emulator', `__tsdoc_${file.replace('.ts', '')}_${n}.ts`)
          virtual[path] =
            `${code.replaceAll("'middy-params-secrets/testing'", "'../../src/testing/index.ts'")}\nexport {}\n`
        })
    }
    expect(Object.keys(virtual).length).toBeGreaterThanOrEqual(6)
    expect(diagnostics(createProgram([], virtual), Object.keys(virtual))).toEqual([])
  }, 60_000)
})
