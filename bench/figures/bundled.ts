/**
 * Figure 7: cold start as users deploy it, one esbuild bundle (bench/lib/bundle.ts), CJS and ESM,
 * minified and not: this package, the hand-written `fetch` client and `@middy/secrets-manager`,
 * against a bare `middy()` bundle (the floor). Each round loads every bundle in a fresh process.
 */
import { fileURLToPath } from 'node:url'
import { type Bundle, type BundleFormat, type BundleSubject, buildBundles } from '../lib/bundle.ts'
import { type FigureContext, metricStat, pairStat } from '../lib/figure.ts'
import { type FigureReport, type Goal, num, ratio, stat } from '../lib/report.ts'
import { interleave, type Metrics, runChild, scriptPath } from '../lib/spawn.ts'
import type { Stat } from '../lib/stats.ts'

const LOAD_GOAL_MS = 3
const PEER_GOAL = 0.5
const ESM_GOAL = 1.1

const LABELS: Record<BundleSubject, string> = {
  bare: 'bare middy() (the floor)',
  ours: 'ours (middy-params-secrets)',
  fetch: 'hand-written fetch client',
  middy: '@middy/secrets-manager (SDK external)',
}

const variant = (b: Pick<Bundle, 'subject' | 'format' | 'minify'>): string =>
  `${b.subject} ${b.format}${b.minify ? ' min' : ''}`

const VARIANTS = (['cjs', 'esm'] as const).flatMap((format) =>
  [false, true].map((minify) => ({ format, minify, name: `${format}${minify ? ', minified' : ''}` })),
)

