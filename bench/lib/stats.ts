/**
 * Summaries of repeated measurements: median, min and max over rounds, percentiles over samples.
 */

/** A measurement summarized over rounds. */
export interface Stat {
  median: number
  min: number
  max: number
  /** how many rounds */
  n: number
}

const sorted = (values: readonly number[]): number[] => [...values].sort((a, b) => a - b)

/**
 * The value below which `p` percent of the samples fall (nearest rank).
 *
 * @example
 * ```ts
 * percentile([5, 1, 3], 50) // 3
 * ```
 */
export const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) return Number.NaN
  const ordered = sorted(values)
  const rank = Math.ceil((p / 100) * ordered.length)
  return ordered[Math.min(ordered.length, Math.max(1, rank)) - 1]!
}

/**
 * The middle value (the mean of the two middle ones for an even count).
 *
 * @example
 * ```ts
 * median([4, 1, 3, 2]) // 2.5
 * ```
 */
export const median = (values: readonly number[]): number => {
  if (values.length === 0) return Number.NaN
  const ordered = sorted(values)
  const mid = ordered.length >> 1
  return ordered.length % 2 === 1 ? ordered[mid]! : (ordered[mid - 1]! + ordered[mid]!) / 2
}

/**
 * Median, min and max of one measurement's rounds.
 *
 * @example
 * ```ts
 * summarize([3, 1, 2]) // { median: 2, min: 1, max: 3, n: 3 }
 * ```
 */
export const summarize = (values: readonly number[]): Stat => ({
  median: median(values),
  min: values.length === 0 ? Number.NaN : Math.min(...values),
  max: values.length === 0 ? Number.NaN : Math.max(...values),
  n: values.length,
})

/**
 * The same summary in another unit.
 *
 * @example
 * ```ts
 * scale(nsStat, 1 / 1000) // in µs
 * ```
 */
export const scale = (s: Stat, factor: number): Stat => ({
  median: s.median * factor,
  min: s.min * factor,
  max: s.max * factor,
  n: s.n,
})
