/**
 * examples/sam/template.yaml, validated offline: parsed as CloudFormation YAML (short-form
 * intrinsic functions included), then checked against the rules that matter here: required
 * properties, every reference defined, a valid runtime and architecture, the layer, well-formed
 * least-privilege IAM, and a handler that exists.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { RegionInfo } from 'aws-cdk-lib/region-info'
import { type CollectionTag, parse, type ScalarTag, type YAMLMap, type YAMLSeq } from 'yaml'
import { root } from './markdown.ts'

type Json = any

const scalar = (name: string, fn: string, split = false): ScalarTag => ({
  tag: `!${name}`,
  resolve: (value: string) => ({ [fn]: split ? value.split('.') : value }),
})
const seq = (name: string, fn: string): CollectionTag => ({
  tag: `!${name}`,
  collection: 'seq',
  resolve: (value) => ({ [fn]: (value as YAMLSeq).toJSON() }),
})
const map = (name: string, fn: string): CollectionTag => ({
  tag: `!${name}`,
  collection: 'map',
  resolve: (value) => ({ [fn]: (value as YAMLMap).toJSON() }),
})

/** CloudFormation's short forms, each as a scalar, a sequence or (Transform) a mapping. */
const cloudFormationTags = [
  scalar('Ref', 'Ref'),
  scalar('Sub', 'Fn::Sub'),
  seq('Sub', 'Fn::Sub'),
  scalar('GetAtt', 'Fn::GetAtt', true),
  seq('GetAtt', 'Fn::GetAtt'),
  scalar('Base64', 'Fn::Base64'),
  scalar('GetAZs', 'Fn::GetAZs'),
  scalar('ImportValue', 'Fn::ImportValue'),
  scalar('Condition', 'Condition'),
  ...['If', 'Equals', 'Not', 'And', 'Or', 'Join', 'Select', 'Split', 'FindInMap', 'Cidr'].map((n) =>
    seq(n, `Fn::${n}`),
  ),
  map('Transform', 'Fn::Transform'),
]

const PSEUDO = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
])

/** The attributes `Fn::GetAtt` may read, for the resource types of this template. */
const ATTRIBUTES: Record<string, string[]> = {
  'AWS::Serverless::Function': ['Arn'],
  'AWS::IAM::Role': ['Arn', 'RoleId'],
  'AWS::Logs::LogGroup': ['Arn'],
}

/** Required properties (the ones that apply to a zip-packaged function). */
const REQUIRED: Record<string, string[]> = {
  'AWS::Serverless::Function': ['CodeUri', 'Handler', 'Runtime'],
  'AWS::IAM::Role': ['AssumeRolePolicyDocument'],
  'AWS::Logs::LogGroup': [],
}

const LAMBDA_NODE_RUNTIMES = ['nodejs22.x', 'nodejs24.x']

const text = readFileSync(join(root, 'examples/sam/template.yaml'), 'utf8')
const template: Json = parse(text, { customTags: cloudFormationTags })
/** The role's policy for the deployed handler, resolved for eu-west-1 and 123456789012. */
const handlerPolicy: Json = JSON.parse(
  readFileSync(join(root, 'examples/testing/migrated.policy.json'), 'utf8'),
)

/** Every object in the tree, with its path. */
const walk = (node: Json, path: string, visit: (node: Json, path: string) => void): void => {
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) walk(item, `${path}[${i}]`, visit)
  } else if (node !== null && typeof node === 'object') {
    visit(node, path)
    for (const [key, value] of Object.entries(node)) walk(value, `${path}.${key}`, visit)
  }
}

/** `Fn::Sub` with the given values (a Parameter's Default unless overridden). */
const substitute = (sub: string, values: Record<string, string>): string =>
  sub.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
    const value = values[name] ?? (template.Parameters?.[name]?.Default as string | undefined) ?? `<${name}>`
    return value
  })

const functions = () =>
  Object.entries<Json>(template.Resources).filter(([, r]) => r.Type === 'AWS::Serverless::Function')

/** A function's properties with the template's Globals applied, as SAM does. */
const withGlobals = (properties: Json): Json => ({ ...template.Globals?.Function, ...properties })

