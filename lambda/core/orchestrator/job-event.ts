/** Record a training job state change (from EventBridge) and wake the loop when a job ended. */
import type { TrainingBackend } from './backend';
import { parseTrainingJobName } from './naming';
import type { RunStore } from './records';
import type { TaskWaker } from './waker';

export type JobEventOutcome =
  | { readonly kind: 'ignored'; readonly reason: string }
  | { readonly kind: 'recorded'; readonly runId: string; readonly status: string; readonly woke: 'woken' | 'expired' | 'no-token' }
  | { readonly kind: 'unchanged'; readonly runId: string };

/**
 * The event carries no `FinalMetricDataList`, so the job is described first. Duplicate and
 * late events change nothing (the store only moves a job forward).
 */
export async function recordJobEvent(
  deps: { store: RunStore; backend: TrainingBackend; waker: TaskWaker; jobNamePrefix: string; now: () => Date },
  jobName: string,
): Promise<JobEventOutcome> {
  const parsed = parseTrainingJobName(deps.jobNamePrefix, jobName);
  if (parsed === undefined) return { kind: 'ignored', reason: `'${jobName}' is not a job name of this tuner` };
  const observation = await deps.backend.describeJob(jobName);
  if (observation === undefined) return { kind: 'ignored', reason: `sagemaker does not know '${jobName}'` };
  const result = await deps.store.recordObservation(parsed.runId, observation, deps.now().toISOString());
  if (result.kind === 'unknown-job') return { kind: 'ignored', reason: `run '${parsed.runId}' has no job '${jobName}'` };
  if (result.kind === 'unchanged') return { kind: 'unchanged', runId: parsed.runId };
  const woke = result.taskToken === undefined
    ? 'no-token'
    : await deps.waker.wake(result.taskToken, { reason: 'job-event', jobName, status: observation.status });
  return { kind: 'recorded', runId: parsed.runId, status: observation.status, woke };
}
