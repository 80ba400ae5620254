/**
 * Stop a run from outside the loop: the cleanup after an execution was aborted, failed or
 * timed out (EventBridge), and `hpo stop`. Stopping must never leave GPUs billing.
 */
import type { TrainingBackend } from './backend';
import type { RunStore } from './records';
import { releaseWarmPools } from './finalize';

export interface StopRunResult {
  readonly runId: string;
  readonly stoppedJobs: readonly string[];
  readonly warmPoolsReleased: number;
}

/**
 * Mark the run `Stopped` (final: an in-flight tick can no longer commit over it, and one
 * that is creating a job right now stops that job itself), then stop every job that may be
 * running. Pending jobs are stopped too, in case their creation raced with this call.
 */
export async function stopRun(
  deps: { store: RunStore; backend: TrainingBackend; now: () => Date },
  runId: string,
  reason: string,
): Promise<StopRunResult> {
  const iso = deps.now().toISOString();
  const run = await deps.store.setRunStatus(runId, 'Stopped', reason, iso, 'Stopped');
  const jobs = await deps.store.listJobs(runId);
  const stoppedJobs: string[] = [];
  for (const job of jobs) {
    if (job.status !== 'Pending' && job.status !== 'InProgress') continue;
    const result = await deps.backend.stopJob(job.jobName);
    if (result === 'stopping') {
      stoppedJobs.push(job.jobName);
      await deps.store.recordObservation(runId, { jobName: job.jobName, status: 'Stopping' }, iso);
    } else if (job.status === 'Pending') {
      await deps.store.recordObservation(runId, { jobName: job.jobName, status: 'Stopped', endedAt: iso, failureReason: 'never started: the run stopped' }, iso);
    }
  }
  const warmPoolsReleased = await releaseWarmPools(deps.store, deps.backend, run, jobs, deps.now());
  return { runId, stoppedJobs, warmPoolsReleased };
}
