/**
 * The JSON blocks of the documentation (IAM policies, the store file) and its text and diff blocks
 * (the layer's ARN patterns, the migrations' one-line swaps), checked against what they describe.
 */
import { RegionInfo } from 'aws-cdk-lib/region-info'
import { parseStoreFile } from '../../src/testing/store-file.ts'
import { commandLines } from './commands.ts'
import { allBlocks, type CodeBlock, doc, section, where } from './markdown.ts'

const byLang = (lang: string) => allBlocks().filter((b) => b.lang === lang)

/** The JSON block that is a store file for the emulator's command line. */
const storeBlock = (): CodeBlock => {
  const found = byLang('json').filter(
    (b) => 'secrets' in JSON.parse(b.code) || 'parameters' in JSON.parse(b.code),
  )
  expect(found).toHaveLength(1)
  return found[0]!
}

describe('JSON blocks of the documentation', () => {
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

describe('text and diff blocks of the documentation', () => {
  it('give layer ARN patterns that match the ARNs aws-cdk-lib knows, per architecture', () => {
    const block = byLang('text').find((b) => b.code.includes('AWS-Parameters-and-Secrets-Lambda-Extension'))!
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
    const named = [
      ...section(doc('docs/deploy.md'), 'The layer').matchAll(/`(\d{12})`\s+in ([a-z]{2}-[a-z]+-\d)/g),
    ]
    expect(named.length).toBeGreaterThanOrEqual(2)
    for (const [, account, region] of named) {
      expect(RegionInfo.get(region!).paramsAndSecretsLambdaLayerArn('1.0.103', 'x86_64')).toContain(
        `:${account}:`,
      )
    }
  })

  it('show each migration as the swap of one import', () => {
    const diff = byLang('diff')
    expect(diff.map((b) => b.file)).toEqual(['README.md', 'README.md'])
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
