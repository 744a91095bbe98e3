/** The packed package in a fresh project, as a user installs it. Needs `npm run build` first. */
import { execFile } from 'node:child_process'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
const root = process.cwd()

/** Packs the package into a fresh temp project and installs it there beside `peers`. */
export const packInto = async (
  prefix: string,
  peers: string[],
  manifest: Record<string, unknown> = {},
): Promise<{ dir: string; tarball: string }> => {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: root })
  const tarball = join(dir, JSON.parse(stdout)[0].filename)
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, ...manifest }))
  const flags = ['--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts']
  await run('npm', ['install', tarball, ...peers, ...flags], { cwd: dir })
  return { dir, tarball }
}
