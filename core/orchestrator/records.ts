/**
 * What the orchestrator records about a tuning run, and the ports it records through.
 *
 * A run is the unit a user starts (one Step Functions execution chain). It owns trials
 * (configurations) and training jobs (one per rung a trial reaches). Everything a user may
 * want to query later is in these records; nothing lives only in a state payload.
 *
 * These are plain JSON types: the DynamoDB adapter stores them one item each
 * (run / trial / job), the in-memory adapter keeps them in maps.
 */
import type { Configuration, JobOutcome, SchedulerState, TrialState, TuningSpec } from '../ports';

/** Lifecycle of a run. `Stopping` is entered by a stop request or completion criterion while jobs still run. */
export type RunStatus = 'Running' | 'Stopping' | 'Completed' | 'Stopped' | 'Failed';

/**
 * Lifecycle of a training job record. `Pending` means "decided and recorded, not yet
 * accepted by SageMaker" (a write-ahead entry: a retried tick creates it, never twice).
 * The rest mirror SageMaker's `TrainingJobStatus`.
 */
export type JobStatus = 'Pending' | 'InProgress' | 'Stopping' | 'Completed' | 'Failed' | 'Stopped';

export const TERMINAL_JOB_STATUSES: readonly JobStatus[] = ['Completed', 'Failed', 'Stopped'];

export function isTerminalJobStatus(status: JobStatus): status is 'Completed' | 'Failed' | 'Stopped' {
  return status === 'Completed' || status === 'Failed' || status === 'Stopped';
}

/** One metric as SageMaker reports it in `FinalMetricDataList`. */
export interface MetricValue {
  readonly name: string;
  readonly value: number;
  /** ISO-8601 timestamp when known. */
  readonly timestamp?: string;
}

/** The best result of a run so far. */
export interface BestResult {
  readonly trialId: number;
  readonly jobName: string;
  readonly milestone: number;
  readonly objective: number;
  /** Every hyperparameter the job received, in SageMaker's string form. */
  readonly hyperParameters: Readonly<Record<string, string>>;
}

export interface RunCounters {
  readonly jobsStarted: number;
  readonly jobsCompleted: number;
  readonly jobsFailed: number;
  readonly jobsStopped: number;
  /** Seconds SageMaker billed, summed over finished jobs. */
  readonly billableSeconds: number;
  /**
   * Jobs that completed without the objective metric (counted in `jobsCompleted` too: that is
   * SageMaker's status; for the run they failed). Absent in runs recorded before it existed.
   */
  readonly jobsWithoutObjective?: number;
  /** Jobs the tuner stopped early (`TrainingJobEarlyStoppingType: Auto`), counted in `jobsStopped` too. */
  readonly jobsStoppedEarly?: number;
}

/**
 * What the median stopping rule knows of finished jobs: `byEpoch[e - 1]` holds the running
 * averages of the objective up to epoch e of the most recent finished jobs that reached e.
 * Bounded: at most `MAX_STATS_EPOCHS` epochs of at most `MAX_STATS_SAMPLES` values.
 */
export interface EarlyStoppingStats {
  readonly byEpoch: readonly (readonly number[])[];
  /**
   * ASHA's stopping variant: by rung milestone, the values finished jobs recorded there (the
   * `MAX_RUNG_SAMPLES` most recent).
   */
  readonly rungs?: Readonly<Record<string, readonly number[]>>;
}

/** Where reading a training job's log got to (CloudWatch Logs event time, events read at it). */
export interface LogCursor {
  /** Epoch milliseconds of the last event read. */
  readonly afterMs: number;
  /** Events with exactly that timestamp already read (they are skipped next time). */
  readonly seenAtMs: number;
}

