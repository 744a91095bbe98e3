/**
 * The migrated handler (`migrated.ts`) against the emulators, as deployed: with the layer (the
 * secrets and the named parameter through it, the path through the SDK) and without it (all
 * through the SDK). Every AWS call it makes is allowed by `migrated.policy.json`, and every grant
 * there is used by one of them: that policy is what examples/sam and examples/cdk give the
 * function's role (test/docs/sam.test.ts and cdk.test.ts compare them).
 */
import { readFileSync } from 'node:fs'
import { jest } from '@jest/globals'
import {
  type AwsEmulator,
  createEmulatorStore,
  type ExtensionEmulator,
  startAwsEmulator,
  startExtensionEmulator,
} from 'middy-params-secrets/testing'

type App = typeof import('./migrated.js')
type HandlerContext = Parameters<App['handler']>[1]
const context = { getRemainingTimeInMillis: () => 3000 } as HandlerContext

interface Statement {
  Action: string | string[]
  Resource: string | string[]
}
const policy = JSON.parse(readFileSync(new URL('./migrated.policy.json', import.meta.url), 'utf8')) as {
  Statement: Statement[]
}

const region = 'eu-west-1'
const account = '123456789012'
const storeValues = {
  secrets: {
    'prod/db': JSON.stringify({ username: 'app', password: 'test-password' }),
    'prod/api-key': 'test-api-key',
  },
  parameters: {
    '/prod/app/flags': '{"beta":false}',
    '/prod/app/config/api-url': 'https://api.example.com',
    '/prod/app/config/timeout-ms': '2500',
    '/prod/app/other': 'not read',
  },
}
const expected = { greeting: 'Hello, Ada', dbUser: 'app', hasApiKey: true, apiUrl: 'https://api.example.com' }

/** One authorization IAM makes: an action on a resource's ARN. */
type Need = `${string} ${string}`
const secretArn = (id: string) => `arn:aws:secretsmanager:${region}:${account}:secret:${id}-a1B2c3`
const parameterArn = (name: string) => `arn:aws:ssm:${region}:${account}:parameter${name}`

/**
 * What IAM checks for each request: the layer calls GetSecretValue and GetParameter with the
 * function's role; BatchGetSecretValue names no resource, and each secret it returns is authorized
 * by GetSecretValue; GetParametersByPath is authorized on the path as sent, not on what it returns.
 */
const needs = (extension: ExtensionEmulator | undefined, aws: AwsEmulator): Need[] => [
  ...(extension?.requests ?? []).flatMap((r): Need[] =>
    r.kind === 'secret'
      ? [`secretsmanager:GetSecretValue ${secretArn(r.id!)}`]
      : r.kind === 'parameter'
        ? [`ssm:GetParameter ${parameterArn(r.id!)}`]
        : [],
  ),
  ...aws.calls.flatMap(({ target, body }): Need[] => {
    switch (target) {
      case 'secretsmanager.GetSecretValue':
        return [`secretsmanager:GetSecretValue ${secretArn(body.SecretId)}`]
      case 'secretsmanager.BatchGetSecretValue':
        return [
          'secretsmanager:BatchGetSecretValue *',
          ...body.SecretIdList.map((id: string): Need => `secretsmanager:GetSecretValue ${secretArn(id)}`),
        ]
      case 'AmazonSSM.GetParameter':
        return [`ssm:GetParameter ${parameterArn(body.Name)}`]
      case 'AmazonSSM.GetParameters':
        return body.Names.map((name: string): Need => `ssm:GetParameters ${parameterArn(name)}`)
      case 'AmazonSSM.GetParametersByPath':
        return [`ssm:GetParametersByPath ${parameterArn(body.Path)}`]
      default:
        throw new Error(`a call the policy check does not know: ${target}`)
    }
  }),
]

/** IAM's wildcards in a resource: `*` any run of characters, `?` exactly one. */
const matches = (pattern: string, arn: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  ).test(arn)
const grants = policy.Statement.flatMap((s) =>
  [s.Action].flat().flatMap((action) => [s.Resource].flat().map((resource) => ({ action, resource }))),
)
const denied = (all: Need[]) =>
  all.filter((need) => {
    const [action, arn] = need.split(' ') as [string, string]
    return !grants.some((g) => g.action === action && matches(g.resource, arn))
  })

