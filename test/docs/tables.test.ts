/**
 * The tables of the documentation list exactly what the code accepts and raises (options, key
 * options, the emulator's options and members, error codes), the figures in the prose are the
 * code's constants, and the JSON modes table is what the middleware gives the handler.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import paramsSecrets, { type ParamsSecretsError, secret } from '../../src/index.ts'
import { startExtensionEmulator } from '../../src/testing/index.ts'
import { lambdaContext } from '../helpers/lambda.ts'
import { code, doc, documents, root, section, tableStartingWith, tables } from './markdown.ts'
import { createProgram, numericConstant, propertyNames, setLiterals, unionLiterals } from './typescript.ts'

const sourceFiles = (dir: string): string[] =>
  readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() && e.name !== 'testing'
      ? sourceFiles(join(dir, e.name))
      : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')
        ? [join(dir, e.name)]
        : [],
  )
const srcFiles = sourceFiles('src')

/** The source program the tables are compared with: every file of src/ but the testing entry. */
const sources = createProgram(srcFiles.map((f) => join(root, f)))

const declared = (name: string): boolean =>
  srcFiles.some((f) => new RegExp(`const ${name} = `).test(readFileSync(join(root, f), 'utf8')))

/** `const NAME = <number>` wherever it is in src/ (constants move between modules). */
const constantAnywhere = (name: string): number => {
  const files = srcFiles.filter((f) =>
    new RegExp(`const ${name} = `).test(readFileSync(join(root, f), 'utf8')),
  )
  if (files.length !== 1) throw new Error(`${name} is declared in ${files.length} files of src/`)
  return numericConstant(sources, files[0]!, name)
}

/** The codes src/ can raise: the union of src/errors.ts and the `code: '...'` literals. */
const producedCodes = (): string[] => {
  const literals = srcFiles.flatMap((f) =>
    [...readFileSync(join(root, f), 'utf8').matchAll(/\bcode: '([A-Z]\w+)'/g)].map((m) => m[1]!),
  )
  return [
    ...new Set([...unionLiterals(sources, 'src/errors.ts', 'ParamsSecretsErrorCode'), ...literals]),
  ].sort()
}

describe('option tables', () => {
  const options = section(doc('docs/options.md'), 'Options')
  const names = (rows: Array<Record<string, string>>, column: string) => rows.map((r) => code(r[column]!))

  it('list exactly the middleware options the code accepts', () => {
    const documented = names(tableStartingWith(options, 'option'), 'option')
    const accepted = setLiterals(sources, 'src/options.ts', 'topLevel')
    const typed = propertyNames(sources, 'src/types.ts', 'ParamsSecretsOptions')
    expect(new Set(documented).size).toBe(documented.length)
    expect([...documented].sort()).toEqual([...new Set([...accepted, ...typed])].sort())
    // every typed option is accepted when the middleware is built
    expect(typed.filter((name) => !accepted.includes(name))).toEqual([])
  })

  it('list exactly the extension options, with the code defaults', () => {
    const rows = tables(options).filter((t) => t.length > 0 && Object.keys(t[0]!)[0] === 'option')[1]!
    const documented = names(rows, 'option')
    expect([...documented].sort()).toEqual(
      [...setLiterals(sources, 'src/extension-options.ts', 'extensionKeys')].sort(),
    )
    expect([...documented].sort()).toEqual(
      [...propertyNames(sources, 'src/types.ts', 'ExtensionOptions')].sort(),
    )
    const defaultOf = (name: string) => rows.find((r) => r.option === `\`${name}\``)!.default
    expect(defaultOf('port')).toContain(
      `\`${numericConstant(sources, 'src/extension-options.ts', 'DEFAULT_PORT')}\``,
    )
    expect(defaultOf('timeoutMs')).toBe(
      `\`${numericConstant(sources, 'src/extension-options.ts', 'DEFAULT_TIMEOUT_MS')}\``,
    )
    expect(defaultOf('connections')).toBe(
      `\`${numericConstant(sources, 'src/extension-options.ts', 'DEFAULT_CONNECTIONS')}\``,
    )
  })

  it('list exactly the key options of secrets and parameters, with what each applies to', () => {
    const rows = tableStartingWith(section(doc('docs/options.md'), 'Key specs and JSON modes'), 'key option')
    const secretFields = propertyNames(sources, 'src/types.ts', 'SecretSpec').filter(
      (n) => n !== '__returnType',
    )
    const parameterFields = propertyNames(sources, 'src/types.ts', 'ParameterSpec').filter(
      (n) => n !== '__returnType',
    )
    const documented = names(rows, 'key option')
    expect([...documented].sort()).toEqual([...new Set([...secretFields, ...parameterFields])].sort())
    for (const row of rows) {
      const name = code(row['key option']!)
      const applies =
        secretFields.includes(name) && parameterFields.includes(name)
          ? 'both'
          : secretFields.includes(name)
            ? 'secret'
            : 'parameter'
      expect([name, row['applies to']]).toEqual([name, applies])
    }
  })

  it('list exactly the emulator options, and every member of the emulator it resolves to', () => {
    const testing = section(doc('docs/testing.md'), 'Testing your handlers')
    const rows = tableStartingWith(testing, 'option')
    const documented = rows.flatMap((r) => r.option!.split(/,\s*/).map(code))
    const program = createProgram([join(root, 'src/testing/types.ts')])
    expect([...documented].sort()).toEqual(
      [...propertyNames(program, 'src/testing/types.ts', 'EmulatorOptions')].sort(),
    )
    const paragraph = testing.slice(testing.indexOf('It resolves to an emulator'))
    // `[Symbol.asyncDispose]` is a symbol member, `__@asyncDispose@<id>` to the checker
    const members = propertyNames(program, 'src/testing/types.ts', 'ExtensionEmulator').map((m) =>
      m.startsWith('__@asyncDispose') ? '[Symbol.asyncDispose]' : m,
    )
    expect(members).toContain('[Symbol.asyncDispose]')
    for (const member of members) {
      expect([member, paragraph.includes(`\`${member}\``) || paragraph.includes(`\`${member}(`)]).toEqual([
        member,
        true,
      ])
    }
  })

  it('name in Troubleshooting every code src/ can raise, and only those and AWS codes', () => {
    const rows = tableStartingWith(section(doc('docs/troubleshooting.md'), 'Troubleshooting'), 'code')
    const documented = names(rows, 'code')
    const produced = producedCodes()
    expect(produced.length).toBeGreaterThanOrEqual(9)
    expect(produced.filter((c) => !documented.includes(c))).toEqual([])
    expect(new Set(documented).size).toBe(documented.length)
    // Beside the package's own: upstream codes passed through (the SDK's own name for missing credentials too).
    const upstream = [
      'AccessDeniedException',
      'ResourceNotFoundException',
      'ParameterNotFound',
      'ThrottlingException',
      'ValidationException',
      'CredentialsProviderError',
    ]
    expect(documented.filter((c) => !produced.includes(c) && !upstream.includes(c))).toEqual([])
    expect(documented).toEqual(expect.arrayContaining(upstream))
  })
})

