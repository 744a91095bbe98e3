/**
 * Mutation testing (`npm run mutate`): Stryker mutates src/ (not the emulator in src/testing) and
 * runs the unit tests against each mutant. Not part of `npm test`: a full run takes minutes.
 *
 * - Jest runs as native ESM here, as in `npm run jest`: the runner's Node needs
 *   --experimental-vm-modules.
 * - Only test/unit runs per mutant: the HTTP suites are slow and flaky under mutation (a mutant
 *   that hangs a socket costs a timeout), and the goal is that each module's own tests kill it.
 * - Incremental: the result of the last run is kept in reports/stryker-incremental.json, so a
 *   rerun tests only the mutants whose code or tests changed.
 * - Concurrency 2: the machine has 2 cores shared with other work.
 * - The sandbox (a copy of the project) lives outside the work tree, where jest's module map of a
 *   concurrent `npm test` would find a second package.json.
 */
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { declareClassPlugin, PluginKind } from '@stryker-mutator/api/plugin'

const tree = createHash('sha256').update(process.cwd()).digest('hex').slice(0, 12)

const SUMMARY = 'reports/mutation.md'
const BEGIN = '<!-- mutate:table -->'
const END = '<!-- /mutate:table -->'

/**
 * Rewrites the table of reports/mutation.md (between its markers) from the run's results, one row
 * per file: an incremental run reports every mutant, the reused ones included. Timeouts count as
 * killed, and "no coverage" (no unit test runs that code) as survived, as Stryker's score does.
 */
class MarkdownTableReporter {
  static inject = /** @type {const} */ ([])
  onMutationTestReportReady(report) {
    const rows = Object.entries(report.files)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([file, { mutants }]) => {
        const count = (...statuses) => mutants.filter((m) => statuses.includes(m.status)).length
        const killed = count('Killed', 'Timeout')
        const survived = count('Survived', 'NoCoverage')
        const valid = killed + survived
        const score = valid === 0 ? 'n/a' : ((100 * killed) / valid).toFixed(1)
        return `| ${file} | ${score} | ${killed} | ${survived} | ${count('NoCoverage')} | ${count('Ignored')} |`
      })
    const minutes = (process.uptime() / 60).toFixed(1)
    const table = [
      BEGIN,
      `Last run: ${new Date().toISOString().slice(0, 10)}, ${minutes} min on this machine.`,
      '',
      '| file | score % | killed | survived | of which no coverage | marked equivalent |',
      '| --- | --- | --- | --- | --- | --- |',
      ...rows,
      END,
    ].join('\n')
    let text = ''
    try {
      text = readFileSync(SUMMARY, 'utf8')
    } catch {}
    const start = text.indexOf(BEGIN)
    const stop = text.indexOf(END)
    text =
      start === -1 || stop === -1
        ? `${text}${text ? '\n' : ''}${table}\n`
        : text.slice(0, start) + table + text.slice(stop + END.length)
    writeFileSync(SUMMARY, text)
  }
}

export const strykerPlugins = [
  declareClassPlugin(PluginKind.Reporter, 'markdown-table', MarkdownTableReporter),
]

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  testRunnerNodeArgs: ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning'],
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    // Merged over jest.config.js: the unit tests only.
    config: { testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    enableFindRelatedTests: false,
  },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.stryker.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: ['src/**/*.ts', '!src/testing/**', '!src/**/*.d.ts', '!src/index.ts', '!src/types.ts'],
  coverageAnalysis: 'perTest',
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  concurrency: 2,
  timeoutMS: 10_000,
  plugins: ['@stryker-mutator/*', './stryker.config.mjs'],
  reporters: ['clear-text', 'progress', 'html', 'json', 'markdown-table'],
  htmlReporter: { fileName: '.tmp/mutation/index.html' },
  jsonReporter: { fileName: '.tmp/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  tempDirName: join(tmpdir(), `middy-params-secrets-stryker-${tree}`),
  ignorePatterns: ['dist', 'docs', 'coverage', 'bench/results', 'examples/cdk', '.tmp', '*.tgz'],
}
