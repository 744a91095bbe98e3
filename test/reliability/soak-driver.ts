/**
 * The soak: thousands of invocations on one middleware instance against the emulator, with random
 * faults, rotations and per-key policies from a seeded generator, checking every value the handler
 * sees. Shared by soak.test.ts (in jest) and soak-child.ts (a plain Node process with --expose-gc),
 * so it uses only type syntax Node can strip.
 *
 * Invariants, per invocation and per key:
 * - a value the handler sees is one the store held for that key at some point up to then (every
 *   value carries its key and a version number; the history of each key is kept);
 * - a key never goes back to an older version than one already served (fetches store by generation);
 * - a failed invocation fails with a ParamsSecretsError of an expected code naming a declared key.
 * Violations are reported by key, invocation and version only: never a value.
 */
import middy from '@middy/core'
import paramsSecrets, { ParamsSecretsError, type ResolutionEvent } from '../../src/index.ts'
import { type Fault, startExtensionEmulator } from '../../src/testing/index.ts'
import { lambdaContext } from '../helpers/lambda.ts'

export interface SoakOptions {
  invocations: number
  seed: number
  /** called after this many invocations (the heap check measures there) */
  warmup?: number
  onWarm?: () => void
  /** called after the last invocation, before anything is closed */
  onDone?: () => void
}

export interface SoakReport {
  /** the seed of the random choices: the same seed replays them */
  seed: number
  invocations: number
  succeeded: number
  failed: number
  errorCodes: Record<string, number>
  sources: Record<string, number>
  eventErrorCodes: Record<string, number>
  rotations: number
  faults: number
  notReadyWindows: number
  pauses: number
  requests: number
  violations: string[]
  durationMs: number
}

type Format = 'json' | 'text' | 'binary'
interface SoakKey {
  key: string
  kind: 'secret' | 'parameter'
  id: string
  format: Format
}

const TOKEN = 'soak-token'
const TIMEOUT_MS = 100

const KEYS: SoakKey[] = [
  { key: 'db', kind: 'secret', id: 'soak/db', format: 'json' },
  { key: 'api-key', kind: 'secret', id: 'soak/api key+&#%', format: 'text' },
  { key: 'cert', kind: 'secret', id: 'soak/cert', format: 'binary' },
  { key: 'session', kind: 'secret', id: 'soak/session', format: 'text' },
  { key: 'flags', kind: 'parameter', id: '/soak/flags', format: 'json' },
  { key: 'url', kind: 'parameter', id: '/soak/url', format: 'text' },
]

const EXPECTED_CODES = new Set([
  'Timeout',
  'ExtensionUnavailable',
  'ExtensionRequestFailed',
  'ExtensionNotReady',
  'InvalidResponse',
])

/** mulberry32: a small seeded generator, so a failing seed can be replayed. */
export const createRandom = (seed: number) => {
  let a = seed >>> 0
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1))
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!
  return { next, int, pick }
}

/** One unique value per (key, version): the key and the version are readable back from it. */
const makeValue = (
  k: SoakKey,
  version: number,
  salt: number,
): { stored: string | Uint8Array; canonical: string } => {
  const text = `${k.key}#${version}#${salt.toString(36)}`
  if (k.format === 'json') {
    const json = JSON.stringify({
      key: k.key,
      version,
      salt: salt.toString(36),
      pad: 'x'.repeat(version % 50),
    })
    return { stored: json, canonical: json }
  }
  if (k.format === 'binary') return { stored: new Uint8Array(Buffer.from(text)), canonical: text }
  return { stored: text, canonical: text }
}

/** What the handler saw -> the canonical text of the value, or undefined when it has the wrong type. */
const canonicalOf = (k: SoakKey, seen: unknown): string | undefined => {
  if (k.format === 'json') return typeof seen === 'object' && seen !== null ? JSON.stringify(seen) : undefined
  if (k.format === 'binary') return seen instanceof Uint8Array ? Buffer.from(seen).toString() : undefined
  return typeof seen === 'string' ? seen : undefined
}

const FAULTS: Fault[] = [
  { status: 500 },
  { status: 502 },
  { status: 503 },
  { status: 504 },
  { status: 429 },
  { drop: 'before-response' },
  { drop: 'mid-body' },
  { malformed: 'truncated' },
  { malformed: 'not-json' },
  { malformed: 'wrong-shape' },
  { delayMs: 1 },
  { delayMs: 5 },
]

