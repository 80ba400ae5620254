/**
 * The run-level status event: what the tuner tells the default EventBridge bus when a run
 * starts and when it ends (completed, failed, stopped), so users can route it to SNS, Slack or
 * a pipeline. Pure: the event's detail is built here from the run record; the adapter
 * (`adapters/aws/eventbridge-run-events.ts`) sends it, and the handlers log a failure to send
 * as a warning (publishing never fails a run).
 *
 * Delivery is at least once: a retried Init, Finalize or cleanup invocation sends its event
 * again. Consumers that must act once key on (`tuner`, `runId`, `status`).
 */
import { PermissionDenied, RequestRejected, TransientError } from './errors';
import type { RunOutcome } from './finalize';
import type { RunRecord, RunStatus } from './records';

/** The `source` of every run-level event (sources starting with `aws.` are reserved for AWS). */
export const RUN_EVENT_SOURCE = 'hpo.tuner';

/** The `detail-type` of the run-level status event. */
export const RUN_STATUS_CHANGE_DETAIL_TYPE = 'HPO Tuning Run Status Change';

/** The statuses an event reports: a run started (`Running`) or ended. */
export type RunEventStatus = Extract<RunStatus, 'Running' | 'Completed' | 'Failed' | 'Stopped'>;

/** The detail of an `HPO Tuning Run Status Change` event. */
export interface RunStatusChangeDetail {
  /** The tuner's job-name prefix: tells the runs of several tuners in one account apart. */
  readonly tuner: string;
  /** The run's name (`HyperParameterTuningJobName`). */
  readonly runId: string;
  /** `Running` when the run starts; `Completed`, `Failed` or `Stopped` when it ends. */
  readonly status: RunEventStatus;
  /** Why the run ended (a completion criterion, the failure, the stop request); absent when it starts. */
  readonly reason?: string;
  /** The Step Functions execution that started the run. */
  readonly executionArn: string;
  readonly strategy: string;
  readonly objective: { readonly type: string; readonly metricName: string };
  /** The run's best training job so far (AMT's `BestTrainingJob`); absent until one has the objective. */
  readonly bestTrainingJob?: {
    readonly trainingJobName: string;
    readonly trialId: number;
    readonly resource: number;
    readonly objectiveValue: number;
  };
  /** Training jobs by status when the event was sent; `maxTrainingJobs` is the run's budget. */
  readonly trainingJobs: {
    readonly started: number;
    readonly completed: number;
    readonly failed: number;
    readonly stopped: number;
    readonly inProgress: number;
    readonly maxTrainingJobs: number;
  };
  readonly startedAt: string;
  /** When the run ended; absent when it starts. */
  readonly endedAt?: string;
}

/** Where run-level events go (EventBridge in AWS and in the twin). */
export interface RunEventPublisher {
  /**
   * Send one run status event.
   *
   * @throws TransientError, PermissionDenied or RequestRejected (the AWS error, classified)
   */
  publish(detail: RunStatusChangeDetail): Promise<void>;
}

/** What became of a publication: the handler logs `failed` as a warning and goes on. */
export type PublishResult =
  | { readonly kind: 'published' }
  | { readonly kind: 'failed'; readonly errorClass: string; readonly message: string };

function strategyOf(run: RunRecord): string {
  const config = run.input.HyperParameterTuningJobConfig as { Strategy?: unknown } | undefined;
  return typeof config?.Strategy === 'string' ? config.Strategy : 'Bayesian';
}

function best(run: RunRecord): RunStatusChangeDetail['bestTrainingJob'] {
  return run.best === undefined
    ? undefined
    : { trainingJobName: run.best.jobName, trialId: run.best.trialId, resource: run.best.milestone, objectiveValue: run.best.objective };
}

/** The status an event reports for a run record: `Stopping` is still running. */
export function eventStatusOf(status: RunStatus): RunEventStatus {
  return status === 'Stopping' ? 'Running' : status;
}

/**
 * The event of a run as its record stands (Init: started; the cleanup after an execution
 * ended: stopped or failed). Job counts come from the record's counters; `counters` replaces
 * them when the caller has counted the jobs themselves (Finalize).
 */
