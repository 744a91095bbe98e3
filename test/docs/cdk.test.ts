/**
 * examples/cdk: the stack compiles with TypeScript against aws-cdk-lib, and synthesizes offline (the
 * handler bundled by the local esbuild) into a template with the layer for the function's region
 * and architecture and read access to exactly the secret and the parameter. No deployment.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { App } from 'aws-cdk-lib'
import { Match, Template } from 'aws-cdk-lib/assertions'
import { RegionInfo } from 'aws-cdk-lib/region-info'
import ts from 'typescript'
import { ParamsSecretsStack } from '../../examples/cdk/stack.ts'
import { root } from './markdown.ts'
import { compilerOptions, createProgram, diagnostics, requireBuild } from './typescript.ts'

const env = { account: '123456789012', region: 'eu-west-1' }

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

    const policies = Object.values(template.findResources('AWS::IAM::Policy'))
    expect(policies).toHaveLength(1)
    const statements = policies[0]!.Properties.PolicyDocument.Statement as Array<{
      Action: string[]
      Resource: unknown
    }>
    const resource = (s: { Resource: unknown }) => JSON.stringify(s.Resource)
    const secretStatement = statements.find((s) => s.Action.includes('secretsmanager:GetSecretValue'))!
    expect(resource(secretStatement)).toContain(
      ':secretsmanager:eu-west-1:123456789012:secret:prod/db-??????',
    )
    const parameterStatement = statements.find((s) => s.Action.includes('ssm:GetParameter'))!
    expect(parameterStatement.Action).toContain('ssm:GetParameters')
    expect(resource(parameterStatement)).toContain(':ssm:eu-west-1:123456789012:parameter/prod/app/flags')
    // "*" only for BatchGetSecretValue, which names no resource (each secret is authorized by GetSecretValue).
    const batch = statements.filter((s) => resource(s) === '"*"')
    expect(batch.map((s) => [s.Action].flat())).toEqual([['secretsmanager:BatchGetSecretValue']])
  }, 60_000)

  it('pins a layer ARN given from the AWS table instead', () => {
    const layerArn =
      'arn:aws:lambda:eu-west-1:015030872274:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:99'
    const app = new App({ outdir })
    const stack = new ParamsSecretsStack(app, 'Pinned', { env, layerArn })
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { Layers: [layerArn] })
  }, 60_000)
})
