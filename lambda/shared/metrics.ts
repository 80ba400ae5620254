/**
 * The tuner's CloudWatch metrics in the embedded metric format: one JSON line on stdout per
 * data point, which CloudWatch Logs turns into a metric (no API call, no IAM permission). The
 * line goes straight to stdout, not through `console.log`, whose Lambda prefix (time, request
 * id, level) would hide the JSON from the extraction.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
import { TUNER_METRICS } from '../../core/orchestrator/run-events';

/** Where the lines go (stdout; replaced in tests). */
let write: (line: string) => void = (line) => {
  process.stdout.write(line);
};

/** Replace the writer (tests); returns the previous one. */
export function setMetricWriter(writer: (line: string) => void): (line: string) => void {
  const previous = write;
  write = writer;
  return previous;
}

/**
 * Count one occurrence of `metricName` for this tuner (dimension `Tuner` = the job-name
 * prefix). Never throws: a metric is not worth failing a handler for.
 */
export function countMetric(tuner: string, metricName: string, count = 1, now: Date = new Date()): void {
  putMetrics({ [TUNER_METRICS.dimension]: tuner }, { [metricName]: { value: count, unit: 'Count' } }, now);
}

/**
 * A run's gauges after a tick (dimensions `Tuner` and `Run`): training jobs in progress and,
 * once there is one, the best objective value.
 */
export function runGauges(tuner: string, runId: string, gauges: { inProgress: number; bestObjective?: number }, now: Date = new Date()): void {
  const values: Record<string, { value: number; unit: string }> = { [TUNER_METRICS.perRun.inProgress]: { value: gauges.inProgress, unit: 'Count' } };
  if (gauges.bestObjective !== undefined && Number.isFinite(gauges.bestObjective)) {
    values[TUNER_METRICS.perRun.bestObjective] = { value: gauges.bestObjective, unit: 'None' };
  }
  putMetrics({ [TUNER_METRICS.dimension]: tuner, [TUNER_METRICS.perRun.dimension]: runId }, values, now);
}

/** One EMF line: the dimensions (all in one dimension set) and the values. Never throws. */
function putMetrics(dimensions: Record<string, string>, values: Record<string, { value: number; unit: string }>, now: Date): void {
  try {
    write(
      `${JSON.stringify({
        _aws: {
          Timestamp: now.getTime(),
          CloudWatchMetrics: [
            {
              Namespace: TUNER_METRICS.namespace,
              Dimensions: [Object.keys(dimensions)],
              Metrics: Object.entries(values).map(([name, v]) => ({ Name: name, Unit: v.unit })),
            },
          ],
        },
        ...dimensions,
        ...Object.fromEntries(Object.entries(values).map(([name, v]) => [name, v.value])),
      })}\n`,
    );
  } catch {
    // stdout closed: nothing to do
  }
}
