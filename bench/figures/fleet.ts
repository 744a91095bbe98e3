/**
 * Figure 8: a fleet under the account's quotas (bench/lib/quota.ts). N environments of one library
 * cold-start over 2 s, 10 parameters and 2 secrets each, against a loopback AWS endpoint (and, for
 * the layer, one layer emulator per environment) throttling as AWS does. Scaled down: N
 * environments stand for 200, and every quota is scaled by N / 200, so each quota sees the load
 * per second 200 environments would bring.
 */
import {
  type AwsEmulator,
  type ExtensionEmulator,
  startAwsEmulator,
  startExtensionEmulator,
} from 'middy-params-secrets/testing'
import type { FleetParams, FleetSubject } from '../children/fleet.ts'
import type { FigureContext } from '../lib/figure.ts'
import { parameterKeys, secretKeys, seededValue } from '../lib/keys.ts'
import { AWS_QUOTAS, awsThrottle, createQuotas, type QuotaCounts, throttleLayer } from '../lib/quota.ts'
import { type FigureReport, type Goal, num } from '../lib/report.ts'
import { runChild, scriptPath } from '../lib/spawn.ts'
import { percentile, summarize } from '../lib/stats.ts'

const SUBJECTS: FleetSubject[] = ['ours-layer', 'ours-sdk', 'ours-sdk-retry', 'middy', 'powertools']
const PEERS: FleetSubject[] = ['middy', 'powertools']
const LABELS: Record<FleetSubject, string> = {
  'ours-layer': 'ours, layer present',
  'ours-sdk': 'ours, no layer (SDK)',
  'ours-sdk-retry': 'ours, no layer, SDK maxAttempts 3',
  middy: '@middy/ssm + @middy/secrets-manager',
  powertools: 'Powertools (getParametersByName + getSecret)',
}
const REAL_FLEET = 200
const WINDOW_MS = 2000
const TIMEOUT_MS = 3000
const TOKEN = 'fleet-token'

const seedData = () => ({
  parameters: Object.fromEntries(parameterKeys(10).map((k) => [k.id, seededValue(Number(k.key.slice(1)))])),
  secrets: Object.fromEntries(secretKeys(0, 2).map((k) => [k.id, seededValue(Number(k.key.slice(1)))])),
})

interface RunResult {
  failed: number
  errors: Record<string, number>
  p50: number
  p99: number
  counts: QuotaCounts
  calls: number
  ssmCalls: number
}

const total = (counts: Record<string, number>, prefix = ''): number =>
  Object.entries(counts).reduce((sum, [api, n]) => (api.startsWith(prefix) ? sum + n : sum), 0)

