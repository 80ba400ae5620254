/**
 * What a tick loads, in proportion to what changed rather than to the run's size
 * (docs/design.md "Tick work at scale").
 *
 * A tick reads:
 * - the run item and the jobs it names as active (`RunRecord.activeJobs`: decided, not told yet;
 *   at most `MaxParallelTrainingJobs` in flight plus those that ended since the last tick);
 * - the trial items of the *working set*: trials with an active job, plus, for synchronous
 *   Hyperband, the trials of its open bracket instances (bounded by the bracket table and
 *   `MaxParallelTrainingJobs`), plus the promotion candidates a promotion scheduler is about to
 *   resume (at most the free slots);
 * - the results log (`ResultEntry`, one entry per told result, append-only) only when something
 *   reads it: ASHA and asynchronous Hyperband rank every result of a rung, TPE/BOHB/GP learn from
 *   the best and most recent results, Grid skips configurations proposed before. Entries never
 *   change once written, so they are cached per store and run, and a warm tick reads only the
 *   entries appended since the tick before.
 *
 * For ASHA and asynchronous Hyperband, trials outside the working set are not in the scheduler's
 * state at all: a rung index (`schedulers/rung-index.ts`: every rung's results in order, and the
 * trials paused at it) stands for them, cached with the log and updated with the entries appended
 * since the tick before, so a warm tick neither rebuilds nor re-ranks anything. A trial that is
 * about to be resumed is loaded first (`withCandidates`). (Before, every trial entered the state
 * as a *ghost* rebuilt from the log on every tick: `ghostTrials`, which the tests still use as
 * the reference.)
 *
 * Runs recorded before the log existed (no `activeJobs`) are loaded whole, as before.
 */
import type { Configuration, Observation, SchedulerState, TrialState, TuningSpec } from '../ports';
import { LEARNING_SAMPLERS } from '../samplers';
import { resumeOrder } from '../schedulers/promotion';
import { RungIndex } from '../schedulers/rung-index';
import type { JobRecord, ResultEntry, RunRecord, RunStore, StoredFailureTally, TrialRecord } from './records';
import { isTerminalJobStatus } from './records';

/** What a tick works on. */
export interface TickState {
  readonly run: RunRecord;
  /** The scheduler's state: its global state, the working set's trials and the ghosts. */
  readonly scheduler: SchedulerState;
  /** Stored records of the working set (what a commit compares changes against). */
  readonly trials: readonly TrialRecord[];
  /** The run's active jobs (every job, for a run recorded before `activeJobs` existed). */
  readonly jobs: readonly JobRecord[];
  /** The run's changed-jobs set as read (the commit removes these names from it). */
  readonly changedJobsSeen: readonly string[];
  /** The whole results log, when this run's scheduler or sampler reads it. */
  readonly results?: readonly ResultEntry[];
  /** False for runs recorded before `activeJobs` existed: everything was loaded, nothing is logged. */
  readonly incremental: boolean;
}

/**
 * The most results per level the sampler history keeps: the best this many and the most recent
 * this many. GP reads 64 and BOHB 200 of a level (the best half and the most recent half of
 * their bound: a subset of these), TPE reads what it gets.
 */
export const HISTORY_PER_LEVEL = 200;

/** Whether a run's tick needs its results log. */
export function readsResults(spec: TuningSpec): boolean {
  return usesRungIndex(spec) || LEARNING_SAMPLERS.has(spec.sampler) || spec.sampler === 'Grid';
}

function usesRungIndex(spec: TuningSpec): boolean {
  return spec.scheduler.kind === 'ASHA' || (spec.scheduler.kind === 'Hyperband' && spec.scheduler.mode !== 'Synchronous');
}

