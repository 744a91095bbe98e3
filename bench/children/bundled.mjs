/**
 * Child of the bundled figure: a Lambda cold start of one bundle, INIT (load the bundle) then the
 * first invocation. Plain JavaScript, as cold.mjs, so no type stripper runs first.
 *
 * Reports the load of the bundle, process start to the first value, and the peak RSS.
 */
const { path, format, subject, probeUndici } = JSON.parse(process.argv[2] ?? '{}')

const t0 = performance.now()
const mod =
  format === 'cjs'
    ? process.getBuiltinModule('node:module').createRequire(import.meta.url)(path)
    : await import(path)
const loadMs = performance.now() - t0
const values = await mod.handler({}, {})
const firstValueMs = performance.now()

const expected =
  subject === 'bare'
    ? ['bare']
    : ['bench-value-0-', 'bench-value-1-', 'bench-value-2-'].map((v) => v.padEnd(40, 'x'))
if (JSON.stringify(values) !== JSON.stringify(expected)) throw new Error(`${subject}: not the seeded values`)

const maxRssKiB = process.resourceUsage().maxRSS

// With `probeUndici`: does undici's Pool load (it does so off the critical path, after the first
// answer)? Waits for it in the module cache, at most 2 s.
const undiciLoaded = async () => {
  const cache = process.getBuiltinModule('node:module').createRequire(import.meta.url).cache
  for (let waited = 0; waited < 2000; waited += 10) {
    if (Object.keys(cache).some((p) => p.includes('/undici/lib/dispatcher/pool.js'))) return true
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return false
}
const result = { loadMs, firstValueMs, maxRssKiB }
if (probeUndici) result.undiciLoaded = await undiciLoaded()
process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`)
process.exit(0)
