/**
 * A CDK stack for the handler migrated from @middy/secrets-manager and @middy/ssm
 * (examples/testing/migrated.ts): the AWS Parameters and Secrets Lambda Extension layer, a Node.js
 * function bundled by esbuild, and a role that can read exactly what the handler reads. Type-checked
 * and synthesized offline by test/docs/cdk.test.ts.
 *
 *   npx cdk deploy --app "node examples/cdk/app.ts"
 */
import { fileURLToPath } from 'node:url'
import * as iam from 'aws-cdk-lib/aws-iam'
import * as lambda from 'aws-cdk-lib/aws-lambda'
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs'
// `aws-cdk-lib/core` rather than `aws-cdk-lib`: the same classes, without the declarations of every
// AWS service for the type checker to load (a third of the files, half the time).
import { ArnFormat, Duration, Stack, type StackProps } from 'aws-cdk-lib/core'
import type { Construct } from 'constructs'

/** What the handler reads: keep these in step with examples/testing/migrated.ts. */
const SECRETS = ['prod/db', 'prod/api-key']
const PARAMETERS = ['/prod/app/flags']
const PATHS = ['/prod/app/config/']

export interface ParamsSecretsStackProps extends StackProps {
  /**
   * A layer ARN from the AWS table "AWS Parameters and Secrets Lambda Extension ARNs", to pin a
   * newer release than the newest one your aws-cdk-lib knows (`ParamsAndSecretsVersions`).
   */
  layerArn?: string
  /**
   * A customer-managed KMS key that encrypts the secrets or SecureString parameters: `kms:Decrypt`
   * on it, through Secrets Manager and SSM only. The AWS managed keys need no grant.
   */
  kmsKeyArn?: string
}

export class ParamsSecretsStack extends Stack {
  readonly fn: nodejs.NodejsFunction

  constructor(scope: Construct, id: string, props: ParamsSecretsStackProps = {}) {
    super(scope, id, props)

    // The layer's own cache is kept short: the middleware caches in process (README: "What the
    // layer tells you and what it does not").
    const layerOptions: lambda.ParamsAndSecretsOptions = {
      cacheSize: 100,
      secretsManagerTtl: Duration.seconds(60),
      parameterStoreTtl: Duration.seconds(60),
      logLevel: lambda.ParamsAndSecretsLogLevel.INFO,
    }
    const paramsAndSecrets = props.layerArn
      ? lambda.ParamsAndSecretsLayerVersion.fromVersionArn(props.layerArn, layerOptions)
      : lambda.ParamsAndSecretsLayerVersion.fromVersion(
          lambda.ParamsAndSecretsVersions.V1_0_103,
          layerOptions,
        )

    this.fn = new nodejs.NodejsFunction(this, 'Handler', {
      entry: fileURLToPath(new URL('../testing/migrated.ts', import.meta.url)),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      // CDK picks the matching layer: AWS-Parameters-and-Secrets-Lambda-Extension-Arm64.
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(10),
      paramsAndSecrets,
      bundling: {
        // No createRequire banner: the bundle holds no CommonJS (undici, loaded at run time where it
        // is installed, is not bundled; node:http serves instead).
        format: nodejs.OutputFormat.ESM,
        // The Lambda Node.js runtimes ship the AWS SDK v3, which the fallback loads only when needed.
        externalModules: ['@aws-sdk/*'],
      },
    })

    // Statements of our own rather than `grantRead`, which adds what the handler never calls
    // (secretsmanager:DescribeSecret; ssm:DescribeParameters and ssm:GetParameterHistory).
    const arn = (service: 'secretsmanager' | 'ssm', resource: string, name: string, colon = false) =>
      this.formatArn({
        service,
        resource,
        resourceName: name,
        arnFormat: colon ? ArnFormat.COLON_RESOURCE_NAME : ArnFormat.SLASH_RESOURCE_NAME,
      })
    const allow = (actions: string[], resources: string[]) =>
      this.fn.addToRolePolicy(new iam.PolicyStatement({ actions, resources }))

    // Secrets Manager appends six random characters to a secret's ARN.
    allow(
      ['secretsmanager:GetSecretValue'],
      SECRETS.map((name) => arn('secretsmanager', 'secret', `${name}-??????`, true)),
    )
    // The SDK fallback reads secrets due together in one BatchGetSecretValue. The action has no
    // resource type, so "*": each secret is still authorized by its GetSecretValue above.
    // Without it the middleware makes one GetSecretValue per secret.
    allow(['secretsmanager:BatchGetSecretValue'], ['*'])
    // The layer reads a named parameter with GetParameter; the SDK fallback batches them in
    // GetParameters. A parameter name starts with '/', which the ARN's 'parameter/' already has.
    allow(
      ['ssm:GetParameter', 'ssm:GetParameters'],
      PARAMETERS.map((name) => arn('ssm', 'parameter', name.slice(1))),
    )
    // Always through the SDK. IAM authorizes GetParametersByPath on the path as sent, trailing
    // slash included, not on the parameters it returns: its ARN covers the recursive read.
    allow(
      ['ssm:GetParametersByPath'],
      PATHS.map((path) => arn('ssm', 'parameter', path.slice(1))),
    )
    if (props.kmsKeyArn) {
      this.fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [props.kmsKeyArn],
          conditions: {
            StringEquals: {
              'kms:ViaService': [
                `secretsmanager.${this.region}.amazonaws.com`,
                `ssm.${this.region}.amazonaws.com`,
              ],
            },
          },
        }),
      )
    }
  }
}
