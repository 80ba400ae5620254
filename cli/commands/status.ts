/**
 * `hpo status [<run>]`: one run's state (status, counters, budget, best, elapsed, execution),
 * or the runs of a local workspace or a deployed tuner, newest first.
 */
import type { JobRecord, RunRecord, RunSummary, TrialRecord } from '../../lambda/core/orchestrator/records';
import { runStrategy } from '../../lambda/adapters/run-store-rules';
import { CliError, type CliIo } from '../io';
import {
  budgetLeft,
  describeBest,
  describeBestTrial,
  formatDateTime,
  formatDuration,
  formatObjective,
  inFlight,
  layoutTable,
  rankTrials,
  runElapsedSeconds,
  rungText,
} from '../render';
import { isMultiFidelity } from '../render/leaderboard';
import { secondsBetween } from '../render/format';
import { awsErrorToCliError, checkRunName, chooseSource, openResults, parseFlags, positiveIntegerFlag } from '../results-source';
import { loadRunOrExplain } from './results';
import { hpoHome, isProcessAlive, readRunMeta, runPaths } from '../../local/workspace';

/** Help text of `hpo status`. */
export const statusHelp = `usage: hpo status [<run>] [--local | --table <name>] [--limit <n>]

With a run: its status and reason, training jobs started, completed, failed, stopped and in
flight, the budget left (MaxNumberOfTrainingJobs - started), the best trial (the first of hpo
results: the highest rung reached, then the objective), the best single job (AMT's
BestTrainingJob, as the execution output names it), the elapsed time and the Step Functions
execution.
Without: the runs, newest first (name, status, strategy, jobs, best job, created).

Reads local mode's runs (.hpo/runs; HPO_HOME moves .hpo) when there are any, else the
deployed tuner's results table given by --table.

options:
  --local              read local mode's runs
  --table <name>       read a deployed tuner: the ResultsTableName output of the stack
  --limit <n>          list at most n runs (default 20)
  -h, --help           show this help

exit codes: 0 shown, 1 no such run, or the run or table cannot be read, 2 bad arguments`;

const DEFAULT_LIST_LIMIT = 20;
const MAX_JOBS_SHOWN = 10;

function runLines(run: RunRecord, jobs: readonly JobRecord[], trials: readonly TrialRecord[], where: string, now: Date): string[] {
  const c = run.counters;
  const max = run.spec.scheduler.maxTrainingJobs;
  const flying = inFlight(jobs);
  const objective = `${run.spec.objective.type} ${run.spec.objective.metricName}`;
  const timing =
    run.endedAt === undefined
      ? `${formatDuration(runElapsedSeconds(run, now))} (started ${formatDateTime(run.createdAt)})`
      : `${formatDuration(runElapsedSeconds(run, now))} (${formatDateTime(run.createdAt)} to ${formatDateTime(run.endedAt)})`;
  const rows: [string, string][] = [
    ['strategy', `${runStrategy(run)}, ${objective}, ${max} training jobs at most, ${run.spec.maxParallelTrainingJobs} in parallel`],
    ...(run.statusReason === undefined || run.statusReason === '' ? [] : [['reason', run.statusReason] as [string, string]]),
    ['jobs', `${c.jobsStarted} started, ${c.jobsCompleted} completed${c.jobsWithoutObjective ? ` (${c.jobsWithoutObjective} without the objective)` : ''}, ${c.jobsFailed} failed, ${c.jobsStopped} stopped, ${flying.length} in flight`],
    ...(run.warnings ?? []).map((w): [string, string] => ['warning', w]),
    ['budget left', `${budgetLeft(run)} of ${max} training jobs`],
    ['best trial', describeBestTrial(run, rankTrials(run, trials, jobs))],
    ['best job', run.best === undefined ? describeBest(run) : `${run.best.jobName}, ${describeBest(run)}`],
    ['elapsed', timing],
    ['billable', `${Math.round(c.billableSeconds)} s`],
    ['execution', run.executionArn],
    ['records', where],
  ];
  const lines = [`run ${run.runId}: ${run.status}`, ...rows.map(([k, v]) => `  ${`${k}:`.padEnd(13)}${v}`)];
  if (flying.length > 0) {
    const multi = isMultiFidelity(run);
    const shown = [...flying].sort((a, b) => a.jobName.localeCompare(b.jobName)).slice(0, MAX_JOBS_SHOWN);
    lines.push('', `in flight:`);
    const table = layoutTable(
      [{ header: 'job' }, ...(multi ? [{ header: run.spec.resourceHyperParameter, align: 'right' as const }] : []), { header: 'status' }, { header: 'elapsed', align: 'right' }],
      shown.map((j) => [
        j.jobName,
        ...(multi ? [rungText(j)] : []),
        j.status,
        j.status === 'Pending' ? '-' : formatDuration(secondsBetween(j.startedAt ?? j.createdAt, now)),
      ]),
    );
    lines.push(...table.map((l) => `  ${l}`));
    if (flying.length > shown.length) lines.push(`  ... and ${flying.length - shown.length} more`);
  }
  return lines;
}

