/**
 * README.md is a guide, and every document's links lead somewhere: a newcomer reaches a running
 * handler and its passing test early, the migrations come before line 250, the whole stays under
 * 400 lines of prose no wider than 120 characters; every relative link, in the README, in
 * CONTRIBUTING.md and in docs/, points at a file, and every anchor at a heading of its target.
 * Code blocks, shell lines, JSON and tables have their own tests beside this one.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { allBlocks, documents, readme, root } from './markdown.ts'

const lines = readme.split('\n')
const lineOf = (pattern: RegExp): number => {
  const at = lines.findIndex((l) => pattern.test(l))
  if (at < 0) throw new Error(`README.md has no line matching ${pattern}`)
  return at + 1
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as dashes. */
const slug = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-')

const anchorsOf = (markdown: string): Set<string> =>
  new Set(
    markdown
      .split('\n')
      .filter((l) => /^#+ /.test(l))
      .map((l) => slug(l.replace(/^#+ /, ''))),
  )

/** The Markdown outside code blocks (a link-looking string in code is not a link). */
const prose = (markdown: string): string => markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '')

describe('README.md as a guide', () => {
  it('stays under 400 lines', () => {
    expect(lines.length).toBeLessThan(400)
  })

  it('reaches a running handler and a passing test of it within its first 150 lines', () => {
    const blocks = allBlocks().filter((b) => b.file === 'README.md')
    const handler = blocks.find((b) => b.marker === 'file handler.ts')!
    const jestTest = blocks.find((b) => b.marker === 'file handler.test.ts (jest)')!
    expect(handler.line).toBeLessThan(60)
    expect(lineOf(/^node invoke\.ts$/)).toBeLessThan(100)
    expect(jestTest.line + jestTest.code.split('\n').length).toBeLessThan(150)
    expect(lineOf(/^NODE_OPTIONS=--experimental-vm-modules npx jest$/)).toBeLessThan(150)
  })

  it('puts the migrations before line 250, and deployment after them', () => {
    expect(lineOf(/^## Migrating from @middy\/secrets-manager$/)).toBeLessThan(250)
    expect(lineOf(/^## Migrating from @middy\/ssm$/)).toBeGreaterThan(
      lineOf(/^## Migrating from @middy\/secrets-manager$/),
    )
    expect(lineOf(/^## Deploy$/)).toBeGreaterThan(lineOf(/^## Migrating from @middy\/ssm$/))
  })

  it('follows the order install, quick start, run, test, migrate, deploy, links', () => {
    const order = [
      'Install',
      'Quick start',
      'Run it locally',
      'Test it',
      'Migrating from @middy/secrets-manager',
    ]
    const at = order.map((h) => lineOf(new RegExp(`^## ${h.replace(/[/]/g, '\\/')}$`)))
    expect(at).toEqual([...at].sort((a, b) => a - b))
    expect(lineOf(/^## Documentation$/)).toBeGreaterThan(lineOf(/^## Deploy$/))
  })

  it('leaves internals to docs/', () => {
    for (const internal of [/undici/i, /ParseBool/, /every 20 ms/, /node:http/])
      expect([String(internal), internal.test(prose(readme))]).toEqual([String(internal), false])
  })
})

describe('prose of every document', () => {
  it.each(Object.keys(documents))('%s: lines of prose at most 120 characters', (file) => {
    // a URL cannot be wrapped: it counts as five characters
    const long = prose(documents[file]!)
      .split('\n')
      .filter((l) => !l.startsWith('|') && l.replace(/\(https?:\/\/[^)]+\)/g, '(URL)').length > 120)
    expect(long).toEqual([])
  })

  it.each(Object.keys(documents))(
    '%s: every relative link points at a file, every anchor at a heading',
    (file) => {
      const text = prose(documents[file]!)
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(https?:|mailto:)/.test(target!)) continue
        const [path, anchor] = target!.split('#') as [string, string | undefined]
        const resolved = path === '' ? file : normalize(join(dirname(file), path))
        expect([file, target, existsSync(join(root, resolved))]).toEqual([file, target, true])
        if (anchor !== undefined && resolved.endsWith('.md')) {
          const anchors = anchorsOf(documents[resolved] ?? readFileSync(join(root, resolved), 'utf8'))
          expect([file, target, anchors.has(anchor)]).toEqual([file, target, true])
        }
      }
    },
  )
})