/** The run record. Small and bounded: no per-trial data here. */
export interface RunRecord {
  readonly runId: string;
  readonly status: RunStatus;
  /** The validated input exactly as the user sent it (AMT request body, extended). */
  readonly input: Readonly<Record<string, unknown>>;
  readonly spec: TuningSpec;
  /** The seed actually used (the input's `RandomSeed`, or one picked at Init). */
  readonly seed: number;
  readonly executionArn: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly endedAt?: string;
  /** Why the run ended or is stopping (completion criterion, stop request, failure). */
  readonly statusReason?: string;
  /** While `Stopping`: the status the run ends with once its jobs have stopped. */
  readonly endStatus?: 'Completed' | 'Stopped' | 'Failed';
  readonly counters: RunCounters;
  readonly best?: BestResult;
  /**
   * Early stopping (`TrainingJobEarlyStoppingType: Auto`): the finished jobs' running averages
   * of the objective per epoch, a bounded sample (see `orchestrator/early-stop.ts`).
   */
  readonly earlyStopping?: EarlyStoppingStats;
  /** Consecutive finished jobs that did not improve `best` (for `BestObjectiveNotImproving`). */
  readonly jobsSinceImprovement: number;
  /** Bumped by every recorded job state change; used to avoid lost wake-ups (DESIGN.md). */
  readonly version: number;
  /** Number of committed ticks; a tick commits only if this is unchanged since it loaded. */
  readonly tickSeq: number;
  /**
   * What the check of a trial's checkpoint folder found (Hyperband/ASHA; once per run):
   * `found`, `missing` (then `warnings` says so) or `unknown` (the folder could not be read).
   */
  readonly checkpoints?: 'found' | 'missing' | 'unknown';
  /** Warnings for the user, one line each (e.g. a script that saves no checkpoint). */
  readonly warnings?: readonly string[];
  /**
   * The run's active jobs: decided and not yet told to the scheduler (`Pending`, in flight, or
   * ended and waiting for the next tick). Tick reads these jobs and no others. At most
   * `MaxParallelTrainingJobs` in flight plus those that ended since the last tick, so at most
   * 2 x 100 names of <= 63 characters (~13 KB). Absent in runs recorded before it existed:
   * Tick then lists every job once.
   */
  readonly activeJobs?: readonly string[];
  /**
   * Mean duration of completed jobs per rung step (`<fromMilestone>-<milestone>`: one entry per
   * step of the ladder, so O(rungs)); Tick checks a job for a lost event only once it runs
   * longer than its step's mean (orchestrator/reconcile.ts).
   */
  readonly jobDurations?: Readonly<Record<string, { readonly n: number; readonly meanSeconds: number }>>;
  /** Entries in the run's results log ({@link ResultEntry}); absent means 0. */
  readonly resultCount?: number;
  /**
   * What the stop-early rule needs about the told jobs (`FailureConfig`), kept as a tally so no
   * tick reads finished jobs; at most {@link MAX_FAILURE_REASONS} distinct reasons. Absent in
   * runs recorded before it existed: Tick then counts from the job records once.
   */
  readonly failureTally?: StoredFailureTally;
}

/** The most distinct failure reasons {@link RunRecord.failureTally} keeps (further ones only count). */
export const MAX_FAILURE_REASONS = 16;

/** The stop-early rule's input, as the run record keeps it. */
export interface StoredFailureTally {
  /** Told jobs with a usable objective. */
  readonly succeeded: number;
  /** Told jobs that failed or completed without the objective. */
  readonly failed: number;
  /** One-line reasons with how many jobs gave each and the first such job, in first-seen order. */
  readonly reasons: readonly { readonly reason: string; readonly count: number; readonly jobName: string }[];
}

/**
 * One result the scheduler was told, in the run's results log: append-only, one entry per told
 * result, never changed once written. Ticks rebuild from it what no longer fits in memory of one
 * invocation: the promotion rungs of ASHA and asynchronous Hyperband (every result counts in its
 * rung's ranking) and the bounded sampler history (best and most recent results per level).
 * An entry is bounded by its configuration (<= 30 parameters; a few hundred bytes).
 */