/** Load a tick's state (see the module comment). */
export async function loadTickState(store: RunStore, runId: string): Promise<TickState> {
  const known = jobCache.get(store, runId);
  const view = await store.loadTickView(runId, known === undefined ? undefined : { tickSeq: known.tickSeq, jobNames: new Set(known.jobs.keys()) });
  const { run } = view;
  if (run.activeJobs === undefined) {
    const snapshot = await store.loadSnapshot(runId);
    return { ...snapshot, changedJobsSeen: [], incremental: false, results: legacyResults(snapshot.trials) };
  }
  // The active jobs in the run's order: those read, and those this process holds unchanged.
  const read = new Map(view.jobs.map((j) => [j.jobName, j]));
  const notRead = new Set(view.known ?? []);
  const jobs: JobRecord[] = [];
  for (const name of run.activeJobs) {
    const job = read.get(name) ?? (notRead.has(name) ? known?.jobs.get(name) : undefined);
    if (job !== undefined) jobs.push(job);
  }
  const ids = new Set(jobs.map((j) => j.trialId));
  for (const id of openInstanceTrialIds(view.global)) ids.add(id);
  const [trials, results] = await Promise.all([
    cachedTrials(store, runId, run.tickSeq, [...ids]),
    readsResults(run.spec) ? cachedResults(store, runId, run.resultCount ?? 0) : Promise.resolve(undefined),
  ]);
  const states: Record<string, TrialState> = {};
  for (const t of trials) states[String(t.trialId)] = trialStateOf(t);
  const rungIndex = results !== undefined && usesRungIndex(run.spec) ? cachedRungIndex(store, runId, results, view.settings) : undefined;
  return {
    run,
    scheduler: { settings: view.settings, global: view.global, trials: states, ...(rungIndex === undefined ? {} : { rungIndex }) },
    trials,
    jobs,
    changedJobsSeen: view.changedJobs ?? [],
    results,
    incremental: true,
  };
}

/**
 * The state with the stored records of the trials `ask` could resume (at most `slots`, in its
 * order, wind-down included) that the tick has not loaded, so the trials it resumes are records.
 */
export async function withCandidates(
  store: RunStore,
  runId: string,
  tickSeq: number,
  state: SchedulerState,
  loaded: Map<number, TrialRecord>,
  slots: number,
): Promise<SchedulerState> {
  if (state.rungIndex === undefined || slots <= 0) return state;
  const wanted = resumeOrder(state, slots)
    .slice(0, slots)
    .map((c) => c.trialId)
    .filter((id) => state.trials[String(id)] === undefined);
  if (wanted.length === 0) return state;
  const records = await cachedTrials(store, runId, tickSeq, wanted);
  if (records.length !== wanted.length) throw new Error(`run ${runId}: promotion candidates ${wanted.join(', ')} have no trial record`);
  const trials: Record<string, TrialState> = { ...state.trials };
  for (const record of records) {
    trials[String(record.trialId)] = trialStateOf(record);
    loaded.set(record.trialId, record);
  }
  return { ...state, trials };
}

/** The scheduler's view of a trial record. */
export function trialStateOf(trial: TrialRecord): TrialState {
  return {
    trialId: trial.trialId,
    config: trial.config,
    bracket: trial.bracket,
    status: trial.status,
    milestone: trial.milestone,
    results: trial.results,
    promotedFrom: trial.promotedFrom,
  };
}

/**
 * Trials as the promotion rule sees them, rebuilt from the results log: every result by
 * milestone; promoted from every milestone below the highest one (a later result exists only
 * after a promotion); at the highest one Paused (usable objective below R), Completed (at R)
 * or Stopped (no usable objective: never promoted).
 */
export function ghostTrials(results: readonly ResultEntry[], maxResource: number): TrialState[] {
  const byTrial = new Map<number, ResultEntry[]>();
  for (const entry of results) {
    const list = byTrial.get(entry.trialId);
    if (list === undefined) byTrial.set(entry.trialId, [entry]);
    else list.push(entry);
  }
  const out: TrialState[] = [];
  for (const [trialId, entries] of byTrial) {
    const sorted = [...entries].sort((a, b) => a.milestone - b.milestone);
    const top = sorted[sorted.length - 1];
    const value = top.objective;
    const status = value === null || !Number.isFinite(value) ? 'Stopped' : top.milestone >= maxResource ? 'Completed' : 'Paused';
    out.push({
      trialId,
      config: top.config,
      bracket: top.bracket,
      status,
      milestone: top.milestone,
      results: Object.fromEntries(sorted.map((e) => [String(e.milestone), e.objective])),
      promotedFrom: sorted.slice(0, -1).map((e) => e.milestone),
    });
  }
  return out.sort((a, b) => a.trialId - b.trialId);
}

