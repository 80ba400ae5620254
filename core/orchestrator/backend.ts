/**
 * The training backend port (Syne Tune's `TrialBackend`): how the orchestrator starts,
 * observes and stops training jobs. Adapters: SageMaker (lambda/adapters/aws) — which also
 * drives the local SageMaker emulator, since that speaks the same API.
 *
 * Errors: an adapter throws only the tuner's named errors (`TransientError`,
 * `PermissionDenied`, `RequestRejected`; core/orchestrator/errors.ts) for what the
 * results below do not cover.
 */
import type { JobObservation, LogCursor } from './records';

/** A CreateTrainingJob request as plain JSON (the SageMaker API's field names). */
export type TrainingJobRequest = Readonly<Record<string, unknown>> & { readonly TrainingJobName: string };

/** What SageMaker says about a training job that already has the name we asked for. */
export interface ExistingJob {
  /** ISO-8601 `CreationTime` of the existing job. */
  readonly createdAt?: string;
  /** Its `HyperParameters`. */
  readonly hyperParameters?: Readonly<Record<string, string>>;
  /** Its `RoleArn`. */
  readonly roleArn?: string;
}

export type CreateJobResult =
  /** SageMaker accepted the job. */
  | { readonly kind: 'created' }
  /**
   * A job with this name exists already: ours from a retried tick, or a job of an earlier run
   * that had the same name (job names are permanent in an account and region). The caller
   * decides which, from what SageMaker says about it.
   */
  | { readonly kind: 'exists'; readonly existing: ExistingJob }
  /**
   * Not now (throttled, or no capacity / quota in use): keep the job pending and retry later.
   * Never drop it.
   */
  | { readonly kind: 'retry'; readonly reason: string; readonly cause: 'temporary' | 'capacity' }
  /**
   * A quota that can never fit one job of this definition (0, or below its instance count):
   * only a quota increase helps, so the run fails with `reason` (which names the quota).
   */
  | { readonly kind: 'over-quota'; readonly reason: string; readonly quotaName?: string }
  /** SageMaker rejected the request itself: every job of this run would fail the same way. */
  | { readonly kind: 'invalid'; readonly reason: string };

export type StopJobResult = 'stopping' | 'not-running';

/** `released`: the pool is told to end now; `gone`: there was no pool left to release. */
export type ReleaseWarmPoolResult = 'released' | 'gone';

export interface TrainingBackend {
  createJob(request: TrainingJobRequest): Promise<CreateJobResult>;
  /** Current state of a job; undefined when SageMaker does not know it. */
  describeJob(jobName: string): Promise<JobObservation | undefined>;
  stopJob(jobName: string): Promise<StopJobResult>;
  /** Release a job's warm pool (UpdateTrainingJob KeepAlivePeriodInSeconds = 0). */
  releaseWarmPool(jobName: string): Promise<ReleaseWarmPoolResult>;
}

/**
 * Where trials keep their checkpoints (S3): only asked whether a trial's folder holds anything,
 * for the warning about scripts that cannot resume.
 */
export interface CheckpointStore {
  /**
   * Whether anything is stored under `s3Uri` (a folder prefix). `unknown` when it cannot tell
   * (no permission on a bucket of the user's, say): the check is advice, never a failure.
   */
  hasCheckpoint(s3Uri: string): Promise<'yes' | 'no' | 'unknown'>;
}

/** A batch of a training job's log lines (its primary host), and where the next read starts. */
export interface LogPage {
  readonly lines: readonly string[];
  readonly cursor: LogCursor;
}

/**
 * Training jobs' logs (CloudWatch Logs `/aws/sagemaker/TrainingJobs`, where SageMaker puts
 * what the script prints): early stopping reads the objective after each epoch from them, with
 * the same `MetricDefinitions` regex SageMaker uses.
 *
 * Errors: only the tuner's named errors, like {@link TrainingBackend}.
 */
export interface TrainingLogs {
  /**
   * The lines `jobName` printed after `cursor` (from the start without one), oldest first, at
   * most a bounded batch per call: call again with the returned cursor for more.
   */
  readLines(jobName: string, cursor: LogCursor | undefined): Promise<LogPage>;
}