describe('examples/sam/template.yaml', () => {
  it('is a SAM template with parameters, resources and outputs', () => {
    expect(template.AWSTemplateFormatVersion).toBe('2010-09-09')
    expect([template.Transform].flat()).toContain('AWS::Serverless-2016-10-31')
    expect(Object.keys(template).filter((k) => !/^[A-Z]/.test(k))).toEqual([])
    for (const [name, parameter] of Object.entries<Json>(template.Parameters)) {
      expect([name, typeof parameter.Type]).toEqual([name, 'string'])
      if (parameter.AllowedPattern !== undefined && parameter.Default !== undefined) {
        expect([name, new RegExp(parameter.AllowedPattern).test(parameter.Default)]).toEqual([name, true])
      }
    }
  })

  it('gives every resource a known type and its required properties', () => {
    for (const [name, resource] of Object.entries<Json>(template.Resources)) {
      expect([name, resource.Type in REQUIRED]).toEqual([name, true])
      const properties =
        resource.Type === 'AWS::Serverless::Function' ? withGlobals(resource.Properties) : resource.Properties
      for (const property of REQUIRED[resource.Type]!) {
        expect([name, property, properties?.[property] !== undefined]).toEqual([name, property, true])
      }
    }
  })

  it('defines everything that Ref, GetAtt, Sub, If and Condition name, and uses every parameter', () => {
    const parameters = new Set(Object.keys(template.Parameters ?? {}))
    const resources = new Set(Object.keys(template.Resources))
    const conditions = new Set(Object.keys(template.Conditions ?? {}))
    const used = new Set<string>()
    const refOk = (name: string) => {
      used.add(name)
      return parameters.has(name) || resources.has(name) || PSEUDO.has(name)
    }
    const problems: string[] = []
    walk(template, '', (node, path) => {
      if (typeof node.Ref === 'string' && !refOk(node.Ref)) problems.push(`${path}: Ref ${node.Ref}`)
      if (node['Fn::GetAtt']) {
        const [resource, attribute] = node['Fn::GetAtt']
        const type = template.Resources[resource]?.Type
        if (!ATTRIBUTES[type]?.includes(attribute)) problems.push(`${path}: GetAtt ${resource}.${attribute}`)
      }
      if (node['Fn::Sub'] !== undefined) {
        const [sub, vars = {}] = [node['Fn::Sub']].flat()
        for (const [, name] of (sub as string).matchAll(/\$\{([^}!]+)\}/g)) {
          const [resource, attribute] = name!.split('.')
          if (name! in vars) continue
          if (
            attribute === undefined
              ? !refOk(name!)
              : !ATTRIBUTES[template.Resources[resource!]?.Type]?.includes(attribute)
          ) {
            problems.push(`${path}: Sub \${${name}}`)
          }
        }
      }
      if (node['Fn::If'] && !conditions.has(node['Fn::If'][0]))
        problems.push(`${path}: If ${node['Fn::If'][0]}`)
      if (typeof node.Condition === 'string' && !conditions.has(node.Condition))
        problems.push(`${path}: Condition ${node.Condition}`)
    })
    expect(problems).toEqual([])
    expect([...parameters].filter((p) => !used.has(p))).toEqual([])
  })

  it('runs the function on a supported Node.js runtime and one architecture, with the layer', () => {
    expect(functions()).toHaveLength(1)
    const [, fn] = functions()[0]!
    const properties = withGlobals(fn.Properties)
    expect(LAMBDA_NODE_RUNTIMES).toContain(properties.Runtime)
    expect(properties.Architectures).toHaveLength(1)
    const architecture = properties.Architectures[0] as 'arm64' | 'x86_64'
    expect(['arm64', 'x86_64']).toContain(architecture)

    // The layer comes from a parameter whose pattern admits the real ARN for that architecture only.
    expect(properties.Layers).toHaveLength(1)
    const parameter = template.Parameters[properties.Layers[0].Ref]
    const pattern = new RegExp(parameter.AllowedPattern)
    const other = architecture === 'arm64' ? 'x86_64' : 'arm64'
    for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-2']) {
      const info = RegionInfo.get(region)
      expect(pattern.test(info.paramsAndSecretsLambdaLayerArn('1.0.103', architecture)!)).toBe(true)
      expect(pattern.test(info.paramsAndSecretsLambdaLayerArn('1.0.103', other)!)).toBe(false)
    }

    // The layer's own TTLs, within what it accepts (0 to 300 s).
    const variables = properties.Environment.Variables
    for (const name of ['SECRETS_MANAGER_TTL', 'SSM_PARAMETER_STORE_TTL']) {
      expect(Number(variables[name])).toBeGreaterThanOrEqual(0)
      expect(Number(variables[name])).toBeLessThanOrEqual(300)
    }
  })

  it('bundles a handler that exists and reads what the role allows', () => {
    const [, fn] = functions()[0]!
    const { CodeUri, Handler } = fn.Properties
    const build = fn.Metadata.BuildProperties
    expect(fn.Metadata.BuildMethod).toBe('esbuild')
    expect(build.EntryPoints).toHaveLength(1)
    const entry = join(root, 'examples/sam', CodeUri, build.EntryPoints[0])
    expect(existsSync(entry)).toBe(true)
    // `handler.handler`: the bundle is named after the entry, the export is `handler`.
    const [file, exported] = Handler.split('.')
    expect(build.EntryPoints[0].replace(/^.*\//, '').replace(/\.ts$/, '')).toBe(file)
    const source = readFileSync(entry, 'utf8')
    expect(source).toMatch(new RegExp(`export const ${exported} =`))
    // ESM output with `require` for CommonJS dependencies, the SDK left to the runtime.
    expect(build.Format).toBe('esm')
    expect(build.Banner.join('\n')).toContain('createRequire(import.meta.url)')
    expect(build.External).toContain('@aws-sdk/*')
    // The handler the role is written for (and its test checks against every call it makes).
    expect(build.EntryPoints[0]).toBe('examples/testing/migrated.ts')
  })

  it('gives the function a least-privilege role', () => {
    const [, fn] = functions()[0]!
    const roleName = fn.Properties.Role['Fn::GetAtt'][0]
    const role = template.Resources[roleName]
    expect(role.Type).toBe('AWS::IAM::Role')
    expect(role.Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    })
    expect(role.Properties.ManagedPolicyArns).toEqual([
      { 'Fn::Sub': `arn:\${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole` },
    ])
    expect(role.Properties.Policies).toHaveLength(1)
    const document = role.Properties.Policies[0].PolicyDocument
    expect(document.Version).toBe('2012-10-17')

    // The KMS statement exists only with a customer key (Fn::If ... AWS::NoValue).
    const statements = (document.Statement as Json[]).map((s) => {
      if (!s['Fn::If']) return s
      expect(s['Fn::If'][2]).toEqual({ Ref: 'AWS::NoValue' })
      return s['Fn::If'][1]
    })
    const values = { 'AWS::Partition': 'aws', 'AWS::Region': 'eu-west-1', 'AWS::AccountId': '123456789012' }
    const resolve = (resource: Json): Json =>
      resource['Fn::Sub'] ? substitute(resource['Fn::Sub'], values) : resource
    const resolved = statements.map((s) => ({
      Sid: s.Sid,
      Effect: s.Effect,
      Action: s.Action,
      Resource: Array.isArray(s.Resource) ? s.Resource.map(resolve) : resolve(s.Resource),
      ...(s.Condition && { Condition: s.Condition }),
    }))
    // Exactly the handler's policy (examples/testing/migrated.policy.json, which its test checks
    // against every call the handler makes, through the layer and through the SDK): a grant
    // missing, added or widened fails here.
    expect(resolved).toEqual([
      ...handlerPolicy.Statement,
      {
        Sid: 'DecryptThroughSecretsManagerAndSsmOnly',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: { Ref: 'KmsKeyArn' },
        Condition: {
          StringEquals: {
            'kms:ViaService': [
              { 'Fn::Sub': `secretsmanager.\${AWS::Region}.amazonaws.com` },
              { 'Fn::Sub': `ssm.\${AWS::Region}.amazonaws.com` },
            ],
          },
        },
      },
    ])
    expect(template.Conditions.HasCustomerKey).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'KmsKeyArn' }, ''] }],
    })
  })

  it('creates the log group where the layer writes its real errors', () => {
    const [name] = functions()[0]!
    const groups = Object.values<Json>(template.Resources).filter((r) => r.Type === 'AWS::Logs::LogGroup')
    expect(groups).toHaveLength(1)
    expect(groups[0].Properties.LogGroupName).toEqual({ 'Fn::Sub': `/aws/lambda/\${${name}}` })
  })
})
