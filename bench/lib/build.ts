/**
 * The benchmark measures the BUILT package (`dist/`, through the exports map): rebuild it first
 * when any source file is newer than the build.
 */
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const newestMtime = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
    const path = join(dir, entry.name)
    return Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }, 0)

const mtime = (path: string): number => {
  try {
    return statSync(path).mtimeMs
  } catch {
    return 0
  }
}

/**
 * Runs `rollup -c` (as `npm run build` does) when `dist/` is missing or older than `src/`.
 *
 * @example
 * ```ts
 * ensureBuilt('/work/main', console.log)
 * ```
 */
export const ensureBuilt = (root: string, log: (line: string) => void): void => {
  const built = Math.min(mtime(join(root, 'dist/index.js')), mtime(join(root, 'dist/testing.js')))
  if (built > newestMtime(join(root, 'src'))) return
  log('dist/ is missing or older than src/: building (rollup -c)')
  const rollup = join(root, 'node_modules/rollup/dist/bin/rollup')
  const result = spawnSync(process.execPath, [rollup, '-c'], { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) throw new Error('the build failed')
}
