/**
 * A CDK stack for a handler that uses middy-params-secrets: the AWS Parameters and Secrets Lambda
 * Extension layer, a Node.js function bundled by esbuild, and read access to exactly one secret and
 * one parameter path (`grantRead`). Type-checked and synthesized offline by test/docs/cdk.test.ts.
 *
 *   npx cdk deploy --app "node examples/cdk/app.ts"
 */
import { fileURLToPath } from 'node:url'
import { Duration, Stack, type StackProps } from 'aws-cdk-lib'
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
        format: nodejs.OutputFormat.ESM,
        // undici (a dependency) is CommonJS: an ESM bundle needs `require` for Node's builtins.
        banner:
          "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        // The Lambda Node.js runtimes ship the AWS SDK v3, which the fallback loads only when needed.
        externalModules: ['@aws-sdk/*'],
      },
    })

    dbSecret.grantRead(this.fn)
    flags.grantRead(this.fn)
  }
}
