/**
 * Finalize: release warm pools so nothing keeps billing, and describe the run's outcome in
 * the shape of AMT's `DescribeHyperParameterTuningJob` (so AMT users find what they know).
 */
import type { TrainingBackend } from './backend';
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
}

/** Release the warm pools of finished jobs that asked for one; errors are recorded, never thrown. */
export async function releaseWarmPools(
  store: RunStore,
  backend: TrainingBackend,
  run: RunRecord,
  jobs: readonly JobRecord[],
  now: Date,
): Promise<number> {
  if (!keepsWarmPool(run)) return 0;
  let released = 0;
  for (const job of jobs) {
    if (job.status !== 'Completed' && job.status !== 'Failed' && job.status !== 'Stopped') continue;
    if (job.warmPoolStatus === 'Terminated' || job.warmPoolStatus === 'Reused') continue;
    try {
      await backend.releaseWarmPool(job.jobName);
      await store.updateJob(run.runId, job.jobName, { warmPoolStatus: 'Terminated', updatedAt: now.toISOString() });
      released += 1;
    } catch (error) {
      await store.updateJob(run.runId, job.jobName, {
        lastStartError: `warm pool release failed: ${error instanceof Error ? error.message : String(error)}`,
        updatedAt: now.toISOString(),
      });
    }
  }
  return released;
}

function keepsWarmPool(run: RunRecord): boolean {
  const definition = run.input.TrainingJobDefinition as { ResourceConfig?: { KeepAlivePeriodInSeconds?: number } } | undefined;
  return (definition?.ResourceConfig?.KeepAlivePeriodInSeconds ?? 0) > 0;
}

export async function finalizeRun(store: RunStore, backend: TrainingBackend, runId: string, now: Date): Promise<RunOutcome> {
  const run = await store.getRun(runId);
  if (run === undefined) throw new Error(`run '${runId}' not found`);
  const jobs = await store.listJobs(runId);
  const released = await releaseWarmPools(store, backend, run, jobs, now);
  const count = (status: string) => jobs.filter((j) => j.status === status).length;
  const best = run.best;
  return {
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
  };
}

function tunedOnly(run: RunRecord, hyperParameters: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of run.spec.space.parameters) if (hyperParameters[p.name] !== undefined) out[p.name] = hyperParameters[p.name];
  return out;
}
