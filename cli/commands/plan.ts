/**
 * `hpo plan <file>`: validate a tuning input and show what the run will do, before anything is
 * deployed or billed: brackets and rungs (trials x resource), training jobs, trials, total
 * resource, whether the numbers are exact, and optionally a cost estimate.
 */

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { formatProblems, parseTuningInput } from '../../core/input';
import { estimateCost, planRun, type CostEstimate, type RunPlan } from '../../core/plan';
import type { BracketShape } from '../../core/schedulers/rungs';
import { CliError, type CliIo } from '../io';

export const planHelp = `usage: hpo plan <file> [--json] [--price-per-hour <usd>] [--seconds-per-unit <s>] [--startup-seconds <s>]

Validate a tuning input (the CreateHyperParameterTuningJob request body, with our extensions)
and print the run plan: per bracket, the trials and resource of each rung; the number of
training jobs, trials and units of resource; and whether the plan is exact.

FIFO strategies and synchronous Hyperband plans are exact (assuming no job fails). ASHA and
asynchronous Hyperband always use the whole job budget, but how many trials they create and
how much resource they train depend on the results: their plan is a representative simulation.

options:
  --json                    print the plan as JSON: {"strategy", "brackets", "trainingJobs",
                            "trials", "totalResource", "exact", "notes"[, "cost"]}
  --price-per-hour <usd>    price of one training job's instances per hour (instance price x count)
  --seconds-per-unit <s>    billed seconds per unit of resource (e.g. per epoch)
  --startup-seconds <s>     billed overhead seconds per training job (default 0)
                            (--price-per-hour and --seconds-per-unit together add a cost estimate)
  -h, --help                show this help

exit codes: 0 plan printed, 2 invalid input, malformed JSON, unreadable file or bad arguments`;

interface PlanArgs {
  readonly file: string;
  readonly json: boolean;
  readonly pricePerHour?: number;
  readonly secondsPerUnit?: number;
  readonly startupSeconds?: number;
}

type ParsedArgs = { readonly kind: 'ok'; readonly args: PlanArgs } | { readonly kind: 'help' };

const NUMBER_FLAGS = {
  '--price-per-hour': 'pricePerHour',
  '--seconds-per-unit': 'secondsPerUnit',
  '--startup-seconds': 'startupSeconds',
} as const;

type NumberFlag = keyof typeof NUMBER_FLAGS;

function isNumberFlag(name: string): name is NumberFlag {
  return Object.prototype.hasOwnProperty.call(NUMBER_FLAGS, name);
}

/** Parse `hpo plan` arguments; numbers must be finite and non-negative. Throws `CliError` (exit 2). */
export function parsePlanArgs(argv: readonly string[]): ParsedArgs {
  const files: string[] = [];
  let json = false;
  const numbers: { pricePerHour?: number; secondsPerUnit?: number; startupSeconds?: number } = {};
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k];
    if (arg === '-h' || arg === '--help') return { kind: 'help' };
    if (arg === '--json') {
      json = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (isNumberFlag(name)) {
      let text: string | undefined;
      if (name !== arg) text = arg.slice(eq + 1);
      else text = argv[++k];
      if (text === undefined || text === '') {
        throw new CliError(`${name} needs a value, e.g. ${name} 1.5`);
      }
      const value = Number(text);
      if (!/^\s*[0-9.eE+-]+\s*$/.test(text) || !Number.isFinite(value) || value < 0) {
        throw new CliError(`${name} must be a non-negative number, got '${text}'`);
      }
      numbers[NUMBER_FLAGS[name]] = value;
      continue;
    }
    if (arg.startsWith('-') && arg !== '-') {
      throw new CliError(`unknown option '${arg}' for hpo plan; allowed: --json, --price-per-hour, --seconds-per-unit, --startup-seconds, --help`);
    }
    files.push(arg);
  }
  if (files.length !== 1) {
    throw new CliError(files.length === 0 ? 'missing the tuning input file' : `expected one input file, got ${files.length}: ${files.join(', ')}`);
  }
  if ((numbers.pricePerHour === undefined) !== (numbers.secondsPerUnit === undefined)) {
    throw new CliError('a cost estimate needs both --price-per-hour and --seconds-per-unit');
  }
  if (numbers.startupSeconds !== undefined && numbers.pricePerHour === undefined) {
    throw new CliError('--startup-seconds only applies to a cost estimate: add --price-per-hour and --seconds-per-unit');
  }
  return { kind: 'ok', args: { file: files[0], json, ...numbers } };
}

function rungText(b: BracketShape): string {
  return b.rungs.map((r) => `${r.trials}x${r.resource}`).join('  ');
}

function bracketJobs(b: BracketShape): number {
  return b.rungs.reduce((n, r) => n + r.trials, 0);
}

