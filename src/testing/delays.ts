/**
 * Fault delays a server can cut short: each `wait` is bounded by its `ms`, and `releaseAll()`
 * (at close) ends every one still running, so a close never waits out a long `delayMs`.
 *
 * @example
 * ```ts
 * const delays = createDelays()
 * await delays.wait(50)
 * delays.releaseAll() // in close()
 * ```
 */
export interface Delays {
  wait(ms: number): Promise<void>
  releaseAll(): void
}

/**
 * Creates a set of delays with none running.
 *
 * @example
 * ```ts
 * const delays = createDelays()
 * ```
 */
export function createDelays(): Delays {
  const running = new Set<() => void>()
  return {
    wait: (ms) =>
      new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer)
          running.delete(done)
          resolve()
        }
        const timer = setTimeout(done, ms)
        running.add(done)
      }),
    releaseAll: () => {
      for (const release of [...running]) release()
    },
  }
}