describe('figures in the prose', () => {
  it('are the constants of the code', () => {
    const prose = Object.values(documents).join('\n')
    const num = (name: string) => constantAnywhere(name)
    expect(prose).toContain(`**${num('REPROBE_MS') / 1000} seconds**`)
    expect(prose).toContain(`**${num('NOT_READY_WINDOW_MS')} ms**`)
    expect(prose).toContain(`every ${num('NOT_READY_STEP_MS')} ms`)
    // The handler's reserve (src/policy.ts on main); before it, a fixed second of NOT_READY_RESERVE_MS.
    if (declared('HANDLER_RESERVE_MAX_MS')) {
      expect(num('HANDLER_RESERVE_MAX_MS')).toBe(1000)
      expect(num('HANDLER_RESERVE_SHARE')).toBe(0.2)
    } else expect(num('NOT_READY_RESERVE_MS')).toBe(1000)
    expect(prose).toContain('a fifth of the remaining time, at most 1 s')
    expect(prose).toContain(`${num('MAX_ATTEMPTS')} attempts in all`)
    expect(prose).toContain(
      `(${num('THROTTLE_BACKOFF_BASE_MS')} ms doubling up to ${num('THROTTLE_BACKOFF_MAX_MS') / 1000} s, with jitter)`,
    )
  })
})

describe('JSON modes table', () => {
  // A cell is a JavaScript literal (the value the handler gets) or an error code.
  const expected = (cell: string): unknown =>
    /^[A-Z]\w+$/.test(code(cell)) ? { code: code(cell) } : new Function(`return (${code(cell)})`)()

  it('is what the middleware gives the handler for each text and mode', async () => {
    const rows = tableStartingWith(section(doc('docs/options.md'), 'Key specs and JSON modes'), 'text')
    expect(rows.length).toBeGreaterThanOrEqual(6)
    const texts = rows.map((r) => code(r.text!))
    const emulator = await startExtensionEmulator({
      token: 'json-modes',
      secrets: Object.fromEntries(texts.map((text, i) => [`t${i}`, text])),
    })
    try {
      for (const [i, row] of rows.entries()) {
        for (const [column, json] of [
          ["`json: 'auto'`", 'auto'],
          ['`json: true`', true],
          ['`json: false`', false],
        ] as const) {
          const mw = paramsSecrets({
            fetchData: { v: secret(`t${i}`, { json }) },
            transport: 'extension',
            disablePrefetch: true,
            extension: { port: emulator.port, token: emulator.token },
          })
          const request = { internal: {} as Record<string, unknown>, context: lambdaContext() as any }
          const got = await Promise.resolve(mw.before!(request as any)).then(
            () => request.internal.v,
            (error: unknown) => ({ code: (error as ParamsSecretsError).code }),
          )
          await mw.close()
          expect([texts[i], column, got]).toEqual([texts[i], column, expected(row[column]!)])
        }
      }
    } finally {
      await emulator.close()
    }
  })
})
