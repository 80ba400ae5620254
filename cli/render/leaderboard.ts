/**
 * The leaderboard (trials best first) and the training-job table, as text. Pure functions:
 * `hpo results`, `hpo status` and `hpo local` print what these return.
 */
import type { JobRecord, RunRecord, TrialRecord } from '../../core/orchestrator/records';
import { runStrategy } from '../../lambda/adapters/run-store-rules';
import { formatHyperParameter, formatObjective, layoutTable, plural, type Column } from './format';

/**
 * What a trial's status means, in words a user understands. The scheduler's own statuses
 * (`Running`, `Paused`, `Stopped`, `Completed`, `Failed`) say what to do next with a trial;
 * these say what happened to it. The same names are used in the table, CSV, JSON and report.
 */
export const TRIAL_STATUSES = {
  running: 'a training job of the trial is running, or about to start',
  paused: 'finished its rung and waits: it is resumed from its checkpoint if it ranks in the top 1/eta of the rung',
  completed: 'trained to the full resource (the top rung R; every trial of Random, Grid and Bayesian)',
  'not promoted': 'finished its rung but did not rank in the top 1/eta of it, so it was not trained further',
  stopped: 'its training job was stopped before it finished (Ctrl-C, hpo stop, a completion criterion, MaxRuntimeInSeconds)',
  'stopped early': 'TrainingJobEarlyStoppingType Auto stopped its job: after some epoch it was worse than the median of the other jobs; its result is its last value',
  failed: 'its training job failed: hpo results <run> --jobs shows the failure reason',
  'no result': 'its training job finished without the objective metric in its log (check MetricDefinitions)',
} as const;

/** A trial status as users read it; see {@link TRIAL_STATUSES}. */
export type TrialStatusName = keyof typeof TRIAL_STATUSES;

/** A trial in leaderboard order. */
export interface RankedTrial {
  /** 1 for the best trial; null for a trial without a result yet (listed last). */
  readonly position: number | null;
  readonly trial: TrialRecord;
  /** The objective at `milestone` (the highest rung with a result), or null. */
  readonly objective: number | null;
  /** The highest milestone (resource) with a result (a number), or null when none. */
  readonly milestone: number | null;
  /** What happened to the trial. */
  readonly status: TrialStatusName;
}

/** Whether the run promotes trials through rungs (Hyperband, ASHA) rather than FIFO. */
export function isMultiFidelity(run: RunRecord): boolean {
  return run.spec.scheduler.kind !== 'FIFO';
}

/** Whether the run has ended (nothing more will run). */
function runEnded(run: RunRecord): boolean {
  return run.status === 'Completed' || run.status === 'Stopped' || run.status === 'Failed';
}

/** The highest milestone with a numeric result and the objective there, or null when none. */
export function highestResult(trial: TrialRecord): { milestone: number; objective: number } | null {
  let best: { milestone: number; objective: number } | null = null;
  for (const [key, value] of Object.entries(trial.results ?? {})) {
    const milestone = Number(key);
    if (!Number.isFinite(milestone) || typeof value !== 'number' || !Number.isFinite(value)) continue;
    if (best === null || milestone > best.milestone) best = { milestone, objective: value };
  }
  return best;
}

/** The highest milestone with a numeric result, or null when none. */
export function milestoneReached(trial: TrialRecord): number | null {
  return highestResult(trial)?.milestone ?? null;
}

/**
 * What happened to a trial ({@link TRIAL_STATUSES}), from its record, the run's status and
 * (when given) the run's jobs: a trial the scheduler marked `Stopped` without a result was
 * either stopped or finished without the metric, which only its job tells apart.
 */
export function trialStatusName(run: RunRecord, trial: TrialRecord, jobs: readonly JobRecord[] = []): TrialStatusName {
  const value = trial.results?.[String(trial.milestone)];
  const hasResult = typeof value === 'number' && Number.isFinite(value);
  switch (trial.status) {
    case 'Running':
      return runEnded(run) ? 'stopped' : 'running';
    case 'Paused':
      return runEnded(run) ? 'not promoted' : 'paused';
    case 'Completed':
      return hasResult ? 'completed' : 'no result';
    case 'Failed':
      return 'failed';
    case 'Stopped': {
      const job = jobs.find((j) => j.trialId === trial.trialId && j.milestone === trial.milestone);
      if (job?.stoppedEarly !== undefined && job.status === 'Stopped') return 'stopped early';
      if (hasResult) return 'not promoted';
      return job?.status === 'Completed' ? 'no result' : job?.status === 'Failed' ? 'failed' : 'stopped';
    }
  }
}

/**
 * Trials best first: those that reached a higher rung (the highest milestone with a result)
 * first, then by the objective at that rung in the objective's direction, ties by trial id;
 * trials without a result last, in trial order. A result at a higher rung is a longer-trained
 * model, so a lucky result at a low rung does not outrank it. The table, CSV, JSON and the
 * report all use this order. (For Random, Grid and Bayesian every result is at the same
 * resource: the order is by objective.)
 *
 * @param jobs - the run's jobs, to tell a stopped trial from one without a result (optional)
 */
export function rankTrials(run: RunRecord, trials: readonly TrialRecord[], jobs: readonly JobRecord[] = []): RankedTrial[] {
  const sign = run.spec.objective.type === 'Maximize' ? -1 : 1;
  const ranked = trials
    .map((trial) => ({ trial, result: highestResult(trial) }))
    .sort((a, b) => {
      if (a.result === null || b.result === null) {
        if (a.result !== b.result) return a.result === null ? 1 : -1;
      } else if (a.result.milestone !== b.result.milestone) {
        return b.result.milestone - a.result.milestone;
      } else if (a.result.objective !== b.result.objective) {
        return sign * (a.result.objective - b.result.objective);
      }
      return a.trial.trialId - b.trial.trialId;
    });
  let position = 0;
  return ranked.map(({ trial, result }) => ({
    position: result === null ? null : ++position,
    trial,
    objective: result?.objective ?? null,
    milestone: result?.milestone ?? null,
    status: trialStatusName(run, trial, jobs),
  }));
}

