/**
 * The tuner's CloudWatch metrics in the embedded metric format: one JSON line on stdout per
 * data point, which CloudWatch Logs turns into a metric (no API call, no IAM permission). The
 * line goes straight to stdout, not through `console.log`, whose Lambda prefix (time, request
 * id, level) would hide the JSON from the extraction.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
import { TUNER_METRICS } from '../core/orchestrator/run-events';

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
  try {
    write(
      `${JSON.stringify({
        _aws: {
          Timestamp: now.getTime(),
          CloudWatchMetrics: [{ Namespace: TUNER_METRICS.namespace, Dimensions: [[TUNER_METRICS.dimension]], Metrics: [{ Name: metricName, Unit: 'Count' }] }],
        },
        [TUNER_METRICS.dimension]: tuner,
        [metricName]: count,
      })}\n`,
    );
  } catch {
    // stdout closed: nothing to do
  }
}
