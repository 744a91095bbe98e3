/**
 * The soak in a plain Node process started with --expose-gc (jest's workers cannot take it), for
 * the heap bound: `node --expose-gc soak-child.ts <seed> <invocations>`. Prints one JSON line:
 * the soak report, the heap after the warmup and at the end (both after a full GC), the unhandled
 * rejections seen, and the resources still active once everything is closed.
 */
import { runSoak } from './soak-driver.ts'

const gc = (globalThis as { gc?: () => void }).gc
const heap = (): number => {
  gc?.()
  gc?.()
  return process.memoryUsage().heapUsed
}

let unhandledRejections = 0
process.on('unhandledRejection', () => {
  unhandledRejections++
})

const seed = Number(process.argv[2] ?? 1)
const invocations = Number(process.argv[3] ?? 10_000)
let heapWarm = 0
let heapEnd = 0
const report = await runSoak({
  invocations,
  seed,
  warmup: Math.min(1000, Math.floor(invocations / 10)),
  onWarm: () => {
    heapWarm = heap()
  },
  onDone: () => {
    heapEnd = heap()
  },
})
// Sockets and servers finish closing over the next turns of the loop, and nothing signals it: check
// at each turn (a bounded number of them) until only stdio's pipes are left; print what is left then.
const leftOpen = () =>
  process.getActiveResourcesInfo().filter((type) => type !== 'PipeWrap' && type !== 'TTYWrap')
for (let turn = 0; turn < 10_000 && leftOpen().length > 0; turn++) await new Promise(setImmediate)
process.stdout.write(
  `${JSON.stringify({
    report,
    gc: gc !== undefined,
    heapWarm,
    heapEnd,
    unhandledRejections,
    resources: leftOpen(),
  })}\n`,
)
