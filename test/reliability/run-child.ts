/**
 * Runs a TypeScript file of this folder in a child Node process (Node strips the types), with a
 * deadline: the child must exit by itself. Gives back its exit code, stdout and stderr.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export interface ChildResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** the child was killed at the deadline: something kept it alive */
  timedOut: boolean
  durationMs: number
}

const here = fileURLToPath(new URL('.', import.meta.url))

export const runChild = (
  file: string,
  args: string[] = [],
  options: { nodeArgs?: string[]; deadlineMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<ChildResult> =>
  new Promise((resolve, reject) => {
    const started = Date.now()
    const child = spawn(
      process.execPath,
      ['--no-warnings', ...(options.nodeArgs ?? []), `${here}${file}`, ...args],
      { cwd: here, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let stdout = ''
    let stderr = ''
    let timedOut = false
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    const deadline = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, options.deadlineMs ?? 10_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(deadline)
      resolve({ code, signal, stdout, stderr, timedOut, durationMs: Date.now() - started })
    })
  })
