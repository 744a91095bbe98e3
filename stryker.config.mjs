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
 */
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
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: '.tmp/mutation/index.html' },
  jsonReporter: { fileName: '.tmp/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  tempDirName: '.tmp/stryker',
  ignorePatterns: ['dist', 'docs', 'coverage', 'bench/results', 'examples/cdk', '.tmp', '*.tgz'],
}
