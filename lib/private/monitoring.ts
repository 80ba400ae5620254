/**
 * The tuner's alarms and CloudWatch dashboard (not exported: the construct builds them from
 * its props). Metrics come from three places: Step Functions and Lambda (AWS/States,
 * AWS/Lambda), SQS for the dead-letter queue (AWS/SQS), and the tuner's own metrics
 * (namespace `HpoTuner`, dimension `Tuner` = the job-name prefix), which the handlers write in
 * the embedded metric format (lambda/shared/metrics.ts).
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TUNER_METRICS } from '../../core/orchestrator/run-events';
import type { TunerAlarms } from '../tuner-props';

/** The period of every metric the alarms and the dashboard use. */
export const MONITORING_PERIOD = Duration.minutes(5);

/** A metric of the tuner's own namespace, summed over the period. */
export function tunerMetric(jobNamePrefix: string, metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: TUNER_METRICS.namespace,
    metricName,
    dimensionsMap: { [TUNER_METRICS.dimension]: jobNamePrefix },
    statistic: cloudwatch.Stats.SUM,
    period: MONITORING_PERIOD,
    ...props,
  });
}

/** What the alarms and the dashboard watch. */
export interface Watched {
  readonly jobNamePrefix: string;
  readonly stateMachine: sfn.StateMachine;
  readonly deadLetterQueue: sqs.IQueue;
  /** The functions, by a short label (the handler's name). */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
}

/** Runs that failed, whichever way: the execution failed or timed out, or the run ended Failed. */
function runsFailedExpression(w: Watched): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: 'FILL(executionsFailed, 0) + FILL(executionsTimedOut, 0) + FILL(runsFailed, 0)',
    usingMetrics: {
      executionsFailed: w.stateMachine.metricFailed({ period: MONITORING_PERIOD, statistic: cloudwatch.Stats.SUM }),
      executionsTimedOut: w.stateMachine.metricTimedOut({ period: MONITORING_PERIOD, statistic: cloudwatch.Stats.SUM }),
      runsFailed: tunerMetric(w.jobNamePrefix, TUNER_METRICS.runs.Failed),
    },
    label: 'failed runs and executions',
    period: MONITORING_PERIOD,
  });
}

/** The three alarms, each with `actions` (if any). */
export function createAlarms(scope: Construct, w: Watched, actions: readonly cloudwatch.IAlarmAction[]): TunerAlarms {
  const common = {
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    // No data means nothing happened: no run failed, no job failed, no message arrived.
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  };
  const runFailed = new cloudwatch.Alarm(scope, 'RunFailedAlarm', {
    ...common,
    metric: runsFailedExpression(w),
    alarmDescription:
      `A tuning run of the tuner '${w.jobNamePrefix}' failed: its execution failed or timed out, or the run ended Failed ` +
      '(e.g. its first training jobs all failed). Stopped runs do not count. See `hpo status <run>` for the reason.',
  });
  const trainingJobsFailed = new cloudwatch.Alarm(scope, 'TrainingJobsFailedAlarm', {
    ...common,
    metric: tunerMetric(w.jobNamePrefix, TUNER_METRICS.trainingJobs.Failed),
    alarmDescription:
      `A training job of the tuner '${w.jobNamePrefix}' failed (SageMaker status Failed). ` +
      'Its FailureReason is in `hpo results <run> --jobs` and the job\'s logs in /aws/sagemaker/TrainingJobs.',
  });
  const deadLetters = new cloudwatch.Alarm(scope, 'DeadLettersAlarm', {
    ...common,
    metric: w.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: MONITORING_PERIOD, statistic: cloudwatch.Stats.MAXIMUM }),
    alarmDescription:
      `Events the tuner '${w.jobNamePrefix}' could not process are in its dead-letter queue. A lost training job event ` +
      'only delays a run (the loop re-reads jobs), but a lost cleanup event can leave the training jobs of a stopped run running: check them.',
  });
  for (const alarm of [runFailed, trainingJobsFailed, deadLetters]) {
    if (actions.length > 0) alarm.addAlarmAction(...actions);
  }
  return { runFailed, trainingJobsFailed, deadLetters };
}

/**
 * The dashboard: runs, training jobs (by status, in progress), the best objective of each run,
 * executions, functions, the dead-letter queue, alarms.
 */
