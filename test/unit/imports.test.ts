/**
 * The module graph of src/: imports only go down (no cycle, type-only imports included), and the
 * middleware path never imports the testing entry.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from '@jest/globals'

const SRC = resolve(import.meta.dirname, '../../src')

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  )

const graph = (): Map<string, string[]> => {
  const edges = new Map<string, string[]>()
  for (const file of files(SRC)) {
    const text = readFileSync(file, 'utf8')
    const targets = [...text.matchAll(/^(?:import|export)[^'"]*?from\s+'(\.{1,2}\/[^']+)'/gm)].map((m) =>
      relative(SRC, resolve(dirname(file), m[1]!)),
    )
    edges.set(relative(SRC, file), targets)
  }
  return edges
}

const findCycle = (edges: Map<string, string[]>): string[] | undefined => {
  const state = new Map<string, 'open' | 'done'>()
  const path: string[] = []
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined
    if (state.get(node) === 'open') return [...path.slice(path.indexOf(node)), node]
    state.set(node, 'open')
    path.push(node)
    for (const next of edges.get(node) ?? []) {
      const cycle = visit(next)
      if (cycle) return cycle
    }
    path.pop()
    state.set(node, 'done')
    return undefined
  }
  for (const node of edges.keys()) {
    const cycle = visit(node)
    if (cycle) return cycle
  }
  return undefined
}

describe('imports', () => {
  it('form no cycle, type-only imports included', () => {
    expect(findCycle(graph())).toBeUndefined()
  })

  it('keep the middleware path off the testing entry', () => {
    for (const [file, targets] of graph()) {
      if (file.startsWith('testing/')) continue
      expect({ file, testing: targets.filter((t) => t.startsWith('testing/')) }).toEqual({
        file,
        testing: [],
      })
    }
  })
})
