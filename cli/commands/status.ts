/**
 * `hpo status [<run>]`: one run's state (status, counters, budget, best, elapsed, execution),
 * or the runs of a local workspace or a deployed tuner, newest first.
 */
import type { JobRecord, RunRecord, RunSummary, TrialRecord } from '../../core/orchestrator/records';
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
import { awsErrorToCliError, checkRunName, chooseSource, openResults, parseFlags, positiveIntegerFlag, type ResultsSource } from '../results-source';
import { loadRunOrExplain } from './results';
import { hpoHome, isProcessAlive, readRunMeta, runPaths } from '../../local/workspace';

/** Help text of `hpo status`. */
export const statusHelp = `usage: hpo status [<run>] [--local | --table <name>] [--limit <n>]
       hpo status <run> --watch [--interval <seconds>] [--local | --table <name>]

With a run: its status and reason, training jobs started, completed, failed, stopped and in
flight, the budget left (MaxNumberOfTrainingJobs - started), the best trial (the first of hpo
results: the highest rung reached, then the objective), the best single job (AMT's
BestTrainingJob, as the execution output names it), the elapsed time and the Step Functions
execution.
Without: the runs, newest first (name, status, strategy, jobs, best job, created).

Reads local mode's runs (<home>/runs; <home>: $HPO_HOME, a .hpo folder here or above, else
~/.hpo) when there are any, else the deployed tuner's results table given by --table.

With --watch: follow the run live, reading it again every --interval seconds (default 5)
until it ends (Completed, Failed or Stopped), then show it once more and exit. On a terminal
the display is redrawn in place; otherwise (a pipe, a CI log) the status is printed again only
when it changed (status, jobs, best, jobs in flight), so logs stay short. Ctrl-C stops watching,
not the run. A local run whose hpo local process ended without a clean stop ends the watch with
a note. A read that fails is retried (a warning on stderr); the third failure in a row exits 1.

options:
  --local              read local mode's runs
  --table <name>       read a deployed tuner: the ResultsTableName output of the stack
  --limit <n>          list at most n runs (default 20)
  --watch              follow the run until it ends
  --interval <s>       seconds between reads with --watch (default 5; 1 to 3600)
  -h, --help           show this help

exit codes: 0 shown (with --watch: the run ended), 1 no such run, or the run or table cannot be
read, 2 bad arguments`;

const DEFAULT_LIST_LIMIT = 20;
const MAX_JOBS_SHOWN = 10;
/** Seconds between reads of `--watch`. */
const DEFAULT_WATCH_INTERVAL_SECONDS = 5;
const MAX_WATCH_INTERVAL_SECONDS = 3600;
/** Failed reads in a row after which `--watch` gives up (a read that works resets the count). */
export const MAX_WATCH_READ_FAILURES = 3;
/** Clear the terminal and move the cursor home (ANSI), before each frame of `--watch`. */
const CLEAR_SCREEN = '\x1b[H\x1b[2J';

/** The clock of `--watch` (replaced in tests). */
export interface WatchClock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

const systemClock: WatchClock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

const ENDED = new Set(['Completed', 'Failed', 'Stopped']);

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

/** What one read of a run shows. */
interface RunView {
  readonly run: RunRecord;
  readonly lines: readonly string[];
  /** The note about a local run whose process died, if any (the run will not move on by itself). */
  readonly note?: string;
  /** What changed-or-not is judged by: everything shown except the clock. */
  readonly signature: string;
}

async function readRun(source: ResultsSource, runId: string, local: boolean, cwd: string, env: NodeJS.ProcessEnv, now: Date): Promise<RunView> {
  const run = await loadRunOrExplain(source, runId);
  const [jobs, trials] = await Promise.all([source.store.listJobs(runId), source.store.listTrials(runId)]);
  let note: string | undefined;
  if (local && (run.status === 'Running' || run.status === 'Stopping')) {
    const meta = readRunMeta(runPaths(hpoHome(cwd, env), runId));
    if (meta?.pid !== undefined && !isProcessAlive(meta.pid)) {
      note =
        `note: the hpo local process that ran it (pid ${meta.pid}) ended without a clean stop; ` +
        `continue the run with: npx hpo local ${meta.input ?? '<tuning.json>'} --resume`;
    }
  }
  const signature = JSON.stringify([
    run.status,
    run.statusReason,
    run.counters,
    run.best,
    run.warnings,
    inFlight(jobs).map((j) => [j.jobName, j.status]),
    note,
  ]);
  return { run, lines: runLines(run, jobs, trials, source.where, now), ...(note === undefined ? {} : { note }), signature };
}

function watchIntervalSeconds(flags: ReturnType<typeof parseFlags>): number {
  const raw = flags.values.get('--interval');
  if (raw === undefined) return DEFAULT_WATCH_INTERVAL_SECONDS;
  const n = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || !Number.isFinite(n) || n < 1 || n > MAX_WATCH_INTERVAL_SECONDS) {
    throw new CliError(`--interval must be a number of seconds from 1 to ${MAX_WATCH_INTERVAL_SECONDS}, got '${raw}'`);
  }
  return n;
}

