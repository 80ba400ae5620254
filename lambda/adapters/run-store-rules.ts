/**
 * The `RunStore` rules both adapters share (DynamoDB and in-memory), as pure functions.
 *
 * Keeping the merge rules here, and nothing but them, is what makes the two adapters behave
 * the same: each adapter only decides *how* to read and write atomically; *what* a write
 * produces is decided here. No I/O, no AWS imports.
 *
 * Ownership of a job record's fields (who may write what):
 * - observed fields (`OBSERVED_JOB_FIELDS`: status and what SageMaker reports) come from
 *   `recordObservation` (event handler, tick reconciliation); a tick's write may move them
 *   forward but never back;
 * - the rest (trial, milestone, hyperparameters, start attempts, `told`, `objective`) belong
 *   to the tick.
 */
import type {
  JobObservation,
  JobRecord,
  JobStatus,
  RunRecord,
  RunStatus,
  TickCommit,
  TrialRecord,
} from '../../core/orchestrator/records';
import { isTerminalJobStatus } from '../../core/orchestrator/records';
import type { SchedulerState } from '../../core/ports';

/**
 * Test hooks that simulate a crash (throw) or a stalled writer (return a promise that settles
 * later) between the steps of a tick commit. Production code never sets them.
 */
export interface RunStoreFaults {
  /** Runs after the run item took the commit (new tickSeq, pending log), before the trial/job writes. */
  readonly afterRunUpdate?: () => void | Promise<void>;
  /** Runs after the trial/job writes, before the pending log is removed. */
  readonly afterItemsWritten?: () => void | Promise<void>;
}

/** Largest trial id a store accepts (the DynamoDB sort key holds 6 digits). */
export const MAX_TRIAL_ID = 999_999;

/**
 * Checks the records of a tick commit (or of `createRun`) before anything is written, so a
 * write-ahead log never holds a record that cannot be applied.
 *
 * @throws RangeError naming the first offending record
 */
export function checkCommitRecords(runId: string, trials: readonly TrialRecord[], jobs: readonly JobRecord[]): void {
  for (const trial of trials) {
    const where = `run '${runId}': trial ${String(trial.trialId)}`;
    if (!Number.isInteger(trial.trialId) || trial.trialId < 0 || trial.trialId > MAX_TRIAL_ID) {
      throw new RangeError(`${where}: trial id must be an integer from 0 to ${MAX_TRIAL_ID}`);
    }
    if (trial.runId !== runId) throw new RangeError(`${where}: record belongs to run '${trial.runId}'`);
    for (const field of ['rank', 'bestObjective'] as const) {
      const value = trial[field];
      if (value !== undefined && !Number.isFinite(value)) {
        throw new RangeError(`${where}: ${field} must be a finite number or absent, got ${String(value)}`);
      }
    }
  }
  for (const job of jobs) {
    if (job.jobName.length === 0) throw new RangeError(`run '${runId}': job name must not be empty`);
    if (job.runId !== runId) {
      throw new RangeError(`run '${runId}': job '${job.jobName}': record belongs to run '${job.runId}'`);
    }
  }
}

/**
 * Position of a job status in its lifecycle: Pending < InProgress < Stopping < {Completed,
 * Failed, Stopped}. A job record's status only moves to a higher position; the three terminal
 * statuses share the last one and are final (one never replaces another).
 */
export function jobStatusOrder(status: JobStatus): number {
  switch (status) {
    case 'Pending':
      return 0;
    case 'InProgress':
      return 1;
    case 'Stopping':
      return 2;
    case 'Completed':
    case 'Failed':
    case 'Stopped':
      return 3;
  }
}

/** Terminal run statuses: once a run has one, its status never changes again. */
export function isTerminalRunStatus(status: RunStatus): status is 'Completed' | 'Stopped' | 'Failed' {
  return status === 'Completed' || status === 'Stopped' || status === 'Failed';
}

/** The job fields an observation reports (everything but `status`, which is handled apart). */
export const OBSERVED_JOB_FIELDS = [
  'secondaryStatus',
  'startedAt',
  'endedAt',
  'billableSeconds',
  'trainingSeconds',
  'finalMetrics',
  'failureReason',
  'warmPoolStatus',
] as const satisfies readonly (keyof JobObservation & keyof JobRecord)[];