export const runSoak = async (options: SoakOptions): Promise<SoakReport> => {
  const started = performance.now()
  const random = createRandom(options.seed)
  const initial: Record<string, string | Uint8Array> = {}
  const initialParameters: Record<string, string> = {}
  const history = new Map<string, Map<string, number>>()
  const versions = new Map<string, number>()
  const lastSeen = new Map<string, number>()
  const put = (k: SoakKey, version: number) => {
    const { stored, canonical } = makeValue(k, version, random.int(0, 2 ** 31))
    history.get(k.key)!.set(canonical, version)
    versions.set(k.key, version)
    return stored
  }
  for (const k of KEYS) {
    history.set(k.key, new Map())
    lastSeen.set(k.key, -1)
    const stored = put(k, 0)
    if (k.kind === 'secret') initial[k.id] = stored
    else initialParameters[k.id] = stored as string
  }

  // TTL 0: the emulator's own cache is off, so every request reads the store as it is now.
  const emu = await startExtensionEmulator({
    token: TOKEN,
    secrets: initial,
    parameters: initialParameters,
    ttlSeconds: { secrets: 0, parameters: 0 },
  })
  let skew = 0
  const sources: Record<string, number> = {}
  const eventErrorCodes: Record<string, number> = {}
  const fetchData: Record<string, unknown> = {}
  for (const k of KEYS) {
    const policy = {
      maxAge: random.pick([40, 100, 250, 600]),
      staleWhileRevalidate: random.pick([0, 0, 150, 800]),
      staleIfError: random.pick([0, 0, 300, 1500]),
    }
    const json = k.format === 'text' ? false : 'auto'
    fetchData[k.key] =
      k.kind === 'secret' ? { secret: k.id, json, ...policy } : { parameter: k.id, json, ...policy }
  }
  const mw = paramsSecrets({
    transport: 'extension',
    extension: { port: emu.port, token: TOKEN, timeoutMs: TIMEOUT_MS },
    fetchData: fetchData as any,
    setToContext: true,
    disablePrefetch: true,
    // Real time plus a skew that each invocation advances: keys expire often without waiting.
    now: () => Date.now() + skew,
    onEvent: (event: ResolutionEvent) => {
      sources[event.source] = (sources[event.source] ?? 0) + 1
      if (event.errorCode !== undefined)
        eventErrorCodes[event.errorCode] = (eventErrorCodes[event.errorCode] ?? 0) + 1
    },
  })
  let seen: Record<string, unknown> = {}
  const handler = middy(async (_event: unknown, context: any) => {
    seen = {}
    for (const k of KEYS) seen[k.key] = context[k.key.replace(/[^a-zA-Z0-9]+/g, '_')]
  }).use(mw)

  const report: SoakReport = {
    seed: options.seed,
    invocations: 0,
    succeeded: 0,
    failed: 0,
    errorCodes: {},
    sources,
    eventErrorCodes,
    rotations: 0,
    faults: 0,
    notReadyWindows: 0,
    pauses: 0,
    requests: 0,
    violations: [],
    durationMs: 0,
  }
  const violation = (text: string) => {
    if (report.violations.length < 20) report.violations.push(text)
  }

  try {
    for (let i = 0; i < options.invocations; i++) {
      if (options.warmup === i) options.onWarm?.()
      skew += random.int(0, 20)
      // rotations: a new unique value for a random key
      if (random.next() < 0.08) {
        const k = random.pick(KEYS)
        const stored = put(k, versions.get(k.key)! + 1)
        if (k.kind === 'secret') emu.putSecret(k.id, stored)
        else emu.putParameter(k.id, stored as string)
        report.rotations++
      }
      // faults: one answer spoiled, for one key or whichever asks next
      if (random.next() < 0.05) {
        const fault: Fault = { ...random.pick(FAULTS), times: 1 }
        if (random.next() < 0.5) {
          const k = random.pick(KEYS)
          fault.kind = k.kind
          fault.id = k.id
        }
        emu.inject(fault)
        report.faults++
      }
      if (random.next() < 0.0015) {
        emu.inject({ delayMs: TIMEOUT_MS + 30, times: 1 })
        report.faults++
      }
      const notReady = random.next() < 0.0005
      const pause = !notReady && random.next() < 0.001
      if (notReady) {
        emu.setNotReady()
        report.notReadyWindows++
      }
      if (pause) {
        await emu.pause()
        report.pauses++
      }

      seen = {}
      let failure: unknown
      try {
        await handler({}, lambdaContext())
      } catch (error) {
        failure = error
      }
      report.invocations++

      if (failure === undefined) {
        report.succeeded++
        for (const k of KEYS) {
          const canonical = canonicalOf(k, seen[k.key])
          const version = canonical === undefined ? undefined : history.get(k.key)!.get(canonical)
          if (version === undefined) {
            violation(`invocation ${i}: key ${k.key} got a value its store never held`)
            continue
          }
          if (version < lastSeen.get(k.key)!) {
            violation(
              `invocation ${i}: key ${k.key} went back from version ${lastSeen.get(k.key)} to ${version}`,
            )
          }
          lastSeen.set(k.key, Math.max(version, lastSeen.get(k.key)!))
        }
      } else {
        report.failed++
        const code = failure instanceof ParamsSecretsError ? failure.code : `not a ParamsSecretsError`
        report.errorCodes[code] = (report.errorCodes[code] ?? 0) + 1
        if (!(failure instanceof ParamsSecretsError) || !EXPECTED_CODES.has(failure.code)) {
          violation(`invocation ${i}: unexpected failure ${String(code)}`)
        } else if (!KEYS.some((k) => k.key === failure.key)) {
          violation(`invocation ${i}: a failure names no declared key`)
        }
      }

      if (notReady) emu.ready()
      if (pause) await emu.resume()
      if (i % 250 === 249) {
        // bounded memory: the emulator's log and any fault no request took
        report.requests += emu.counters.requests
        emu.resetLog()
        emu.clearFaults()
      }
    }
    options.onDone?.()
  } finally {
    report.requests += emu.counters.requests
    await mw.close()
    await emu.close()
  }
  report.durationMs = Math.round(performance.now() - started)
  return report
}
