/** Small summary statistics for benchmark tables. */

/** Summary of a sample: mean, standard error of the mean, median, min and max. */
export interface Summary {
  readonly n: number;
  readonly mean: number;
  /** Standard error of the mean (sample standard deviation / sqrt(n)); 0 when n < 2. */
  readonly sem: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** The median of a non-empty list (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Summarize a non-empty list of finite numbers. */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error('summary of an empty list');
  for (const v of values) if (!Number.isFinite(v)) throw new Error(`summary of a non-finite value ${v}`);
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n < 2 ? 0 : values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  return { n, mean, sem: Math.sqrt(variance / n), median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** The mean of a non-empty list. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) throw new Error('mean of an empty list');
  return values.reduce((a, b) => a + b, 0) / values.length;
}
