/** Just enough shell for the docs tests: the command lines of a block, split into words. */
import type { CodeBlock } from './markdown.ts'

/** `a b "c d" 'e'` -> ['a', 'b', 'c d', 'e'] (enough shell for the documentation's command lines). */
export const shellWords = (line: string): string[] => {
  const words: string[] = []
  let word = ''
  let quote: string | undefined
  let started = false
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = undefined
      else word += ch
    } else if (ch === '"' || ch === "'") {
      quote = ch
      started = true
    } else if (/\s/.test(ch)) {
      if (started || word) words.push(word)
      word = ''
      started = false
    } else word += ch
  }
  if (quote) throw new Error(`unclosed quote in: ${line}`)
  if (started || word) words.push(word)
  return words
}

/** The non-empty, non-comment lines of a block, continuations joined. */
export const commandLines = (block: CodeBlock): string[] =>
  block.code
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
