/**
 * The README's project: blocks marked `<!-- docs-test: file NAME -->` are files of one user project
 * (the Quick start handler, its script, its configuration), and `file NAME (VARIANT)` a file only
 * one variant has (the jest test, the node:test test). The docs tests and the package test write
 * these files exactly as printed.
 */
import type { CodeBlock } from './markdown.ts'

const FILE_MARKER = /^file (\S+)(?: \(([^)]+)\))?$/

const projectBlocks = (blocks: CodeBlock[]) =>
  blocks.flatMap((block) => {
    const match = block.file === 'README.md' ? FILE_MARKER.exec(block.marker ?? '') : null
    return match ? [{ name: match[1]!, variant: match[2] ?? '', block }] : []
  })

/** The variants ('' for the files every variant shares). */
export const variants = (blocks: CodeBlock[]): string[] => [
  ...new Set(['', ...projectBlocks(blocks).map((b) => b.variant)]),
]

/** The files of one variant, by name: the shared ones and its own. */
export const projectFiles = (blocks: CodeBlock[], variant: string): Record<string, CodeBlock> => {
  const files: Record<string, CodeBlock> = {}
  for (const b of projectBlocks(blocks)) {
    if (b.variant !== '' && b.variant !== variant) continue
    if (files[b.name] && b.variant === '') throw new Error(`README.md: two blocks are file ${b.name}`)
    files[b.name] = b.block
  }
  return files
}
