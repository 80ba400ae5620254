/**
 * `hpo results <run>`: a run's leaderboard (trials best first) or its training jobs, as a
 * table, JSON or CSV, from a local run or a deployed tuner's results table.
 */
import type { JobRecord, RunRecord, TrialRecord } from '../../core/orchestrator/records';
import { runStrategy } from '../../lambda/adapters/run-store-rules';
import { CliError, type CliIo } from '../io';
import { rankTrials, renderJobsTable, renderLeaderboard, sortJobs, toCsv, TRIAL_STATUSES, tunableNames } from '../render';
import { isMultiFidelity } from '../render/leaderboard';
import { awsErrorToCliError, checkRunName, chooseSource, openResults, parseFlags, positiveIntegerFlag, UNKNOWN_RUN_EXIT, type ResultsSource } from '../results-source';

/** Help text of `hpo results`. */
export const resultsHelp = `usage: hpo results <run> [--local | --table <name>] [--format table|json|csv] [--limit <n>] [--jobs]

Show a run's trials best first: rank, trial, objective, resource reached (Hyperband and ASHA,
named after the resource hyperparameter, e.g. epochs), status, bracket and every tunable
hyperparameter; or, with --jobs, its training jobs.

Trials are ranked by the highest rung they reached (the most resource with a result), then
by the objective there; trials without a result come last. The table, CSV, JSON and the
report (hpo report) use the same order and the same names.

trial statuses:
${Object.entries(TRIAL_STATUSES)
  .map(([name, meaning]) => `  ${name.padEnd(14)} ${meaning}`)
  .join('\n')}

Reads the local run in <home>/runs/<run> (<home>: $HPO_HOME, a .hpo folder here or above,
else ~/.hpo) when there is one, else the deployed tuner's results table given by --table.

options:
  --local              read local mode's run (<home>/runs/<run>)
  --table <name>       read a deployed tuner: the ResultsTableName output of the stack
                       (region and credentials from the usual AWS settings, e.g. AWS_PROFILE)
  --format <f>         table (default), json ({"run", "trials"[, "jobs"]}) or csv (RFC 4180)
  --limit <n>          show at most n trials (or jobs); default all
  --jobs               list training jobs: name, trial, resource from->to, status, objective,
                       billable seconds, failure reason
  -h, --help           show this help

exit codes: 0 shown, 1 no such run, or the run or table cannot be read, 2 bad arguments`;

const FORMATS = ['table', 'json', 'csv'] as const;
type Format = (typeof FORMATS)[number];

interface ResultsArgs {
  readonly run: string;
  readonly local: boolean;
  readonly table?: string;
  readonly format: Format;
  readonly limit?: number;
  readonly jobs: boolean;
}

function parseResultsArgs(args: readonly string[]): ResultsArgs {
  const flags = parseFlags(args, 'results', { '--local': 'boolean', '--table': 'value', '--format': 'value', '--limit': 'value', '--jobs': 'boolean' });
  if (flags.positionals.length !== 1) {
    throw new CliError(
      flags.positionals.length === 0
        ? 'missing the run name: hpo results <run> [--local | --table <name>]'
        : `hpo results takes one run name, got ${flags.positionals.length}: ${flags.positionals.join(', ')}`,
    );
  }
  const format = flags.values.get('--format') ?? 'table';
  if (!(FORMATS as readonly string[]).includes(format)) throw new CliError(`--format must be one of ${FORMATS.join(', ')}, got '${format}'`);
  const run = flags.positionals[0];
  checkRunName(run);
  return {
    run,
    local: flags.booleans.has('--local'),
    table: flags.values.get('--table'),
    format: format as Format,
    limit: positiveIntegerFlag(flags, '--limit'),
    jobs: flags.booleans.has('--jobs'),
  };
}

/** The run part of `--format json`. */
export function runSummaryJson(run: RunRecord): Record<string, unknown> {
  return {
    runId: run.runId,
    status: run.status,
    ...(run.statusReason === undefined ? {} : { statusReason: run.statusReason }),
    strategy: runStrategy(run),
    objective: { metricName: run.spec.objective.metricName, type: run.spec.objective.type },
    resourceHyperParameter: isMultiFidelity(run) ? run.spec.resourceHyperParameter : null,
    maxTrainingJobs: run.spec.scheduler.maxTrainingJobs,
    maxParallelTrainingJobs: run.spec.maxParallelTrainingJobs,
    createdAt: run.createdAt,
    endedAt: run.endedAt ?? null,
    executionArn: run.executionArn,
    counters: run.counters,
    best: run.best ?? null,
  };
}

/**
 * The resource's one name in every output: the resource hyperparameter (`epochs`) for
 * Hyperband and ASHA, none for the others (each of their trials trains the full resource).
 */
function resourceName(run: RunRecord): string | undefined {
  return isMultiFidelity(run) ? run.spec.resourceHyperParameter : undefined;
}

