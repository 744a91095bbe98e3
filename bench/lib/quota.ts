/**
 * Per-account request quotas, as AWS documents them, enforced on the fleet figure's loopback AWS
 * endpoint and on every environment's layer emulator (the layer calls AWS with the function's
 * role, so its calls count against the same account). A token bucket per quota: `rate` tokens a
 * second, at most one second's worth banked; a call without a token is throttled.
 *
 * - SSM: GetParameter, GetParameters and GetParametersByPath share 40 TPS (default throughput).
 * - Secrets Manager: GetSecretValue and DescribeSecret share 10,000 TPS; BatchGetSecretValue 100 TPS.
 */
import type { AwsCall, ExtensionEmulator } from 'middy-params-secrets/testing'

export type QuotaName = 'ssm' | 'secretValue' | 'batchSecretValue'

/** AWS's default per-account, per-region rates (requests a second). */
export const AWS_QUOTAS: Record<QuotaName, number> = { ssm: 40, secretValue: 10_000, batchSecretValue: 100 }

const QUOTA_OF: Record<string, QuotaName> = {
  'AmazonSSM.GetParameter': 'ssm',
  'AmazonSSM.GetParameters': 'ssm',
  'AmazonSSM.GetParametersByPath': 'ssm',
  'secretsmanager.GetSecretValue': 'secretValue',
  'secretsmanager.DescribeSecret': 'secretValue',
  'secretsmanager.BatchGetSecretValue': 'batchSecretValue',
}

/** Upstream calls of one run, by API, as AWS would see them: admitted and throttled. */
export interface QuotaCounts {
  admitted: Record<string, number>
  throttled: Record<string, number>
}

/** The account's buckets, scaled by `scale` (the fleet's size over the 200 environments it stands for). */
export const createQuotas = (scale: number, now: () => number = () => performance.now()) => {
  const buckets = new Map<QuotaName, { tokens: number; at: number; rate: number }>()
  let counts: QuotaCounts = { admitted: {}, throttled: {} }
  const reset = () => {
    for (const name of Object.keys(AWS_QUOTAS) as QuotaName[]) {
      const rate = AWS_QUOTAS[name] * scale
      buckets.set(name, { tokens: rate, at: now(), rate })
    }
    counts = { admitted: {}, throttled: {} }
  }
  reset()
  /** Takes a token for one call of `api` (counted either way): false when throttled. */
  const take = (api: string): boolean => {
    const bucket = buckets.get(QUOTA_OF[api] ?? 'secretValue')!
    const t = now()
    bucket.tokens = Math.min(bucket.rate, bucket.tokens + ((t - bucket.at) / 1000) * bucket.rate)
    bucket.at = t
    const admitted = bucket.tokens >= 1
    if (admitted) bucket.tokens -= 1
    const into = admitted ? counts.admitted : counts.throttled
    into[api] = (into[api] ?? 0) + 1
    return admitted
  }
  return { take, reset, counts: () => counts }
}

export type Quotas = ReturnType<typeof createQuotas>

/** The AWS emulator's answer to a call over quota, as the services give it. */
export const awsThrottle = (quotas: Quotas) => ({
  respond: (call: AwsCall) =>
    quotas.take(call.target) ? undefined : { type: 'ThrottlingException', message: 'Rate exceeded' },
})

/**
 * A layer emulator under the account's quota. Its TTL cache answers a key it has served without
 * calling AWS; every other request is one GetSecretValue or GetParameter upstream (the layer does
 * not batch), and a throttled one is the layer's generic 400 (EXTENSION-PROTOCOL.md).
 */
export const throttleLayer = (emulator: ExtensionEmulator, quotas: Quotas): void => {
  const cached = new Set<string>()
  emulator.inject({
    respond: (request) => {
      const key = `${request.kind} ${request.id} ${JSON.stringify(request.query)}`
      if (cached.has(key)) return undefined
      const api = request.kind === 'secret' ? 'secretsmanager.GetSecretValue' : 'AmazonSSM.GetParameter'
      if (!quotas.take(api))
        return { status: 400, body: 'an unexpected error occurred while executing request' }
      cached.add(key)
      return undefined
    },
  })
}
