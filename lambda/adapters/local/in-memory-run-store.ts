/**
 * In-memory `RunStore`: the same semantics as the DynamoDB adapter, for core/handler tests and
 * for anything that runs in one process.
 *
 * Every record is deep-copied on the way in and on the way out (without `undefined` members,
 * as a JSON round trip would leave it), so callers can never change stored state by mutating
 * an argument or a result.
 *
 * A tick commit follows the DynamoDB adapter's steps (run + pending log, then items, then the
 * log removed), so the crash and stalled-writer hooks (`faults`) and the fencing of late item
 * writes behave the same way in both adapters and one contract suite covers both.
 */
import type {
  JobObservation,
  JobRecord,
  KnownJobs,
  RecordObservationResult,
  ResultEntry,
  RunRecord,
  RunSnapshot,
  RunStatus,
  RunStore,
  RunSummary,
  StoreTokenResult,
  TickCommit,
  TickView,
  TrialRecord,
} from '../../../core/orchestrator/records';
import { isTerminalJobStatus } from '../../../core/orchestrator/records';
import { ConcurrentTick, JobNotFound, RunAlreadyExists, RunNotFound } from '../../../core/orchestrator/errors';
import type { SchedulerState } from '../../../core/ports';
import {
  applyJobPatch,
  checkCommitRecords,
  copyJson,
  isTerminalRunStatus,
  jsonEqual,
  mergeObservation,
  mergeTickJob,
  runPatchEntries,
  runStrategy,
  trialRecordsOf,
  trialStateOf,
  type RunStoreFaults,
} from '../run-store-rules';

/** Options of {@link InMemoryRunStore}. */
export interface InMemoryRunStoreOptions {
  /**
   * Crash and stall hooks between the steps of a tick commit (tests only).
   *
   * @default - none
   */
  readonly faults?: RunStoreFaults;
}

interface Stored<T> {
  record: T;
  /** tickSeq of the commit that last wrote the item (fences late writes of an older commit). */
  wseq: number;
}

interface PendingLog {
  readonly seq: number;
  readonly trials: readonly TrialRecord[];
  readonly jobs: readonly JobRecord[];
  readonly results: readonly ResultEntry[];
}

interface RunEntry {
  run: RunRecord;
  settings: SchedulerState['settings'];
  global: SchedulerState['global'];
  taskToken?: string;
  pending?: PendingLog;
  trials: Map<number, Stored<TrialRecord>>;
  jobs: Map<string, Stored<JobRecord>>;
  /** The results log, by `seq`. */
  results: Map<number, ResultEntry>;
  /** The changed-jobs set (`TickView.changedJobs`). */
  changed: Set<string>;
}

/**
 * A `RunStore` kept in maps, in this process.
 *
 * @example
 * const store = new InMemoryRunStore();
 * await store.createRun(run, scheduler.init(settings));
 */
export class InMemoryRunStore implements RunStore {
  private readonly runs = new Map<string, RunEntry>();
  private readonly faults: RunStoreFaults;

  constructor(options: InMemoryRunStoreOptions = {}) {
    this.faults = options.faults ?? {};
  }

  async createRun(run: RunRecord, scheduler: SchedulerState): Promise<void> {
    if (this.runs.has(run.runId)) throw new RunAlreadyExists(run.runId);
    const trials = trialRecordsOf(run, scheduler);
    checkCommitRecords(run.runId, trials, []);
    const entry: RunEntry = {
      run: copyJson(run),
      settings: copyJson(scheduler.settings),
      global: copyJson(scheduler.global),
      trials: new Map(),
      jobs: new Map(),
      results: new Map(),
      changed: new Set(),
    };
    this.runs.set(run.runId, entry);
    this.applyItems(entry, run.tickSeq, trials, [], []);
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const entry = this.runs.get(runId);
    return entry && copyJson(entry.run);
  }

  async loadSnapshot(runId: string): Promise<RunSnapshot> {
    const entry = this.entry(runId);
    const run = copyJson(entry.run);
    this.repair(entry);
    const trials = this.sortedTrials(entry);
    return {
      run,
      scheduler: {
        settings: copyJson(entry.settings),
        global: copyJson(entry.global),
        trials: Object.fromEntries(trials.map((t) => [String(t.trialId), trialStateOf(t)])),
      },
      trials,
      jobs: this.sortedJobs(entry),
    };
  }