export function createDashboard(scope: Construct, w: Watched, alarms: TunerAlarms | undefined, dashboardName: string | undefined): cloudwatch.Dashboard {
  const dashboard = new cloudwatch.Dashboard(scope, 'Dashboard', {
    ...(dashboardName === undefined ? {} : { dashboardName }),
    defaultInterval: Duration.days(1),
  });
  const own = (name: string, label: string): cloudwatch.Metric => tunerMetric(w.jobNamePrefix, name, { label });
  const sum = { period: MONITORING_PERIOD, statistic: cloudwatch.Stats.SUM };
  const functions = Object.entries(w.functions);
  const perFunction = (title: string, metric: (fn: lambda.IFunction) => cloudwatch.IMetric, width = 8): cloudwatch.GraphWidget =>
    new cloudwatch.GraphWidget({ title, width, height: 6, left: functions.map(([label, fn]) => withLabel(metric(fn), label)) });

  dashboard.addWidgets(
    new cloudwatch.TextWidget({
      markdown:
        `# Hyperparameter tuner \`${w.jobNamePrefix}\`\n` +
        'Runs and training jobs are counted by the tuner itself (namespace `HpoTuner`); every run also sends an ' +
        '`HPO Tuning Run Status Change` event (source `hpo.tuner`) to the default event bus.',
      width: 24,
      height: 2,
    }),
  );
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'Runs',
      width: 8,
      height: 6,
      left: [
        own(TUNER_METRICS.runs.Running, 'started'),
        own(TUNER_METRICS.runs.Completed, 'completed'),
        own(TUNER_METRICS.runs.Failed, 'failed'),
        own(TUNER_METRICS.runs.Stopped, 'stopped'),
      ],
    }),
    new cloudwatch.GraphWidget({
      title: 'Training jobs by status',
      width: 8,
      height: 6,
      left: [
        own(TUNER_METRICS.trainingJobs.Completed, 'completed'),
        own(TUNER_METRICS.trainingJobs.Failed, 'failed'),
        own(TUNER_METRICS.trainingJobs.Stopped, 'stopped'),
      ],
    }),
    new cloudwatch.GraphWidget({
      title: 'State machine executions',
      width: 8,
      height: 6,
      left: [
        w.stateMachine.metricStarted({ ...sum, label: 'started' }),
        w.stateMachine.metricSucceeded({ ...sum, label: 'succeeded' }),
        w.stateMachine.metricFailed({ ...sum, label: 'failed' }),
        w.stateMachine.metricAborted({ ...sum, label: 'aborted' }),
        w.stateMachine.metricTimedOut({ ...sum, label: 'timed out' }),
      ],
    }),
  );
  // Per-run gauges (dimensions Tuner, Run): one line per run, found by a search expression.
  const perRun = (metricName: string, stat: string): string =>
    `SEARCH('{${TUNER_METRICS.namespace},${TUNER_METRICS.dimension},${TUNER_METRICS.perRun.dimension}} ` +
    `MetricName="${metricName}" ${TUNER_METRICS.dimension}="${w.jobNamePrefix}"', '${stat}', ${MONITORING_PERIOD.toSeconds()})`;
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'Training jobs in progress',
      width: 12,
      height: 6,
      left: [
        new cloudwatch.MathExpression({
          expression: `SUM(${perRun(TUNER_METRICS.perRun.inProgress, 'Maximum')})`,
          label: 'in progress, all runs',
          period: MONITORING_PERIOD,
        }),
      ],
    }),
    new cloudwatch.GraphWidget({
      title: 'Best objective by run',
      width: 12,
      height: 6,
      left: [new cloudwatch.MathExpression({ expression: perRun(TUNER_METRICS.perRun.bestObjective, 'Average'), label: '', period: MONITORING_PERIOD })],
    }),
  );
  dashboard.addWidgets(
    perFunction('Lambda errors', (fn) => fn.metricErrors(sum)),
    perFunction('Lambda throttles', (fn) => fn.metricThrottles(sum)),
    perFunction('Lambda duration (max)', (fn) => fn.metricDuration({ period: MONITORING_PERIOD, statistic: cloudwatch.Stats.MAXIMUM })),
  );
  const bottom: cloudwatch.IWidget[] = [
    new cloudwatch.GraphWidget({
      title: 'Dead-letter queue depth',
      width: alarms === undefined ? 24 : 12,
      height: 6,
      left: [
        w.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: MONITORING_PERIOD, statistic: cloudwatch.Stats.MAXIMUM, label: 'messages' }),
      ],
    }),
  ];
  if (alarms !== undefined) {
    bottom.push(
      new cloudwatch.AlarmStatusWidget({
        title: 'Alarms',
        width: 12,
        height: 6,
        alarms: [alarms.runFailed, alarms.trainingJobsFailed, alarms.deadLetters],
      }),
    );
  }
  dashboard.addWidgets(...bottom);
  return dashboard;
}

function withLabel(metric: cloudwatch.IMetric, label: string): cloudwatch.IMetric {
  return metric instanceof cloudwatch.Metric ? metric.with({ label }) : metric;
}