/** Runs figure 7. */
export const runBundled = async (ctx: FigureContext): Promise<FigureReport> => {
  const root = fileURLToPath(new URL('../..', import.meta.url))
  const script = scriptPath('../children/bundled.mjs', import.meta.url)
  const set = await buildBundles(root)
  const byName = new Map(set.bundles.map((b) => [variant(b), b]))
  const env = {
    ...ctx.servers.env,
    PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(ctx.servers.params.port),
    AWS_SESSION_TOKEN: ctx.servers.params.token,
  }
  let results: Record<string, Metrics[]>
  const probes: Record<string, { beside: boolean; alone: boolean }> = {}
  try {
    results = await interleave(
      ctx.quick ? 3 : 11,
      [...byName.keys()],
      (name) => {
        const b = byName.get(name)!
        return runChild(script, { path: b.path, format: b.format, subject: b.subject }, { env }).finally(
          ctx.servers.reset,
        )
      },
      ctx.progress,
    )
    // Not timed: whether each bundle moves to undici's pool when undici ships beside it, and not
    // when it does not.
    for (const format of ['cjs', 'esm'] as const) {
      const probe = (path: string) =>
        runChild(script, { path, format, subject: 'ours', probeUndici: true }, { env }).finally(
          ctx.servers.reset,
        )
      probes[format] = {
        beside: (await probe(set.withUndici[format])).undiciLoaded,
        alone: (await probe(byName.get(variant({ subject: 'ours', format, minify: false }))!.path))
          .undiciLoaded,
      }
    }
  } finally {
    set.dispose()
  }
  const of = (subject: BundleSubject, format: BundleFormat, minify: boolean) =>
    results[variant({ subject, format, minify })]!
  const bytes = (subject: BundleSubject, format: BundleFormat, minify: boolean) =>
    byName.get(variant({ subject, format, minify }))!.bytes

  const goals: Goal[] = []
  const rows: string[][] = []
  const summary: Record<string, Record<string, Stat>> = {}
  for (const v of VARIANTS) {
    const bare = of('bare', v.format, v.minify)
    const ours = of('ours', v.format, v.minify)
    const overBare = pairStat(ours, bare, (o, b) => o.loadMs - b.loadMs)
    const toFetch = pairStat(ours, of('fetch', v.format, v.minify), (o, f) => o.firstValueMs / f.firstValueMs)
    const toMiddy = pairStat(ours, of('middy', v.format, v.minify), (o, m) => o.firstValueMs / m.firstValueMs)
    summary[v.name] = { overBare, toFetch, toMiddy }
    goals.push(
      {
        what: `bundle load over bare middy (${v.name})`,
        goal: `≤ ${LOAD_GOAL_MS} ms`,
        measured: stat(overBare, 'ms'),
        met: overBare.median <= LOAD_GOAL_MS,
      },
      {
        what: `first value vs fetch client (${v.name})`,
        goal: `≤ ${PEER_GOAL}x`,
        measured: ratio(toFetch),
        met: toFetch.median <= PEER_GOAL,
      },
      {
        what: `first value vs @middy/secrets-manager (${v.name})`,
        goal: `≤ ${PEER_GOAL}x`,
        measured: ratio(toMiddy),
        met: toMiddy.median <= PEER_GOAL,
      },
    )
    for (const subject of ['bare', 'ours', 'fetch', 'middy'] as const) {
      const r = of(subject, v.format, v.minify)
      const b = byName.get(variant({ subject, format: v.format, minify: v.minify }))!
      rows.push([
        v.name,
        LABELS[subject],
        num(b.bytes),
        subject === 'bare' ? '—' : num(b.bytes - bytes('bare', v.format, v.minify)),
        stat(metricStat(r, 'loadMs'), 'ms'),
        subject === 'bare' ? '(no values)' : stat(metricStat(r, 'firstValueMs'), 'ms'),
        stat(metricStat(r, 'maxRssKiB'), 'KiB'),
        b.banner ? 'yes' : 'no',
      ])
    }
  }
  for (const minify of [false, true]) {
    const esmToCjs = pairStat(of('ours', 'esm', minify), of('ours', 'cjs', minify), (e, c) => {
      return e.firstValueMs / c.firstValueMs
    })
    goals.push({
      what: `ESM vs CJS bundle, first value${minify ? ' (minified)' : ''}`,
      goal: `≤ ${ESM_GOAL}x`,
      measured: ratio(esmToCjs),
      met: esmToCjs.median <= ESM_GOAL,
    })
  }
  const added = bytes('ours', 'cjs', true) - bytes('bare', 'cjs', true)
  const peerAdded = bytes('middy', 'cjs', true) - bytes('bare', 'cjs', true)
  goals.push({
    what: 'bytes a minified CJS bundle gains, vs @middy/secrets-manager',
    goal: 'reported',
    measured: `${num(added)} B vs ${num(peerAdded)} B (${num(added / peerAdded)}x)`,
    met: undefined,
  })
  const rounds = of('bare', 'cjs', false).length
  return {
    id: '7',
    title: 'Cold start of a bundled handler',
    method:
      'Each handler (3 secrets, `setToContext`) is bundled as CDK `NodejsFunction` does by default: ' +
      'esbuild `--bundle --platform=node --target=node22 --external:@aws-sdk/*`, CJS, and also as ESM ' +
      '(with the `createRequire` banner only where the bundle needs it), minified and not. Each bundle ' +
      'sits in a task directory holding only `node_modules/@aws-sdk`, as Lambda provides it. A fresh ' +
      '`node` loads the bundle (INIT: `require` or `import`, the middleware built at module load) and ' +
      'invokes once; values through the emulator (port and token from the environment, as on Lambda), ' +
      '`@middy/secrets-manager` through the AWS JSON server. `performance.now()` in the child, so from ' +
      `process start; peak RSS from \`process.resourceUsage()\`. ${rounds} rounds, all 16 bundles interleaved.`,
    tables: [
      {
        header: [
          'bundle',
          'subject',
          'bytes',
          'bytes over bare',
          'load of the bundle',
          'process start → first value',
          'peak RSS',
          'banner',
        ],
        rows,
      },
    ],
    goals,
    notes: (['cjs', 'esm'] as const).map(
      (f) =>
        `ours' ${f} bundle moved to undici's pool: ${probes[f]!.beside ? 'yes' : 'no'} with undici shipped ` +
        `beside it, ${probes[f]!.alone ? 'yes' : 'no'} without (then node:http serves every request).`,
    ),
    data: { results, probes, bytes: set.bundles.map(({ path: _path, ...b }) => b), summary },
  }
}