type ObservedField = (typeof OBSERVED_JOB_FIELDS)[number];

/** SageMaker warm pool statuses after which the pool is gone for good. */
const FINAL_WARM_POOL_STATUSES: readonly string[] = ['Terminated', 'Reused'];

/** The run fields a tick may patch (everything else in `TickCommit.run` is ignored). */
export const RUN_PATCH_FIELDS = [
  'status',
  'seed',
  'executionArn',
  'updatedAt',
  'endedAt',
  'statusReason',
  'endStatus',
  'counters',
  'best',
  'jobsSinceImprovement',
  'checkpoints',
  'warnings',
  'activeJobs',
  'resultCount',
  'failureTally',
  'jobDurations',
  'earlyStopping',
] as const satisfies readonly (keyof TickCommit['run'])[];

/** A run patch field. */
export type RunPatchField = (typeof RUN_PATCH_FIELDS)[number];

/** Fields a tick's status change carries along; dropped with it when the run is already terminal. */
export const RUN_STATUS_FIELDS: readonly RunPatchField[] = ['status', 'statusReason', 'endStatus', 'endedAt'];

/**
 * The defined entries of a tick's run patch, restricted to {@link RUN_PATCH_FIELDS}.
 *
 * `undefined` means "not in the patch" (a field cannot be cleared by a tick). When the stored
 * run is terminal, the status fields are dropped: terminal statuses are final.
 */
export function runPatchEntries(
  patch: TickCommit['run'],
  storedStatus: RunStatus,
): [RunPatchField, unknown][] {
  const entries: [RunPatchField, unknown][] = [];
  for (const field of RUN_PATCH_FIELDS) {
    const value = patch[field];
    if (value === undefined) continue;
    if (isTerminalRunStatus(storedStatus) && RUN_STATUS_FIELDS.includes(field)) continue;
    entries.push([field, value]);
  }
  return entries;
}

/**
 * Applies an observation to a stored job record.
 *
 * Returns the new record, or `undefined` when the observation brings nothing new:
 * - a status earlier in the order than the stored one (a stale event) changes nothing;
 * - another terminal status than the stored terminal one changes nothing (terminal is final);
 * - the same non-terminal status changes nothing (progress within a status does not wake the
 *   loop: it would cost a tick per secondary status);
 * - the same terminal status fills in what was not known yet (metrics, times arriving in a
 *   later event) and moves the warm pool status until it is final; a duplicate changes nothing;
 * - a later status replaces the status and every field the observation reports.
 */
export function mergeObservation(stored: JobRecord, obs: JobObservation, now: string): JobRecord | undefined {
  const before = jobStatusOrder(stored.status);
  const after = jobStatusOrder(obs.status);
  if (after < before) return undefined;
  if (after === before) {
    if (obs.status !== stored.status || !isTerminalJobStatus(obs.status)) return undefined;
    const next: Record<string, unknown> = { ...stored };
    let changed = false;
    for (const field of OBSERVED_JOB_FIELDS) {
      const value = obs[field];
      if (value === undefined || isEmptyList(value)) continue;
      const current = stored[field];
      const unknownYet = current === undefined || isEmptyList(current);
      const warmPoolMoves =
        field === 'warmPoolStatus' &&
        current !== value &&
        !(typeof current === 'string' && FINAL_WARM_POOL_STATUSES.includes(current));
      if (unknownYet || warmPoolMoves) {
        next[field] = value;
        changed = true;
      }
    }
    return changed ? withUpdatedAt(next as unknown as JobRecord, now) : undefined;
  }
  const next: Record<string, unknown> = { ...stored, status: obs.status };
  for (const field of OBSERVED_JOB_FIELDS) {
    if (obs[field] !== undefined) next[field] = obs[field];
  }
  return withUpdatedAt(next as unknown as JobRecord, now);
}

/**
 * Merges a tick's write of a job record into the stored one (an event may have recorded a
 * newer state after the tick loaded its snapshot).
 *
 * - Tick-owned fields come from the tick; `told` never goes back to false and `startAttempts`
 *   never decreases.
 * - Observed fields: when the tick's status is later in the order, the tick's; when it is the
 *   same status, the stored value where one is known (it is at least as new as the tick's
 *   snapshot), else the tick's; when it is earlier (or another terminal status), the stored ones.
 */
