/**
 * The measure of the @middy/ssm drop-in: middy's own unit tests for @middy/ssm (7.x, vendored in
 * ssm-middy/index.test.mjs with only its imports swapped) run as middy runs them, with node --test
 * and its mock timers, no extension token in the environment (so 'auto' takes the SDK path, where
 * aws-sdk-client-mock answers). Every test passes but the excepted ones, each for a line of the
 * README's migration section.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const SUITE = fileURLToPath(new URL('./ssm-middy/index.test.mjs', import.meta.url))
const TOTAL = 50

/** Tests that assert middy's behaviour where this package documents a better one. */
const EXCEPTED: Record<string, string> = {
  // Errors: the ParamsSecretsError itself, not Error('Failed to resolve internal values').
  'It should reject (not silently resolve undefined) for an invalid cross-account ARN': 'errors',
  'It should throw error if InvalidParameters returned': 'errors',
  'It should catch if an error is returned from fetchSingle': 'errors',
  'It should catch if an error is returned from fetchPath': 'errors',
  'It should clear failed named batch from cache so the next invocation refetches': 'errors',
  // A name in neither Parameters nor InvalidParameters is InvalidResponse, not a silent undefined.
  'It should resolve single-batch named values to undefined when Parameters is missing': 'invalid-response',
  // The SDK loads lazily (never on the layer path): the prefetch's client is built and its request
  // sent a few ticks after the factory returns, not synchronously inside it.
  'It should prefetch by default (disablePrefetch defaults to false)': 'lazy-sdk',
  'It should reuse the prefetched client and not recreate it on invocation': 'lazy-sdk',
}
// Fails in the whole file only because the two lazy-sdk tests above end at their first assertion,
// before their prefetch's request: that request then reaches this test's mock. Alone it passes.
const COLLATERAL = 'It should cache forever by default (cacheExpiry defaults to -1)'

interface Outcome {
  passed: string[]
  failed: string[]
}

const tokens = ['AWS_TOKEN', 'AWS_SESSION_TOKEN', 'AWS_CONTAINER_AUTHORIZATION_TOKEN']

/** Runs the vendored file with node --test (TAP), bounded; the outcome of each top-level test. */
const runSuite = (namePattern?: string): Promise<Outcome> =>
  new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, AWS_REGION: 'us-east-1' }
    for (const name of tokens) delete env[name]
    const args = ['--no-warnings', '--test', '--test-reporter=tap']
    if (namePattern) args.push(`--test-name-pattern=${namePattern}`)
    execFile(
      process.execPath,
      [...args, SUITE],
      { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout) => {
        if (error && (error as { killed?: boolean }).killed) return reject(new Error('node --test timed out'))
        const passed: string[] = []
        const failed: string[] = []
        for (const line of stdout.split('\n')) {
          const m = /^(ok|not ok) \d+ - (.*?)(?: # .*)?$/.exec(line)
          if (m) (m[1] === 'ok' ? passed : failed).push(m[2]!)
        }
        resolve({ passed, failed })
      },
    )
  })

describe("@middy/ssm's own tests, import swapped to middy-params-secrets/ssm", () => {
  it('pass but for the excepted ones', async () => {
    const { passed, failed } = await runSuite()
    expect(passed.length + failed.length).toBe(TOTAL)
    expect(failed.filter((name) => name !== COLLATERAL).sort()).toEqual(Object.keys(EXCEPTED).sort())
  })

  it('pass the collateral test when it runs alone', async () => {
    const escaped = COLLATERAL.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    const { passed, failed } = await runSuite(`^${escaped}$`)
    expect({ passed, failed }).toEqual({ passed: [COLLATERAL], failed: [] })
  })
})