/**
 * The sampler's history from the results log, bounded per level (milestone): the best
 * {@link HISTORY_PER_LEVEL} usable results and the most recent {@link HISTORY_PER_LEVEL} (by
 * trial id, failed ones included), ordered by trial id, then resource.
 */
export function boundedHistory(results: readonly ResultEntry[], objectiveType: 'Maximize' | 'Minimize', bound = HISTORY_PER_LEVEL): Observation[] {
  const byLevel = new Map<number, ResultEntry[]>();
  for (const entry of results) {
    const list = byLevel.get(entry.milestone);
    if (list === undefined) byLevel.set(entry.milestone, [entry]);
    else list.push(entry);
  }
  const keep: ResultEntry[] = [];
  const sign = objectiveType === 'Maximize' ? -1 : 1;
  for (const entries of byLevel.values()) {
    if (entries.length <= 2 * bound) {
      keep.push(...entries);
      continue;
    }
    const chosen = new Set<ResultEntry>();
    const usable = entries.filter((e) => e.objective !== null && Number.isFinite(e.objective));
    usable.sort((a, b) => sign * ((a.objective as number) - (b.objective as number)) || a.trialId - b.trialId);
    for (const e of usable.slice(0, bound)) chosen.add(e);
    const recent = [...entries].sort((a, b) => b.trialId - a.trialId || b.seq - a.seq);
    for (const e of recent.slice(0, bound)) chosen.add(e);
    keep.push(...chosen);
  }
  return keep
    .map((e) => ({ trialId: e.trialId, config: e.config, objective: e.objective, resource: e.milestone }))
    .sort((a, b) => a.trialId - b.trialId || a.resource - b.resource);
}

/**
 * Configurations the sampler must know as proposed: those of trials whose first job has not
 * reported (pending for GP and BOHB), and, for Grid, every configuration of the run.
 */
export function proposedConfigurations(spec: TuningSpec, state: SchedulerState, results: readonly ResultEntry[] | undefined): Configuration[] {
  const live = Object.values(state.trials);
  if (spec.sampler !== 'Grid') return live.filter((t) => Object.keys(t.results).length === 0).map((t) => t.config);
  const seen = new Set<number>();
  const out: Configuration[] = [];
  for (const t of live) {
    seen.add(t.trialId);
    out.push(t.config);
  }
  for (const e of results ?? []) {
    if (seen.has(e.trialId)) continue;
    seen.add(e.trialId);
    out.push(e.config);
  }
  return out;
}

/** The trial ids of synchronous Hyperband's open bracket instances (none for other schedulers). */
export function openInstanceTrialIds(global: SchedulerState['global']): number[] {
  const instances = (global as { instances?: unknown }).instances;
  if (!Array.isArray(instances)) return [];
  const out: number[] = [];
  for (const inst of instances as { firstTrialId: number; rung: number; started: number; counts: number[] }[]) {
    const created = inst.rung === 0 ? inst.started : inst.counts[0];
    for (let id = inst.firstTrialId; id < inst.firstTrialId + created; id++) out.push(id);
  }
  return out;
}

