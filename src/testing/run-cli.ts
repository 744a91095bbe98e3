import { randomBytes } from 'node:crypto'
import { startExtensionEmulator } from './emulator.ts'
import { resolveDefaultToken } from './options.ts'
import { loadStoreFile, StoreFileError } from './store-file.ts'
import type { EmulatorProfile, ExtensionEmulator } from './types.ts'

/**
 * Where the CLI writes, and what stops it.
 *
 * @example
 * ```ts
 * const controller = new AbortController()
 * const io: CliIo = { out: console.log, err: console.error, signal: controller.signal }
 * ```
 */
export interface CliIo {
  out(line: string): void
  err(line: string): void
  /** Aborting it stops the emulator (the bin wires SIGINT and SIGTERM to it). */
  signal?: AbortSignal
  /** Called once listening (for tests). */
  onListening?(emulator: ExtensionEmulator): void
}

const NAME = 'params-secrets-emulator'
const USAGE = `usage: ${NAME} --file store.json [--profile layer|agent] [--port N] [--token T]`

class UsageError extends Error {}

interface CliArgs {
  file: string
  profile: EmulatorProfile
  port?: string
  token?: string
}

function parseArgs(argv: readonly string[]): CliArgs | 'help' {
  const given: Record<string, string> = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--help' || arg === '-h') return 'help'
    const match = /^--(file|profile|port|token)(?:=(.*))?$/s.exec(arg)
    if (!match) throw new UsageError(`unknown argument ${JSON.stringify(arg)}`)
    const name = match[1]!
    const value = match[2] ?? argv[++i]
    if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`)
    given[name] = value
  }
  if (given.file === undefined) throw new UsageError('--file is required')
  const profile = given.profile ?? 'layer'
  if (profile !== 'layer' && profile !== 'agent') throw new UsageError('--profile must be layer or agent')
  const args: CliArgs = { file: given.file, profile }
  if (given.port !== undefined) args.port = given.port
  if (given.token !== undefined) args.token = given.token
  return args
}

function parsePort(text: string, source: string): number {
  const port = /^\d+$/.test(text) ? Number(text) : Number.NaN
  if (!(port >= 0 && port <= 65535)) throw new UsageError(`${source} must be a port number (0-65535)`)
  return port
}

function waitForAbort(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return new Promise(() => undefined)
  if (signal.aborted) return Promise.resolve()
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))
}

/**
 * The command line of the emulator: serves the secrets and parameters of a JSON file until the
 * signal aborts. Resolves to the exit code: 0 after a clean stop, 1 after a one-line message on
 * `err` for a bad flag, file, JSON, shape or port. Logs one line per request, never a value.
 *
 * @example
 * ```ts
 * const controller = new AbortController()
 * const done = runCli(['--file', 'store.json', '--port', '0'], process.env, {
 *   out: console.log, err: console.error, signal: controller.signal,
 * })
 * controller.abort()
 * await done // 0
 * ```
 */
export async function runCli(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  io: CliIo,
): Promise<number> {
  let emulator: ExtensionEmulator
  try {
    const args = parseArgs(argv)
    if (args === 'help') {
      io.out(USAGE)
      return 0
    }
    const cli = args
    const port = cli.port
      ? parsePort(cli.port, '--port')
      : env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT
        ? parsePort(env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT, 'PARAMETERS_SECRETS_EXTENSION_HTTP_PORT')
        : 2773
    const { secrets, parameters } = await loadStoreFile(cli.file)
    let token = cli.token ?? resolveDefaultToken(cli.profile, env)
    if (!token) {
      token = randomBytes(24).toString('base64url')
      io.out('no token configured: generated a local-only one; set it for the client:')
      io.out(`export AWS_SESSION_TOKEN=${token}`)
    }
    emulator = await startExtensionEmulator({
      profile: cli.profile,
      port,
      token,
      secrets,
      parameters,
      env,
      log: (line) => io.out(line),
    })
  } catch (error) {
    io.err(`${NAME}: ${describe(error)}`)
    return 1
  }
  io.out(`listening on ${emulator.url} (${emulator.profile})`)
  io.onListening?.(emulator)
  await waitForAbort(io.signal)
  await emulator.close()
  io.out('stopped')
  return 0
}

function describe(error: unknown): string {
  if (error instanceof UsageError) return `${error.message} (${USAGE})`
  if (error instanceof StoreFileError) return error.message
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  if (code === 'EADDRINUSE')
    return 'the port is already in use (set --port or PARAMETERS_SECRETS_EXTENSION_HTTP_PORT)'
  if (code === 'EACCES') return 'no permission to listen on that port'
  return error instanceof Error ? error.message : String(error)
}