export function mergeTickJob(stored: JobRecord | undefined, incoming: JobRecord): JobRecord {
  if (stored === undefined) return incoming;
  const tickAhead = jobStatusOrder(incoming.status) > jobStatusOrder(stored.status);
  const sameStatus = incoming.status === stored.status;
  const next: Record<string, unknown> = { ...incoming };
  if (!tickAhead) {
    next.status = stored.status;
    for (const field of OBSERVED_JOB_FIELDS) {
      const keep = sameStatus ? (stored[field] ?? incoming[field]) : stored[field];
      setOrDelete(next, field, keep);
    }
  }
  next.told = stored.told || incoming.told;
  next.startAttempts = Math.max(stored.startAttempts, incoming.startAttempts);
  next.updatedAt = incoming.updatedAt > stored.updatedAt ? incoming.updatedAt : stored.updatedAt;
  return next as unknown as JobRecord;
}

/**
 * Applies an `updateJob` patch: the patch's defined fields replace the stored ones, except that
 * the status never moves back (a patch with an earlier or another terminal status keeps the
 * stored status) and `told` never goes back to false.
 */
export function applyJobPatch(
  stored: JobRecord,
  patch: Partial<Omit<JobRecord, 'runId' | 'jobName'>>,
): JobRecord {
  const next: Record<string, unknown> = { ...stored };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined || key === 'runId' || key === 'jobName') continue;
    next[key] = value;
  }
  if (patch.status !== undefined && jobStatusOrder(patch.status) <= jobStatusOrder(stored.status)) {
    next.status = stored.status;
  }
  next.told = stored.told || next.told === true;
  return next as unknown as JobRecord;
}

/** The scheduler's view of a trial record (kept with the tick's loading, in the core). */
export { trialStateOf } from '../../core/orchestrator/tick-state';

/**
 * Trial records for the trials a scheduler state holds at `createRun` (usually none).
 *
 * The records get the run's `createdAt` as created/updated time and the configuration's
 * values as SageMaker strings (`String(value)`).
 */
export function trialRecordsOf(run: RunRecord, scheduler: SchedulerState): TrialRecord[] {
  return Object.values(scheduler.trials).map((state) => ({
    ...state,
    runId: run.runId,
    hyperParameters: Object.fromEntries(Object.entries(state.config).map(([k, v]) => [k, String(v)])),
    createdAt: run.createdAt,
    updatedAt: run.createdAt,
  }));
}

/**
 * The strategy a run listing shows: the input's `HyperParameterTuningJobConfig.Strategy` (AMT's
 * place for it) or a top-level `Strategy`; failing both, the scheduler kind (the sampler for FIFO).
 */
export function runStrategy(run: RunRecord): string {
  const config = run.input.HyperParameterTuningJobConfig;
  if (isObject(config) && typeof config.Strategy === 'string') return config.Strategy;
  if (typeof run.input.Strategy === 'string') return run.input.Strategy;
  return run.spec.scheduler.kind === 'FIFO' ? run.spec.sampler : run.spec.scheduler.kind;
}

/**
 * Structural equality of two JSON values (object key order ignored; `undefined` members count
 * as absent).
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]))
    );
  }
  if (!isObject(a) || !isObject(b)) return false;
  const keysA = Object.keys(a).filter((k) => a[k] !== undefined);
  const keysB = Object.keys(b).filter((k) => b[k] !== undefined);
  return keysA.length === keysB.length && keysA.every((k) => jsonEqual(a[k], b[k]));
}

/**
 * A deep copy without `undefined` members (what a JSON round trip keeps), so that callers and
 * the store never share objects and "absent" has one representation.
 */
export function copyJson<T>(value: T): T {
  return dropUndefined(structuredClone(value)) as T;
}

function dropUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropUndefined);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== undefined) out[k] = dropUndefined(v);
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEmptyList(value: unknown): boolean {
  return Array.isArray(value) && value.length === 0;
}

function setOrDelete(target: Record<string, unknown>, field: ObservedField, value: unknown): void {
  if (value === undefined) delete target[field];
  else target[field] = value;
}

function withUpdatedAt(job: JobRecord, now: string): JobRecord {
  return { ...job, updatedAt: now > job.updatedAt ? now : job.updatedAt };
}
