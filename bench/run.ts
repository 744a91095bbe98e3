/**
 * `npm run bench`: the figures of the benchmark, each against its baselines measured in the
 * same run, written to bench/RESULTS.md (with the hand-written bench/findings.md at its end) and
 * bench/results.json.
 *
 * `BENCH_QUICK=1` runs fewer, shorter rounds and `BENCH_ONLY=2,4` some figures only; either way
 * nothing is written (the results files always hold a full run). `BENCH_RENDER=1` measures nothing:
 * it rewrites RESULTS.md from results.json and the current findings.md.
 */
import { spawnSync } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { cpus, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { runBundled } from './figures/bundled.ts'
import { runColdStart } from './figures/cold-start.ts'
import { runConcurrency } from './figures/concurrency.ts'
import { runFleet } from './figures/fleet.ts'
import { runMemory } from './figures/memory.ts'
import { runMissExtension } from './figures/miss-extension.ts'
import { runMissSdk } from './figures/miss-sdk.ts'
import { runWarm } from './figures/warm.ts'
import { ensureBuilt } from './lib/build.ts'
import type { FigureContext } from './lib/figure.ts'
import { type FigureReport, type RunInfo, renderMarkdown, verdict } from './lib/report.ts'
import { killChildren } from './lib/spawn.ts'

const FIGURES: Array<[string, (ctx: FigureContext) => Promise<FigureReport>]> = [
  ['warm invocation', runWarm],
  ['miss through the extension', runMissExtension],
  ['miss through the SDK', runMissSdk],
  ['cold start', runColdStart],
  ['memory', runMemory],
  ['concurrency', runConcurrency],
  ['bundled cold start', runBundled],
  ['fleet under quota', runFleet],
]

const root = fileURLToPath(new URL('..', import.meta.url))
const benchFile = (name: string) => fileURLToPath(new URL(name, import.meta.url))
const log = (line: string) => console.log(line)

const quick = process.env.BENCH_QUICK === '1'
const only = process.env.BENCH_ONLY?.split(',').map(Number)
const partial = quick || only !== undefined

const write = async (info: RunInfo, reports: FigureReport[]): Promise<void> => {
  const findings = await readFile(benchFile('findings.md'), 'utf8').catch(() => '')
  await writeFile(benchFile('RESULTS.md'), renderMarkdown(info, reports, findings))
  await writeFile(benchFile('results.json'), `${JSON.stringify({ info, figures: reports }, null, 2)}\n`)
  // The project's formatter has the last word on layout (aligned tables, JSON line breaks).
  const biome = fileURLToPath(new URL('../node_modules/@biomejs/biome/bin/biome', import.meta.url))
  const files = [benchFile('RESULTS.md'), benchFile('results.json')]
  spawnSync(process.execPath, [biome, 'format', '--write', ...files], { cwd: root, stdio: 'ignore' })
  log('wrote bench/RESULTS.md and bench/results.json')
}

const main = async (): Promise<void> => {
  if (process.env.BENCH_RENDER === '1') {
    const { info, figures } = JSON.parse(await readFile(benchFile('results.json'), 'utf8'))
    return write(info, figures)
  }
  const started = performance.now()
  const loadStart = loadavg()[0]!
  ensureBuilt(root, log)
  // Imported after the build: the servers come from the built package's `/testing` entry.
  const { startServers } = await import('./lib/servers.ts')
  const servers = await startServers()
  const interrupt = () => {
    killChildren()
    void servers.close().finally(() => process.exit(130))
  }
  process.once('SIGINT', interrupt)
  process.once('SIGTERM', interrupt)

  const reports: FigureReport[] = []
  try {
    for (const [i, [name, run]] of FIGURES.entries()) {
      if (only !== undefined && !only.includes(i + 1)) continue
      const figureStarted = performance.now()
      const loadBefore = loadavg()[0]!
      const prefix = `[${i + 1}/${FIGURES.length} ${name}]`
      log(`${prefix} starting`)
      const report = await run({ servers, quick, progress: (line) => log(`${prefix} ${line}`) })
      report.seconds = (performance.now() - figureStarted) / 1000
      report.load = { start: loadBefore, end: loadavg()[0]! }
      for (const goal of report.goals)
        log(`${prefix} ${goal.what}: ${goal.measured} (goal ${goal.goal}) ${verdict(goal.met)}`)
      log(`${prefix} done in ${report.seconds.toFixed(1)} s`)
      reports.push(report)
    }
  } finally {
    killChildren()
    await servers.close()
  }

  const info: RunInfo = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}`,
    command: 'npm run bench',
    seconds: (performance.now() - started) / 1000,
    load: { start: loadStart, end: loadavg()[0]! },
  }
  log(`all figures in ${info.seconds.toFixed(0)} s`)
  if (partial) {
    log('BENCH_QUICK / BENCH_ONLY: partial run, results files left as they were')
    return
  }
  await write(info, reports)
}

main().catch((error: unknown) => {
  killChildren()
  console.error(error)
  process.exit(1)
})
