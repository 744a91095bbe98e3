/**
 * The body cap: a server on the port that sends more than any secret can be (a broken layer, or
 * the function's own code) must cost at most the cap in memory, one request, and an
 * `InvalidResponse`, on both client paths.
 */
import { MAX_BODY_BYTES } from '../../src/transport/connection.ts'
import { stream } from '../helpers/raw-server.ts'
import { PATHS, type Rig, startRig } from './harness.ts'

const HUGE = 256 * 1024 * 1024
const RSS_BUDGET = 64 * 1024 * 1024

/** The highest RSS seen while `work` runs, above the RSS when it started. */
const rssGrowth = async (work: () => Promise<unknown>): Promise<number> => {
  const base = process.memoryUsage.rss()
  let peak = base
  const sample = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss())
  }, 5)
  try {
    await work()
  } finally {
    clearInterval(sample)
  }
  return Math.max(peak, process.memoryUsage.rss()) - base
}

describe.each(PATHS)('body cap (%s)', (path) => {
  let rig: Rig
  afterEach(() => rig.close())

  it('stops reading a 256 MiB body at the cap: InvalidResponse, one request, memory well under the body', async () => {
    let written: Promise<number> | undefined
    // A long timeout: only the cap may stop this read.
    rig = await startRig(
      path,
      (socket) => {
        socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n')
        written = stream(socket, HUGE)
      },
      { timeoutMs: 60_000 },
    )
    let error: any
    const growth = await rssGrowth(async () => {
      error = await rig.failure()
    })
    expect(error).toMatchObject({
      code: 'InvalidResponse',
      status: 200,
      source: 'extension',
      key: 's',
      attempts: 1,
    })
    expect(error.message).toContain(String(MAX_BODY_BYTES))
    expect(rig.requests()).toBe(1)
    // the client dropped the connection: the server could not write it all
    expect(await written).toBeLessThan(HUGE)
    expect(growth).toBeLessThan(RSS_BUDGET)
  })

  it('refuses a declared Content-Length over the cap before reading the body', async () => {
    let written: Promise<number> | undefined
    rig = await startRig(path, (socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${HUGE}\r\n\r\n`)
      written = stream(socket, HUGE)
    })
    await expect(rig.failure()).resolves.toMatchObject({ code: 'InvalidResponse', status: 200, attempts: 1 })
    expect(rig.requests()).toBe(1)
    expect(await written).toBeLessThan(HUGE)
  })

  it('gives the status it saw for an oversized error answer, not retried', async () => {
    rig = await startRig(path, (socket) => {
      socket.write(`HTTP/1.1 503 Service Unavailable\r\nContent-Length: ${MAX_BODY_BYTES + 1}\r\n\r\n`)
      void stream(socket, MAX_BODY_BYTES + 1)
    })
    await expect(rig.failure()).resolves.toMatchObject({ code: 'InvalidResponse', status: 503, attempts: 1 })
    expect(rig.requests()).toBe(1)
  })

  it('reads a body of exactly the cap', async () => {
    // a valid answer padded with spaces up to the cap
    const json = JSON.stringify({ Name: 's', SecretString: 'v' })
    const body = json + ' '.repeat(MAX_BODY_BYTES - json.length)
    rig = await startRig(path, (socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`)
    })
    await expect(rig.fetch()).resolves.toMatchObject({ text: 'v', attempts: 1 })
  })
})