/** The bracket table, with consecutive identical lines merged ("x12"). */
function renderTable(plan: RunPlan, unit: string): string[] {
  const rows: { label: string; rungs: string; jobs: number; repeat: number }[] = [];
  for (const b of plan.brackets) {
    const label = `s=${b.bracket}`;
    const rungs = rungText(b);
    const last = rows[rows.length - 1];
    if (last !== undefined && last.label === label && last.rungs === rungs) {
      last.repeat++;
      continue;
    }
    rows.push({ label, rungs, jobs: bracketJobs(b), repeat: 1 });
  }
  const rungWidth = Math.max(`rungs (trials x ${unit})`.length, ...rows.map((r) => r.rungs.length));
  const lines = [`  bracket  ${`rungs (trials x ${unit})`.padEnd(rungWidth)}  jobs`];
  for (const r of rows) {
    const repeat = r.repeat > 1 ? `  (x${r.repeat} brackets in a row)` : '';
    lines.push(`  ${r.label.padEnd(7)}  ${r.rungs.padEnd(rungWidth)}  ${String(r.jobs).padStart(4)}${repeat}`);
  }
  return lines;
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/**
 * Run `hpo plan`: 0 when the plan is printed, 2 when the input is invalid (its problems are
 * printed). Bad arguments and unreadable files throw a `CliError` with exit code 2, which
 * `main` prints as `error: <message>`.
 *
 * @param args - the arguments after `plan`
 * @param io - where to write, and the folder relative paths are resolved against
 */
export async function runPlan(args: string[], io: CliIo): Promise<number> {
  const parsed = parsePlanArgs(args);
  if (parsed.kind === 'help') {
    io.stdout(`${planHelp}\n`);
    return 0;
  }
  const { file } = parsed.args;
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, file), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : String(code ?? e);
    throw new CliError(`cannot read ${file}: ${reason}`);
  }
  const input = parseTuningInput(text, { localDefaults: true });
  if (!input.ok) {
    io.stderr(`hpo plan: ${file} is not a valid tuning input:\n${formatProblems(input.problems)}\n`);
    return 2;
  }
  if (input.warnings.length > 0) {
    io.stderr(`${formatProblems(input.warnings)}\n`);
  }
  const { spec } = input;
  const plan = planRun(spec.scheduler, { maxParallelTrainingJobs: spec.maxParallelTrainingJobs });
  const { pricePerHour, secondsPerUnit, startupSeconds } = parsed.args;
  const cost: CostEstimate | undefined =
    pricePerHour !== undefined && secondsPerUnit !== undefined ? estimateCost(plan, { pricePerHour, secondsPerUnit, startupSeconds }) : undefined;

  if (parsed.args.json) {
    io.stdout(`${JSON.stringify({ ...plan, ...(cost ? { cost } : {}) }, null, 2)}\n`);
    return 0;
  }
  const s = spec.scheduler;
  const unit = spec.scheduler.kind === 'FIFO' ? 'resource' : spec.resourceHyperParameter;
  const lines: string[] = [];
  lines.push(`plan for ${spec.runName}: ${plan.strategy}, sampler ${spec.sampler}`);
  lines.push(
    s.kind === 'FIFO'
      ? `  every trial trains to R=${s.maxResource} in one job; ${s.maxTrainingJobs} training jobs allowed, ${spec.maxParallelTrainingJobs} in parallel`
      : `  r_min=${s.minResource}, R=${s.maxResource}, eta=${s.reductionFactor}; ${s.maxTrainingJobs} training jobs allowed, ${spec.maxParallelTrainingJobs} in parallel`,
  );
  lines.push('');
  lines.push(...renderTable(plan, unit));
  lines.push('');
  lines.push(`training jobs:   ${formatNumber(plan.trainingJobs)}`);
  lines.push(`trials:          ${formatNumber(plan.trials)}`);
  lines.push(`total resource:  ${formatNumber(plan.totalResource)} ${unit} (promotions resume from checkpoints)`);
  lines.push(`exact:           ${plan.exact ? 'yes' : 'no (expected values)'}`);
  for (const note of plan.notes) lines.push(`  - ${note}`);
  if (cost !== undefined && pricePerHour !== undefined && secondsPerUnit !== undefined) {
    const startup = startupSeconds ?? 0;
    lines.push('');
    lines.push(
      `cost estimate:   $${cost.usd.toFixed(2)} (${formatNumber(plan.totalResource)} x ${secondsPerUnit} s` +
        (startup > 0 ? ` + ${formatNumber(plan.trainingJobs)} jobs x ${startup} s` : '') +
        ` = ${formatNumber(cost.billableHours)} h at $${pricePerHour}/h)`,
    );
  }
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
}
