/**
 * `hpo report <run>`: write one self-contained HTML report of a tuning run (charts, best
 * trial, every training job), from a local run's results or a deployed tuner's table.
 */

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { createRunStoreDocumentClient, DynamoDbRunStore } from '../../lambda/adapters/aws/dynamodb-run-store';
import type { JobRecord, RunRecord, RunStore, TrialRecord } from '../../lambda/core/orchestrator/records';
import { hpoHome, listLocalRuns, openLocalStore, runPaths } from '../../local/workspace';
import { CliError, type CliIo } from '../io';
import { renderReport } from '../report/render';

/** Help text of `hpo report`. */
export const reportHelp = `usage: hpo report <run> [--table <name>] [--out <file>] [--price-per-hour <usd>]

Write a self-contained HTML report of a tuning run: status and settings, the best trial,
the best objective so far against time and resource, learning curves, one chart per
hyperparameter, and a table of every training job. The file loads nothing from the network.

By default <run> is a local run (under .hpo/runs/, or $HPO_HOME/runs/). With --table the
run is read from a deployed tuner's results table (region and credentials from the AWS
SDK's usual environment: AWS_REGION, AWS_PROFILE, ...).

options:
  --table <name>            read the run from this DynamoDB results table (deployed tuner)
  --out <file>              where to write the report (default: .hpo/runs/<run>/report.html
                            for a local run, ./<run>-report.html for a deployed one)
  --price-per-hour <usd>    price of one training job's instances per hour (instance price x
                            count): adds a cost estimate and a cost column
  -h, --help                show this help

exit codes: 0 report written, 2 unknown run, unreadable results or bad arguments`;

/** Parsed `hpo report` arguments. */
export interface ReportArgs {
  readonly run: string;
  readonly table?: string;
  readonly out?: string;
  readonly pricePerHour?: number;
}

type ParsedArgs = { readonly kind: 'ok'; readonly args: ReportArgs } | { readonly kind: 'help' };

const VALUE_FLAGS = ['--table', '--out', '--price-per-hour'] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];

function isValueFlag(name: string): name is ValueFlag {
  return (VALUE_FLAGS as readonly string[]).includes(name);
}

/** Parse `hpo report` arguments. Throws `CliError` (exit 2) on bad arguments. */
export function parseReportArgs(argv: readonly string[]): ParsedArgs {
  const runs: string[] = [];
  const values: Partial<Record<ValueFlag, string>> = {};
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k];
    if (arg === '-h' || arg === '--help') return { kind: 'help' };
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (isValueFlag(name)) {
      const text = name !== arg ? arg.slice(eq + 1) : argv[++k];
      if (text === undefined || text === '') throw new CliError(`${name} needs a value`);
      values[name] = text;
      continue;
    }
    if (arg.startsWith('-') && arg !== '-') {
      throw new CliError(`unknown option '${arg}' for hpo report; allowed: --table, --out, --price-per-hour, --help`);
    }
    runs.push(arg);
  }
  if (runs.length !== 1) {
    throw new CliError(runs.length === 0 ? 'missing the run name: hpo report <run>' : `expected one run, got ${runs.length}: ${runs.join(', ')}`);
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(runs[0])) {
    throw new CliError(`'${runs[0]}' is not a run name: use letters, digits, '-', '_' and '.'`);
  }
  let pricePerHour: number | undefined;
  const price = values['--price-per-hour'];
  if (price !== undefined) {
    pricePerHour = Number(price);
    if (!/^\s*[0-9.eE+-]+\s*$/.test(price) || !Number.isFinite(pricePerHour) || pricePerHour < 0) {
      throw new CliError(`--price-per-hour must be a non-negative number, got '${price}'`);
    }
  }
  return {
    kind: 'ok',
    args: {
      run: runs[0],
      ...(values['--table'] !== undefined ? { table: values['--table'] } : {}),
      ...(values['--out'] !== undefined ? { out: values['--out'] } : {}),
      ...(pricePerHour !== undefined ? { pricePerHour } : {}),
    },
  };
}

interface Records {
  readonly run: RunRecord;
  readonly trials: TrialRecord[];
  readonly jobs: JobRecord[];
}

async function readRecords(store: RunStore, runId: string): Promise<Records | undefined> {
  const run = await store.getRun(runId);
  if (run === undefined) return undefined;
  const [trials, jobs] = await Promise.all([store.listTrials(runId), store.listJobs(runId)]);
  return { run, trials, jobs };
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`;
  return String(error);
}

async function readLocal(run: string, home: string): Promise<Records> {
  const runs = listLocalRuns(home);
  if (!runs.includes(run)) {
    throw new CliError(
      runs.length === 0
        ? `no local run '${run}': there are no local runs under ${home} (use --table <name> for a deployed tuner)`
        : `no local run '${run}'; local runs: ${runs.join(', ')} (use --table <name> for a deployed tuner)`,
    );
  }
  let opened: Awaited<ReturnType<typeof openLocalStore>>;
  try {
    opened = await openLocalStore(runPaths(home, run).dynamodb);
  } catch (error) {
    throw new CliError(`cannot open the results of local run '${run}': ${describeError(error)} (is 'hpo local' still running it?)`);
  }
  try {
    const records = await readRecords(opened.store, run);
    if (records !== undefined) return records;
    // A local run folder holds one run; read it whatever its id.
    const [summary] = await opened.store.listRuns(1);
    const fallback = summary === undefined ? undefined : await readRecords(opened.store, summary.runId);
    if (fallback === undefined) throw new CliError(`local run '${run}' has no results yet`);
    return fallback;
  } finally {
    await opened.close();
  }
}

async function readDeployed(run: string, table: string): Promise<Records> {
  const store = new DynamoDbRunStore({ tableName: table, client: createRunStoreDocumentClient() });
  let records: Records | undefined;
  try {
    records = await readRecords(store, run);
  } catch (error) {
    throw new CliError(`cannot read run '${run}' from table '${table}': ${describeError(error)}`);
  }
  if (records === undefined) throw new CliError(`no run '${run}' in table '${table}'`);
  return records;
}

/**
 * Run `hpo report`: read the run's records, render the report, write it and print its path.
 * Resolves to 0; unknown runs, unreadable results and bad arguments throw a `CliError` (exit 2).
 *
 * @param args - the arguments after `report`
 * @param io - where to write messages, and the folder relative paths (and `.hpo`) are resolved against
 */
export async function runReport(args: string[], io: CliIo): Promise<number> {
  const parsed = parseReportArgs(args);
  if (parsed.kind === 'help') {
    io.stdout(`${reportHelp}\n`);
    return 0;
  }
  const { run, table, out, pricePerHour } = parsed.args;
  const home = hpoHome(io.cwd);
  const records = table === undefined ? await readLocal(run, home) : await readDeployed(run, table);
  const html = renderReport(records, { generatedAt: new Date(), ...(pricePerHour !== undefined ? { pricePerHour } : {}) });
  const target =
    out !== undefined ? resolve(io.cwd, out) : table === undefined ? runPaths(home, run).report : resolve(io.cwd, `${run}-report.html`);
  try {
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, html, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`cannot write ${target}: ${code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : String(code ?? error)}`);
  }
  const shown = relative(io.cwd, target);
  io.stdout(`${shown.startsWith('..') || shown === '' ? target : shown}\n`);
  return 0;
}
