/** The CDK app: `npx cdk deploy --app "node examples/cdk/app.ts"` (Node.js 24 strips the types). */
import { App } from 'aws-cdk-lib/core'
import { ParamsSecretsStack } from './stack.ts'

const app = new App()
new ParamsSecretsStack(app, 'ParamsSecretsExample', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
})
app.synth()
