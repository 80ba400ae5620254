/** Record a training job state change (from EventBridge) and wake the loop when a job ended. */
import type { TrainingBackend } from './backend';
import { parseTrainingJobName } from './naming';
import type { JobObservation, RunStore } from './records';
import type { TaskWaker } from './waker';

export type JobEventOutcome =
  | { readonly kind: 'ignored'; readonly reason: string }
  | { readonly kind: 'recorded'; readonly runId: string; readonly status: string; readonly woke: 'woken' | 'expired' | 'no-token' }
  | { readonly kind: 'unchanged'; readonly runId: string };

/** What the event itself says about the job (its `detail`). */
export interface JobEventDetail {
  readonly status?: string;
  readonly secondaryStatus?: string;
}

/**
 * A terminal event carries no `FinalMetricDataList`, so the job is described first. A progress
 * event (`InProgress`, `Stopping`: several per job, one per secondary status) is recorded from the
 * event itself, without a DescribeTrainingJob call. Duplicate and late events change nothing (the
 * store only moves a job forward).
 */
export async function recordJobEvent(
  deps: { store: RunStore; backend: TrainingBackend; waker: TaskWaker; jobNamePrefix: string; now: () => Date },
  jobName: string,
  detail: JobEventDetail = {},
): Promise<JobEventOutcome> {
  const parsed = parseTrainingJobName(deps.jobNamePrefix, jobName);
  if (parsed === undefined) return { kind: 'ignored', reason: `'${jobName}' is not a job name of this tuner` };
  const progress = detail.status === 'InProgress' || detail.status === 'Stopping';
  const observation: JobObservation | undefined = progress
    ? { jobName, status: detail.status as 'InProgress' | 'Stopping', ...(detail.secondaryStatus === undefined ? {} : { secondaryStatus: detail.secondaryStatus }) }
    : await deps.backend.describeJob(jobName);
  if (observation === undefined) return { kind: 'ignored', reason: `sagemaker does not know '${jobName}'` };
  const result = await deps.store.recordObservation(parsed.runId, observation, deps.now().toISOString());
  if (result.kind === 'unknown-job') return { kind: 'ignored', reason: `run '${parsed.runId}' has no job '${jobName}'` };
  if (result.kind === 'unchanged') return { kind: 'unchanged', runId: parsed.runId };
  const woke = result.taskToken === undefined
    ? 'no-token'
    : await deps.waker.wake(result.taskToken, { reason: 'job-event', jobName, status: observation.status });
  return { kind: 'recorded', runId: parsed.runId, status: observation.status, woke };
}