/** Every need of every scenario, for the last test: each grant is used by one of them. */
const used: Need[] = []
const savedEnv = { ...process.env }
const TOKEN_VARIABLES = ['AWS_SESSION_TOKEN', 'AWS_TOKEN', 'AWS_CONTAINER_AUTHORIZATION_TOKEN']

afterAll(() => {
  process.env = savedEnv
})

describe('with the layer', () => {
  let extension: ExtensionEmulator
  let aws: AwsEmulator
  let app: App

  beforeAll(async () => {
    const store = createEmulatorStore({ ...storeValues, region, accountId: account })
    extension = await startExtensionEmulator({ token: 'test-token', store })
    aws = await startAwsEmulator({ store })
    // What Lambda sets (the layer's port and the session token) and the SDK's endpoints.
    Object.assign(process.env, extension.env, aws.env)
    app = await import('./migrated.js')
  })

  afterAll(async () => {
    await Promise.all([app.secrets.close(), app.parameters.close()])
    await Promise.all([extension.close(), aws.close()])
    process.env = { ...savedEnv }
  })

  it('reads the secrets and the named parameter through the layer, the path through the SDK', async () => {
    await expect(app.handler({ name: 'Ada' }, context)).resolves.toEqual({ ...expected, timeoutMs: 2500 })
    expect(extension.requests.map((r) => r.id).sort()).toEqual(['/prod/app/flags', 'prod/api-key', 'prod/db'])
    expect(aws.calls.map((c) => [c.target, c.body])).toEqual([
      ['AmazonSSM.GetParametersByPath', { Path: '/prod/app/config/', Recursive: true, WithDecryption: true }],
    ])
  })

  it('asks nothing on a warm invocation (the secrets kept for good, the parameters for 5 minutes)', async () => {
    const before = [extension.requests.length, aws.calls.length]
    await expect(app.handler({ name: 'Ada' }, context)).resolves.toMatchObject(expected)
    expect([extension.requests.length, aws.calls.length]).toEqual(before)
  })

  it('makes only calls the policy allows', () => {
    const all = needs(extension, aws)
    used.push(...all)
    expect(denied(all)).toEqual([])
  })
})

describe('without the layer (no session token: transport auto reads through the SDK)', () => {
  let aws: AwsEmulator
  let app: App

  beforeAll(async () => {
    aws = await startAwsEmulator({ ...storeValues, region, accountId: account })
    for (const name of TOKEN_VARIABLES) delete process.env[name]
    Object.assign(process.env, aws.env)
    // A fresh copy of the handler's module: its middlewares read the environment when built.
    jest.resetModules()
    app = await import('./migrated.js')
  })

  afterAll(async () => {
    await Promise.all([app.secrets.close(), app.parameters.close()])
    await aws.close()
    process.env = { ...savedEnv }
  })

  it('batches the secrets and the named parameters, and reads the path', async () => {
    await expect(app.handler({ name: 'Ada' }, context)).resolves.toEqual({ ...expected, timeoutMs: 2500 })
    expect(aws.calls.map((c) => [c.target, c.body]).sort()).toEqual([
      ['AmazonSSM.GetParameters', { Names: ['/prod/app/flags'], WithDecryption: true }],
      ['AmazonSSM.GetParametersByPath', { Path: '/prod/app/config/', Recursive: true, WithDecryption: true }],
      ['secretsmanager.BatchGetSecretValue', { SecretIdList: ['prod/db', 'prod/api-key'] }],
    ])
  })

  it('makes only calls the policy allows', () => {
    const all = needs(undefined, aws)
    used.push(...all)
    expect(denied(all)).toEqual([])
  })
})

describe('migrated.policy.json', () => {
  it('grants nothing that neither scenario used', () => {
    const unused = grants.filter(
      ({ action, resource }) =>
        !used.some((need) => {
          const [a, arn] = need.split(' ') as [string, string]
          return a === action && matches(resource, arn)
        }),
    )
    expect(unused).toEqual([])
  })

  it('refuses a call outside it (the check is not vacuous)', () => {
    expect(
      denied([
        `ssm:GetParameter ${parameterArn('/prod/app/other')}`,
        `ssm:GetParametersByPath ${parameterArn('/prod/app/')}`,
        `ssm:GetParametersByPath ${parameterArn('/prod/app/config/nested/')}`,
        `secretsmanager:GetSecretValue ${secretArn('prod/db2')}`,
        `secretsmanager:DescribeSecret ${secretArn('prod/db')}`,
      ]),
    ).toHaveLength(5)
  })
})
