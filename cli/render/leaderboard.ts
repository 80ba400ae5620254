/**
 * The leaderboard (trials best first) and the training-job table, as text. Pure functions:
 * `hpo results`, `hpo status` and `hpo local` print what these return.
 */
import type { JobRecord, RunRecord, TrialRecord } from '../../lambda/core/orchestrator/records';
import { runStrategy } from '../../lambda/adapters/run-store-rules';
import { formatHyperParameter, formatObjective, layoutTable, plural, type Column } from './format';

/** A trial in leaderboard order. */
export interface RankedTrial {
  /** 1 for the best trial; null for a trial without a result yet (listed last). */
  readonly position: number | null;
  readonly trial: TrialRecord;
  /** The trial's best objective, or null. */
  readonly objective: number | null;
  /** The highest milestone the trial has a recorded result for, or null. */
  readonly milestone: number | null;
}

/** Whether the run promotes trials through rungs (Hyperband, ASHA) rather than FIFO. */
export function isMultiFidelity(run: RunRecord): boolean {
  return run.spec.scheduler.kind !== 'FIFO';
}

/** The highest milestone with a recorded result (a number or null), or null when none. */
export function milestoneReached(trial: TrialRecord): number | null {
  const reached = Object.keys(trial.results ?? {})
    .map(Number)
    .filter((m) => Number.isFinite(m));
  return reached.length === 0 ? null : Math.max(...reached);
}

function rankOf(run: RunRecord, trial: TrialRecord): number | undefined {
  if (typeof trial.rank === 'number' && Number.isFinite(trial.rank)) return trial.rank;
  const value = trial.bestObjective;
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  return run.spec.objective.type === 'Maximize' ? -value : value;
}

/**
 * Trials best first, as the store's leaderboard orders them (lower `rank` first, ties by
 * trial id), followed by trials without a result in trial order.
 */
export function rankTrials(run: RunRecord, trials: readonly TrialRecord[]): RankedTrial[] {
  const ranked = trials
    .map((trial) => ({ trial, rank: rankOf(run, trial) }))
    .sort((a, b) => {
      if (a.rank === undefined || b.rank === undefined) {
        if (a.rank !== b.rank) return a.rank === undefined ? 1 : -1;
      } else if (a.rank !== b.rank) {
        return a.rank - b.rank;
      }
      return a.trial.trialId - b.trial.trialId;
    });
  let position = 0;
  return ranked.map(({ trial, rank }) => ({
    position: rank === undefined ? null : ++position,
    trial,
    objective: typeof trial.bestObjective === 'number' && Number.isFinite(trial.bestObjective) ? trial.bestObjective : null,
    milestone: milestoneReached(trial),
  }));
}

/** `eval_accuracy 0.9312 (trial 4 at epochs 9)`, or `none yet`. */
export function describeBest(run: RunRecord): string {
  const best = run.best;
  if (best === undefined) return 'none yet';
  const at = isMultiFidelity(run) ? ` at ${run.spec.resourceHyperParameter} ${best.milestone}` : '';
  return `${run.spec.objective.metricName} ${formatObjective(best.objective)} (trial ${best.trialId}${at})`;
}

/**
 * One line about the run: `run mnist-hb: Completed, Hyperband, maximize eval_accuracy;
 * best eval_accuracy 0.9312 (trial 4 at epochs 9)`.
 */
export function leaderboardHeader(run: RunRecord): string {
  const objective = `${run.spec.objective.type.toLowerCase()} ${run.spec.objective.metricName}`;
  return `run ${run.runId}: ${run.status}, ${runStrategy(run)}, ${objective}; best ${describeBest(run)}`;
}

/** The hyperparameters a leaderboard shows: the tunable ones, in the input's order. */
export function tunableNames(run: RunRecord): string[] {
  return run.spec.space.parameters.map((p) => p.name);
}

