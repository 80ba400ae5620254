/**
 * A metric's values in the lines a training job printed: what SageMaker does with a
 * `MetricDefinitions` entry (the regex is searched in every line; the first capture group, or
 * the whole match without one, is parsed as a float; lines where it does not parse are skipped).
 * The SageMaker emulator applies the same rule to produce `FinalMetricDataList`.
 */
import { compileMetricRegex } from './java-regex';

/** One parsed value per matching line, in line order. */
export function metricValuesIn(lines: readonly string[], regex: string): number[] {
  const re = compileMetricRegex(regex);
  if (re === undefined) return [];
  const out: number[] = [];
  for (const line of lines) {
    const m = re.exec(line);
    if (!m) continue;
    const value = Number.parseFloat(m[1] ?? m[0]);
    if (!Number.isNaN(value)) out.push(value);
  }
  return out;
}

/** Whether the regex can be used at all (JavaScript can express it). */
export function isUsableMetricRegex(regex: string): boolean {
  return compileMetricRegex(regex) !== undefined;
}