function listLines(runs: readonly RunSummary[]): string[] {
  return layoutTable(
    [{ header: 'run' }, { header: 'status' }, { header: 'strategy' }, { header: 'jobs', align: 'right' }, { header: 'best job', align: 'right' }, { header: 'created' }],
    runs.map((r) => [
      r.runId,
      r.status,
      r.strategy,
      String(r.counters.jobsStarted),
      r.best === undefined ? '-' : `${formatObjective(r.best.objective)} (trial ${r.best.trialId})`,
      formatDateTime(r.createdAt),
    ]),
  );
}

/**
 * Run `hpo status`: prints one run's state, or the runs newest first, and returns 0. Bad
 * arguments, an unknown run and AWS errors a user can fix throw a `CliError`.
 *
 * @param args - the arguments after `status`
 * @param io - where to write; `cwd` locates `.hpo`
 */
export async function runStatus(args: string[], io: CliIo): Promise<number> {
  const flags = parseFlags(args, 'status', { '--local': 'boolean', '--table': 'value', '--limit': 'value' });
  if (flags.positionals.length > 1) {
    throw new CliError(`hpo status takes at most one run name, got ${flags.positionals.length}: ${flags.positionals.join(', ')}`);
  }
  const runId = flags.positionals[0];
  if (runId !== undefined) checkRunName(runId);
  const limit = positiveIntegerFlag(flags, '--limit') ?? DEFAULT_LIST_LIMIT;
  const table = flags.values.get('--table');
  const env = process.env;
  const local = chooseSource({ local: flags.booleans.has('--local'), table, cwd: io.cwd, env, run: runId });
  const source = await openResults({ local, table, cwd: io.cwd, env, run: runId });
  try {
    if (runId !== undefined) {
      const run = await loadRunOrExplain(source, runId);
      const [jobs, trials] = await Promise.all([source.store.listJobs(runId), source.store.listTrials(runId)]);
      io.stdout(`${runLines(run, jobs, trials, source.where, new Date()).join('\n')}\n`);
      if (local && (run.status === 'Running' || run.status === 'Stopping')) {
        const meta = readRunMeta(runPaths(hpoHome(io.cwd, env), runId));
        if (meta?.pid !== undefined && !isProcessAlive(meta.pid)) {
          io.stdout(
            `note: the hpo local process that ran it (pid ${meta.pid}) ended without a clean stop; ` +
              `continue the run with: npx hpo local ${meta.input ?? '<tuning.json>'} --resume\n`,
          );
        }
      }
      return 0;
    }
    const runs = await source.store.listRuns(limit);
    if (runs.length === 0) {
      io.stdout(`no runs in ${source.where}\n`);
      return 0;
    }
    io.stdout(`${listLines(runs).join('\n')}\n`);
    if (runs.length === limit) io.stdout(`(the newest ${limit}; --limit <n> shows more)\n`);
    return 0;
  } catch (error) {
    throw awsErrorToCliError(error, { table });
  } finally {
    await source.close();
  }
}
