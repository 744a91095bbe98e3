/**
 * Child of figure 4: a cold start, from process start to the first invocation's values.
 *
 * Plain JavaScript on purpose: a `.ts` entry makes Node load its type stripper first (~30 ms on
 * this machine), a constant that would blur the differences this figure measures. So this file
 * imports nothing of bench/ (all .ts) and repeats the little it needs.
 *
 * It imports `@middy/core`, then the subject's package, builds the middleware (which starts its
 * prefetch, as at module load), invokes once and reports the times. With `trace: true` it records
 * instead every module resolved (ESM and CommonJS, through a `module.registerHooks` resolve hook)
 * and the Node internals loaded (`process.moduleLoadList`).
 */
const params = JSON.parse(process.argv[2] ?? '{}')
const { subject, servers, trace } = params
const scriptStartMs = performance.now()

const resolved = []
const internalsBefore = new Set(process.moduleLoadList)
if (trace) {
  const { registerHooks } = await import('node:module')
  registerHooks({
    resolve(specifier, context, next) {
      const result = next(specifier, context)
      resolved.push(result.url)
      return result
    },
  })
}

const ids = ['bench/secret-0000', 'bench/secret-0001', 'bench/secret-0002']
const fetchData = { s0: ids[0], s1: ids[1], s2: ids[2] }
const values = ['bench-value-0-', 'bench-value-1-', 'bench-value-2-'].map((v) => v.padEnd(40, 'x'))

/** The hand-rolled client: global fetch, the 3 keys fetched at once at construction, kept. */
const fetchMiddleware = () => {
  const origin = `http://127.0.0.1:${servers.port}`
  const headers = { 'x-aws-parameters-secrets-token': servers.token }
  const get = async (id) => {
    const response = await fetch(`${origin}/secretsmanager/get?secretId=${encodeURIComponent(id)}`, {
      headers,
    })
    if (response.status !== 200) throw new Error(`${id}: status ${response.status}`)
    return JSON.parse(await response.text()).SecretString
  }
  const keys = Object.keys(fetchData)
  let pending = Promise.all(keys.map((key) => get(fetchData[key])))
  pending.catch(() => undefined)
  return {
    before: async (request) => {
      const got = await pending.catch(() => {
        pending = Promise.all(keys.map((key) => get(fetchData[key])))
        return pending
      })
      keys.forEach((key, i) => {
        request.internal[key] = got[i]
        request.context[key] = got[i]
      })
    },
  }
}

const t0 = performance.now()
const { default: middy } = await import('@middy/core')
const t1 = performance.now()
let middleware
if (subject === 'ours') {
  const { default: paramsSecrets } = await import('middy-params-secrets')
  middleware = () =>
    paramsSecrets({ fetchData, setToContext: true, extension: { port: servers.port, token: servers.token } })
} else if (subject === 'ours-sdk') {
  // No layer, as on Lambda without it: a token is set, nothing listens on the port (1: refused at
  // once), so 'auto' falls back to the SDK, against the same endpoint as @middy/secrets-manager.
  const { default: paramsSecrets } = await import('middy-params-secrets')
  middleware = () =>
    paramsSecrets({
      fetchData,
      setToContext: true,
      extension: { port: 1, token: servers.token },
      awsClientOptions: {},
    })
} else if (subject === 'ours-direct') {
  const { default: paramsSecrets } = await import('middy-params-secrets')
  middleware = () => paramsSecrets({ fetchData, setToContext: true, transport: 'sdk', awsClientOptions: {} })
} else if (subject === 'sdk-import') {
  await import('@aws-sdk/client-secrets-manager')
  const { default: secretsManager } = await import('@middy/secrets-manager')
  middleware = () => secretsManager({ fetchData, setToContext: true, awsClientOptions: {} })
} else if (subject === 'middy') {
  const { default: secretsManager } = await import('@middy/secrets-manager')
  middleware = () => secretsManager({ fetchData, setToContext: true, awsClientOptions: {} })
} else if (subject === 'fetch') {
  middleware = fetchMiddleware
}
const t2 = performance.now()

const context = {}
if (middleware !== undefined) {
  const handler = middy(async () => undefined).use(middleware())
  await handler({}, context)
  Object.keys(fetchData).forEach((key, i) => {
    if (context[key] !== values[i]) throw new Error(`context.${key} is not the seeded value`)
  })
}
const firstValueMs = performance.now()

const internals = process.moduleLoadList.filter((name) => !internalsBefore.has(name))
const result = trace
  ? { resolved, internals }
  : {
      scriptStartMs,
      coreImportMs: t1 - t0,
      packageImportMs: t2 - t1,
      firstValueMs,
      afterImportsMs: firstValueMs - t2,
    }
process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`)
process.exit(0)
