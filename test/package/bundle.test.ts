/**
 * What a user's bundle of the package contains (esbuild as CDK's NodejsFunction and SAM run it):
 * no undici (loaded at run time by a specifier bundlers leave alone), and in ESM no static import
 * of `node:http` (the ESM build imports `@middy/util`'s cache by name, so its STATUS_CODES import
 * is tree-shaken). Needs `npm run build` first (part of `npm test`).
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'

const root = process.cwd()

const HANDLER = `import middy from '@middy/core'
import paramsSecrets, { secret } from 'middy-params-secrets'
export const handler = middy(async (_event, context) => context.db).use(
  paramsSecrets({ fetchData: { db: secret('prod/db') }, setToContext: true }),
)
`

describe('a bundled handler', () => {
  let dir: string
  const bundles: Record<'esm' | 'cjs', string> = { esm: '', cjs: '' }

  beforeAll(async () => {
    if (!existsSync(join(root, 'dist/index.js')))
      throw new Error('dist/ is missing: run `npm run build` first')
    dir = mkdtempSync(join(tmpdir(), 'mps-bundle-'))
    mkdirSync(join(dir, 'node_modules'))
    symlinkSync(root, join(dir, 'node_modules', 'middy-params-secrets'))
    writeFileSync(join(dir, 'handler.mjs'), HANDLER)
    for (const format of ['esm', 'cjs'] as const) {
      const result = await build({
        entryPoints: [join(dir, 'handler.mjs')],
        bundle: true,
        write: false,
        platform: 'node',
        target: 'node22',
        format,
        external: ['@aws-sdk/*'],
        nodePaths: [join(root, 'node_modules')],
        logLevel: 'silent',
      })
      bundles[format] = result.outputFiles[0]!.text
    }
  })

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  const staticImports = (text: string): string[] =>
    [...text.matchAll(/^import\s[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1]!)

  it('imports no node:http statically in ESM (only what the package and middy use at load)', () => {
    expect(staticImports(bundles.esm).sort()).toEqual(['node:diagnostics_channel', 'node:timers'])
    expect(bundles.esm).not.toContain('STATUS_CODES')
    expect(bundles.esm).not.toContain("import('@middy/util')")
  })

  it('keeps the dynamic import of @middy/util in CommonJS, which require cannot load', () => {
    expect(readFileSync(join(root, 'dist/index.cjs'), 'utf8') + chunkTexts('cjs')).toContain(
      "import('@middy/util')",
    )
    expect(readFileSync(join(root, 'dist/index.js'), 'utf8') + chunkTexts('js')).not.toContain(
      "import('@middy/util')",
    )
  })

  it('carries no undici in either format', () => {
    for (const text of Object.values(bundles)) {
      expect(text).not.toMatch(/node_modules\/undici\//)
      expect(text.length).toBeLessThan(150_000)
    }
  })
})

const chunkTexts = (extension: 'js' | 'cjs'): string => {
  const chunks = join(root, 'dist/chunks')
  return readdirSync(chunks)
    .filter((name) => name.endsWith(`.${extension}`))
    .map((name) => readFileSync(join(chunks, name), 'utf8'))
    .join('\n')
}
