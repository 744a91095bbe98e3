/**
 * examples/cdk: the stack compiles with TypeScript against aws-cdk-lib, and synthesizes offline (the
 * handler bundled by the local esbuild) into a template with the layer for the function's region
 * and architecture and a role that can read exactly what the handler reads. No deployment.
 */
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Match, Template } from 'aws-cdk-lib/assertions'
import { App } from 'aws-cdk-lib/core'
import { RegionInfo } from 'aws-cdk-lib/region-info'
import ts from 'typescript'
import { ParamsSecretsStack } from '../../examples/cdk/stack.ts'
import { root } from './markdown.ts'
import { compilerOptions, createProgram, diagnostics, requireBuild } from './typescript.ts'

const env = { account: '123456789012', region: 'eu-west-1' }

interface Statement {
  Effect: string
  Action: string | string[]
  Resource: unknown
  Condition?: unknown
}
/** The role's policy for the deployed handler, resolved for eu-west-1 and 123456789012. */
const handlerPolicy: { Statement: Statement[] } = JSON.parse(
  readFileSync(join(root, 'examples/testing/migrated.policy.json'), 'utf8'),
)

/** CloudFormation's `Fn::Join` and `Ref AWS::Partition`, as CDK writes an ARN of the stack's account. */
const resolveArn = (value: unknown): unknown => {
  if (typeof value === 'string') return value
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join']
  if (!join) throw new Error(`an ARN this test cannot resolve: ${JSON.stringify(value)}`)
  return join[1].map((part) => (typeof part === 'string' ? part : partition(part))).join(join[0])
}
const partition = (part: unknown): string => {
  if (JSON.stringify(part) !== '{"Ref":"AWS::Partition"}')
    throw new Error(`unknown part ${JSON.stringify(part)}`)
  return 'aws'
}

/** Statements without their Sid, actions and resources as sorted lists, in a stable order. */
const normalize = (statements: Statement[]) =>
  statements
    .map((s) => ({
      Effect: s.Effect,
      Action: [s.Action].flat().sort(),
      Resource: [s.Resource].flat().map(resolveArn).sort(),
      ...(s.Condition !== undefined && { Condition: s.Condition }),
    }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))

/** The statements of the stack's one inline policy (the function's role). */
const statementsOf = (template: Template) => {
  const policies = Object.values(template.findResources('AWS::IAM::Policy'))
  expect(policies).toHaveLength(1)
  return normalize(policies[0]!.Properties.PolicyDocument.Statement)
}

describe('examples/cdk', () => {
  let outdir: string

  beforeAll(async () => {
    outdir = await mkdtemp(join(tmpdir(), 'mps-cdk-'))
  })

  afterAll(async () => {
    await rm(outdir, { recursive: true, force: true })
  })

  it('type-checks against aws-cdk-lib with its own tsconfig', () => {
    const tsconfig = join(root, 'examples/cdk/tsconfig.json')
    const parsed = ts.getParsedCommandLineOfConfigFile(
      tsconfig,
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: () => undefined,
      },
    )!
    expect(parsed.fileNames.map((f) => f.slice(root.length + 1)).sort()).toEqual([
      'examples/cdk/app.ts',
      'examples/cdk/stack.ts',
    ])
    expect(diagnostics(createProgram(parsed.fileNames, {}, compilerOptions(tsconfig)))).toEqual([])
  }, 120_000)

  it('synthesizes the function with the arm64 layer, the layer settings and least-privilege grants', () => {
    requireBuild()
    const app = new App({ outdir })
    const stack = new ParamsSecretsStack(app, 'Example', { env })
    const template = Template.fromStack(stack)

    template.resourceCountIs('AWS::Lambda::Function', 1)
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Layers: [RegionInfo.get(env.region).paramsAndSecretsLambdaLayerArn('1.0.103', 'arm64')],
      Environment: {
        Variables: Match.objectLike({
          SECRETS_MANAGER_TTL: '60',
          SSM_PARAMETER_STORE_TTL: '60',
          PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: '2773',
          PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE: '100',
        }),
      },
    })

    // Exactly the handler's policy (examples/testing/migrated.policy.json, which its test checks
    // against every call the handler makes): a grant missing, added or widened fails here.
    expect(statementsOf(template)).toEqual(normalize(handlerPolicy.Statement))
  }, 60_000)

  it('adds kms:Decrypt on a customer key, through Secrets Manager and SSM only', () => {
    const kmsKeyArn = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'
    const app = new App({ outdir })
    const template = Template.fromStack(new ParamsSecretsStack(app, 'WithKey', { env, kmsKeyArn }))
    const decrypt: Statement = {
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: [kmsKeyArn],
      Condition: {
        StringEquals: {
          'kms:ViaService': ['secretsmanager.eu-west-1.amazonaws.com', 'ssm.eu-west-1.amazonaws.com'],
        },
      },
    }
    expect(statementsOf(template)).toEqual(normalize([...handlerPolicy.Statement, decrypt]))
  }, 60_000)

  it('pins a layer ARN given from the AWS table instead', () => {
    const layerArn =
      'arn:aws:lambda:eu-west-1:015030872274:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:99'
    const app = new App({ outdir })
    const stack = new ParamsSecretsStack(app, 'Pinned', { env, layerArn })
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { Layers: [layerArn] })
  }, 60_000)
})
