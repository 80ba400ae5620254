/**
 * The live progress block of `hpo local`: a few lines that are redrawn in place on a terminal.
 */
import type { JobRecord, RunRecord, RunStatus, TrialRecord } from '../../core/orchestrator/records';
import { runStrategy } from '../../lambda/adapters/run-store-rules';
import { style, truncate, type Style } from './ansi';
import { formatDuration, formatObjective, secondsBetween } from './format';
import { describeBest, isMultiFidelity, rungText } from './leaderboard';

/** What the progress block shows: the run's records at `now`. */
export interface ProgressView {
  readonly run: RunRecord;
  readonly jobs: readonly JobRecord[];
  readonly trials: readonly TrialRecord[];
  readonly now: Date;
}

/** How to render the block. */
export interface ProgressOptions {
  /** Terminal columns: no line is longer. */
  readonly width: number;
  /** ANSI colors (the caller respects NO_COLOR, see `colorEnabled`). */
  readonly color: boolean;
}

/** The most lines {@link renderProgress} returns. */
export const MAX_PROGRESS_LINES = 12;

/** Jobs decided or running, not yet ended. */
export function inFlight(jobs: readonly JobRecord[]): JobRecord[] {
  return jobs.filter((j) => j.status === 'Pending' || j.status === 'InProgress' || j.status === 'Stopping');
}

/** Training jobs the run may still start: `MaxNumberOfTrainingJobs - started`. */
export function budgetLeft(run: RunRecord): number {
  return Math.max(0, run.spec.scheduler.maxTrainingJobs - run.counters.jobsStarted);
}

/** Seconds since the run was created, until it ended or `now`. */
export function runElapsedSeconds(run: RunRecord, now: Date): number {
  return secondsBetween(run.createdAt, run.endedAt ?? now);
}

/** The run's status word, colored by outcome. */
export function colorStatus(status: RunStatus | JobRecord['status'], s: Style): string {
  switch (status) {
    case 'Completed':
      return s.green(status);
    case 'Failed':
      return s.red(status);
    case 'Stopping':
    case 'Stopped':
      return s.yellow(status);
    default:
      return s.cyan(status);
  }
}

function bar(done: number, total: number, width: number, s: Style): string {
  const filled = total <= 0 ? width : Math.min(width, Math.round((done / total) * width));
  return `[${s.cyan('#'.repeat(filled))}${s.dim('.'.repeat(width - filled))}]`;
}

/**
 * The progress block: run name and strategy with status and elapsed time; a budget bar (jobs
 * started of MaxNumberOfTrainingJobs) with the budget left; running, completed, failed and
 * stopped counts; the best job so far (objective, trial and milestone); the status reason
 * when there is one; then the jobs in flight (name, rung, elapsed), as many as fit in
 * {@link MAX_PROGRESS_LINES} lines. Every line fits in `options.width` columns.
 */
export function renderProgress(view: ProgressView, options: ProgressOptions): string[] {
  const { run, now } = view;
  const s = style(options.color);
  const width = Math.max(20, Math.floor(options.width));
  const max = run.spec.scheduler.maxTrainingJobs;
  const started = run.counters.jobsStarted;
  const running = inFlight(view.jobs);
  const multi = isMultiFidelity(run);
  const resource = run.spec.resourceHyperParameter;

  const lines: string[] = [];
  lines.push(
    `${s.bold(run.runId)}  ${runStrategy(run)}  ${colorStatus(run.status, s)}  elapsed ${formatDuration(runElapsedSeconds(run, now))}`,
  );
  const budgetText = ` ${started}/${max} jobs started, ${budgetLeft(run)} left`;
  const barWidth = Math.max(5, Math.min(40, width - 'budget   []'.length - budgetText.length));
  lines.push(`budget   ${bar(started, max, barWidth, s)}${budgetText}`);
  const c = run.counters;
  lines.push(
    `jobs     ${running.length} running, ${s.green(String(c.jobsCompleted))} completed, ` +
      `${c.jobsFailed > 0 ? s.red(String(c.jobsFailed)) : '0'} failed, ${c.jobsStopped} stopped`,
  );
  if (run.best === undefined) {
    lines.push(`best job ${s.dim(describeBest(run))}`);
  } else {
    const at = multi ? ` at ${resource} ${run.best.milestone}` : '';
    lines.push(`best job ${s.bold(s.green(`${run.spec.objective.metricName} ${formatObjective(run.best.objective)}`))} (trial ${run.best.trialId}${at})`);
  }
  if (run.statusReason !== undefined && run.statusReason !== '') lines.push(`reason   ${run.statusReason}`);
  for (const warning of run.warnings ?? []) lines.push(`warning  ${s.yellow(warning)}`);

  const sorted = [...running].sort(
    (a, b) => (a.startedAt ?? a.createdAt).localeCompare(b.startedAt ?? b.createdAt) || a.jobName.localeCompare(b.jobName),
  );
  const room = MAX_PROGRESS_LINES - lines.length;
  const fits = sorted.length <= room ? sorted.length : room - 1;
  const nameWidth = Math.max(0, ...sorted.slice(0, fits).map((j) => j.jobName.length));
  sorted.slice(0, fits).forEach((job, i) => {
    const rung = multi ? `  ${resource} ${rungText(job)}` : '';
    const elapsed =
      job.status === 'Pending'
        ? s.dim(job.startAttempts > 0 ? `waiting to start (attempt ${job.startAttempts + 1})` : 'starting')
        : `${formatDuration(secondsBetween(job.startedAt ?? job.createdAt, now))}${job.status === 'Stopping' ? ' stopping' : ''}`;
    lines.push(`${i === 0 ? 'running' : '       '}  ${job.jobName.padEnd(nameWidth)}${rung}  ${elapsed}`);
  });
  if (fits < sorted.length) lines.push(`         ... and ${sorted.length - fits} more`);
  return lines.map((line) => truncate(line, width));
}