export interface ResultEntry {
  /** Position in the log: 0, 1, 2, ... (dense). */
  readonly seq: number;
  readonly trialId: number;
  readonly bracket: number;
  readonly milestone: number;
  /** The objective at `milestone`; null when the job failed, stopped or reported none. */
  readonly objective: number | null;
  readonly config: Configuration;
}

/** The trial record: the scheduler's per-trial state plus what a leaderboard needs. */
export interface TrialRecord extends TrialState {
  readonly runId: string;
  /** Hyperparameters in SageMaker's string form (tunable ones only). */
  readonly hyperParameters: Readonly<Record<string, string>>;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Best objective over this trial's results (for leaderboards); absent until one exists. */
  readonly bestObjective?: number;
  /**
   * `bestObjective` signed so that lower is better (Minimize: v, Maximize: -v); the store
   * sorts leaderboards by it without knowing the objective's direction.
   */
  readonly rank?: number;
}

/** The training job record: one SageMaker training job, from decision to end. */
export interface JobRecord {
  readonly runId: string;
  /** Deterministic: `<prefix>-<run>-<trial>-<milestone>`; 1-63 chars. */
  readonly jobName: string;
  readonly trialId: number;
  readonly milestone: number;
  /** The milestone the trial's checkpoint was at when this job started (0 for a fresh start). */
  readonly fromMilestone: number;
  readonly status: JobStatus;
  /** Every hyperparameter sent to SageMaker (static, tunable and the resource one). */
  readonly hyperParameters: Readonly<Record<string, string>>;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly billableSeconds?: number;
  readonly trainingSeconds?: number;
  readonly finalMetrics?: readonly MetricValue[];
  /** The objective metric's final value; null when the job ended without it. */
  readonly objective?: number | null;
  /**
   * AMT's `ObjectiveStatus`, set when the scheduler is told: `Failed` when the job failed or
   * completed without the objective metric (then it counts as a failed job).
   */
  readonly objectiveStatus?: 'Succeeded' | 'Failed';
  /**
   * While SageMaker refuses to start the job (throttling, capacity): since when it has waited
   * with none of the run's jobs running (see `checkCapacityWait`).
   */
  readonly waitingSince?: string;
  readonly failureReason?: string;
  readonly secondaryStatus?: string;
  /** SageMaker warm pool status when the job asked for one (`Available`, `Terminated`, ...). */
  readonly warmPoolStatus?: string;
  /** When this tuner released the job's warm pool (Finalize, or the cleanup after a stop). */
  readonly warmPoolReleasedAt?: string;
  /** Why the warm pool could not be released (a denial); it then ends after its keep-alive period. */
  readonly warmPoolError?: string;
  /**
   * Which job of its trial's rung this is: 1, or 2.. for a retry of a job that ended through no
   * fault of the script (absent means 1).
   */
  readonly attempt?: number;
  /** The job that retries this one (same trial and rung, resuming from the checkpoint). */
  readonly retriedAs?: string;
  /** When Tick last described this job and found nothing new (lost-event reconciliation). */
  readonly checkedAt?: string;
  /** Checks that found nothing new since the record last changed (their interval backs off). */
  readonly checks?: number;
  /** Attempts to create this job that were refused by throttling or quotas. */
  readonly startAttempts: number;
  readonly lastStartError?: string;
  /** True once the scheduler has been told this job's terminal result. */
  readonly told: boolean;
  /**
   * Early stopping only: the objective after each epoch so far, read from the job's log (at
   * most `MAX_CURVE_POINTS` values; values past that are not read).
   */
  readonly curve?: readonly number[];
  /** Early stopping only: where reading the job's log got to. */
  readonly logCursor?: LogCursor;
  /** Set when the tuner stopped this job early: at which epoch, and why (the rule's words). */
  readonly stoppedEarly?: { readonly epoch: number; readonly reason: string; readonly at: string };
}

/** A job's terminal result as the scheduler needs it. */
export interface JobResultForScheduler {
  readonly jobName: string;
  readonly trialId: number;
  readonly milestone: number;
  readonly outcome: JobOutcome;
  readonly objective: number | null;
}

