/**
 * `hpo report <run>`: write one self-contained HTML report of a tuning run (charts, best
 * trial, every training job), from a local run's results or a deployed tuner's table.
 */

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import type { JobRecord, RunRecord, TrialRecord } from '../../core/orchestrator/records';
import { hpoHome, runPaths } from '../../local/workspace';
import { CliError, type CliIo } from '../io';
import { renderReport } from '../report/render';
import { awsErrorToCliError, checkRunName, chooseSource, openResults, type ResultsSource } from '../results-source';
import { loadRunOrExplain } from './results';

/** Help text of `hpo report`. */
export const reportHelp = `usage: hpo report <run> [--local | --table <name>] [--out <file>] [--price-per-hour <usd>]

Write a self-contained HTML report of a tuning run: status and settings, the best trial,
the best objective so far against time and resource, learning curves, one chart per
hyperparameter, and a table of every training job. The file loads nothing from the network.

Reads the local run in <home>/runs/<run> (<home>: $HPO_HOME, a .hpo folder here or above,
else ~/.hpo) when there is one, else the deployed tuner's results table given by --table
(region and credentials from the usual AWS settings: AWS_REGION, AWS_PROFILE, ...). A local run that hpo local is still running is read
while it runs.

options:
  --local                   read local mode's run (<home>/runs/<run>)
  --table <name>            read a deployed tuner: the ResultsTableName output of the stack
  --out <file>              where to write the report (default: <home>/runs/<run>/report.html
                            for a local run, ./<run>-report.html for a deployed one)
  --price-per-hour <usd>    price of one training job's instances per hour (instance price x
                            count): adds a cost estimate and a cost column
  -h, --help                show this help

exit codes: 0 report written, 1 no such run, or the run or table cannot be read, 2 bad
arguments or the report cannot be written`;

/** Parsed `hpo report` arguments. */
export interface ReportArgs {
  readonly run: string;
  readonly local?: boolean;
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
  let local = false;
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k];
    if (arg === '-h' || arg === '--help') return { kind: 'help' };
    if (arg === '--local') {
      local = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (isValueFlag(name)) {
      const text = name !== arg ? arg.slice(eq + 1) : argv[++k];
      if (text === undefined || text === '') throw new CliError(`${name} needs a value`);
      values[name] = text;
      continue;
    }
    if (arg.startsWith('-') && arg !== '-') {
      throw new CliError(`unknown option '${arg}' for hpo report; allowed: --local, --table, --out, --price-per-hour, --help`);
    }
    runs.push(arg);
  }
  if (runs.length !== 1) {
    throw new CliError(runs.length === 0 ? 'missing the run name: hpo report <run>' : `expected one run, got ${runs.length}: ${runs.join(', ')}`);
  }
  checkRunName(runs[0]);
  if (local && values['--table'] !== undefined) throw new CliError('use either --local or --table <name>, not both');
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
      ...(local ? { local } : {}),
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

async function readRecords(source: ResultsSource, runId: string): Promise<Records> {
  const run = await loadRunOrExplain(source, runId);
  const [trials, jobs] = await Promise.all([source.store.listTrials(runId), source.store.listJobs(runId)]);
  return { run, trials, jobs };
}

/**
 * Run `hpo report`: read the run's records, render the report, write it and print its path.
 * Resolves to 0; bad arguments throw a `CliError` with exit code 2, an unknown or unreadable
 * run one with exit code 1 (as `hpo results` and `hpo status`).
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
  const env = process.env;
  const local = chooseSource({ local: parsed.args.local === true, table, cwd: io.cwd, env, run });
  const source = await openResults({ local, table, cwd: io.cwd, env, run });
  let records: Records;
  try {
    records = await readRecords(source, run);
  } catch (error) {
    throw awsErrorToCliError(error, { table });
  } finally {
    await source.close();
  }
  const html = renderReport(records, { generatedAt: new Date(), ...(pricePerHour !== undefined ? { pricePerHour } : {}) });
  const target = out !== undefined ? resolve(io.cwd, out) : local ? runPaths(hpoHome(io.cwd, env), run).report : resolve(io.cwd, `${run}-report.html`);
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
