/**
 * MetricDefinitions: each regex is applied to every line the training process prints, and the
 * last value each metric matched becomes its FinalMetricDataList entry (the first capture
 * group, or the whole match without one, parsed as a float), as the service does.
 */
import type { MetricData, MetricDefinition } from '@aws-sdk/client-sagemaker';
import { compileMetricRegex } from '../../core/metrics/java-regex';

interface Compiled {
  readonly name: string;
  readonly re: RegExp | undefined;
}

/** Collects metric values from log lines. */
export class MetricCollector {
  private readonly defs: readonly Compiled[];
  private readonly last = new Map<string, { value: number; timestamp: Date }>();

  /** @param definitions the request's AlgorithmSpecification.MetricDefinitions */
  constructor(definitions: readonly MetricDefinition[] = []) {
    this.defs = definitions.map((d) => ({ name: d.Name ?? '', re: compileMetricRegex(d.Regex ?? '') }));
  }

  /** Applies every regex to one output line. */
  observe(line: string, now = new Date()): void {
    for (const d of this.defs) {
      const m = d.re?.exec(line);
      if (!m) continue;
      const value = Number.parseFloat(m[1] ?? m[0]);
      if (!Number.isNaN(value)) this.last.set(d.name, { value, timestamp: now });
    }
  }

  /** The last value of each metric that matched at least once, in definition order. */
  finalMetrics(): MetricData[] {
    const out: MetricData[] = [];
    for (const d of this.defs) {
      const v = this.last.get(d.name);
      if (v) out.push({ MetricName: d.name, Value: v.value, Timestamp: v.timestamp });
    }
    return out;
  }
}