/**
 * `--watch`: read the run every `intervalSeconds` until it ends. A local run is opened anew for
 * every read: the hpo local process that runs it may start, hold or release its store meanwhile.
 */
async function watchRun(
  open: () => Promise<ResultsSource>,
  keepOpen: boolean,
  runId: string,
  options: { local: boolean; table?: string; intervalSeconds: number; io: CliIo; env: NodeJS.ProcessEnv; clock: WatchClock },
): Promise<number> {
  const { io, clock, intervalSeconds } = options;
  let source: ResultsSource | undefined;
  let shown: string | undefined;
  let failures = 0;
  const read = async (): Promise<RunView> => {
    source ??= await open();
    try {
      return await readRun(source, runId, options.local, io.cwd, options.env, clock.now());
    } finally {
      if (!keepOpen) {
        await source.close();
        source = undefined;
      }
    }
  };
  try {
    for (let first = true; ; first = false) {
      let view: RunView;
      try {
        view = await read();
        failures = 0;
      } catch (error) {
        const mapped = error instanceof CliError ? error : awsErrorToCliError(error, { table: options.table });
        // The first read decides like hpo status (no such run: exit 1); later ones are retried.
        failures += 1;
        if (first || failures >= MAX_WATCH_READ_FAILURES) throw mapped;
        const message = mapped instanceof Error ? mapped.message : String(mapped);
        io.stderr(`warning: could not read run '${runId}' (${message}); trying again in ${intervalSeconds} s\n`);
        await clock.sleep(intervalSeconds * 1000);
        continue;
      }
      const ended = ENDED.has(view.run.status);
      const stopsHere = ended || view.note !== undefined;
      const body = `${view.lines.join('\n')}\n${view.note === undefined ? '' : `${view.note}\n`}`;
      if (io.isTTY) {
        const header = stopsHere
          ? `hpo status ${runId} --watch: ${ended ? `the run ended (${view.run.status})` : 'the run is not progressing'}, ${formatDateTime(clock.now().toISOString())}`
          : `hpo status ${runId} --watch: every ${intervalSeconds} s until the run ends (Ctrl-C stops watching, not the run), ${formatDateTime(clock.now().toISOString())}`;
        io.stdout(`${CLEAR_SCREEN}${header}\n\n${body}`);
      } else if (view.signature !== shown) {
        io.stdout(`${shown === undefined ? '' : '\n'}${body}`);
      }
      shown = view.signature;
      if (stopsHere) return 0;
      await clock.sleep(intervalSeconds * 1000);
    }
  } finally {
    await source?.close();
  }
}

/**
 * Run `hpo status`: prints one run's state (or follows it with `--watch` until it ends), or
 * the runs newest first, and returns 0. Bad arguments, an unknown run and AWS errors a user
 * can fix throw a `CliError`.
 *
 * @param args - the arguments after `status`
 * @param io - where to write; `cwd` locates `.hpo`
 * @param clock - the clock and sleep of `--watch`
 */
export async function runStatus(args: string[], io: CliIo, clock: WatchClock = systemClock): Promise<number> {
  const flags = parseFlags(args, 'status', { '--local': 'boolean', '--table': 'value', '--limit': 'value', '--watch': 'boolean', '--interval': 'value' });
  if (flags.positionals.length > 1) {
    throw new CliError(`hpo status takes at most one run name, got ${flags.positionals.length}: ${flags.positionals.join(', ')}`);
  }
  const runId = flags.positionals[0];
  if (runId !== undefined) checkRunName(runId);
  const watch = flags.booleans.has('--watch');
  if (!watch && flags.values.has('--interval')) throw new CliError('--interval goes with --watch: hpo status <run> --watch --interval <seconds>');
  if (watch && runId === undefined) throw new CliError('hpo status --watch follows one run: name it, e.g. hpo status <run> --watch');
  if (watch && flags.values.has('--limit')) throw new CliError('--limit lists runs; hpo status <run> --watch follows one run: use either, not both');
  const intervalSeconds = watch ? watchIntervalSeconds(flags) : DEFAULT_WATCH_INTERVAL_SECONDS;
  const limit = positiveIntegerFlag(flags, '--limit') ?? DEFAULT_LIST_LIMIT;
  const table = flags.values.get('--table');
  const env = process.env;
  const local = chooseSource({ local: flags.booleans.has('--local'), table, cwd: io.cwd, env, run: runId });
  const open = (): Promise<ResultsSource> => openResults({ local, table, cwd: io.cwd, env, run: runId });
  if (watch && runId !== undefined) {
    return watchRun(open, !local, runId, { local, ...(table === undefined ? {} : { table }), intervalSeconds, io, env, clock });
  }
  const source = await open();
  try {
    if (runId !== undefined) {
      const view = await readRun(source, runId, local, io.cwd, env, clock.now());
      io.stdout(`${view.lines.join('\n')}\n`);
      if (view.note !== undefined) io.stdout(`${view.note}\n`);
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
