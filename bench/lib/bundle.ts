/**
 * Handlers bundled as users deploy them: esbuild with CDK `NodejsFunction`'s defaults
 * (`--bundle --platform=node --target=node22 --external:@aws-sdk/*`), CJS (its default) or ESM,
 * minified or not. Each bundle lands in a task directory like Lambda's `/var/task`: beside it only
 * `node_modules/@aws-sdk`, as the runtime provides it (optionally undici, "shipped beside it").
 */
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'

export type BundleSubject = 'bare' | 'ours' | 'fetch' | 'middy'
export type BundleFormat = 'cjs' | 'esm'

/** One built bundle. */
export interface Bundle {
  subject: BundleSubject
  format: BundleFormat
  minify: boolean
  path: string
  bytes: number
  /** the ESM bundle needed the `createRequire` banner (CommonJS code inside calls `require`) */
  banner: boolean
}

const SECRETS = "{ s0: 'bench/secret-0000', s1: 'bench/secret-0001', s2: 'bench/secret-0002' }"
const RETURN_VALUES = 'async (event, context) => [context.s0, context.s1, context.s2]'

/** The handler sources: each reads its port and token from the environment, as on Lambda. */
const ENTRIES: Record<BundleSubject, string> = {
  bare: "import middy from '@middy/core'\nexport const handler = middy(async () => ['bare'])\n",
  ours: `import middy from '@middy/core'
import paramsSecrets from 'middy-params-secrets'
export const handler = middy(${RETURN_VALUES}).use(paramsSecrets({ fetchData: ${SECRETS}, setToContext: true }))
`,
  middy: `import middy from '@middy/core'
import secretsManager from '@middy/secrets-manager'
export const handler = middy(${RETURN_VALUES}).use(
  secretsManager({ fetchData: ${SECRETS}, setToContext: true, awsClientOptions: {} }),
)
`,
  // A hand-written client: global fetch, the keys fetched at once at load, kept.
  fetch: `import middy from '@middy/core'
const fetchData = ${SECRETS}
const origin = 'http://127.0.0.1:' + process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT
const headers = { 'x-aws-parameters-secrets-token': process.env.AWS_SESSION_TOKEN }
const get = async (id) => {
  const response = await fetch(origin + '/secretsmanager/get?secretId=' + encodeURIComponent(id), { headers })
  if (response.status !== 200) throw new Error(id + ': status ' + response.status)
  return JSON.parse(await response.text()).SecretString
}
const keys = Object.keys(fetchData)
const load = () => Promise.all(keys.map((key) => get(fetchData[key])))
let pending = load()
pending.catch(() => undefined)
const fetchMiddleware = {
  before: async (request) => {
    const got = await pending.catch(() => (pending = load()))
    keys.forEach((key, i) => { request.internal[key] = got[i]; request.context[key] = got[i] })
  },
}
export const handler = middy(${RETURN_VALUES}).use(fetchMiddleware)
`,
}

const BANNER = "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);"

/** The bundle directories, removed by `dispose`. */
export interface BundleSet {
  bundles: Bundle[]
  /** ours' unminified bundles again, in a task directory that also ships undici */
  withUndici: Record<BundleFormat, string>
  dispose(): void
}

const link = (target: string, path: string): void => {
  mkdirSync(join(path, '..'), { recursive: true })
  symlinkSync(target, path, 'dir')
}

/**
 * Builds every subject in both formats, minified and not.
 *
 * @example
 * ```ts
 * const { bundles, dispose } = await buildBundles('/work/main')
 * ```
 */
export const buildBundles = async (root: string): Promise<BundleSet> => {
  const dir = mkdtempSync(join(tmpdir(), 'mps-bundles-'))
  const src = join(dir, 'src')
  const task = join(dir, 'task')
  mkdirSync(src)
  mkdirSync(task)
  // The package by its name, for esbuild only (the task directory never sees it).
  link(root, join(dir, 'resolve', 'node_modules', 'middy-params-secrets'))
  link(join(root, 'node_modules', '@aws-sdk'), join(task, 'node_modules', '@aws-sdk'))
  const bundles: Bundle[] = []
  for (const subject of Object.keys(ENTRIES) as BundleSubject[]) {
    const entry = join(src, `${subject}.mjs`)
    writeFileSync(entry, ENTRIES[subject])
    for (const format of ['cjs', 'esm'] as const) {
      for (const minify of [false, true]) {
        const path = join(task, `${subject}${minify ? '.min' : ''}.${format === 'cjs' ? 'cjs' : 'mjs'}`)
        const once = (banner: boolean) =>
          build({
            entryPoints: [entry],
            outfile: path,
            bundle: true,
            platform: 'node',
            target: 'node22',
            format,
            minify,
            external: ['@aws-sdk/*'],
            nodePaths: [join(dir, 'resolve', 'node_modules'), join(root, 'node_modules')],
            banner: banner ? { js: BANNER } : {},
            logLevel: 'silent',
          })
        await once(false)
        // esbuild's stand-in for `require` in ESM throws at run time: then the README's banner.
        const banner = format === 'esm' && readFileSync(path, 'utf8').includes('Dynamic require of')
        if (banner) await once(true)
        bundles.push({ subject, format, minify, path, bytes: statSync(path).size, banner })
      }
    }
  }
  const beside = join(dir, 'task-with-undici')
  link(join(root, 'node_modules', '@aws-sdk'), join(beside, 'node_modules', '@aws-sdk'))
  link(join(root, 'node_modules', 'undici'), join(beside, 'node_modules', 'undici'))
  const withUndici = { cjs: join(beside, 'ours.cjs'), esm: join(beside, 'ours.mjs') }
  copyFileSync(join(task, 'ours.cjs'), withUndici.cjs)
  copyFileSync(join(task, 'ours.mjs'), withUndici.esm)
  return { bundles, withUndici, dispose: () => rmSync(dir, { recursive: true, force: true }) }
}
