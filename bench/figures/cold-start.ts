/**
 * Figure 4: a cold start. A fresh process imports `@middy/core` and a client, builds the
 * middleware and resolves 3 secrets (the servers run in the parent): the package against a
 * hand-rolled global-`fetch` client and `@middy/secrets-manager`. Then one traced process per
 * subject lists the modules it loaded.
 */
import { type FigureContext, metricStat, pairStat } from '../lib/figure.ts'
import { type FigureReport, type Goal, num, ratio, stat } from '../lib/report.ts'
import { interleave, runChild, scriptPath } from '../lib/spawn.ts'

type ColdSubject = 'core' | 'ours' | 'fetch' | 'middy' | 'ours-sdk'
const SUBJECTS: ColdSubject[] = ['core', 'ours', 'fetch', 'middy', 'ours-sdk']
const SDK_GOAL = 1
const FIRST_VALUE_GOAL = 1
const FIRST_VALUE_AIM = 0.9
const IMPORT_GOAL_MS = 15

const LABELS: Record<ColdSubject, string> = {
  core: '@middy/core alone (no client)',
  ours: 'ours (middy-params-secrets)',
  fetch: 'hand-rolled global fetch',
  middy: '@middy/secrets-manager (SDK)',
  'ours-sdk': 'ours, no layer (SDK fallback)',
}

/** Where a resolved module comes from: a package name, `node:` for builtins, else the path. */
const origin = (url: string): string => {
  if (url.startsWith('node:')) return 'node:'
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (match) return match[1]!
  return url.includes('/dist/') ? 'middy-params-secrets (dist)' : url
}

/** Distinct modules by origin, `name: count`, largest first. */
const modulesByOrigin = (resolved: string[]): string => {
  const counts = new Map<string, number>()
  for (const url of new Set(resolved)) counts.set(origin(url), (counts.get(origin(url)) ?? 0) + 1)
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name} ${n}`)
    .join(', ')
}

/** Runs figure 4. */
export const runColdStart = async (ctx: FigureContext): Promise<FigureReport> => {
  const script = scriptPath('../children/cold.mjs', import.meta.url)
  const child = (subject: ColdSubject, trace: boolean) =>
    runChild(script, { subject, trace, servers: ctx.servers.params }, { env: ctx.servers.env }).finally(
      ctx.servers.reset,
    )
  const results = await interleave(ctx.quick ? 3 : 15, SUBJECTS, (s) => child(s, false), ctx.progress)
  const traces = Object.fromEntries(
    await Promise.all(
      (['ours', 'fetch', 'middy'] as const).map(async (s) => [s, await child(s, true)] as const),
    ),
  ) as Record<'ours' | 'fetch' | 'middy', { resolved: string[]; internals: string[] }>
  ctx.progress('traced the modules of ours, fetch and @middy/secrets-manager')

  const { ours, fetch, middy } = results
  const sdkToMiddy = pairStat(results['ours-sdk'], middy, (o, m) => o.firstValueMs / m.firstValueMs)
  const toFetch = pairStat(ours, fetch, (o, f) => o.firstValueMs / f.firstValueMs)
  const toMiddy = pairStat(ours, middy, (o, m) => o.firstValueMs / m.firstValueMs)
  const packageImport = metricStat(ours, 'packageImportMs')
  const sdkModules = traces.ours.resolved.filter((url) => url.includes('@aws-sdk/'))
  const undiciInternal = (s: keyof typeof traces) =>
    traces[s].internals.includes('NativeModule internal/deps/undici/undici') ? 'yes' : 'no'

  const goals: Goal[] = [
    {
      what: 'package import over @middy/core',
      goal: `≤ ${IMPORT_GOAL_MS} ms`,
      measured: stat(packageImport, 'ms'),
      met: packageImport.median <= IMPORT_GOAL_MS,
    },
    {
      what: 'time to first value vs the fetch client',
      goal: `≤ ${FIRST_VALUE_GOAL}x (aim ${FIRST_VALUE_AIM}x)`,
      measured: ratio(toFetch),
      met: toFetch.median <= FIRST_VALUE_GOAL,
    },
    {
      what: 'no layer: first value vs @middy/secrets-manager (same endpoint)',
      goal: `≤ ${SDK_GOAL}x`,
      measured: ratio(sdkToMiddy),
      met: sdkToMiddy.median <= SDK_GOAL,
    },
    {
      what: 'no @aws-sdk module on the extension path',
      goal: '0 modules',
      measured: `${sdkModules.length} modules`,
      met: sdkModules.length === 0,
    },
  ]
  return {
    id: '4',
    title: 'Cold start',
    method:
      'A fresh `node` runs a plain-JavaScript script (a `.ts` entry would add the type stripper, ~30 ms, ' +
      'to every subject): import `@middy/core`, import the client, build the middleware (its prefetch ' +
      'starts, as at module load), invoke once with 3 secrets. The extension clients read the emulator, ' +
      '`@middy/secrets-manager` the AWS JSON server. Times are `performance.now()` in the child, i.e. ' +
      `from process start. ${ours.length} rounds. The traced runs record every module resolved ` +
      '(`module.registerHooks`) and the Node internals loaded (`process.moduleLoadList`).',
    tables: [
      {
        header: [
          'subject',
          'import @middy/core',
          'import client over core',
          'imports done → first value',
          'process start → first value',
          'ours / subject (first value)',
        ],
        rows: SUBJECTS.map((s) => [
          LABELS[s],
          stat(metricStat(results[s], 'coreImportMs'), 'ms'),
          s === 'core' || s === 'fetch' ? '—' : stat(metricStat(results[s], 'packageImportMs'), 'ms'),
          s === 'core' ? '—' : stat(metricStat(results[s], 'afterImportsMs'), 'ms'),
          s === 'core'
            ? `${stat(metricStat(results[s], 'firstValueMs'), 'ms')} (imports only)`
            : stat(metricStat(results[s], 'firstValueMs'), 'ms'),
          s === 'fetch'
            ? ratio(toFetch)
            : s === 'middy'
              ? `${ratio(toMiddy)}; no layer: ${ratio(sdkToMiddy)}`
              : '—',
        ]),
      },
      {
        title: 'Modules loaded (traced run)',
        header: [
          'subject',
          'distinct modules resolved, by origin',
          'Node internals loaded',
          "Node's bundled undici (fetch)",
        ],
        rows: (['ours', 'fetch', 'middy'] as const).map((s) => [
          LABELS[s],
          modulesByOrigin(traces[s].resolved),
          num(traces[s].internals.length),
          undiciInternal(s),
        ]),
      },
    ],
    goals,
    notes: [
      `@aws-sdk modules loaded on the extension path: ${sdkModules.length === 0 ? 'none' : sdkModules.join(', ')}.`,
    ],
    data: { results, traces },
  }
}
