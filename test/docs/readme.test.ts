/**
 * README.md cannot rot: every code block is type-checked, run or checked by what it is, the option
 * tables list exactly what the code accepts, and the figures in the prose are the code's constants.
 * Needs `npm run build` first (part of `npm test`): the blocks compile and run against dist/, as a
 * user's code would.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { RegionInfo } from 'aws-cdk-lib/region-info'
import paramsSecrets, { type ParamsSecretsError, secret } from '../../src/index.ts'
import { startExtensionEmulator } from '../../src/testing/index.ts'
import { parseStoreFile } from '../../src/testing/store-file.ts'
import { NOT_READY_WINDOW_MS, REPROBE_MS } from '../../src/transport/select.ts'
import { lambdaContext } from '../helpers/lambda.ts'
import {
  type CodeBlock,
  code,
  codeBlocks,
  readme,
  root,
  section,
  tableStartingWith,
  tables,
} from './markdown.ts'
import {
  createProgram,
  diagnostics,
  numericConstant,
  propertyNames,
  requireBuild,
  setLiterals,
  unionLiterals,
} from './typescript.ts'

const run = promisify(execFile)
const blocks = codeBlocks(readme)
const byLang = (lang: string) => blocks.filter((b) => b.lang === lang)
const where = (block: CodeBlock) => `README.md:${block.line}`
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

/** The source program the tables are compared with. */
const sources = createProgram(
  ['types', 'options', 'errors', 'resolve', 'transport/select', 'transport/extension'].map((f) =>
    join(root, `src/${f}.ts`),
  ),
)

/** `a b "c d" 'e'` -> ['a', 'b', 'c d', 'e'] (enough shell for the README's command lines). */
const shellWords = (line: string): string[] => {
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

const commandLines = (block: CodeBlock): string[] =>
  block.code
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))

/** The JSON block that is a store file for the emulator's command line. */
const storeBlock = (): CodeBlock => {
  const found = byLang('json').filter(
    (b) => 'secrets' in JSON.parse(b.code) || 'parameters' in JSON.parse(b.code),
  )
  expect(found).toHaveLength(1)
  return found[0]!
}

