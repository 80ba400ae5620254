/**
 * Stop a run from outside the loop: the cleanup after an execution was aborted, failed or
 * timed out (EventBridge), and `hpo stop`. Stopping must never leave GPUs billing.
 */
import type { TrainingBackend } from './backend';
import { TransientError } from './errors';
import { keepsWarmPool, releaseWarmPools, type ReleaseOptions } from './finalize';
import type { RunStore } from './records';

export interface StopRunResult {
  readonly runId: string;
  readonly stoppedJobs: readonly string[];
  readonly warmPoolsReleased: number;
}

/**
 * Mark the run `Stopped` — or `Failed`, when its execution failed — (final: an in-flight tick
 * can no longer commit over it, and one that is creating a job right now stops that job
 * itself), then stop every job that may be running. Pending jobs are stopped too, in case
 * their creation raced with this call. Idempotent: a retry (EventBridge redelivers a failed
 * invocation) stops and releases what is left.
 *
 * @throws TransientError when warm pools are left to release (the deadline came, or SageMaker
 *   throttled): the invocation is retried
 */
export async function stopRun(
  deps: { store: RunStore; backend: TrainingBackend; now: () => Date },
  runId: string,
  reason: string,
  outcome: 'Stopped' | 'Failed' = 'Stopped',
  release: ReleaseOptions = {},
): Promise<StopRunResult> {
  const iso = deps.now().toISOString();
  const run = await deps.store.setRunStatus(runId, outcome, reason, iso, outcome);
  const jobs = await deps.store.listJobs(runId);
  const stoppedJobs: string[] = [];
  const warm = keepsWarmPool(run);
  for (const job of jobs) {
    if (job.status !== 'Pending' && job.status !== 'InProgress') continue;
    // No Finalize follows a stopped execution: a job stopped now must not keep its instances
    // in a warm pool afterwards, so its keep-alive period is set to 0 first.
    if (warm && job.status === 'InProgress') await deps.backend.releaseWarmPool(job.jobName).catch(() => 'gone');
    const result = await deps.backend.stopJob(job.jobName);
    if (result === 'stopping') {
      stoppedJobs.push(job.jobName);
      await deps.store.recordObservation(runId, { jobName: job.jobName, status: 'Stopping' }, iso);
    } else if (job.status === 'Pending') {
      await deps.store.recordObservation(runId, { jobName: job.jobName, status: 'Stopped', endedAt: iso, failureReason: 'never started: the run stopped' }, iso);
    }
  }
  const pools = await releaseWarmPools(deps.store, deps.backend, run, jobs, deps.now(), release);
  if (pools.remaining > 0 || pools.retryable.length > 0) {
    throw new TransientError(`run '${runId}': ${pools.remaining + pools.retryable.length} warm pools still to release; retry`);
  }
  return { runId, stoppedJobs, warmPoolsReleased: pools.released };
}