/** Told results of a run recorded before the log existed, as log entries (history and Grid only). */
function legacyResults(trials: readonly TrialRecord[]): ResultEntry[] {
  const out: ResultEntry[] = [];
  for (const t of trials) {
    for (const [milestone, objective] of Object.entries(t.results)) {
      out.push({ seq: out.length, trialId: t.trialId, bracket: t.bracket, milestone: Number(milestone), objective, config: t.config });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// The results cache
// ---------------------------------------------------------------------------------------

/** Runs whose state a store's caches keep (the most recently used). */
const CACHED_RUNS = 4;

/** One value per run, per store, for the {@link CACHED_RUNS} runs used last. */
class PerRunCache<T> {
  private readonly stores = new WeakMap<RunStore, Map<string, T>>();

  get(store: RunStore, runId: string): T | undefined {
    return this.stores.get(store)?.get(runId);
  }

  /** Keeps `value` as the run's, most recently used; forgets the least recently used run past the bound. */
  set(store: RunStore, runId: string, value: T): void {
    let runs = this.stores.get(store);
    if (runs === undefined) {
      runs = new Map();
      this.stores.set(store, runs);
    }
    runs.delete(runId);
    runs.set(runId, value);
    while (runs.size > CACHED_RUNS) runs.delete(runs.keys().next().value as string);
  }
}

const resultCache = new PerRunCache<ResultEntry[]>();
const indexCache = new PerRunCache<RungIndex>();

/**
 * The rung index of a run's results log `results` (entries 0 .. n - 1), kept per store and run
 * next to the log's cache: entries past the cached index's count are added to it; an index ahead
 * of the log (a tick whose commit failed had read further) or of other settings is rebuilt.
 */
export function cachedRungIndex(store: RunStore, runId: string, results: readonly ResultEntry[], settings: SchedulerState['settings']): RungIndex {
  let index = indexCache.get(store, runId);
  if (index === undefined || index.count > results.length || index.objectiveType !== settings.objectiveType || index.maxResource !== settings.maxResource) {
    index = new RungIndex(settings.objectiveType, settings.maxResource);
  }
  for (let seq = index.count; seq < results.length; seq++) index.add(results[seq]);
  indexCache.set(store, runId, index);
  return index;
}

/**
 * Entries 0 .. count - 1 of a run's results log, reading only those not cached yet. Safe because
 * a committed entry never changes; entries past `count` are never cached (not committed as far
 * as this tick knows).
 */
export async function cachedResults(store: RunStore, runId: string, count: number): Promise<ResultEntry[]> {
  let cached = resultCache.get(store, runId) ?? [];
  if (cached.length > count) cached = cached.slice(0, count);
  if (cached.length < count) {
    const fresh = await store.readResults(runId, cached.length, count);
    if (fresh.length !== count - cached.length || fresh.some((e, i) => e.seq !== cached.length + i)) {
      throw new Error(`results log of run ${runId} is incomplete: expected entries ${cached.length}..${count - 1}, read ${fresh.length}`);
    }
    cached = [...cached, ...fresh];
  }
  resultCache.set(store, runId, cached);
  return cached;
}

// ---------------------------------------------------------------------------------------
// The trial cache
// ---------------------------------------------------------------------------------------

/**
 * Trial records as this process's last tick of a run left them, with the run's `tickSeq` after
 * that commit. Trials are written only by `createRun` and by tick commits, and every commit
 * (and every status change from outside the loop) moves `tickSeq`: while the run's `tickSeq` is
 * still the one recorded here, nobody else has written a trial since, and the records here are
 * what a read would return. Only the next tick's likely working set is kept: the trials of the
 * jobs left active (at most `MaxParallelTrainingJobs` plus those that ended since) and the paused
 * trials this tick loaded as promotion candidates (at most twice its free slots).
 */
const trialCache = new PerRunCache<{ readonly tickSeq: number; readonly trials: ReadonlyMap<number, TrialRecord> }>();

/** The trials with these ids, as `RunStore.getTrials` returns them, reading only those not cached for `tickSeq`. */
export async function cachedTrials(store: RunStore, runId: string, tickSeq: number, ids: readonly number[]): Promise<TrialRecord[]> {
  const cached = trialCache.get(store, runId);
  const known = cached !== undefined && cached.tickSeq === tickSeq ? cached.trials : new Map<number, TrialRecord>();
  const missing = ids.filter((id) => !known.has(id));
  const read = missing.length > 0 ? await store.getTrials(runId, missing) : [];
  const out = new Map<number, TrialRecord>();
  for (const id of ids) {
    const t = known.get(id);
    if (t !== undefined) out.set(id, t);
  }
  for (const t of read) out.set(t.trialId, t);
  return [...out.values()].sort((a, b) => a.trialId - b.trialId);
}

/**
 * Remember a run's trials after a commit that left the run at `tickSeq`: `loaded` (as read),
 * overwritten by `committed` (as written, through a JSON round trip as the stores keep them),
 * keeping only the trials in `keep`.
 */
export function rememberTrials(
  store: RunStore,
  runId: string,
  tickSeq: number,
  loaded: Iterable<TrialRecord>,
  committed: readonly TrialRecord[],
  keep: ReadonlySet<number>,
): void {
  const trials = new Map<number, TrialRecord>();
  for (const t of loaded) if (keep.has(t.trialId)) trials.set(t.trialId, t);
  for (const t of committed) if (keep.has(t.trialId)) trials.set(t.trialId, JSON.parse(JSON.stringify(t)) as TrialRecord);
  trialCache.set(store, runId, { tickSeq, trials });
}

// ---------------------------------------------------------------------------------------
// The job cache
// ---------------------------------------------------------------------------------------

/**
 * Job records this process read for a run's last tick and may use again (`KnownJobs`), with the
 * run's `tickSeq` after that tick's commit. A job item is written by tick commits and otherwise
 * (events, reconciliation, start attempts) only with its name then added to the run's
 * changed-jobs set, which the tick reads before the jobs; the store serves a known job from here
 * only while the run is at this `tickSeq` and the job is not in that set. Kept: the jobs read
 * while they were not in the set (a job that was is read again next time: a change made after
 * the set was read but before the commit removed the name would otherwise be missed), that the
 * commit did not write and that stay active. At most `MaxParallelTrainingJobs` plus those that
 * ended since the last tick.
 */
const jobCache = new PerRunCache<{ readonly tickSeq: number; readonly jobs: ReadonlyMap<string, JobRecord> }>();

/** Remember a run's job records after its commit left the run at `tickSeq` (see `jobCache`). */
export function rememberJobs(
  store: RunStore,
  runId: string,
  tickSeq: number,
  loaded: readonly JobRecord[],
  exclude: ReadonlySet<string>,
  active: ReadonlySet<string>,
): void {
  const jobs = new Map<string, JobRecord>();
  for (const j of loaded) if (active.has(j.jobName) && !exclude.has(j.jobName)) jobs.set(j.jobName, j);
  jobCache.set(store, runId, { tickSeq, jobs });
}

// ---------------------------------------------------------------------------------------
// The stop-early tally
// ---------------------------------------------------------------------------------------

/** The tally of a run recorded before `failureTally` existed, from its job records. */
export function tallyOfJobs(jobs: readonly JobRecord[], reasonOf: (job: JobRecord) => string | undefined): StoredFailureTally {
  let tally: StoredFailureTally = { succeeded: 0, failed: 0, reasons: [] };
  const finished = jobs
    .filter((j) => j.told && j.objectiveStatus !== undefined && isTerminalJobStatus(j.status))
    .sort((a, b) => (a.endedAt ?? '').localeCompare(b.endedAt ?? '') || a.jobName.localeCompare(b.jobName));
  for (const job of finished) tally = addToTally(tally, job.jobName, reasonOf(job));
  return tally;
}

/** The tally with one more told job: `reason` is its failure line, undefined when it succeeded. */
export function addToTally(tally: StoredFailureTally, jobName: string, reason: string | undefined, maxReasons = 16): StoredFailureTally {
  if (reason === undefined) return { ...tally, succeeded: tally.succeeded + 1 };
  const at = tally.reasons.findIndex((r) => r.reason === reason);
  let reasons = tally.reasons;
  if (at >= 0) reasons = reasons.map((r, i) => (i === at ? { ...r, count: r.count + 1 } : r));
  else if (reasons.length < maxReasons) reasons = [...reasons, { reason, count: 1, jobName }];
  return { succeeded: tally.succeeded, failed: tally.failed + 1, reasons };
}
