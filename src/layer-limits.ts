/**
 * What the layer cannot do, read from the options and environment once: its cache TTL per kind,
 * and the client options (another region, credentials, a role) that the layer cannot honour.
 */

const LAYER_TTL_DEFAULT_S = 300
const LAYER_TTL_MAX_S = 300

/** The layer's TTL as it reads its variable: whole seconds, clamped to 300; anything else is the default. */
export const layerTtlMs = (value: string | undefined): number => {
  // Number() ignores the spaces around the digits, as the trimmed pattern does.
  const seconds = value !== undefined && /^\d{1,6}$/.test(value.trim()) ? Number(value) : LAYER_TTL_DEFAULT_S
  return Math.min(seconds, LAYER_TTL_MAX_S) * 1000
}

/**
 * The layer reads with the function's own role in the function's region (`AWS_REGION`): client
 * options that name another region, credentials, or an assumed role need the SDK.
 */
export const sdkOnlyReason = (
  option: string,
  clientOptions: Record<string, unknown> | undefined,
  assumeRole: string | undefined,
  env: NodeJS.ProcessEnv,
  kind: 'secret' | 'parameter',
): { secret?: string; parameter?: string } => {
  const region = clientOptions?.region
  const reason =
    assumeRole !== undefined
      ? `awsClientAssumeRole is set (the layer reads with the function's own role)`
      : clientOptions?.credentials !== undefined
        ? `${option}.credentials are set (the layer reads with the function's own role)`
        : region !== undefined && region !== (env.AWS_REGION ?? env.AWS_DEFAULT_REGION)
          ? `${option}.region names ${typeof region === 'string' ? `'${region}'` : 'a region provider'}, not the function's region (AWS_REGION), where the layer reads`
          : undefined
  return reason === undefined ? {} : { [kind]: reason }
}