  async loadTickView(runId: string, known?: KnownJobs): Promise<TickView> {
    const entry = this.entry(runId);
    const run = copyJson(entry.run);
    this.repair(entry);
    const changedJobs = [...entry.changed].sort();
    const skip = known !== undefined && known.tickSeq === run.tickSeq ? known.jobNames : new Set<string>();
    const notRead: string[] = [];
    const jobs =
      run.activeJobs === undefined
        ? this.sortedJobs(entry).filter((j) => !j.told)
        : run.activeJobs.flatMap((name) => {
            const stored = entry.jobs.get(name);
            if (stored !== undefined && skip.has(name) && !entry.changed.has(name)) {
              notRead.push(name);
              return [];
            }
            return stored === undefined ? [] : [copyJson(stored.record)];
          });
    return { run, settings: copyJson(entry.settings), global: copyJson(entry.global), jobs, known: notRead, changedJobs };
  }

  async getTrials(runId: string, trialIds: readonly number[]): Promise<TrialRecord[]> {
    const entry = this.runs.get(runId);
    if (entry === undefined) return [];
    return [...new Set(trialIds)]
      .sort((a, b) => a - b)
      .flatMap((id) => {
        const stored = entry.trials.get(id);
        return stored === undefined ? [] : [copyJson(stored.record)];
      });
  }

  async readResults(runId: string, from: number, to: number): Promise<ResultEntry[]> {
    const entry = this.runs.get(runId);
    const out: ResultEntry[] = [];
    for (let seq = Math.max(0, from); entry !== undefined && seq < to; seq++) {
      const result = entry.results.get(seq);
      if (result !== undefined) out.push(copyJson(result));
    }
    return out;
  }

  async commitTick(runId: string, expectedTickSeq: number, commit: TickCommit): Promise<number> {
    checkCommitRecords(runId, commit.trials, commit.jobs);
    const entry = this.entry(runId);
    if (entry.run.tickSeq !== expectedTickSeq) throw new ConcurrentTick(runId, expectedTickSeq);
    const seq = expectedTickSeq + 1;
    const patched: Record<string, unknown> = { ...entry.run, tickSeq: seq };
    for (const [field, value] of runPatchEntries(commit.run, entry.run.status)) patched[field] = copyJson(value);
    entry.run = patched as unknown as RunRecord;
    entry.global = copyJson(commit.schedulerGlobal);
    entry.pending = { seq, trials: copyJson(commit.trials), jobs: copyJson(commit.jobs), results: copyJson(commit.results ?? []) };
    const pending = entry.pending;

    await this.faults.afterRunUpdate?.();
    this.applyItems(entry, seq, pending.trials, pending.jobs, pending.results);
    await this.faults.afterItemsWritten?.();
    for (const name of commit.changedJobsSeen ?? []) entry.changed.delete(name);
    if (entry.pending?.seq === seq) entry.pending = undefined;
    return seq;
  }

  async recordObservation(runId: string, observation: JobObservation, now: string): Promise<RecordObservationResult> {
    const entry = this.runs.get(runId);
    const stored = entry?.jobs.get(observation.jobName);
    if (entry === undefined || stored === undefined) return { kind: 'unknown-job' };
    const next = mergeObservation(stored.record, copyJson(observation), now);
    if (next === undefined) return { kind: 'unchanged' };
    const enteredTerminal = isTerminalJobStatus(next.status) && !isTerminalJobStatus(stored.record.status);
    stored.record = next;
    entry.changed.add(observation.jobName);
    // Progress (InProgress, secondary statuses, late details) is recorded but wakes no one.
    if (!enteredTerminal) return { kind: 'changed', version: entry.run.version };
    const version = entry.run.version + 1;
    entry.run = { ...entry.run, version };
    const taskToken = entry.taskToken;
    entry.taskToken = undefined;
    return taskToken === undefined ? { kind: 'changed', version } : { kind: 'changed', version, taskToken };
  }

  async storeTaskToken(runId: string, taskToken: string, seenVersion: number): Promise<StoreTokenResult> {
    const entry = this.entry(runId);
    if (entry.run.version !== seenVersion) return { kind: 'changed-since', version: entry.run.version };
    entry.taskToken = taskToken;
    return { kind: 'stored' };
  }

