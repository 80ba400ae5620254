/**
 * The `hpo` command line: a small dispatcher over a table of commands.
 *
 * `bin/hpo.js` calls `main(process.argv.slice(2), processIo())` and exits with its result.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { localHelp, runLocal } from './commands/local';
import { planHelp, runPlan } from './commands/plan';
import { reportHelp, runReport } from './commands/report';
import { resultsHelp, runResults } from './commands/results';
import { runStart, startHelp } from './commands/start';
import { runStatus, statusHelp } from './commands/status';
import { runStop, stopHelp } from './commands/stop';
import { runValidate, validateHelp } from './commands/validate';
import { closestMatch } from '../core/input/suggest';
import { CliError, type CliIo } from './io';

/** One `hpo` command. */
export interface Command {
  /** One line for `hpo --help`. */
  readonly summary: string;
  /** The full text of `hpo <command> --help`. */
  readonly help: string;
  /** Runs the command with the arguments after its name; resolves to the exit code. */
  readonly run: (args: string[], io: CliIo) => Promise<number>;
}

/** The commands `hpo` knows, by name. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  validate: { summary: 'check a tuning input and print every problem', help: validateHelp, run: runValidate },
  local: { summary: 'run a tuning input on this machine (the deployed code against a local twin of AWS)', help: localHelp, run: runLocal },
  plan: { summary: 'show the brackets, rungs, jobs and cost a tuning input leads to', help: planHelp, run: runPlan },
  results: { summary: 'the leaderboard (or the job table) of a run, as a table, JSON or CSV', help: resultsHelp, run: runResults },
  status: { summary: "a run's progress (--watch follows it live), or the list of runs", help: statusHelp, run: runStatus },
  report: { summary: 'write a self-contained HTML report of a run', help: reportHelp, run: runReport },
  start: { summary: 'validate a tuning input, then start it on a deployed tuner', help: startHelp, run: runStart },
  stop: { summary: 'stop a run on a deployed tuner (its training jobs are stopped too)', help: stopHelp, run: runStop },
};

function version(): string {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(width)}   ${command.summary}`);
  return [
    'usage: hpo <command> [options]',
    '',
    'Serverless hyperparameter tuning for Amazon SageMaker.',
    '',
    'commands:',
    ...lines,
    '',
    'options:',
    '  -h, --help      show this help (hpo <command> --help for a command)',
    '  -V, --version   print the version',
    '',
  ].join('\n');
}

async function dispatch(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr(usage());
    return 2;
  }
  if (name === '-h' || name === '--help' || name === 'help') {
    io.stdout(usage());
    return 0;
  }
  if (name === '-V' || name === '--version') {
    io.stdout(`${version()}\n`);
    return 0;
  }
  const command = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    const guess = closestMatch(name, Object.keys(COMMANDS));
    const hint = guess === undefined ? '' : ` (did you mean ${JSON.stringify(guess)}?)`;
    io.stderr(`error: unknown command ${JSON.stringify(name)}${hint}; commands: ${Object.keys(COMMANDS).join(', ')}\n\n${usage()}`);
    return 2;
  }
  if (rest.includes('-h') || rest.includes('--help')) {
    io.stdout(`${command.help}\n`);
    return 0;
  }
  return command.run(rest, io);
}

/**
 * Run `hpo` with `argv` (the arguments after the program name) and resolve to the exit code.
 *
 * Never throws and never shows users a stack trace: a `CliError` prints `error: <message>`
 * and exits with its code (2 for bad input); any other error prints `error: <message>` and
 * "this is a bug, please report it", exits 1, and prints the stack only when `HPO_DEBUG=1`.
 *
 * @param argv - e.g. `['validate', 'tuning.json', '--json']`
 * @param io - where to write and the working directory
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (e) {
    if (e instanceof CliError) {
      io.stderr(`error: ${e.message}\n`);
      return e.exitCode;
    }
    const message = e instanceof Error ? e.message : String(e);
    io.stderr(`error: ${message}\nthis is a bug, please report it (set HPO_DEBUG=1 to see the stack trace)\n`);
    if (process.env.HPO_DEBUG === '1' && e instanceof Error && e.stack !== undefined) io.stderr(`${e.stack}\n`);
    return 1;
  }
}