/** Runs figure 8. */
export const runFleet = async (ctx: FigureContext): Promise<FigureReport> => {
  const n = ctx.quick ? 20 : 40
  const rounds = ctx.quick ? 1 : 3
  const scale = n / REAL_FLEET
  const quotas = createQuotas(scale)
  const aws: AwsEmulator = await startAwsEmulator(seedData())
  aws.inject(awsThrottle(quotas))
  const env = { ...ctx.servers.env, AWS_ENDPOINT_URL: aws.endpoint }
  const script = scriptPath('../children/fleet.ts', import.meta.url)
  const results = Object.fromEntries(SUBJECTS.map((s) => [s, [] as RunResult[]])) as Record<
    FleetSubject,
    RunResult[]
  >

  const runOnce = async (subject: FleetSubject): Promise<RunResult> => {
    // Every environment's layer has its own cache, cold.
    const layers: ExtensionEmulator[] =
      subject === 'ours-layer'
        ? await Promise.all(
            Array.from({ length: n }, () =>
              startExtensionEmulator({ profile: 'layer', token: TOKEN, ...seedData(), env: {} }),
            ),
          )
        : []
    for (const layer of layers) throttleLayer(layer, quotas)
    try {
      quotas.reset()
      aws.calls.length = 0
      const params: FleetParams = {
        subject,
        n,
        windowMs: WINDOW_MS,
        timeoutMs: TIMEOUT_MS,
        ports: layers.map((l) => l.port),
        token: TOKEN,
      }
      const { outcomes } = await runChild(script, params, { env, timeoutMs: 60_000 })
      const ok = (outcomes as Array<{ ok: boolean; ms: number; error?: string }>).filter((o) => o.ok)
      const errors: Record<string, number> = {}
      for (const o of outcomes) if (!o.ok) errors[o.error] = (errors[o.error] ?? 0) + 1
      const counts = quotas.counts()
      const all = { ...counts.admitted }
      for (const [api, k] of Object.entries(counts.throttled)) all[api] = (all[api] ?? 0) + k
      return {
        failed: outcomes.length - ok.length,
        errors,
        p50: percentile(
          ok.map((o) => o.ms),
          50,
        ),
        p99: percentile(
          ok.map((o) => o.ms),
          99,
        ),
        counts,
        calls: total(all),
        ssmCalls: total(all, 'AmazonSSM.'),
      }
    } finally {
      await Promise.all(layers.map((l) => l.close()))
    }
  }

  try {
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < SUBJECTS.length; i++) {
        const subject = SUBJECTS[(i + round) % SUBJECTS.length]!
        results[subject].push(await runOnce(subject))
      }
      ctx.progress(`round ${round + 1}/${rounds}`)
    }
  } finally {
    await aws.close()
  }

  const med = (s: FleetSubject, f: (r: RunResult) => number) => summarize(results[s].map(f)).median
  const apis = (s: FleetSubject) => {
    const sum: Record<string, [number, number]> = {}
    for (const r of results[s]) {
      for (const [api, k] of Object.entries(r.counts.admitted))
        sum[api] = [(sum[api]?.[0] ?? 0) + k, sum[api]?.[1] ?? 0]
      for (const [api, k] of Object.entries(r.counts.throttled))
        sum[api] = [sum[api]?.[0] ?? 0, (sum[api]?.[1] ?? 0) + k]
    }
    return Object.entries(sum)
      .map(
        ([api, [a, t]]) =>
          `${api.split('.')[1]} ${num(Math.round((a + t) / rounds))} (${num(Math.round(t / rounds))} throttled)`,
      )
      .join(', ')
  }
  const bestPeer = (f: (r: RunResult) => number) => Math.min(...PEERS.map((p) => med(p, f)))
  const goals: Goal[] = (['ours-layer', 'ours-sdk', 'ours-sdk-retry'] as const).flatMap((s) => [
    {
      what: `fleet: failed first invocations, ${LABELS[s]}, vs the best peer`,
      goal: '≤ the best peer',
      measured: `${num(med(s, (r) => r.failed))} vs ${num(bestPeer((r) => r.failed))} of ${n}`,
      met: med(s, (r) => r.failed) <= bestPeer((r) => r.failed),
    },
    {
      what: `fleet: upstream calls, ${LABELS[s]}, vs the fewest of a peer`,
      goal: '≤ the peers',
      measured: `${num(med(s, (r) => r.calls))} vs ${num(bestPeer((r) => r.calls))}`,
      met: med(s, (r) => r.calls) <= bestPeer((r) => r.calls),
    },
  ])
  const scaled = (Object.keys(AWS_QUOTAS) as Array<keyof typeof AWS_QUOTAS>)
    .map((q) => `${q} ${num(AWS_QUOTAS[q] * scale)}/s`)
    .join(', ')
  return {
    id: '8',
    title: 'A fleet under quota',
    method:
      `${n} environments (standing for ${REAL_FLEET}: every quota scaled by ${n}/${REAL_FLEET}: ${scaled}) cold-start ` +
      `evenly over ${WINDOW_MS / 1000} s, each its own middleware instance (and, with the layer, its own layer ` +
      'emulator, its cache cold), 10 parameters and 2 secrets each. INIT builds the middleware; the first ' +
      `invocation follows at once and fails unless it has every value within ${TIMEOUT_MS / 1000} s. The loopback ` +
      'AWS endpoint and the layers answer a call over quota with ThrottlingException (the layer with its ' +
      'generic 400). Upstream calls are as AWS would count them, throttled ones included, per round. ' +
      `All environments of one library share one child process. ${rounds} round(s), libraries interleaved; medians.`,
    tables: [
      {
        header: [
          'library',
          'failed first invocations',
          'failures by code',
          'upstream calls',
          'of which SSM',
          'p50 / p99 to first value (served)',
        ],
        rows: SUBJECTS.map((s) => [
          LABELS[s],
          `${num(med(s, (r) => r.failed))} of ${n}`,
          Object.entries(results[s].at(-1)!.errors)
            .map(([code, k]) => `${code} ${k}`)
            .join(', ') || '—',
          num(med(s, (r) => r.calls)),
          num(med(s, (r) => r.ssmCalls)),
          `${num(med(s, (r) => r.p50))} / ${num(med(s, (r) => r.p99))} ms`,
        ]),
      },
      {
        title: 'Upstream calls by API (per round)',
        header: ['library', 'calls'],
        rows: SUBJECTS.map((s) => [LABELS[s], apis(s)]),
      },
    ],
    goals,
    data: { n, scale, rounds, results },
  }
}
