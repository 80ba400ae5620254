/**
 * The training backend port (Syne Tune's `TrialBackend`): how the orchestrator starts,
 * observes and stops training jobs. Adapters: SageMaker (lambda/adapters/aws) — which also
 * drives the local SageMaker emulator, since that speaks the same API.
 */
import type { JobObservation } from './records';

/** A CreateTrainingJob request as plain JSON (the SageMaker API's field names). */
export type TrainingJobRequest = Readonly<Record<string, unknown>> & { readonly TrainingJobName: string };

export type CreateJobResult =
  /** SageMaker accepted the job. */
  | { readonly kind: 'created' }
  /** A job with this name exists already (a retried tick): treat as started. */
  | { readonly kind: 'exists' }
  /** Throttled or over a quota: keep the job pending and retry later. Never drop it. */
  | { readonly kind: 'retry'; readonly reason: string }
  /** SageMaker rejected the request itself: every job of this run would fail the same way. */
  | { readonly kind: 'invalid'; readonly reason: string };

export type StopJobResult = 'stopping' | 'not-running';

export interface TrainingBackend {
  createJob(request: TrainingJobRequest): Promise<CreateJobResult>;
  /** Current state of a job; undefined when SageMaker does not know it. */
  describeJob(jobName: string): Promise<JobObservation | undefined>;
  stopJob(jobName: string): Promise<StopJobResult>;
  /** Release a job's warm pool (UpdateTrainingJob KeepAlivePeriodInSeconds = 0). */
  releaseWarmPool(jobName: string): Promise<void>;
}
