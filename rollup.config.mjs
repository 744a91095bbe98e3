// The build: ESM (.js) and CommonJS (.cjs) for each entry point, plus bundled types for both.
// esbuild only strips types (TypeScript's own compiler checks them in `npm run typecheck`),
// and rollup-plugin-dts rolls the declarations into one file per entry.
import { copyFile } from 'node:fs/promises'
import { builtinModules } from 'node:module'
import dts from 'rollup-plugin-dts'
import esbuild from 'rollup-plugin-esbuild'

const entries = { index: 'src/index.ts', ssm: 'src/ssm.ts', testing: 'src/testing/index.ts' }
// Dependencies and peers stay imports: users' bundlers and the Lambda runtime provide them.
const external = (id) =>
  builtinModules.includes(id) || id.startsWith('node:') || /^(@middy|@aws-sdk|undici)(\/|$)/.test(id)

// The .d.cts twin lets CommonJS consumers resolve types without a masquerading ESM declaration.
const copyCtsTypes = (name) => ({
  name: 'copy-cts-types',
  async writeBundle() {
    await copyFile(`dist/${name}.d.ts`, `dist/${name}.d.cts`)
  },
})

// The ESM build loads @middy/util's cache by static named imports (src/middy-cache.esm.ts), which
// a bundler can tree-shake; the CommonJS build keeps the dynamic import that `require` needs.
const esmTwins = () => ({
  name: 'esm-twins',
  async resolveId(source, importer, options) {
    if (!source.endsWith('/middy-cache.ts')) return null
    const resolved = await this.resolve(source, importer, { ...options, skipSelf: true })
    return resolved && { ...resolved, id: resolved.id.replace(/middy-cache\.ts$/, 'middy-cache.esm.ts') }
  },
})

export default [
  {
    input: entries,
    external,
    plugins: [esmTwins(), esbuild({ target: 'node22' })],
    output: {
      dir: 'dist',
      format: 'es',
      entryFileNames: '[name].js',
      chunkFileNames: 'chunks/[name]-[hash].js',
    },
  },
  {
    input: entries,
    external,
    plugins: [esbuild({ target: 'node22' })],
    output: {
      dir: 'dist',
      format: 'cjs',
      entryFileNames: '[name].cjs',
      chunkFileNames: 'chunks/[name]-[hash].cjs',
      exports: 'named',
    },
  },
  {
    input: { 'emulator-cli': 'src/testing/cli.ts' },
    external,
    plugins: [esbuild({ target: 'node22' })],
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].js', banner: '#!/usr/bin/env node' },
  },
  // One build per entry, so each declaration file stands alone (a shared chunk imported from a
  // .d.cts would resolve to the ESM twin).
  ...Object.entries(entries).map(([name, input]) => ({
    input: { [name]: input },
    external,
    plugins: [dts(), copyCtsTypes(name)],
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].d.ts' },
  })),
]