/** Everything a tick needs, loaded consistently (run first, then trials and jobs). */
export interface RunSnapshot {
  readonly run: RunRecord;
  readonly scheduler: SchedulerState;
  readonly trials: readonly TrialRecord[];
  readonly jobs: readonly JobRecord[];
}

/** A tick's writes: applied all-or-nothing as far as later loads can tell. */
export interface TickCommit {
  /** The run's new fields (status, counters, best, ...). `tickSeq` is incremented by the store. */
  readonly run: Partial<Omit<RunRecord, 'runId' | 'tickSeq' | 'version' | 'input' | 'spec' | 'createdAt'>>;
  /** The scheduler's new global state (small). */
  readonly schedulerGlobal: SchedulerState['global'];
  /** Trials created or changed in this tick. */
  readonly trials: readonly TrialRecord[];
  /** Jobs created or changed in this tick. */
  readonly jobs: readonly JobRecord[];
  /**
   * New entries of the results log, with consecutive `seq` from the run's `resultCount` (which
   * the run patch moves past them).
   *
   * @default - none
   */
  readonly results?: readonly ResultEntry[];
  /**
   * The names of the run's changed-jobs set (`TickView.changedJobs`) the tick read: removed from
   * the set (names added since stay).
   *
   * @default - none
   */
  readonly changedJobsSeen?: readonly string[];
}

/**
 * Job records a tick already holds: read by this process while the run was at `tickSeq`, and not
 * in the run's changed-jobs set then (see `RunStore.loadTickView`).
 */
export interface KnownJobs {
  readonly tickSeq: number;
  readonly jobNames: ReadonlySet<string>;
}

/** What a tick reads first: the run, its scheduler settings and global state, and its active jobs. */
export interface TickView {
  readonly run: RunRecord;
  readonly settings: SchedulerState['settings'];
  readonly global: SchedulerState['global'];
  /**
   * The jobs `run.activeJobs` names (every job not told yet, for runs recorded without it), but
   * those listed in `known`.
   */
  readonly jobs: readonly JobRecord[];
  /** Active jobs not read because the caller holds them unchanged (`KnownJobs`). */
  readonly known?: readonly string[];
  /**
   * The run's changed-jobs set: every job whose item was written other than by a tick commit
   * (`recordObservation`, `updateJob`) since a commit last removed it (`TickCommit.changedJobsSeen`).
   */
  readonly changedJobs?: readonly string[];
}

/** A job state change observed in SageMaker (from an event or a DescribeTrainingJob). */
export interface JobObservation {
  readonly jobName: string;
  readonly status: Exclude<JobStatus, 'Pending'>;
  readonly secondaryStatus?: string;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly billableSeconds?: number;
  readonly trainingSeconds?: number;
  readonly finalMetrics?: readonly MetricValue[];
  readonly failureReason?: string;
  readonly warmPoolStatus?: string;
}

export type RecordObservationResult =
  /** The job record changed; `version` is the run's new version. */
  | { readonly kind: 'changed'; readonly version: number; readonly taskToken?: string }
  /** Nothing new (duplicate or stale event). */
  | { readonly kind: 'unchanged' }
  /** No such job in this store (not ours, or recorded under another run). */
  | { readonly kind: 'unknown-job' };

export type StoreTokenResult =
  /** Stored; an event will wake the loop. */
  | { readonly kind: 'stored' }
  /** Something changed since `seenVersion`: the caller must wake itself now. */
  | { readonly kind: 'changed-since'; readonly version: number };

/** A run in a listing. */
export interface RunSummary {
  readonly runId: string;
  readonly status: RunStatus;
  readonly createdAt: string;
  readonly endedAt?: string;
  readonly best?: BestResult;
  readonly counters: RunCounters;
  readonly strategy: string;
}