/** How the leaderboard is ordered, in one line: `ranked by the epochs reached, then accuracy (higher first)`. */
export function rankingRule(run: RunRecord): string {
  const metric = `${run.spec.objective.metricName} (${run.spec.objective.type === 'Maximize' ? 'higher' : 'lower'} first)`;
  return isMultiFidelity(run) ? `ranked by the ${run.spec.resourceHyperParameter} reached, then ${metric}` : `ranked by ${metric}`;
}

/**
 * The best trial (the leaderboard's first): `trial 4, eval_accuracy 0.9312 at epochs 9`;
 * `none yet` while the run runs, or `none, no training job reported eval_accuracy` once it
 * has ended without a result.
 */
export function describeBestTrial(run: RunRecord, ranked: readonly RankedTrial[]): string {
  const leader = ranked[0];
  if (leader === undefined || leader.position === null || leader.objective === null) {
    return runEnded(run) ? `none, no training job reported ${run.spec.objective.metricName}` : 'none yet';
  }
  const at = isMultiFidelity(run) && leader.milestone !== null ? ` at ${run.spec.resourceHyperParameter} ${leader.milestone}` : '';
  return `trial ${leader.trial.trialId}, ${run.spec.objective.metricName} ${formatObjective(leader.objective)}${at}`;
}

/**
 * The run's best job (AMT's rule, the execution output's `BestTrainingJob`): `eval_accuracy
 * 0.9312 (trial 4 at epochs 9)`; `none yet`, or `none, no training job reported ...` once the
 * run has ended.
 */
export function describeBest(run: RunRecord): string {
  const best = run.best;
  if (best === undefined) return runEnded(run) ? `none, no training job reported ${run.spec.objective.metricName}` : 'none yet';
  const at = isMultiFidelity(run) ? ` at ${run.spec.resourceHyperParameter} ${best.milestone}` : '';
  return `${run.spec.objective.metricName} ${formatObjective(best.objective)} (trial ${best.trialId}${at})`;
}

/**
 * One line about the run: `run mnist-hb: Completed, Hyperband, maximize eval_accuracy; best:
 * trial 4, eval_accuracy 0.9312 at epochs 9`.
 */
export function leaderboardHeader(run: RunRecord, ranked: readonly RankedTrial[]): string {
  const objective = `${run.spec.objective.type.toLowerCase()} ${run.spec.objective.metricName}`;
  return `run ${run.runId}: ${run.status}, ${runStrategy(run)}, ${objective}; best: ${describeBestTrial(run, ranked)}`;
}

/**
 * When the run's best single job (AMT's rule) belongs to another trial than the leaderboard's
 * first, one line that says why; otherwise undefined.
 */
export function bestJobNote(run: RunRecord, ranked: readonly RankedTrial[]): string | undefined {
  const best = run.best;
  const leader = ranked[0];
  if (best === undefined || leader === undefined || leader.position === null || best.trialId === leader.trial.trialId) return undefined;
  const position = ranked.find((r) => r.trial.trialId === best.trialId)?.position;
  const resource = run.spec.resourceHyperParameter;
  return (
    `the best single job (AMT's BestTrainingJob) is trial ${best.trialId}'s at ${resource} ${best.milestone} ` +
    `(${run.spec.objective.metricName} ${formatObjective(best.objective)})${position === null || position === undefined ? '' : `, ranked ${position}`}: ` +
    `a result after fewer ${resource} ranks below one that trained further`
  );
}

/** The hyperparameters a leaderboard shows: the tunable ones, in the input's order. */
export function tunableNames(run: RunRecord): string[] {
  return run.spec.space.parameters.map((p) => p.name);
}

/**
 * The leaderboard as text: a header line (run, status, strategy, best trial), then the trials
 * best first (see {@link rankTrials}) — rank, trial, objective, resource reached, status,
 * bracket and every tunable hyperparameter (resource and bracket only for Hyperband and ASHA).
 * At most `limit` trials; then a line that says how many were left out, and how the trials are
 * ranked.
 *
 * @param limit - the most trials to show (default: all)
 * @param jobs - the run's jobs, to name every trial's status precisely (optional)
 */
export function renderLeaderboard(run: RunRecord, trials: readonly TrialRecord[], limit = Number.POSITIVE_INFINITY, jobs: readonly JobRecord[] = []): string {
  const ranked = rankTrials(run, trials, jobs);
  const header = leaderboardHeader(run, ranked);
  if (trials.length === 0) return `${header}\nno trials yet`;
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
    r.status,
    ...(multi ? [String(r.trial.bracket)] : []),
    ...names.map((name) => formatHyperParameter(r.trial.hyperParameters?.[name])),
  ]);
  const lines = [header, ...layoutTable(columns, rows)];
  if (shown.length < ranked.length) lines.push(`(${plural(ranked.length - shown.length, 'more trial')} not shown)`);
  const note = bestJobNote(run, ranked);
  lines.push(`(${rankingRule(run)}${note === undefined ? '' : `; ${note}`})`);
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
export function renderJobsTable(run: RunRecord, jobs: readonly JobRecord[], limit = Number.POSITIVE_INFINITY, trials: readonly TrialRecord[] = []): string {
  const header = leaderboardHeader(run, rankTrials(run, trials, jobs));
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
