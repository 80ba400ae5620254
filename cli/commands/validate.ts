/**
 * `hpo validate <file> [--json]`: check a tuning input and report every problem at once.
 */

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatProblems, parseTuningInput, type Problem, type TuningInput } from '../../core/input';
import type { TuningSpec } from '../../core/ports';
import { CliError, type CliIo } from '../io';

/** Help text of `hpo validate`. */
export const validateHelp = `usage: hpo validate <file> [--json]

Check a tuning input (the CreateHyperParameterTuningJob request body, with our extensions)
against SageMaker's limits and this tuner's rules, and print every problem at once.
Warnings are printed but do not make the input invalid.

An input with LocalConfig may leave out the cloud-only fields (OutputDataConfig,
ResourceConfig, StoppingCondition, AlgorithmSpecification.TrainingImage): hpo local uses
local defaults for them. Such an input is valid for hpo local, and the last line lists the
fields a deployed run (hpo start) still needs.

options:
  --json       print {"valid": boolean, "problems": [{"path", "message", "value", "severity"}],
               "deployedRunNeeds": [JSON paths]}
  -h, --help   show this help

exit codes: 0 valid, 2 invalid, malformed JSON, unreadable file or bad arguments`;

/**
 * The validator's warnings, before anything starts (e.g. a metric regex the twin cannot
 * compile: that metric would never be read), and that the run starts anyway.
 */
export function describeWarnings(file: string, warnings: Problem[]): string {
  return `${formatProblems(warnings)}\n${file}: ${warnings.length} warning${warnings.length === 1 ? '' : 's'}; starting anyway\n`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function summary(input: TuningInput, spec: TuningSpec): string {
  const strategy = input.HyperParameterTuningJobConfig.Strategy;
  return `${strategy}, ${plural(spec.space.parameters.length, 'parameter')}, ${plural(spec.scheduler.maxTrainingJobs, 'training job')}`;
}

function readInput(file: string, cwd: string): string {
  try {
    return readFileSync(resolve(cwd, file), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : String(code ?? e);
    throw new CliError(`cannot read ${file}: ${reason}`);
  }
}

function parseArgs(args: readonly string[]): { file: string; json: boolean } {
  const files: string[] = [];
  let json = false;
  for (const arg of args) {
    if (arg === '--json') json = true;
    else if (arg.startsWith('-') && arg !== '-') throw new CliError(`unknown option ${arg} for hpo validate; allowed: --json, --help`);
    else files.push(arg);
  }
  if (files.length !== 1) throw new CliError(`hpo validate takes exactly one file, got ${files.length}; usage: hpo validate <file> [--json]`);
  return { file: files[0], json };
}

/**
 * Run `hpo validate`.
 *
 * Prints every problem (one line each, see `formatProblems`) and a summary line, e.g.
 * `examples/hyperband/tuning.json: valid (Hyperband, 3 parameters, 50 training jobs)`, or
 * with `--json` a `{"valid", "problems"}` document. Returns 0 when valid (warnings allowed),
 * 2 when invalid; a missing file or bad arguments throw a `CliError` with exit code 2.
 *
 * @param args - the arguments after `validate`
 * @param io - where to write
 */
export async function runValidate(args: string[], io: CliIo): Promise<number> {
  const { file, json } = parseArgs(args);
  const result = parseTuningInput(readInput(file, io.cwd), { localDefaults: true });
  const problems: Problem[] = result.ok ? result.warnings : result.problems;
  const needs = result.ok ? result.localDefaults.map((f) => f.path) : [];
  if (json) {
    io.stdout(`${JSON.stringify({ valid: result.ok, problems, deployedRunNeeds: needs }, null, 2)}\n`);
    return result.ok ? 0 : 2;
  }
  if (problems.length > 0) io.stdout(`${formatProblems(problems)}\n`);
  if (result.ok) {
    const warnings = problems.length === 0 ? '' : `, ${plural(problems.length, 'warning')}`;
    const mode = needs.length === 0 ? 'valid' : 'valid for hpo local';
    io.stdout(`${file}: ${mode} (${summary(result.input, result.spec)})${warnings}\n`);
    if (needs.length > 0) {
      io.stdout(`a deployed run (hpo start) also needs: ${needs.map((p) => p.replace(/^\$\./, '')).join(', ')} (hpo local uses local defaults for them)\n`);
    }
    return 0;
  }
  const errors = problems.filter((p) => p.severity === 'error').length;
  io.stdout(`${file}: ${plural(problems.length, 'problem')} (${plural(errors, 'error')}, ${plural(problems.length - errors, 'warning')})\n`);
  return 2;
}
