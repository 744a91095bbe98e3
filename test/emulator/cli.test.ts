/**
 * The CLI: runCli in-process for every path, plus one real process for signals and exit codes.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type CliIo, runCli } from '../../src/testing/run-cli.ts'
import type { ExtensionEmulator } from '../../src/testing/types.ts'
import { request, secretPath } from './helpers.ts'

const DEMO = fileURLToPath(new URL('../../examples/local/demo-store.json', import.meta.url))
const CLI = fileURLToPath(new URL('../../src/testing/cli.ts', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'emulator-cli-'))

function file(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

const STORE = file(
  'store.json',
  JSON.stringify({
    secrets: { db: '{"password":"hunter2"}', bin: { SecretBinary: 'AQID' }, str: { SecretString: 'x' } },
    parameters: { '/p': 'plain', '/s': { value: 'sensitive', type: 'SecureString', labels: ['prod'] } },
  }),
)

/** Runs the CLI until `use` is done with the emulator; returns the exit code and what was written. */
async function run(
  argv: string[],
  env: Record<string, string> = {},
  use?: (emulator: ExtensionEmulator) => Promise<void>,
) {
  const out: string[] = []
  const err: string[] = []
  const controller = new AbortController()
  let used: Promise<void> = Promise.resolve()
  const io: CliIo = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    signal: controller.signal,
    onListening: (emulator) => {
      used = (use?.(emulator) ?? Promise.resolve()).finally(() => controller.abort())
    },
  }
  const code = await runCli(argv, env, io)
  await used
  return { code, out, err }
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })

describe('cli', () => {
  it('serves the file, logs one line per request without values, and exits 0 when stopped', async () => {
    const result = await run(['--file', STORE, '--port', '0', '--token', 'tok'], {}, async (emulator) => {
      expect(emulator.profile).toBe('layer')
      const reply = await request(emulator.port, secretPath('db'), { token: 'tok' })
      expect(JSON.parse(reply.body).SecretString).toBe('{"password":"hunter2"}')
      const bin = await request(emulator.port, secretPath('bin'), { token: 'tok' })
      expect(JSON.parse(bin.body).SecretBinary).toBe('AQID')
      const label = await request(
        emulator.port,
        '/systemsmanager/parameters/get?name=%2Fs&label=prod&withDecryption=true',
        {
          token: 'tok',
        },
      )
      expect(JSON.parse(label.body).Parameter.Value).toBe('sensitive')
    })
    expect(result.code).toBe(0)
    expect(result.err).toEqual([])
    expect(result.out[0]).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+ \(layer\)$/)
    expect(result.out.slice(1, 4)).toHaveLength(3)
    expect(result.out[1]).toBe('GET /secretsmanager/get?secretId=db 200 cache=miss')
    expect(result.out.at(-1)).toBe('stopped')
    expect(result.out.join('\n')).not.toMatch(/hunter2|sensitive|tok\b/)
  })

  it('runs the agent profile with --profile agent and --flag=value forms', async () => {
    const result = await run(
      [`--file=${STORE}`, '--profile=agent', '--port=0'],
      { AWS_TOKEN: 'agent-token' },
      async (emulator) => {
        expect(emulator.profile).toBe('agent')
        expect(emulator.token).toBe('agent-token')
        expect((await request(emulator.port, '/ping', { token: null })).body).toBe('healthy')
      },
    )
    expect(result.code).toBe(0)
    expect(result.out[0]).toMatch(/\(agent\)$/)
  })

  it('listens on PARAMETERS_SECRETS_EXTENSION_HTTP_PORT when no --port is given', async () => {
    const port = await freePort()
    const env = { PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(port), AWS_SESSION_TOKEN: 'env-token' }
    const result = await run(['--file', STORE], env, async (emulator) => {
      expect(emulator.port).toBe(port)
      expect(emulator.token).toBe('env-token')
    })
    expect(result.code).toBe(0)
  })

  it('generates a local token when none is set and prints the export line for it', async () => {
    let token = ''
    const result = await run(['--file', STORE, '--port', '0'], {}, async (emulator) => {
      token = emulator.token
      expect((await request(emulator.port, secretPath('str'), { token })).status).toBe(200)
    })
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/)
    expect(result.out).toContain(`export AWS_SESSION_TOKEN=${token}`)
  })

  it('loads the shipped demo store', async () => {
    const result = await run(['--file', DEMO, '--port', '0', '--token', 't'], {}, async (emulator) => {
      const reply = await request(emulator.port, secretPath('demo/db'), { token: 't' })
      expect(JSON.parse(JSON.parse(reply.body).SecretString)).toMatchObject({ username: expect.any(String) })
    })
    expect(result.code).toBe(0)
  })

  it('prints usage and exits 0 on --help', async () => {
    const result = await run(['--help'])
    expect(result).toMatchObject({ code: 0, err: [] })
    expect(result.out[0]).toMatch(/^usage: params-secrets-emulator --file/)
  })

  it.each([
    ['a missing file', ['--file', join(dir, 'absent.json')], /absent\.json: no such file$/],
    ['a directory', ['--file', dir], /is a directory$/],
    ['bad JSON', ['--file', file('bad.json', '{"secrets": {"db": hunter2}}')], /bad\.json: not valid JSON/],
    [
      'cut JSON',
      ['--file', file('cut.json', '{"secrets": {"db": "hunter2"')],
      /not valid JSON \(line 1, column \d+\)$/,
    ],
    ['a top-level array', ['--file', file('array.json', '[]')], /expected an object/],
    ['an unknown top-level key', ['--file', file('key.json', '{"secret": {}}')], /unknown key "secret"/],
    [
      'a number secret',
      ['--file', file('num.json', '{"secrets": {"db": 42}}')],
      /secrets\["db"\]: expected a string/,
    ],
    [
      'both secret fields',
      [
        '--file',
        file('both.json', '{"secrets": {"db": {"SecretString": "hunter2", "SecretBinary": "AQ=="}}}'),
      ],
      /secrets\["db"\]: expected/,
    ],
    [
      'bad base64',
      ['--file', file('b64.json', '{"secrets": {"b": {"SecretBinary": "hunter2!"}}}')],
      /SecretBinary: expected base64/,
    ],
    [
      'a bad parameter type',
      ['--file', file('type.json', '{"parameters": {"/p": {"value": "hunter2", "type": "Secure"}}}')],
      /parameters\["\/p"\]\.type/,
    ],
    [
      'bad labels',
      ['--file', file('labels.json', '{"parameters": {"/p": {"value": "x", "labels": "prod"}}}')],
      /labels: expected an array/,
    ],
    ['an unknown flag', ['--file', STORE, '--verbose'], /unknown argument "--verbose"/],
    ['a flag without value', ['--file'], /--file needs a value/],
    ['no --file', ['--port', '0'], /--file is required/],
    ['a bad profile', ['--file', STORE, '--profile', 'lambda'], /--profile must be layer or agent/],
    ['a bad port', ['--file', STORE, '--port', '99999'], /--port must be a port number/],
  ])('exits 1 with one line on stderr for %s, naming no value', async (_, argv, message) => {
    const result = await run(argv, { AWS_SESSION_TOKEN: 't' })
    expect(result.code).toBe(1)
    expect(result.err).toHaveLength(1)
    expect(result.err[0]).toMatch(/^params-secrets-emulator: /)
    expect(result.err[0]).toMatch(message)
    expect(result.err[0]).not.toContain('hunter2')
  })

  it('exits 1 when the port is taken, and on a bad port variable', async () => {
    const busy = createServer()
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve))
    const { port } = busy.address() as { port: number }
    const taken = await run(['--file', STORE, '--port', String(port)], { AWS_SESSION_TOKEN: 't' })
    busy.close()
    expect(taken.code).toBe(1)
    expect(taken.err[0]).toMatch(/port is already in use/)
    const bad = await run(['--file', STORE], {
      AWS_SESSION_TOKEN: 't',
      PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: 'x',
    })
    expect(bad.err[0]).toMatch(/PARAMETERS_SECRETS_EXTENSION_HTTP_PORT must be a port number/)
  })

  it('runs as a process: stops with exit code 0 on SIGTERM, exits 1 on a bad file', async () => {
    const child = spawn(process.execPath, [CLI, '--file', STORE, '--port', '0', '--token', 'p'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    const listening = new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString()
        const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)
        if (match) resolve(Number(match[1]))
      })
      child.once('exit', () => reject(new Error(`exited early: ${stdout}`)))
    })
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    const port = await listening
    expect((await request(port, secretPath('db'), { token: 'p' })).status).toBe(200)
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(stdout).toContain('stopped')

    const bad = spawn(process.execPath, [CLI, '--file', join(dir, 'absent.json')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    bad.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    expect(await new Promise((resolve) => bad.once('exit', resolve))).toBe(1)
    // Node's own warnings (NODE_OPTIONS, experimental features) are not ours to count.
    const lines = stderr
      .split('\n')
      .filter((line) => line && !line.startsWith('(node:') && !line.includes('--trace-'))
    expect(lines).toEqual([expect.stringMatching(/^params-secrets-emulator: .*absent\.json: no such file$/)])
  })
})