function trialsJson(run: RunRecord, trials: readonly TrialRecord[], jobs: readonly JobRecord[], limit: number): Record<string, unknown>[] {
  const resource = resourceName(run);
  return rankTrials(run, trials, jobs)
    .slice(0, limit)
    .map((r) => ({
      rank: r.position,
      trialId: r.trial.trialId,
      objective: r.objective,
      ...(resource === undefined ? {} : { [resource]: r.milestone }),
      status: r.status,
      ...(resource === undefined ? {} : { bracket: r.trial.bracket }),
      hyperParameters: r.trial.hyperParameters,
      results: r.trial.results,
    }));
}

function jobsJson(run: RunRecord, jobs: readonly JobRecord[], limit: number): Record<string, unknown>[] {
  const resource = resourceName(run);
  return sortJobs(jobs)
    .slice(0, limit)
    .map((j) => ({
      jobName: j.jobName,
      trialId: j.trialId,
      ...(resource === undefined ? {} : { [resource]: { from: j.fromMilestone, to: j.milestone } }),
      status: j.status,
      objective: j.objective ?? null,
      billableSeconds: j.billableSeconds ?? null,
      trainingSeconds: j.trainingSeconds ?? null,
      failureReason: j.failureReason ?? null,
      createdAt: j.createdAt,
      startedAt: j.startedAt ?? null,
      endedAt: j.endedAt ?? null,
    }));
}

const text = (v: number | null | undefined): string => (v === null || v === undefined ? '' : String(v));

function trialsCsv(run: RunRecord, trials: readonly TrialRecord[], jobs: readonly JobRecord[], limit: number): string {
  const names = tunableNames(run);
  const resource = resourceName(run);
  const header = ['rank', 'trial', run.spec.objective.metricName, ...(resource === undefined ? [] : [resource]), 'status', ...(resource === undefined ? [] : ['bracket']), ...names];
  const rows = rankTrials(run, trials, jobs)
    .slice(0, limit)
    .map((r) => [
      text(r.position),
      String(r.trial.trialId),
      text(r.objective),
      ...(resource === undefined ? [] : [text(r.milestone)]),
      r.status,
      ...(resource === undefined ? [] : [String(r.trial.bracket)]),
      ...names.map((n) => r.trial.hyperParameters?.[n] ?? ''),
    ]);
  return toCsv(header, rows);
}

function jobsCsv(run: RunRecord, jobs: readonly JobRecord[], limit: number): string {
  const resource = resourceName(run);
  const header = [
    'job',
    'trial',
    ...(resource === undefined ? [] : [`${resource}_from`, `${resource}_to`]),
    'status',
    run.spec.objective.metricName,
    'billable_seconds',
    'failure_reason',
  ];
  const rows = sortJobs(jobs)
    .slice(0, limit)
    .map((j) => [
      j.jobName,
      String(j.trialId),
      ...(resource === undefined ? [] : [String(j.fromMilestone), String(j.milestone)]),
      j.status,
      text(j.objective),
      text(j.billableSeconds),
      j.failureReason ?? '',
    ]);
  return toCsv(header, rows);
}

/**
 * Load a run from a source, or throw a `CliError` naming the runs the source has.
 */
export async function loadRunOrExplain(source: ResultsSource, runId: string): Promise<RunRecord> {
  const run = await source.store.getRun(runId);
  if (run !== undefined) return run;
  const known = (await source.store.listRuns(10)).map((r) => r.runId);
  throw new CliError(
    known.length === 0 ? `no run '${runId}' in ${source.where}: it has no runs` : `no run '${runId}' in ${source.where}; newest runs: ${known.join(', ')}`,
    UNKNOWN_RUN_EXIT,
  );
}

/**
 * Run `hpo results`: prints the leaderboard (or `--jobs`) as a table, JSON or CSV and
 * returns 0. Bad arguments, an unknown run and AWS errors a user can fix throw a `CliError`.
 *
 * @param args - the arguments after `results`
 * @param io - where to write; `cwd` locates `.hpo`
 */
export async function runResults(args: string[], io: CliIo): Promise<number> {
  const parsed = parseResultsArgs(args);
  const env = process.env;
  const local = chooseSource({ ...parsed, cwd: io.cwd, env });
  const source = await openResults({ local, table: parsed.table, cwd: io.cwd, env, run: parsed.run });
  try {
    const run = await loadRunOrExplain(source, parsed.run);
    // The jobs tell a stopped trial from one whose job finished without the metric.
    const [trials, jobs] = await Promise.all([source.store.listTrials(run.runId), source.store.listJobs(run.runId)]);
    const limit = parsed.limit ?? Number.POSITIVE_INFINITY;
    if (parsed.format === 'json') {
      const doc = {
        run: runSummaryJson(run),
        trials: trialsJson(run, trials, jobs, limit),
        ...(parsed.jobs ? { jobs: jobsJson(run, jobs, limit) } : {}),
      };
      io.stdout(`${JSON.stringify(doc, null, 2)}\n`);
    } else if (parsed.format === 'csv') {
      io.stdout(parsed.jobs ? jobsCsv(run, jobs, limit) : trialsCsv(run, trials, jobs, limit));
    } else {
      io.stdout(`${parsed.jobs ? renderJobsTable(run, jobs, limit, trials) : renderLeaderboard(run, trials, limit, jobs)}\n`);
    }
    return 0;
  } catch (error) {
    throw awsErrorToCliError(error, { table: parsed.table });
  } finally {
    await source.close();
  }
}
