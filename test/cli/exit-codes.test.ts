/**
 * `hpo results`, `hpo status` and `hpo report` exit with the code their help gives for a run
 * they cannot find, on every path that can say so: a mistyped local run, `--local` with an
 * unknown run, and a run folder without that run's records.
 */
import { runReport, reportHelp } from '../../cli/commands/report';
import { resultsHelp, runResults } from '../../cli/commands/results';
import { runStatus, statusHelp } from '../../cli/commands/status';
import type { CliIo } from '../../cli/io';
import { hpoHome, openLocalStore, runPaths } from '../../local/workspace';
import { captureIo, runCommand, tempWorkspace } from './results-world';

/** The exit code a help text gives for `what` (e.g. "no such run"), from its `exit codes:` paragraph. */
function helpExitCode(help: string, what: string): number {
  const paragraph = help.slice(help.indexOf('exit codes:')).replace(/\s+/g, ' ');
  const entries = [...paragraph.matchAll(/(\d+) ([^,]+(?:, (?!\d)[^,]+)*)/g)].map((m) => ({ code: Number(m[1]), text: m[2] }));
  const entry = entries.find((e) => e.text.includes(what));
  if (entry === undefined) throw new Error(`the help does not say which code means "${what}": ${paragraph}`);
  return entry.code;
}

type Command = (args: string[], io: CliIo) => Promise<number>;

const COMMANDS: readonly (readonly [string, Command, string])[] = [
  ['results', runResults, resultsHelp],
  ['status', runStatus, statusHelp],
  ['report', runReport, reportHelp],
];

describe('exit code of an unknown run agrees with the help', () => {
  const ws = tempWorkspace();
  const savedHome = process.env.HPO_HOME;

  beforeAll(async () => {
    // Prepare: one local run folder with an (empty) results store, as an interrupted first start leaves it
    delete process.env.HPO_HOME;
    const opened = await openLocalStore(runPaths(hpoHome(ws.cwd, { HPO_HOME: '.hpo' }), 'empty-run').dynamodb);
    await opened.close();
  });
  afterAll(() => {
    if (savedHome !== undefined) process.env.HPO_HOME = savedHome;
    ws.cleanup();
  });

  it.each(COMMANDS)('hpo %s: help says 1 for no such run, bad arguments 2', (_name, _command, help) => {
    expect(helpExitCode(help, 'no such run')).toBe(1);
    expect(helpExitCode(help, 'bad arguments')).toBe(2);
  });

  it.each(COMMANDS.flatMap(([name, command, help]) => [
    [name, command, help, ['mistyped']],
    [name, command, help, ['mistyped', '--local']],
    [name, command, help, ['empty-run']],
  ] as const))('hpo %s %j exits with the help\'s code', async (_name, command, help, args) => {
    // Act
    const io = captureIo(ws.cwd);
    const code = await runCommand(command, [...args], io);
    // Assess
    expect(io.err).toMatch(/^error: no (local )?run '(mistyped|empty-run)'/);
    expect(code).toBe(helpExitCode(help, 'no such run'));
  });

  it.each(COMMANDS)('hpo %s: a bad run name is a bad argument', async (_name, command, help) => {
    const io = captureIo(ws.cwd);
    expect(await runCommand(command, ['../x'], io)).toBe(helpExitCode(help, 'bad arguments'));
  });
});
