/**
 * The project's TypeScript, for the documentation tests: type-check code that exists only in
 * memory (README blocks) as if it were a file of the repository, and read facts from the sources
 * (option names, error codes) so the documentation cannot drift from them.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import ts from 'typescript'
import { root } from './markdown.ts'

export const compilerOptions = (tsconfig = join(root, 'tsconfig.json')): ts.CompilerOptions => {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    tsconfig,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'))
      },
    },
  )
  if (!parsed) throw new Error(`cannot read ${tsconfig}`)
  return { ...parsed.options, noEmit: true }
}

/** A program over real files plus `virtual` ones (absolute path -> text) that never touch the disk. */
export const createProgram = (
  rootNames: string[],
  virtual: Record<string, string> = {},
  options: ts.CompilerOptions = compilerOptions(),
): ts.Program => {
  const host = ts.createCompilerHost(options, true)
  const { fileExists, readFile, getSourceFile, directoryExists } = host
  host.fileExists = (file) => file in virtual || fileExists.call(host, file)
  host.readFile = (file) => virtual[file] ?? readFile.call(host, file)
  host.directoryExists = (dir) =>
    Object.keys(virtual).some((file) => dirname(file) === dir) || (directoryExists?.call(host, dir) ?? true)
  host.getSourceFile = (file, languageVersion, onError, shouldCreate) =>
    file in virtual
      ? ts.createSourceFile(file, virtual[file]!, languageVersion, true)
      : getSourceFile.call(host, file, languageVersion, onError, shouldCreate)
  return ts.createProgram({ rootNames: [...rootNames, ...Object.keys(virtual)], options, host })
}

/** Diagnostics as `file:line:col message`, for the given files only (all when none given). */
export const diagnostics = (program: ts.Program, files?: string[]): string[] =>
  ts
    .getPreEmitDiagnostics(program)
    .filter((d) => files === undefined || (d.file !== undefined && files.includes(d.file.fileName)))
    .map((d) => {
      const text = ts.flattenDiagnosticMessageText(d.messageText, '\n')
      if (!d.file || d.start === undefined) return text
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start)
      return `${d.file.fileName}:${line + 1}:${character + 1} ${text}`
    })

const sourceFile = (program: ts.Program, file: string): ts.SourceFile => {
  const source = program.getSourceFile(join(root, file))
  if (!source) throw new Error(`${file} is not in the program`)
  return source
}

/** The string literals of `const NAME = new Set([...])` in a source file (spreads of calls are not followed). */
export const setLiterals = (program: ts.Program, file: string, name: string): string[] => {
  let found: string[] | undefined
  const visit = (node: ts.Node): void => {
    if (
      ts.isVariableDeclaration(node) &&
      ts.isIdentifier(node.name) &&
      node.name.text === name &&
      node.initializer &&
      ts.isNewExpression(node.initializer) &&
      node.initializer.arguments?.[0] &&
      ts.isArrayLiteralExpression(node.initializer.arguments[0])
    ) {
      found = node.initializer.arguments[0].elements.filter(ts.isStringLiteral).map((e) => e.text)
    }
    ts.forEachChild(node, visit)
  }
  visit(sourceFile(program, file))
  if (!found) throw new Error(`${file} has no "const ${name} = new Set([...])"`)
  return found
}

/** The value of `const NAME = <number>` in a source file. */
export const numericConstant = (program: ts.Program, file: string, name: string): number => {
  let found: number | undefined
  const visit = (node: ts.Node): void => {
    if (
      ts.isVariableDeclaration(node) &&
      ts.isIdentifier(node.name) &&
      node.name.text === name &&
      node.initializer &&
      ts.isNumericLiteral(node.initializer)
    ) {
      found = Number(node.initializer.text.replace(/_/g, ''))
    }
    ts.forEachChild(node, visit)
  }
  visit(sourceFile(program, file))
  if (found === undefined) throw new Error(`${file} has no "const ${name} = <number>"`)
  return found
}

const declaredType = (program: ts.Program, file: string, name: string): ts.Type => {
  const checker = program.getTypeChecker()
  const module = checker.getSymbolAtLocation(sourceFile(program, file))
  const symbol = module && checker.getExportsOfModule(module).find((s) => s.name === name)
  if (!symbol) throw new Error(`${file} exports no "${name}"`)
  return checker.getDeclaredTypeOfSymbol(symbol)
}

/** The property names of an exported interface or object type (inherited ones included). */
export const propertyNames = (program: ts.Program, file: string, name: string): string[] =>
  program
    .getTypeChecker()
    .getPropertiesOfType(declaredType(program, file, name))
    .map((p) => p.name)

/** The string literal members of an exported union type. */
export const unionLiterals = (program: ts.Program, file: string, name: string): string[] => {
  const type = declaredType(program, file, name)
  return (type.isUnion() ? type.types : [type]).filter((t) => t.isStringLiteral()).map((t) => t.value)
}

export const requireBuild = (): void => {
  if (!existsSync(join(root, 'dist/index.d.ts')) || !existsSync(join(root, 'dist/testing.d.ts')))
    throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)')
}

/** The ```ts blocks of every `@example` in a source file (relative to the root), the leading ` * ` removed. */
export const tsdocExamples = (file: string): string[] => {
  const text = readFileSync(join(root, file), 'utf8')
  return [...text.matchAll(/@example\n((?:\s*\*.*\n)+?)\s*\*\s*```\n/g)].map((m) =>
    m[1]!
      .split('\n')
      .map((line) => line.replace(/^\s*\* ?/, ''))
      .filter((line) => !line.startsWith('```'))
      .join('\n'),
  )
}