/**
 * Persistence port for runs, trials and jobs (Optuna's `BaseStorage`, Powertools'
 * `BasePersistenceLayer`). Adapters: DynamoDB (lambda/adapters/aws) and in-memory
 * (lambda/adapters/local). Both pass the same contract suite.
 *
 * Concurrency model: only Tick writes scheduler state (one tick at a time per run, guarded by
 * `tickSeq`); job observations are written by the event handler and by Tick's
 * reconciliation, idempotently; the task token is guarded by `version`.
 */
export interface RunStore {
  /** Create a run. Fails with `RunAlreadyExists` when the run id is taken. */
  createRun(run: RunRecord, scheduler: SchedulerState): Promise<void>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  /** Load run, scheduler state (global + trials), trials and jobs, consistently. */
  loadSnapshot(runId: string): Promise<RunSnapshot>;
  /**
   * Load what a tick needs first, consistently: the run (after re-applying a leftover commit
   * log, as `loadSnapshot` does), then its changed-jobs set, then its active jobs. Reads O(active
   * jobs) items; with `known`, while the run is still at `known.tickSeq`, the active jobs named
   * there and not in the changed-jobs set are not read (`TickView.known` lists them).
   */
  loadTickView(runId: string, known?: KnownJobs): Promise<TickView>;
  /** The trials with these ids (consistent reads; unknown ids are left out), in id order. */
  getTrials(runId: string, trialIds: readonly number[]): Promise<TrialRecord[]>;
  /** Entries `from` .. `to - 1` of the run's results log, in order (those that exist). */
  readResults(runId: string, from: number, to: number): Promise<ResultEntry[]>;
  /**
   * Apply a tick's writes if `expectedTickSeq` is still current; returns the new tickSeq.
   * Fails with `ConcurrentTick` otherwise. After a crash mid-commit the next
   * `loadSnapshot` sees either none or all of the commit.
   */
  commitTick(runId: string, expectedTickSeq: number, commit: TickCommit): Promise<number>;
  /**
   * Record an observed job state change, idempotently: terminal states are final, and an
   * older state never overwrites a newer one. Only when the job ENTERS a terminal status
   * (Completed, Failed, Stopped: something the scheduler must be told) does it increment
   * the run's `version` and claim (remove and return) any stored task token; other changes
   * (InProgress, secondary statuses) update the job item only and return `changed` with the
   * current version and no token, so they never wake the loop. Any change adds the job to the
   * run's changed-jobs set (after the job item is written).
   */
  recordObservation(runId: string, observation: JobObservation, now: string): Promise<RecordObservationResult>;
  /** Store the loop's task token unless the run's version moved past `seenVersion`. */
  storeTaskToken(runId: string, taskToken: string, seenVersion: number): Promise<StoreTokenResult>;
  /**
   * Set the run's status from outside the loop (a stop request, the cleanup after an aborted
   * execution), keeping terminal statuses final. Also increments `tickSeq`, so a tick that
   * loaded the run before this call cannot commit over it (it fails with `ConcurrentTick`
   * and its retry sees the new status).
   */
  setRunStatus(
    runId: string,
    status: RunStatus,
    reason: string,
    now: string,
    endStatus?: 'Completed' | 'Stopped' | 'Failed',
  ): Promise<RunRecord>;
  /**
   * Update one job record (warm pool release, start attempts); adds it to the run's changed-jobs
   * set unless it was told (then it is no longer active: no tick reads it).
   */
  updateJob(runId: string, jobName: string, patch: Partial<Omit<JobRecord, 'runId' | 'jobName'>>): Promise<void>;
  listJobs(runId: string): Promise<JobRecord[]>;
  listTrials(runId: string): Promise<TrialRecord[]>;
  /** Trials ordered by best objective (best first), for leaderboards. */
  leaderboard(runId: string, limit: number): Promise<TrialRecord[]>;
  /** Runs, newest first. */
  listRuns(limit: number): Promise<RunSummary[]>;
}

/** Re-exported for adapters. */
export type { Configuration };
