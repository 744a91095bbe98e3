/**
 * What the layer cannot do: its cache TTL as it reads its variables, and the client options that
 * send a key to the SDK in 'auto' (or refuse 'extension').
 */
import { describe, expect, it } from '@jest/globals'
import { layerTtlMs, sdkOnlyReason } from '../../src/layer-limits.ts'
import { resolveOptions } from '../../src/options.ts'

describe('layerTtlMs', () => {
  it.each<[string | undefined, number]>([
    [undefined, 300_000],
    ['60', 60_000],
    ['5', 5_000],
    ['0', 0],
    ['300', 300_000],
    ['301', 300_000],
    [' 60 ', 60_000],
    ['000060', 60_000],
  ])('reads %j as %d ms (whole seconds, at most 300)', (value, ms) => {
    expect(layerTtlMs(value)).toBe(ms)
  })

  it.each(['', ' ', '1.5', '-5', 'x60', '60x', '6 0', '0000060', '1e2', '0x10'])(
    'reads %j as the default, 300 s',
    (value) => {
      expect(layerTtlMs(value)).toBe(300_000)
    },
  )

  it('is read per kind from SECRETS_MANAGER_TTL and SSM_PARAMETER_STORE_TTL', () => {
    expect(
      resolveOptions({}, { SECRETS_MANAGER_TTL: '10', SSM_PARAMETER_STORE_TTL: '20' }).layerTtlMs,
    ).toEqual({
      secret: 10_000,
      parameter: 20_000,
    })
    expect(resolveOptions({}, {}).layerTtlMs).toEqual({ secret: 300_000, parameter: 300_000 })
  })
})

describe('sdkOnlyReason', () => {
  const env = { AWS_REGION: 'us-east-1' }

  it('says nothing for options the layer can honour', () => {
    expect(sdkOnlyReason('awsClientOptions', undefined, undefined, env, 'secret')).toEqual({})
    expect(sdkOnlyReason('awsClientOptions', {}, undefined, env, 'secret')).toEqual({})
    expect(sdkOnlyReason('awsClientOptions', { region: 'us-east-1' }, undefined, env, 'secret')).toEqual({})
    expect(sdkOnlyReason('awsClientOptions', { maxAttempts: 3 }, undefined, env, 'parameter')).toEqual({})
  })

  it('names an assumed role first, for the kind given', () => {
    expect(
      sdkOnlyReason(
        'ssmAwsClientOptions',
        { region: 'eu-west-1', credentials: {} },
        'role',
        env,
        'parameter',
      ),
    ).toEqual({ parameter: "awsClientAssumeRole is set (the layer reads with the function's own role)" })
  })

  it('names credentials, with the option that sets them', () => {
    expect(
      sdkOnlyReason('awsClientOptions', { credentials: {}, region: 'eu-west-1' }, undefined, env, 'secret'),
    ).toEqual({
      secret: "awsClientOptions.credentials are set (the layer reads with the function's own role)",
    })
  })

  it("names another region than the function's, or a region provider", () => {
    expect(sdkOnlyReason('awsClientOptions', { region: 'eu-west-1' }, undefined, env, 'secret')).toEqual({
      secret:
        "awsClientOptions.region names 'eu-west-1', not the function's region (AWS_REGION), where the layer reads",
    })
    expect(
      sdkOnlyReason('ssmAwsClientOptions', { region: async () => 'us-east-1' }, undefined, env, 'parameter'),
    ).toEqual({
      parameter:
        "ssmAwsClientOptions.region names a region provider, not the function's region (AWS_REGION), where the layer reads",
    })
  })

  it("takes AWS_DEFAULT_REGION as the function's region when AWS_REGION is unset", () => {
    const fallback = { AWS_DEFAULT_REGION: 'eu-west-1' }
    expect(sdkOnlyReason('awsClientOptions', { region: 'eu-west-1' }, undefined, fallback, 'secret')).toEqual(
      {},
    )
    expect(
      sdkOnlyReason(
        'awsClientOptions',
        { region: 'eu-west-1' },
        undefined,
        { ...fallback, AWS_REGION: 'us-east-1' },
        'secret',
      ),
    ).toHaveProperty('secret')
    expect(
      sdkOnlyReason('awsClientOptions', { region: 'eu-west-1' }, undefined, {}, 'secret'),
    ).toHaveProperty('secret')
  })
})
