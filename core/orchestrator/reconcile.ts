/**
 * Lost events, reconciled cheaply (docs/design.md "Lost events").
 *
 * SageMaker's state-change events can be lost or late, so Tick re-reads in-flight jobs with
 * DescribeTrainingJob. A running job's record does not change while it trains, so re-reading
 * every job whose record is older than the reconcile interval would describe every running job on
 * every tick. Instead each job has its own next check, backing off:
 *
 * - first check: `reconcileAfterSeconds` after the job's record last changed, or, once jobs of
 *   the same milestone have completed, 1.25 x their mean duration after it when that is later
 *   (`RunRecord.jobDurations`): a job whose event comes in time is then never described by Tick;
 * - after a check that found nothing new: `reconcileAfterSeconds x 4^k` after that check (k = the
 *   checks since the last change), at most {@link MAX_CHECK_INTERVAL_SECONDS};
 * - at most {@link MAX_DESCRIBES_PER_TICK} jobs per tick (the most overdue first), described
 *   {@link DESCRIBE_CONCURRENCY} at a time.
 *
 * So a job whose terminal event arrives is described once (by the event handler) and a job whose
 * event is lost about twice more; before any job of its milestone completed, a job of duration D
 * is checked about log4(D / interval) + 1 times.
 */
import type { TrainingBackend } from './backend';
import type { JobRecord, RunStore } from './records';

/** Most DescribeTrainingJob calls one tick makes. */
export const MAX_DESCRIBES_PER_TICK = 10;

/** DescribeTrainingJob calls in flight at once. */
export const DESCRIBE_CONCURRENCY = 5;

/** Growth of the interval between checks of a job whose record does not change. */
export const CHECK_BACKOFF = 4;

/** Longest interval between two checks of one job (6 hours). */
export const MAX_CHECK_INTERVAL_SECONDS = 6 * 3600;

/** How much longer than its milestone's mean duration a job may run before its first check. */
export const EXPECTED_DURATION_MARGIN = 1.25;

/** Mean duration of completed jobs per milestone (seconds), as `RunRecord.jobDurations` keeps it. */
export type JobDurations = Readonly<Record<string, { readonly n: number; readonly meanSeconds: number }>>;

/**
 * When `job` is next due for a check (epoch ms), or undefined when it is not in flight.
 * `durations` are the run's mean job durations per milestone.
 */
export function nextCheckAt(
  job: Pick<JobRecord, 'status' | 'updatedAt' | 'checkedAt' | 'checks' | 'milestone' | 'fromMilestone'>,
  reconcileAfterSeconds: number,
  durations: JobDurations = {},
): number | undefined {
  if (job.status !== 'InProgress' && job.status !== 'Stopping') return undefined;
  const changed = Date.parse(job.updatedAt);
  const checked = job.checkedAt === undefined ? undefined : Date.parse(job.checkedAt);
  if (checked === undefined || checked < changed || (job.checks ?? 0) === 0) {
    const expected = job.status === 'InProgress' ? durations[durationKey(job)]?.meanSeconds : undefined;
    return changed + Math.max(reconcileAfterSeconds, EXPECTED_DURATION_MARGIN * (expected ?? 0)) * 1000;
  }
  const interval = Math.min(MAX_CHECK_INTERVAL_SECONDS, reconcileAfterSeconds * CHECK_BACKOFF ** (job.checks ?? 1));
  return checked + interval * 1000;
}

/** The duration class of a job: jobs that train from the same milestone to the same one. */
export function durationKey(job: Pick<JobRecord, 'milestone' | 'fromMilestone'>): string {
  return `${job.fromMilestone}-${job.milestone}`;
}

/** `durations` with one more completed job of `seconds` (a running mean; one entry per rung step). */
export function addDuration(durations: JobDurations, job: Pick<JobRecord, 'milestone' | 'fromMilestone'>, seconds: number): JobDurations {
  if (!Number.isFinite(seconds) || seconds <= 0) return durations;
  const key = durationKey(job);
  const previous = durations[key] ?? { n: 0, meanSeconds: 0 };
  const n = previous.n + 1;
  return { ...durations, [key]: { n, meanSeconds: previous.meanSeconds + (seconds - previous.meanSeconds) / n } };
}

/** The jobs to describe now: due, most overdue first, at most {@link MAX_DESCRIBES_PER_TICK}. */
export function dueForCheck(jobs: readonly JobRecord[], now: number, reconcileAfterSeconds: number, durations: JobDurations = {}): JobRecord[] {
  const due: { job: JobRecord; at: number }[] = [];
  for (const job of jobs) {
    const at = nextCheckAt(job, reconcileAfterSeconds, durations);
    if (at !== undefined && at <= now) due.push({ job, at });
  }
  return due
    .sort((a, b) => a.at - b.at || a.job.jobName.localeCompare(b.job.jobName))
    .slice(0, MAX_DESCRIBES_PER_TICK)
    .map((d) => d.job);
}

/**
 * Describe the jobs that are due and record what changed; true when any job's record changed.
 * A check that finds nothing new is recorded on the job (`checkedAt`, `checks`) so the next one
 * backs off.
 */
export async function reconcile(
  deps: { readonly store: RunStore; readonly backend: TrainingBackend; readonly now: () => Date; readonly reconcileAfterSeconds: number },
  runId: string,
  jobs: readonly JobRecord[],
  durations: JobDurations = {},
): Promise<boolean> {
  const due = dueForCheck(jobs, deps.now().getTime(), deps.reconcileAfterSeconds, durations);
  let changed = false;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < due.length) {
      const job = due[next++];
      const observation = await deps.backend.describeJob(job.jobName);
      const iso = deps.now().toISOString();
      const result = observation === undefined ? undefined : await deps.store.recordObservation(runId, observation, iso);
      if (result?.kind === 'changed') {
        // The record changed (`updatedAt` moved): the schedule restarts from the change.
        changed = true;
        continue;
      }
      await deps.store.updateJob(runId, job.jobName, { checkedAt: iso, checks: (job.checks ?? 0) + 1 });
    }
  };
  await Promise.all(Array.from({ length: Math.min(DESCRIBE_CONCURRENCY, due.length) }, worker));
  return changed;
}
