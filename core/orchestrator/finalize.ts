/**
 * Finalize: release warm pools so nothing keeps billing, and describe the run's outcome in
 * the shape of AMT's `DescribeHyperParameterTuningJob` (so AMT users find what they know).
 */
import type { TrainingBackend } from './backend';
import { FinalizeIncomplete, isRunFailure, RunNotFound, TransientError } from './errors';
import type { JobRecord, RunRecord, RunStore } from './records';

export interface RunOutcome {
  readonly HyperParameterTuningJobName: string;
  readonly HyperParameterTuningJobStatus: RunRecord['status'];
  readonly StatusReason?: string;
  readonly BestTrainingJob?: {
    readonly TrainingJobName: string;
    readonly TrialId: number;
    readonly Resource: number;
    readonly TunedHyperParameters: Readonly<Record<string, string>>;
    readonly FinalHyperParameterTuningJobObjectiveMetric: { readonly Type: string; readonly MetricName: string; readonly Value: number };
  };
  readonly TrainingJobStatusCounters: {
    readonly Completed: number;
    readonly InProgress: number;
    readonly Stopped: number;
    readonly Failed: number;
  };
  readonly TrainingJobsStarted: number;
  readonly BillableTimeInSeconds: number;
  readonly WarmPoolsReleased: number;
  /** Warnings for the user (a script that saves no checkpoint, a warm pool not released). */
  readonly Warnings?: readonly string[];
}

/** How warm pools are released (Finalize and the cleanup after an aborted execution). */
export interface ReleaseOptions {
  /**
   * Releases in flight at once (each is one UpdateTrainingJob plus one record update).
   *
   * @default 8
   */
  readonly concurrency?: number;
  /**
   * Epoch milliseconds after which no new release starts (the invocation's time is nearly up);
   * what is left is released by the next invocation.
   *
   * @default - no deadline
   */
  readonly deadlineMs?: number;
  /** The clock of the deadline. @default Date.now */
  readonly clock?: () => number;
}

/** What one pass over a run's warm pools did. */
export interface ReleaseResult {
  /** Pools released by this tuner so far, over every pass (stable across retries). */
  readonly released: number;
  /** Pools not looked at yet: the deadline came first. */
  readonly remaining: number;
  /** Pools whose release failed with a temporary error (throttling): retry later. */
  readonly retryable: readonly string[];
  /** Pools the tuner may not release (denied): they end after KeepAlivePeriodInSeconds. */
  readonly refused: readonly string[];
}

/** Warm pools already dealt with: released by us, ended by SageMaker, or reused by a later job. */
const POOL_DONE = new Set(['Terminated', 'Reused']);

/**
 * Release the warm pools of the run's finished jobs, `concurrency` at a time, until every pool
 * is released or the deadline comes. Idempotent: a released pool is recorded on its job
 * (`warmPoolStatus: Terminated`, `warmPoolReleasedAt`) and skipped by a later pass; a pool
 * released whose record was not written yet (a timeout in between) answers `gone` the next
 * time. Never throws for one pool's error: temporary ones are returned as `retryable`, denials
 * as `refused` (recorded on the job).
 */
export async function releaseWarmPools(
  store: RunStore,
  backend: TrainingBackend,
  run: RunRecord,
  jobs: readonly JobRecord[],
  now: Date,
  options: ReleaseOptions = {},
): Promise<ReleaseResult> {
  const alreadyReleased = jobs.filter((j) => j.warmPoolReleasedAt !== undefined).length;
  if (!keepsWarmPool(run)) return { released: alreadyReleased, remaining: 0, retryable: [], refused: [] };
  const todo = jobs.filter(
    (j) =>
      (j.status === 'Completed' || j.status === 'Failed' || j.status === 'Stopped') &&
      j.startedAt !== undefined &&
      j.warmPoolReleasedAt === undefined &&
      !POOL_DONE.has(j.warmPoolStatus ?? '') &&
      j.warmPoolError === undefined,
  );
  const clock = options.clock ?? Date.now;
  const iso = now.toISOString();
  let released = alreadyReleased;
  let next = 0;
  const retryable: string[] = [];
  const refused: string[] = [];
  const worker = async (): Promise<void> => {
    while (next < todo.length) {
      if (options.deadlineMs !== undefined && clock() >= options.deadlineMs) return;
      const job = todo[next++];
      try {
        const result = await backend.releaseWarmPool(job.jobName);
        await store.updateJob(run.runId, job.jobName, {
          warmPoolStatus: 'Terminated',
          ...(result === 'released' ? { warmPoolReleasedAt: iso } : {}),
          updatedAt: iso,
        });
        if (result === 'released') released += 1;
      } catch (error) {
        if (isRunFailure(error)) {
          refused.push(job.jobName);
          await store.updateJob(run.runId, job.jobName, { warmPoolError: error.message, updatedAt: iso });
        } else if (error instanceof TransientError) {
          retryable.push(job.jobName);
        } else {
          throw error;
        }
      }
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 8, todo.length));
  await Promise.all(Array.from({ length: workers }, () => worker()));
  return { released, remaining: todo.length - next, retryable, refused };
}