export function runStatusDetail(
  tuner: string,
  run: RunRecord,
  counters?: RunOutcome['TrainingJobStatusCounters'] & { readonly started: number },
): RunStatusChangeDetail {
  const status = eventStatusOf(run.status);
  const c = run.counters;
  const inProgress = counters?.InProgress ?? Math.max(0, c.jobsStarted - c.jobsCompleted - c.jobsFailed - c.jobsStopped);
  const bestJob = best(run);
  return {
    tuner,
    runId: run.runId,
    status,
    ...(status === 'Running' || run.statusReason === undefined || run.statusReason === '' ? {} : { reason: run.statusReason }),
    executionArn: run.executionArn,
    strategy: strategyOf(run),
    objective: { type: run.spec.objective.type, metricName: run.spec.objective.metricName },
    ...(bestJob === undefined ? {} : { bestTrainingJob: bestJob }),
    trainingJobs: {
      started: counters?.started ?? c.jobsStarted,
      completed: counters?.Completed ?? c.jobsCompleted,
      failed: counters?.Failed ?? c.jobsFailed,
      stopped: counters?.Stopped ?? c.jobsStopped,
      inProgress,
      maxTrainingJobs: run.spec.scheduler.maxTrainingJobs,
    },
    startedAt: run.createdAt,
    ...(status === 'Running' || run.endedAt === undefined ? {} : { endedAt: run.endedAt }),
  };
}

/** The event of a finished run, from Finalize's outcome (the execution's output). */
export function finalizedRunDetail(tuner: string, run: RunRecord, outcome: RunOutcome): RunStatusChangeDetail {
  return runStatusDetail(tuner, { ...run, status: outcome.HyperParameterTuningJobStatus }, { ...outcome.TrainingJobStatusCounters, started: outcome.TrainingJobsStarted });
}

/**
 * Publish without ever throwing: the run's outcome does not depend on a notification. Returns
 * the error's class (`retry`, `denied`, `invalid`, or `unexpected` for a non-AWS error) for the
 * handler's warning.
 */
export async function publishRunStatus(publisher: RunEventPublisher, detail: RunStatusChangeDetail): Promise<PublishResult> {
  try {
    await publisher.publish(detail);
    return { kind: 'published' };
  } catch (error) {
    const errorClass =
      error instanceof TransientError ? 'retry' : error instanceof PermissionDenied ? 'denied' : error instanceof RequestRejected ? 'invalid' : 'unexpected';
    return { kind: 'failed', errorClass, message: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The tuner's own CloudWatch metrics (embedded metric format, written by the handlers to
 * their logs: no API call, no permission). Dimension `Tuner` = the job-name prefix.
 */
export const TUNER_METRICS = {
  namespace: 'HpoTuner',
  dimension: 'Tuner',
  /** Runs by the status their event reported (Count). */
  runs: { Running: 'RunsStarted', Completed: 'RunsCompleted', Failed: 'RunsFailed', Stopped: 'RunsStopped' } satisfies Record<RunEventStatus, string>,
  /**
   * Training jobs that ended, by SageMaker status, counted by the tick that tells the scheduler
   * (once per job, also for jobs whose event was lost) (Count).
   */
  trainingJobs: { Completed: 'TrainingJobsCompleted', Failed: 'TrainingJobsFailed', Stopped: 'TrainingJobsStopped' },
  /** Per run (dimensions `Tuner`, `Run`), written by every tick: gauges, read with Maximum. */
  perRun: {
    dimension: 'Run',
    /** Training jobs running (InProgress or Stopping) after the tick. */
    inProgress: 'TrainingJobsInProgress',
    /** The run's best objective value so far (absent until a job reported the objective). */
    bestObjective: 'BestObjective',
  },
} as const;

/** The metric a run status event counts in. */
export function runMetricName(status: RunEventStatus): string {
  return TUNER_METRICS.runs[status];
}

/** The metric a training job's terminal status counts in, or undefined for other statuses. */
export function trainingJobMetricName(status: string): string | undefined {
  return (TUNER_METRICS.trainingJobs as Readonly<Record<string, string>>)[status];
}
