/**
 * In-child timing of a call in a tight loop: a warm-up (so the JIT has compiled the path), then a
 * few timed batches sized from the warm-up's pace. The fastest batch is the answer: on a shared
 * 2-core machine other work only ever adds time (preemption, the parent's GC), never removes it.
 */

/** How long to time a call. */
export interface TimingOptions {
  /** total time of the timed batches, ms; default 200 */
  targetMs?: number
  /** default 7 */
  batches?: number
  /** default 60 */
  warmupMs?: number
}

const nowNs = (): number => Number(process.hrtime.bigint())

/**
 * ns per call of `fn` (awaited one after the other), in the fastest batch.
 *
 * @example
 * ```ts
 * const ns = await timePerCall(() => handler(event, {}))
 * ```
 */
export const timePerCall = async (
  fn: () => unknown,
  { targetMs = 200, batches = 7, warmupMs = 60 }: TimingOptions = {},
): Promise<number> => {
  // Warm-up in growing chunks until it has run warmupMs; the last chunk gives the pace.
  let perCallNs = 0
  const warmupEnd = nowNs() + warmupMs * 1e6
  for (let chunk = 1; nowNs() < warmupEnd; chunk = Math.min(chunk * 2, 1 << 16)) {
    const t0 = nowNs()
    for (let i = 0; i < chunk; i++) await fn()
    perCallNs = (nowNs() - t0) / chunk
  }
  const size = Math.max(1, Math.round((targetMs * 1e6) / batches / Math.max(perCallNs, 1)))
  const samples: number[] = []
  for (let b = 0; b < batches; b++) {
    const t0 = nowNs()
    for (let i = 0; i < size; i++) await fn()
    samples.push((nowNs() - t0) / size)
  }
  return Math.min(...samples)
}