/**
 * The leaderboard as text: a header line (run, status, strategy, best), then the trials best
 * first — rank, trial, objective, milestone reached, status, bracket and every tunable
 * hyperparameter (milestone and bracket only for Hyperband and ASHA). At most `limit` trials;
 * a last line says how many were left out.
 *
 * @param limit - the most trials to show (default: all)
 */
export function renderLeaderboard(run: RunRecord, trials: readonly TrialRecord[], limit = Number.POSITIVE_INFINITY): string {
  const header = leaderboardHeader(run);
  if (trials.length === 0) return `${header}\nno trials yet`;
  const ranked = rankTrials(run, trials);
  const shown = ranked.slice(0, Math.max(0, limit));
  const multi = isMultiFidelity(run);
  const names = tunableNames(run);
  const columns: Column[] = [
    { header: 'rank', align: 'right' },
    { header: 'trial', align: 'right' },
    { header: run.spec.objective.metricName, align: 'right' },
    ...(multi ? [{ header: run.spec.resourceHyperParameter, align: 'right' as const }] : []),
    { header: 'status' },
    ...(multi ? [{ header: 'bracket', align: 'right' as const }] : []),
    ...names.map((name) => ({ header: name })),
  ];
  const rows = shown.map((r) => [
    r.position === null ? '-' : String(r.position),
    String(r.trial.trialId),
    formatObjective(r.objective),
    ...(multi ? [r.milestone === null ? '-' : String(r.milestone)] : []),
    r.trial.status,
    ...(multi ? [String(r.trial.bracket)] : []),
    ...names.map((name) => formatHyperParameter(r.trial.hyperParameters?.[name])),
  ]);
  const lines = [header, ...layoutTable(columns, rows)];
  if (shown.length < ranked.length) lines.push(`(${plural(ranked.length - shown.length, 'more trial')} not shown)`);
  return lines.join('\n');
}

/** Jobs in the order they were created (ties by name). */
export function sortJobs(jobs: readonly JobRecord[]): JobRecord[] {
  return [...jobs].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.jobName.localeCompare(b.jobName));
}

/** `1->3`: the milestones a job trained from and to. */
export function rungText(job: Pick<JobRecord, 'fromMilestone' | 'milestone'>): string {
  return `${job.fromMilestone}->${job.milestone}`;
}

/**
 * The training jobs as text: a header line, then one line per job in creation order — job
 * name, trial, rung from->to (Hyperband and ASHA), status, objective, billable seconds and
 * failure reason.
 *
 * @param limit - the most jobs to show (default: all)
 */
export function renderJobsTable(run: RunRecord, jobs: readonly JobRecord[], limit = Number.POSITIVE_INFINITY): string {
  const header = leaderboardHeader(run);
  if (jobs.length === 0) return `${header}\nno training jobs yet`;
  const sorted = sortJobs(jobs);
  const shown = sorted.slice(0, Math.max(0, limit));
  const multi = isMultiFidelity(run);
  const columns: Column[] = [
    { header: 'job' },
    { header: 'trial', align: 'right' },
    ...(multi ? [{ header: run.spec.resourceHyperParameter, align: 'right' as const }] : []),
    { header: 'status' },
    { header: run.spec.objective.metricName, align: 'right' },
    { header: 'billable s', align: 'right' },
    { header: 'failure reason' },
  ];
  const rows = shown.map((job) => [
    job.jobName,
    String(job.trialId),
    ...(multi ? [rungText(job)] : []),
    job.status,
    formatObjective(job.objective),
    job.billableSeconds === undefined ? '-' : String(Math.round(job.billableSeconds)),
    (job.failureReason ?? (job.status === 'Pending' ? (job.lastStartError ?? '') : '')).replace(/\s+/g, ' '),
  ]);
  const lines = [header, ...layoutTable(columns, rows)];
  if (shown.length < sorted.length) lines.push(`(${plural(sorted.length - shown.length, 'more job')} not shown)`);
  return lines.join('\n');
}
