/**
 * A CDK stack for a handler that uses middy-params-secrets: the AWS Parameters and Secrets Lambda
 * Extension layer, a Node.js function bundled by esbuild, and read access to exactly one secret and
 * one parameter path (`grantRead`), and BatchGetSecretValue (which names no resource). Type-checked and synthesized offline by test/docs/cdk.test.ts.
 *
 *   npx cdk deploy --app "node examples/cdk/app.ts"
 */
import { fileURLToPath } from 'node:url'
import { Duration, Stack, type StackProps } from 'aws-cdk-lib'
import * as iam from 'aws-cdk-lib/aws-iam'
import * as lambda from 'aws-cdk-lib/aws-lambda'
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs'
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager'
import * as ssm from 'aws-cdk-lib/aws-ssm'
import type { Construct } from 'constructs'

export interface ParamsSecretsStackProps extends StackProps {
  /** The handler's source file; default: the handler of examples/testing. */
  entry?: string
  /** Name of the database secret the handler reads; default `prod/db`. */
  dbSecretName?: string
  /** Parameter Store path the handler may read; default `/prod/app`. */
  parameterPath?: string
  /**
   * A layer ARN from the AWS table "AWS Parameters and Secrets Lambda Extension ARNs", to pin a
   * newer release than the newest one your aws-cdk-lib knows (`ParamsAndSecretsVersions`).
   */
  layerArn?: string
}

export class ParamsSecretsStack extends Stack {
  readonly fn: nodejs.NodejsFunction

  constructor(scope: Construct, id: string, props: ParamsSecretsStackProps = {}) {
    super(scope, id, props)
    const parameterPath = props.parameterPath ?? '/prod/app'

    const dbSecret = secretsmanager.Secret.fromSecretNameV2(this, 'DbSecret', props.dbSecretName ?? 'prod/db')
    const flags = ssm.StringParameter.fromStringParameterName(this, 'Flags', `${parameterPath}/flags`)

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
      entry: props.entry ?? fileURLToPath(new URL('../testing/handler.ts', import.meta.url)),
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

    dbSecret.grantRead(this.fn)
    flags.grantRead(this.fn)
    // The SDK fallback reads secrets due together in one BatchGetSecretValue. The action has no
    // resource type, so "*": each secret is still authorized by its GetSecretValue (grantRead).
    // Without it the middleware makes one GetSecretValue per secret.
    this.fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['secretsmanager:BatchGetSecretValue'], resources: ['*'] }),
    )
  }
}
