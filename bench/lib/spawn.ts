/**
 * Fresh-process rounds: each measurement runs in a child `node` (the same binary as the parent)
 * that prints one result line; rounds interleave the subjects so drift hits them all alike.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { RESULT_PREFIX } from './child.ts'

/** How to start one child. */
export interface ChildOptions {
  /** node flags, such as `--expose-gc` */
  execArgv?: string[]
  env: NodeJS.ProcessEnv
  /** the child is killed after this long; default 60 s */
  timeoutMs?: number
}

/** The measurements a child reports: metric name -> number, plus anything else it names. */
export type Metrics = Record<string, any>

const live = new Set<ChildProcess>()

/** Kills the children still running (on an interrupt of the whole run). */
export const killChildren = (): void => {
  for (const child of live) child.kill('SIGKILL')
}

/** Resolves a path beside the caller's module, for a child script. */
export const scriptPath = (relative: string, base: string): string => fileURLToPath(new URL(relative, base))

/**
 * Runs `script` in a fresh `node` with `params` as its JSON argument and resolves with the result
 * it printed. A child that fails, or prints no result, rejects with its stderr.
 *
 * @example
 * ```ts
 * const metrics = await runChild(scriptPath('../children/warm.ts', import.meta.url), { subject: 'bare' }, { env })
 * ```
 */
export const runChild = (script: string, params: unknown, options: ChildOptions): Promise<Metrics> =>
  new Promise((resolve, reject) => {
    const args = [...(options.execArgv ?? []), script, JSON.stringify(params)]
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env })
    live.add(child)
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text
    })
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      live.delete(child)
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX))
      if (code === 0 && line !== undefined) return resolve(JSON.parse(line.slice(RESULT_PREFIX.length)))
      reject(new Error(`child ${script} failed (${signal ?? `exit ${code}`}):\n${stderr}${stdout}`.trim()))
    })
  })

/** The rounds of each subject, in run order. */
export type RoundResults<S extends string> = Record<S, Metrics[]>

/**
 * Runs `rounds` rounds; each round runs every subject once, in an order rotated from round to
 * round, so no subject always runs first (or right after the same neighbour).
 *
 * @example
 * ```ts
 * const results = await interleave(8, ['bare', 'ours'], (subject, round) => runChild(script, { subject }, { env }))
 * results.ours[0] // the first round's metrics of 'ours'
 * ```
 */
export const interleave = async <S extends string>(
  rounds: number,
  subjects: readonly S[],
  run: (subject: S, round: number) => Promise<Metrics>,
  progress?: (line: string) => void,
): Promise<RoundResults<S>> => {
  const results = Object.fromEntries(subjects.map((s) => [s, [] as Metrics[]])) as RoundResults<S>
  for (let round = 0; round < rounds; round++) {
    const started = performance.now()
    for (let i = 0; i < subjects.length; i++) {
      const subject = subjects[(i + round) % subjects.length]!
      results[subject].push(await run(subject, round))
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    progress?.(`round ${round + 1}/${rounds} (${subjects.join(', ')}) ${seconds} s`)
  }
  return results
}