  async setRunStatus(
    runId: string,
    status: RunStatus,
    reason: string,
    now: string,
    endStatus?: 'Completed' | 'Stopped' | 'Failed',
  ): Promise<RunRecord> {
    const entry = this.entry(runId);
    if (!isTerminalRunStatus(entry.run.status)) {
      const endedAt = isTerminalRunStatus(status) ? (entry.run.endedAt ?? now) : entry.run.endedAt;
      // tickSeq moves too: a tick that loaded the run before this change must not commit over it.
      entry.run = copyJson({
        ...entry.run,
        status,
        statusReason: reason,
        updatedAt: now,
        endedAt,
        tickSeq: entry.run.tickSeq + 1,
        ...(endStatus === undefined ? {} : { endStatus }),
      });
    }
    return copyJson(entry.run);
  }

  async updateJob(runId: string, jobName: string, patch: Partial<Omit<JobRecord, 'runId' | 'jobName'>>): Promise<void> {
    const entry = this.runs.get(runId);
    const stored = entry?.jobs.get(jobName);
    if (entry === undefined || stored === undefined) throw new JobNotFound(runId, jobName);
    const next = applyJobPatch(stored.record, copyJson(patch));
    if (!jsonEqual(next, stored.record)) {
      // A told job is no longer active: no tick reads it again (Finalize's warm pool releases).
      if (!stored.record.told) entry.changed.add(jobName);
      stored.record = next;
    }
  }

  async listJobs(runId: string): Promise<JobRecord[]> {
    const entry = this.runs.get(runId);
    return entry === undefined ? [] : this.sortedJobs(entry);
  }

  async listTrials(runId: string): Promise<TrialRecord[]> {
    const entry = this.runs.get(runId);
    return entry === undefined ? [] : this.sortedTrials(entry);
  }

  async leaderboard(runId: string, limit: number): Promise<TrialRecord[]> {
    checkLimit(limit);
    const entry = this.runs.get(runId);
    if (entry === undefined) return [];
    return this.sortedTrials(entry)
      .filter((t) => t.rank !== undefined)
      .sort((a, b) => a.rank! - b.rank! || a.trialId - b.trialId)
      .slice(0, limit);
  }

  async listRuns(limit: number): Promise<RunSummary[]> {
    checkLimit(limit);
    return [...this.runs.values()]
      .map((e) => e.run)
      .sort((a, b) => compareStrings(`${b.createdAt}#${b.runId}`, `${a.createdAt}#${a.runId}`))
      .slice(0, limit)
      .map((run) =>
        copyJson({
          runId: run.runId,
          status: run.status,
          createdAt: run.createdAt,
          endedAt: run.endedAt,
          best: run.best,
          counters: run.counters,
          strategy: runStrategy(run),
        }),
      );
  }

  private entry(runId: string): RunEntry {
    const entry = this.runs.get(runId);
    if (entry === undefined) throw new RunNotFound(runId);
    return entry;
  }

  /** Re-applies a leftover commit log (a crash between a commit's first and last write). */
  private repair(entry: RunEntry): void {
    if (entry.pending !== undefined) {
      this.applyItems(entry, entry.pending.seq, entry.pending.trials, entry.pending.jobs, entry.pending.results);
      entry.pending = undefined;
    }
  }

  /** Writes a commit's items; an item already written by this commit or a later one is left alone. */
  private applyItems(
    entry: RunEntry,
    seq: number,
    trials: readonly TrialRecord[],
    jobs: readonly JobRecord[],
    results: readonly ResultEntry[],
  ): void {
    // Results-log entries never change once written (a re-applied log writes the same ones).
    for (const result of results) if (!entry.results.has(result.seq)) entry.results.set(result.seq, copyJson(result));
    for (const trial of trials) {
      const stored = entry.trials.get(trial.trialId);
      if (stored !== undefined && stored.wseq >= seq) continue;
      entry.trials.set(trial.trialId, { record: copyJson(trial), wseq: seq });
    }
    for (const job of jobs) {
      const stored = entry.jobs.get(job.jobName);
      if (stored !== undefined && stored.wseq >= seq) continue;
      const record = mergeTickJob(stored?.record, copyJson(job));
      entry.jobs.set(job.jobName, { record, wseq: seq });
    }
  }

  private sortedTrials(entry: RunEntry): TrialRecord[] {
    return [...entry.trials.values()].map((s) => copyJson(s.record)).sort((a, b) => a.trialId - b.trialId);
  }

  private sortedJobs(entry: RunEntry): JobRecord[] {
    return [...entry.jobs.values()]
      .map((s) => copyJson(s.record))
      .sort((a, b) => compareStrings(a.jobName, b.jobName));
  }
}

/** Orders strings by UTF-16 code units (the same as DynamoDB's byte order for ASCII keys). */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 0) {
    throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
  }
}
