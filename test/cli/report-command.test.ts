import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../cli/io';
import { CliError } from '../../cli/io';
import { parseReportArgs, reportHelp, runReport } from '../../cli/commands/report';
import { openLocalStore, runPaths } from '../../local/workspace';
import { schedulerStateOf, syncHyperbandRun, RUN_NAME } from '../fixtures/report/runs';

function capture(cwd: string): { io: CliIo; out: () => string } {
  let out = '';
  return { io: { stdout: (s) => (out += s), stderr: () => undefined, isTTY: false, cwd }, out: () => out };
}

describe('hpo report (local run, end to end)', () => {
  let cwd: string;
  const savedHome = process.env.HPO_HOME;

  beforeAll(async () => {
    // Prepare: a local run's on-disk results, written through the RunStore like the orchestrator does.
    cwd = mkdtempSync(join(tmpdir(), 'hpo-report-cmd-'));
    process.env.HPO_HOME = 'home';
    const fixture = syncHyperbandRun();
    const opened = await openLocalStore(runPaths(join(cwd, 'home'), RUN_NAME).dynamodb);
    try {
      const { run } = fixture;
      await opened.store.createRun({ ...run, status: 'Running', endedAt: undefined, statusReason: undefined, best: undefined, tickSeq: 0 }, schedulerStateOf(fixture));
      await opened.store.commitTick(run.runId, 0, {
        run: { status: run.status, endedAt: run.endedAt, statusReason: run.statusReason, counters: run.counters, best: run.best, updatedAt: run.updatedAt },
        schedulerGlobal: schedulerStateOf(fixture).global,
        trials: fixture.trials,
        jobs: fixture.jobs,
      });
    } finally {
      await opened.close();
    }
    mkdirSync(join(cwd, 'home', 'runs', 'not-a-run')); // no results folder: not listed
  }, 60_000);

  afterAll(() => {
    if (savedHome === undefined) delete process.env.HPO_HOME;
    else process.env.HPO_HOME = savedHome;
    rmSync(cwd, { recursive: true, force: true });
  });

  it('writes .hpo/runs/<run>/report.html with every chart and prints its path', async () => {
    const c = capture(cwd);
    expect(await runReport([RUN_NAME, '--price-per-hour', '0.736'], c.io)).toBe(0);
    const file = runPaths(join(cwd, 'home'), RUN_NAME).report;
    expect(c.out()).toBe(`${join('home', 'runs', RUN_NAME, 'report.html')}\n`);
    expect(existsSync(file)).toBe(true);
    const html = readFileSync(file, 'utf8');
    for (const id of ['best-vs-time', 'best-vs-resource', 'learning-curves', 'hp-lr', 'hp-layers', 'hp-optimizer']) {
      expect(html).toContain(`data-chart="${id}"`);
    }
    expect((html.match(/<tr class="job-row"/g) ?? []).length).toBe(13);
    expect(html).toContain('all 13 training jobs of the budget finished');
    expect(html).toContain('>cost</th>');
  });

  it('writes to --out', async () => {
    const c = capture(cwd);
    expect(await runReport([RUN_NAME, '--out', 'out/r.html'], c.io)).toBe(0);
    expect(c.out()).toBe(`${join('out', 'r.html')}\n`);
    expect(readFileSync(join(cwd, 'out', 'r.html'), 'utf8')).toContain('data-chart="learning-curves"');
  });

  it('refuses an unknown run with exit code 1 and lists the local runs', async () => {
    const c = capture(cwd);
    const refused = runReport(['nope'], c.io);
    await expect(refused).rejects.toThrow(
      new CliError(`no local run 'nope' in home; local runs: ${RUN_NAME}. For a deployed tuner, pass --table <name> (the ResultsTableName output of the stack)`),
    );
    await expect(refused).rejects.toMatchObject({ exitCode: 1 });
    await expect(runReport(['nope', '--local'], c.io)).rejects.toMatchObject({ message: `no local run 'nope' in home; local runs: ${RUN_NAME}`, exitCode: 1 });
    expect(existsSync(join(cwd, 'home', 'runs', 'nope'))).toBe(false);
  });

  it('accepts --local, as hpo results and hpo status do', async () => {
    const c = capture(cwd);
    expect(await runReport([RUN_NAME, '--local', '--out', 'local.html'], c.io)).toBe(0);
    expect(readFileSync(join(cwd, 'local.html'), 'utf8')).toContain('data-chart="learning-curves"');
  });
});

describe('hpo report arguments', () => {
  it('parses the run and options', () => {
    expect(parseReportArgs(['r1', '--table', 't', '--out=x.html', '--price-per-hour', '1.5'])).toEqual({
      kind: 'ok',
      args: { run: 'r1', table: 't', out: 'x.html', pricePerHour: 1.5 },
    });
    expect(parseReportArgs(['r1', '--local'])).toEqual({ kind: 'ok', args: { run: 'r1', local: true } });
    expect(parseReportArgs(['--help'])).toEqual({ kind: 'help' });
  });

  it.each([
    [[], 'missing the run name: hpo report <run>'],
    [['a', 'b'], 'expected one run, got 2: a, b'],
    [['a', '--price-per-hour', 'x'], "--price-per-hour must be a non-negative number, got 'x'"],
    [['a', '--price-per-hour', '-1'], "--price-per-hour must be a non-negative number, got '-1'"],
    [['a', '--table'], '--table needs a value'],
    [['a', '--json'], "unknown option '--json' for hpo report; allowed: --local, --table, --out, --price-per-hour, --help"],
    [['a', '--local', '--table', 't'], 'use either --local or --table <name>, not both'],
    [['../x'], "'../x' is not a valid run name: 1-32 letters, digits and hyphens, starting and ending with a letter or digit"],
  ])('refuses %j', (argv, message) => {
    expect(() => parseReportArgs(argv)).toThrow(new CliError(message));
  });

  it('prints help', async () => {
    const c = capture(tmpdir());
    expect(await runReport(['-h'], c.io)).toBe(0);
    expect(c.out()).toBe(`${reportHelp}\n`);
  });
});
