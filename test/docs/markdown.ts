/**
 * Just enough Markdown for the documentation tests: the documents (README.md, CONTRIBUTING.md,
 * docs/*.md), fenced code blocks (with the `<!-- docs-test: ... -->` marker right above one),
 * sections by heading, and pipe tables.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export const root = process.cwd()
const read = (file: string): string => readFileSync(join(root, file), 'utf8')
export const readme = read('README.md')

/** Every document the docs tests check, by path from the root. */
export const documents: Record<string, string> = Object.fromEntries(
  [
    'README.md',
    'CONTRIBUTING.md',
    ...readdirSync(join(root, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ]
    .sort()
    .map((file) => [file, read(file)]),
)

/** One document, by path from the root (`docs/options.md`). */
export const doc = (file: string): string => {
  const text = documents[file]
  if (text === undefined) throw new Error(`no document ${file}`)
  return text
}

export interface CodeBlock {
  /** the document, by path from the root */
  file: string
  lang: string
  code: string
  /** 1-based line of the opening fence in the Markdown */
  line: number
  /** the text of a `<!-- docs-test: ... -->` comment on the line above the fence */
  marker: string | undefined
}

export const codeBlocks = (markdown: string, file = 'README.md'): CodeBlock[] => {
  const lines = markdown.split('\n')
  const blocks: CodeBlock[] = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]!)
    if (!open) continue
    const start = i
    const body: string[] = []
    for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i]!)
    if (i === lines.length) throw new Error(`${file}:${start + 1}: unclosed code block`)
    const marker = /^<!--\s*docs-test:\s*(.*?)\s*-->$/.exec(lines[start - 1] ?? '')?.[1]
    blocks.push({ file, lang: open[1]!, code: `${body.join('\n')}\n`, line: start + 1, marker })
  }
  return blocks
}

/** The code blocks of every document. */
export const allBlocks = (): CodeBlock[] =>
  Object.entries(documents).flatMap(([file, text]) => codeBlocks(text, file))

/** `file:line` of a block, for failure messages. */
export const where = (block: CodeBlock, offset = 0): string => `${block.file}:${block.line + offset}`

/** The text under a heading (any level), up to the next heading of the same or a higher level. */
export const section = (markdown: string, heading: string): string => {
  const lines = markdown.split('\n')
  const at = lines.findIndex((l) => /^#+ /.test(l) && l.replace(/^#+ /, '') === heading)
  if (at < 0) throw new Error(`no heading "${heading}"`)
  const level = /^#+/.exec(lines[at]!)![0].length
  const end = lines.findIndex((l, i) => i > at && /^#+ /.test(l) && /^#+/.exec(l)![0].length <= level)
  return lines.slice(at + 1, end < 0 ? undefined : end).join('\n')
}

/** Splits a table row on unescaped pipes; `\|` stays in the cell as `|`. */
const cells = (row: string): string[] =>
  row
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim().replace(/\\\|/g, '|'))

/** Every pipe table in `text`, as rows of cells keyed by the header's cells. */
export const tables = (text: string): Array<Array<Record<string, string>>> => {
  const lines = text.split('\n')
  const found: Array<Array<Record<string, string>>> = []
  for (let i = 0; i + 1 < lines.length; i++) {
    if (!lines[i]!.startsWith('|') || !/^\|(\s*:?-+:?\s*\|)+\s*$/.test(lines[i + 1]!)) continue
    const header = cells(lines[i]!)
    const rows: Array<Record<string, string>> = []
    for (i += 2; i < lines.length && lines[i]!.startsWith('|'); i++) {
      const row = cells(lines[i]!)
      rows.push(Object.fromEntries(header.map((name, n) => [name, row[n] ?? ''])))
    }
    found.push(rows)
  }
  return found
}

/** The table of `text` whose header starts with `firstColumn`. */
export const tableStartingWith = (text: string, firstColumn: string): Array<Record<string, string>> => {
  const table = tables(text).find((rows) => rows.length > 0 && Object.keys(rows[0]!)[0] === firstColumn)
  if (!table) throw new Error(`no table with a first column "${firstColumn}"`)
  return table
}

/** The content of a cell that is one code span: `` `x` `` -> `x` (inner spaces kept). */
export const code = (cell: string): string => {
  const match = /^`([^`]*)`$/.exec(cell)
  if (!match) throw new Error(`expected a single code span, got ${JSON.stringify(cell)}`)
  return match[1]!
}