/** Whether the run's jobs ask for a warm pool (`ResourceConfig.KeepAlivePeriodInSeconds` > 0). */
export function keepsWarmPool(run: RunRecord): boolean {
  const definition = run.input.TrainingJobDefinition as { ResourceConfig?: { KeepAlivePeriodInSeconds?: number } } | undefined;
  return (definition?.ResourceConfig?.KeepAlivePeriodInSeconds ?? 0) > 0;
}

/**
 * Release the run's warm pools and describe its outcome. Bounded and idempotent: when the
 * deadline comes before every pool is released, it throws `FinalizeIncomplete` (the state
 * machine invokes it again, and it continues where it stopped); temporary errors throw
 * `TransientError` (retried the same way).
 */
export async function finalizeRun(
  store: RunStore,
  backend: TrainingBackend,
  runId: string,
  now: Date,
  options: ReleaseOptions = {},
): Promise<RunOutcome> {
  return (await finalizeRunWithRecord(store, backend, runId, now, options)).outcome;
}

/** {@link finalizeRun}, also returning the run record it read (for the run's status event). */
export async function finalizeRunWithRecord(
  store: RunStore,
  backend: TrainingBackend,
  runId: string,
  now: Date,
  options: ReleaseOptions = {},
): Promise<{ readonly outcome: RunOutcome; readonly run: RunRecord }> {
  const run = await store.getRun(runId);
  if (run === undefined) throw new RunNotFound(runId);
  const jobs = await store.listJobs(runId);
  const release = await releaseWarmPools(store, backend, run, jobs, now, options);
  if (release.remaining > 0) throw new FinalizeIncomplete(runId, release.remaining + release.retryable.length);
  if (release.retryable.length > 0) {
    throw new TransientError(
      `run '${runId}': the warm pools of ${release.retryable.length} training jobs could not be released yet (e.g. ${release.retryable[0]}); retry`,
    );
  }
  const released = release.released;
  const after = release.refused.length > 0 ? await store.listJobs(runId) : jobs;
  const warnings = [
    ...(run.warnings ?? []),
    ...after
      .filter((j) => j.warmPoolError !== undefined)
      .map((j) => `the warm pool of ${j.jobName} was not released (${j.warmPoolError}); it ends after KeepAlivePeriodInSeconds`),
  ];
  const count = (status: string) => jobs.filter((j) => j.status === status).length;
  const best = run.best;
  const outcome: RunOutcome = {
    HyperParameterTuningJobName: run.runId,
    HyperParameterTuningJobStatus: run.status,
    ...(run.statusReason === undefined ? {} : { StatusReason: run.statusReason }),
    ...(best === undefined
      ? {}
      : {
          BestTrainingJob: {
            TrainingJobName: best.jobName,
            TrialId: best.trialId,
            Resource: best.milestone,
            TunedHyperParameters: tunedOnly(run, best.hyperParameters),
            FinalHyperParameterTuningJobObjectiveMetric: {
              Type: run.spec.objective.type,
              MetricName: run.spec.objective.metricName,
              Value: best.objective,
            },
          },
        }),
    TrainingJobStatusCounters: {
      Completed: count('Completed'),
      InProgress: count('InProgress') + count('Stopping') + count('Pending'),
      Stopped: count('Stopped'),
      Failed: count('Failed'),
    },
    TrainingJobsStarted: jobs.length,
    BillableTimeInSeconds: jobs.reduce((sum, j) => sum + (j.billableSeconds ?? 0), 0),
    WarmPoolsReleased: released,
    ...(warnings.length === 0 ? {} : { Warnings: warnings }),
  };
  return { outcome, run };
}

function tunedOnly(run: RunRecord, hyperParameters: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of run.spec.space.parameters) if (hyperParameters[p.name] !== undefined) out[p.name] = hyperParameters[p.name];
  return out;
}
