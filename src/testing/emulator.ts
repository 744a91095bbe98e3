import { createServer } from 'node:net'
import { createAgentProfile } from './agent.ts'
import { assertAllUsed } from './fault-list.ts'
import { createFaultRegistry } from './faults.ts'
import { createLayerProfile } from './layer.ts'
import { createTtlCache } from './layer-cache.ts'
import { resolveEmulatorOptions } from './options.ts'
import type { ProfileContext } from './profile.ts'
import { createEmulatorServer } from './server.ts'
import { resolveStore, storeWrites } from './shared-store.ts'
import { SECRET_REFERENCE_PREFIX } from './store.ts'
import type { EmulatorCounters, EmulatorOptions, ExtensionEmulator, RequestLogEntry } from './types.ts'

/** A free port on 127.0.0.1, for the agent that must not listen yet but must know where it will. */
function reservePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      const port = typeof address === 'object' && address ? address.port : 0
      probe.close(() => resolve(port))
    })
  })
}

/** Whether a cache key (`[kind, id, ...]` as JSON) names one of the written item's `ids`. */
function namesWritten(key: string, kind: 'secret' | 'parameter', ids: string[]): boolean {
  const [keyKind, id] = JSON.parse(key) as [string, string]
  if (kind === 'parameter') {
    // `name:3`, `name:label` are the same parameter.
    return keyKind === 'parameter' && ids.some((name) => id === name || id.startsWith(`${name}:`))
  }
  if (keyKind === 'parameter') return ids.some((name) => id === `${SECRET_REFERENCE_PREFIX}${name}`)
  return keyKind === 'secret' && ids.includes(id)
}

/**
 * Starts a local server that speaks the protocol of the AWS Parameters and Secrets Lambda
 * Extension (`profile: 'layer'`, the default) or of the Secrets Manager Agent (`'agent'`), with the
 * layer's TTL cache, fault injection and a request log. Resolves once it listens (or, for the agent
 * created with `ready: false`, once its port is chosen).
 *
 * @example
 * ```ts
 * import { startExtensionEmulator } from 'middy-params-secrets/testing'
 *
 * const emulator = await startExtensionEmulator({
 *   token: 'test-token',
 *   secrets: { 'prod/db': '{"password":"pw"}' },
 *   parameters: { '/app/flags': { value: 'a,b', type: 'StringList' } },
 * })
 * Object.assign(process.env, emulator.env) // the port and the token, as Lambda sets them
 * // ... import and run the handler ...
 * await emulator.close()
 * ```
 *
 * @example
 * ```ts
 * import { startExtensionEmulator } from 'middy-params-secrets/testing'
 *
 * // Closed when the block ends; a rotation is seen at once (no flushCache()).
 * await using emulator = await startExtensionEmulator({ token: 't', secrets: { db: 'v1' }, evictOnWrite: true })
 * emulator.inject({ kind: 'secret', id: 'db', query: { versionStage: 'AWSPREVIOUS' }, times: 1, status: 500 })
 * emulator.putSecret('db', 'v2')
 * // ... run the code under test ...
 * emulator.assertNoPendingFaults() // throws if the fault above was never hit
 * ```
 */
export async function startExtensionEmulator(options: EmulatorOptions = {}): Promise<ExtensionEmulator> {
  const resolved = resolveEmulatorOptions(options)
  const { store, shared } = resolveStore(options.store, { ...options, ...resolved }, 'startExtensionEmulator')

  const cache = createTtlCache({
    now: resolved.now,
    maxEntries: resolved.cacheSize,
    enabled: resolved.cacheEnabled,
  })
  const counters: EmulatorCounters = { requests: 0, upstream: { secret: 0, parameter: 0 }, byStatus: {} }
  const requests: RequestLogEntry[] = []
  let isReady = resolved.ready
  let paused = false

  const context: ProfileContext = {
    store,
    cache,
    ttlMs: resolved.ttlMs,
    token: resolved.token,
    strictQuery: resolved.strictQuery,
    maxConnections: resolved.maxConnections,
    isReady: () => isReady,
    countUpstream: (kind) => {
      counters.upstream[kind] += 1
    },
  }
  const profile = resolved.profile === 'agent' ? createAgentProfile(context) : createLayerProfile(context)
  const faults = createFaultRegistry()
  // The agent does not listen before the first invocation (connection refused); the layer does.
  const shouldListen = () => !paused && (profile.name === 'layer' || isReady)
  const port = resolved.port === 0 && !shouldListen() ? await reservePort() : resolved.port
  const server = createEmulatorServer({
    port,
    profile,
    faults,
    token: resolved.token,
    requests,
    counters,
    ...(resolved.log ? { log: resolved.log } : {}),
  })
  if (shouldListen()) await server.listen()
  const stopEviction = options.evictOnWrite
    ? store.onWrite((kind, ids) => cache.deleteWhere((key) => namesWritten(key, kind, ids)))
    : () => undefined
  const close = async () => {
    stopEviction()
    await server.close()
  }

  return {
    get url() {
      return `http://127.0.0.1:${server.port}`
    },
    get port() {
      return server.port
    },
    get openConnections() {
      return server.openConnections
    },
    profile: profile.name,
    token: resolved.token,
    get env() {
      return {
        PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(server.port),
        AWS_SESSION_TOKEN: resolved.token,
      }
    },
    store: shared,
    requests,
    counters,
    ready() {
      isReady = true
      if (shouldListen()) server.listenNow()
    },
    setNotReady() {
      isReady = false
      if (profile.name === 'agent') void server.stopListening()
    },
    ...storeWrites(store),
    inject: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    pendingFaults: () => faults.pending(),
    assertNoPendingFaults: () => assertAllUsed(faults, 'fault'),
    flushCache: () => cache.clear(),
    async pause() {
      paused = true
      await server.stopListening()
    },
    async resume() {
      paused = false
      if (shouldListen()) await server.listen()
    },
    resetLog() {
      requests.length = 0
      counters.requests = 0
      counters.upstream.secret = 0
      counters.upstream.parameter = 0
      for (const status of Object.keys(counters.byStatus)) delete counters.byStatus[Number(status)]
    },
    close,
    [Symbol.asyncDispose]: close,
  }
}