describe('README.md', () => {
  it('has only code blocks of a kind this suite checks', () => {
    for (const block of blocks) {
      expect([where(block), ['ts', 'sh', 'json', 'text', 'diff'].includes(block.lang)]).toEqual([
        where(block),
        true,
      ])
    }
    expect(byLang('ts').length).toBeGreaterThanOrEqual(10)
  })

  it('has every in-page link pointing at a heading and every relative link at a file', async () => {
    const slugs = new Set(
      readme
        .split('\n')
        .filter((l) => /^#+ /.test(l))
        .map((l) =>
          l
            .replace(/^#+ /, '')
            .toLowerCase()
            .replace(/[^a-z0-9 _-]/g, '')
            .replace(/ /g, '-'),
        ),
    )
    for (const [, target] of readme.matchAll(/\]\(#([^)]+)\)/g))
      expect([target, slugs.has(target!)]).toEqual([target, true])
    for (const [, target] of readme.matchAll(/\]\(((?:examples|src|test|bench)\/[^)#]*)\)/g)) {
      await expect(
        readFile(join(root, target!)).catch((e) => (e.code === 'EISDIR' ? 'dir' : e.code)),
      ).resolves.not.toBe('ENOENT')
    }
  })

  describe('TypeScript blocks', () => {
    it('type-check against the built package, as a user project would', () => {
      requireBuild()
      const virtual: Record<string, string> = {}
      const origin = new Map<string, CodeBlock>()
      for (const block of byLang('ts')) {
        // Beside the testing example, so that its `import('./handler.js')` resolves as in a project.
        const file = join(root, 'examples/testing', `__readme_${block.line}.ts`)
        virtual[file] = block.code
        origin.set(file, block)
        if (block.marker === 'also-with @middy/secrets-manager') {
          const swapped = join(root, 'examples/testing', `__readme_${block.line}_middy.ts`)
          expect(block.code).toContain("from 'middy-params-secrets'")
          virtual[swapped] = block.code.replace(
            "from 'middy-params-secrets'",
            "from '@middy/secrets-manager'",
          )
          origin.set(swapped, block)
        }
      }
      const program = createProgram([], virtual)
      const problems = diagnostics(program, Object.keys(virtual)).map((d) => {
        const [file, line, ...rest] = d.split(':')
        const block = origin.get(file!)
        return block ? `README.md:${block.line + Number(line)}:${rest.join(':')}` : d
      })
      expect(problems).toEqual([])
    }, 120_000)

    it('run where marked runnable, with Node.js stripping the types', async () => {
      requireBuild()
      const runnable = byLang('ts').filter((b) => b.marker === 'run')
      expect(runnable.length).toBeGreaterThanOrEqual(2)
      const dir = await mkdtemp(join(tmpdir(), 'mps-readme-'))
      try {
        await symlink(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir')
        await writeFile(join(dir, 'package.json'), JSON.stringify({ type: 'module' }))
        for (const block of runnable) {
          const file = join(dir, `block-${block.line}.ts`)
          const source = block.code
            .replaceAll("'middy-params-secrets/testing'", `'${pathToFileURL(join(root, 'dist/testing.js'))}'`)
            .replaceAll("'middy-params-secrets'", `'${pathToFileURL(join(root, 'dist/index.js'))}'`)
          await writeFile(file, source)
          const result = await run(process.execPath, [file], { cwd: dir, timeout: 15_000 }).catch(
            (error: { stderr?: string; message: string }) => ({ failed: error.stderr || error.message }),
          )
          expect([where(block), result]).toEqual([
            where(block),
            expect.not.objectContaining({ failed: expect.anything() }),
          ])
        }
      } finally {
        await rm(dir, { recursive: true, force: true })
      }
    }, 60_000)
  })

  describe('shell blocks', () => {
    const lines = () => byLang('sh').flatMap((block) => commandLines(block).map((line) => ({ block, line })))

    it('use only commands this suite knows how to check', () => {
      const known =
        /^(npm (ci|test|run \S+|i .+)|npx (params-secrets-emulator|esbuild) .+|export [A-Z_]+=\S+|aws lambda get-layer-version-by-arn .+)$/
      for (const { block, line } of lines())
        expect([where(block), line, known.test(line)]).toEqual([where(block), line, true])
      expect(lines().map((l) => l.line)).toEqual(
        expect.arrayContaining(['npm ci', 'npm test', 'npm run example']),
      )
    })

    it('run npm scripts that exist', () => {
      for (const { line } of lines()) {
        const script = /^npm run (\S+)/.exec(line)?.[1]
        if (script) expect([script, script in packageJson.scripts]).toEqual([script, true])
      }
    })

    it('install this package with its required peers', () => {
      const install = lines().filter(({ line }) => line.startsWith('npm i '))
      expect(install).toHaveLength(1)
      const names = shellWords(install[0]!.line).slice(2)
      const optional = packageJson.peerDependenciesMeta ?? {}
      const required = Object.keys(packageJson.peerDependencies).filter((n) => !optional[n]?.optional)
      expect(names.sort()).toEqual([packageJson.name, ...required].sort())
    })

    it('start the emulator command line with the README store file, and export what it serves on', async () => {
      requireBuild()
      const cli = lines().find(({ line }) => line.startsWith('npx params-secrets-emulator '))!.line
      expect(packageJson.bin['params-secrets-emulator']).toBe('./dist/emulator-cli.js')
      const args = shellWords(cli).slice(2)
      const flag = (name: string) => args[args.indexOf(name) + 1]
      // the exports tell the handler's shell the same port and token
      const exports = Object.fromEntries(
        lines()
          .filter(({ line }) => line.startsWith('export '))
          .map(({ line }) => line.slice('export '.length).split('=')),
      )
      expect(exports).toEqual({
        AWS_SESSION_TOKEN: flag('--token'),
        PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: flag('--port'),
      })

      const dir = await mkdtemp(join(tmpdir(), 'mps-cli-'))
      let child: ChildProcess | undefined
      try {
        await writeFile(join(dir, flag('--file')!), storeBlock().code)
        const argv = args.map((a, i) => (args[i - 1] === '--port' ? '0' : a)) // any free port here
        child = spawn(process.execPath, [join(root, packageJson.bin['params-secrets-emulator']), ...argv], {
          cwd: dir,
          stdio: ['ignore', 'pipe', 'pipe'],
        })
        let out = ''
        child.stdout!.on('data', (chunk) => {
          out += chunk
        })
        child.stderr!.on('data', (chunk) => {
          out += chunk
        })
        const exited = new Promise<number | null>((resolve) => child!.on('exit', resolve))
        const deadline = Date.now() + 10_000
        while (!/listening on http:\/\/127\.0\.0\.1:\d+ \(layer\)/.test(out) && Date.now() < deadline) {
          if (child.exitCode !== null) break
          await new Promise((resolve) => setTimeout(resolve, 20))
        }
        expect(out).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+ \(layer\)/)
        const port = Number(/127\.0\.0\.1:(\d+)/.exec(out)![1])
        const answer = await fetch(`http://127.0.0.1:${port}/secretsmanager/get?secretId=prod%2Fdb`, {
          headers: { 'X-Aws-Parameters-Secrets-Token': flag('--token')! },
        })
        expect(answer.status).toBe(200)
        child.kill('SIGTERM')
        expect(await exited).toBe(0)
        expect(out).toContain('stopped')
      } finally {
        if (child && child.exitCode === null) child.kill('SIGKILL')
        await rm(dir, { recursive: true, force: true })
      }
    }, 30_000)

    it('bundle a handler with the esbuild line into an ESM file that runs against the emulator', async () => {
      requireBuild()
      const line = lines().find(({ line }) => line.startsWith('npx esbuild '))!.line
      const dir = await mkdtemp(join(tmpdir(), 'mps-esbuild-'))
      const outfile = join(dir, 'handler.mjs')
      try {
        const args = shellWords(line)
          .slice(2)
          .map((a) =>
            a === 'handler.ts'
              ? join(root, 'examples/testing/handler.ts')
              : a.startsWith('--outfile=')
                ? `--outfile=${outfile}`
                : a,
          )
        await run(join(root, 'node_modules/.bin/esbuild'), args, { cwd: root })
        const emulator = await startExtensionEmulator({
          token: 'bundle-token',
          secrets: { 'prod/db': '{"username":"bundled","password":"pw"}' },
          parameters: { '/prod/app/flags': '{"beta":true}' },
        })
        try {
          const script = [
            `const app = await import(${JSON.stringify(pathToFileURL(outfile).href)})`,
            'const result = await app.handler({ name: "bundle" }, { getRemainingTimeInMillis: () => 3000 })',
            'await app.secrets.close()',
            'console.log(JSON.stringify(result))',
          ].join('\n')
          const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
            cwd: dir,
            timeout: 15_000,
            env: {
              ...process.env,
              AWS_SESSION_TOKEN: emulator.token,
              PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(emulator.port),
            },
          })
          expect(JSON.parse(stdout)).toEqual({ greeting: 'Welcome to the beta, bundle', dbUser: 'bundled' })
        } finally {
          await emulator.close()
        }
      } finally {
        await rm(dir, { recursive: true, force: true })
      }
    }, 60_000)

    it('check a layer ARN that aws-cdk-lib knows for its region and architecture', () => {
      const line = lines().find(({ line }) => line.startsWith('aws lambda get-layer-version-by-arn '))!.line
      const arn = shellWords(line)[shellWords(line).indexOf('--arn') + 1]!
      const [, region, layer] = /^arn:aws:lambda:([a-z0-9-]+):\d{12}:layer:([A-Za-z0-9-]+):\d+$/.exec(arn)!
      const arch = layer!.endsWith('-Arm64') ? 'arm64' : 'x86_64'
      expect(arn).toBe(RegionInfo.get(region!).paramsAndSecretsLambdaLayerArn('1.0.103', arch))
    })
  })

  describe('JSON blocks', () => {
    const policies = () => byLang('json').filter((b) => 'Statement' in JSON.parse(b.code))

    it('are each an IAM policy or the store file', () => {
      for (const block of byLang('json')) {
        const json = JSON.parse(block.code)
        expect([where(block), 'Statement' in json || 'secrets' in json || 'parameters' in json]).toEqual([
          where(block),
          true,
        ])
      }
    })

    it('IAM policies are well-formed, least-privilege statements on real actions', () => {
      const actions = new Set([
        'secretsmanager:GetSecretValue',
        'secretsmanager:DescribeSecret',
        'ssm:GetParameter',
        'ssm:GetParameters',
        'ssm:GetParametersByPath',
        'kms:Decrypt',
      ])
      const arn = /^arn:aws:(secretsmanager|ssm|kms):([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):(.+)$/
      expect(policies().length).toBeGreaterThanOrEqual(3)
      for (const block of policies()) {
        const policy = JSON.parse(block.code)
        expect(Object.keys(policy).sort()).toEqual(['Statement', 'Version'])
        expect(policy.Version).toBe('2012-10-17')
        expect(Array.isArray(policy.Statement) && policy.Statement.length > 0).toBe(true)
        for (const statement of policy.Statement) {
          expect(statement.Effect).toBe('Allow')
          expect(statement.Sid).toMatch(/^[A-Za-z0-9]+$/)
          const list = [statement.Action].flat()
          for (const action of list)
            expect([where(block), action, actions.has(action)]).toEqual([where(block), action, true])
          for (const resource of [statement.Resource].flat()) {
            const [, service, , , rest] = arn.exec(resource) ?? []
            expect([where(block), resource, service]).toEqual([where(block), resource, list[0].split(':')[0]])
            if (service === 'secretsmanager') expect(rest).toMatch(/^secret:[\w/+=.@-]+-\?{6}$/)
            if (service === 'ssm') expect(rest).toMatch(/^parameter\/[\w/.-]+(\/\*)?$/)
            if (service === 'kms') expect(rest).toMatch(/^key\/[0-9a-f-]{36}$/)
          }
          if (list.includes('kms:Decrypt')) {
            const region = arn.exec([statement.Resource].flat()[0])![2]
            expect(statement.Condition).toEqual({
              StringEquals: {
                'kms:ViaService': [`secretsmanager.${region}.amazonaws.com`, `ssm.${region}.amazonaws.com`],
              },
            })
          }
        }
      }
    })

    it('the store file is one the emulator accepts', () => {
      const store = parseStoreFile(storeBlock().code, where(storeBlock()))
      expect(Object.keys(store.secrets).length).toBeGreaterThan(0)
      expect(Object.keys(store.parameters).length).toBeGreaterThan(0)
    })
  })

  describe('text and diff blocks', () => {
    it('give layer ARN patterns that match the ARNs aws-cdk-lib knows, per architecture', () => {
      const block = byLang('text').find((b) =>
        b.code.includes('AWS-Parameters-and-Secrets-Lambda-Extension'),
      )!
      const lines = commandLines(block)
      expect(lines).toHaveLength(2)
      for (const line of lines) {
        const [, pattern, arch] = /^(\S+)\s+\((x86_64|arm64)\)$/.exec(line)!
        const regex = new RegExp(
          `^${pattern!.replace('REGION', '([a-z0-9-]+)').replace('ACCOUNT', '(\\d{12})').replace('VERSION', '(\\d+)')}$`,
        )
        for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'sa-east-1']) {
          const known = RegionInfo.get(region).paramsAndSecretsLambdaLayerArn('1.0.103', arch as 'arm64')
          expect([line, known, regex.test(known ?? '')]).toEqual([line, known, true])
        }
      }
    })

    it('name publishing accounts that aws-cdk-lib knows for those regions', () => {
      const named = [...section(readme, 'The layer').matchAll(/`(\d{12})`\s+in ([a-z]{2}-[a-z]+-\d)/g)]
      expect(named.length).toBeGreaterThanOrEqual(2)
      for (const [, account, region] of named) {
        expect(RegionInfo.get(region!).paramsAndSecretsLambdaLayerArn('1.0.103', 'x86_64')).toContain(
          `:${account}:`,
        )
      }
    })

    it('show each migration as the swap of one import', () => {
      const diff = byLang('diff')
      const swaps: Array<[string, string]> = [
        ["'@middy/secrets-manager'", "'middy-params-secrets'"],
        ["'@middy/ssm'", "'middy-params-secrets/ssm'"],
      ]
      expect(diff).toHaveLength(swaps.length)
      diff.forEach((block, i) => {
        const lines = commandLines(block)
        const removed = lines.filter((l) => l.startsWith('-')).map((l) => l.slice(1))
        const added = lines.filter((l) => l.startsWith('+')).map((l) => l.slice(1))
        expect(removed).toHaveLength(1)
        expect(added).toEqual([removed[0]!.replace(...swaps[i]!)])
        expect(added[0]).not.toBe(removed[0])
      })
    })
  })

  describe('option tables', () => {
    const options = section(readme, 'Options')
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
        [...setLiterals(sources, 'src/options.ts', 'extensionKeys')].sort(),
      )
      expect([...documented].sort()).toEqual(
        [...propertyNames(sources, 'src/types.ts', 'ExtensionOptions')].sort(),
      )
      const defaultOf = (name: string) => rows.find((r) => r.option === `\`${name}\``)!.default
      expect(defaultOf('port')).toContain(`\`${numericConstant(sources, 'src/options.ts', 'DEFAULT_PORT')}\``)
      expect(defaultOf('timeoutMs')).toBe(
        `\`${numericConstant(sources, 'src/options.ts', 'DEFAULT_TIMEOUT_MS')}\``,
      )
      expect(defaultOf('connections')).toBe(
        `\`${numericConstant(sources, 'src/options.ts', 'DEFAULT_CONNECTIONS')}\``,
      )
    })

    it('list exactly the key options of secrets and parameters, with what each applies to', () => {
      const rows = tableStartingWith(section(readme, 'Key specs and JSON modes'), 'key option')
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
      const testing = section(readme, 'Testing your handlers')
      const rows = tableStartingWith(testing, 'option')
      const documented = rows.flatMap((r) => r.option!.split(/,\s*/).map(code))
      const program = createProgram([join(root, 'src/testing/types.ts')])
      expect([...documented].sort()).toEqual(
        [...propertyNames(program, 'src/testing/types.ts', 'EmulatorOptions')].sort(),
      )
      const paragraph = testing.slice(testing.indexOf('It resolves to an emulator'))
      for (const member of propertyNames(program, 'src/testing/types.ts', 'ExtensionEmulator')) {
        expect([member, new RegExp(`\`${member}[\`(]`).test(paragraph)]).toEqual([member, true])
      }
    })

    it('name every error code of the package in Troubleshooting', () => {
      const rows = tableStartingWith(section(readme, 'Troubleshooting'), 'code')
      const documented = names(rows, 'code')
      const own = unionLiterals(sources, 'src/errors.ts', 'ParamsSecretsErrorCode')
      expect(own.length).toBeGreaterThanOrEqual(9)
      expect(own.filter((c) => !documented.includes(c))).toEqual([])
      expect(documented).toEqual(
        expect.arrayContaining([
          'AccessDeniedException',
          'ResourceNotFoundException',
          'ParameterNotFound',
          'ThrottlingException',
        ]),
      )
    })
  })

  describe('figures in the prose', () => {
    it('are the constants of the code', () => {
      const num = (file: string, name: string) => numericConstant(sources, file, name)
      expect(readme).toContain(`**${REPROBE_MS / 1000} seconds**`)
      expect(readme).toContain(`**${NOT_READY_WINDOW_MS} ms**`)
      expect(readme).toContain(`every ${num('src/transport/select.ts', 'NOT_READY_STEP_MS')} ms`)
      expect(num('src/policy.ts', 'HANDLER_RESERVE_MAX_MS')).toBe(1000)
      expect(num('src/policy.ts', 'HANDLER_RESERVE_SHARE')).toBe(0.2)
      expect(readme).toContain('a fifth of the remaining time, at most 1 s')
      expect(readme).toContain(`${num('src/transport/extension.ts', 'MAX_ATTEMPTS')} attempts in all`)
      expect(readme).toContain(
        `(${num('src/policy.ts', 'THROTTLE_BACKOFF_BASE_MS')} ms doubling up to ${num('src/policy.ts', 'THROTTLE_BACKOFF_MAX_MS') / 1000} s, with jitter)`,
      )
    })
  })

  describe('JSON modes table', () => {
    // A cell is a JavaScript literal (the value the handler gets) or an error code.
    const expected = (cell: string): unknown =>
      /^[A-Z]\w+$/.test(code(cell)) ? { code: code(cell) } : new Function(`return (${code(cell)})`)()

    it('is what the middleware gives the handler for each text and mode', async () => {
      const rows = tableStartingWith(section(readme, 'Key specs and JSON modes'), 'text')
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
})
