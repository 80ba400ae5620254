import { writeFileSync } from 'node:fs';
import { runStatus } from '../../cli/commands/status';
import { TABLE_REQUIRED } from '../../cli/results-source';
import { formatDateTime } from '../../cli/render';
import type { RunRecord } from '../../core/orchestrator/records';
import { hpoHome, openLocalStore, runPaths } from '../../local/workspace';
import { captureIo, recordLocalRun, runCommand, tempWorkspace } from './results-world';

describe('hpo status (real dynalite store filled by a simulated run)', () => {
  const ws = tempWorkspace();
  const savedHome = process.env.HPO_HOME;
  let older: RunRecord;
  let newer: RunRecord;

  beforeAll(async () => {
    delete process.env.HPO_HOME;
    older = await recordLocalRun(ws.cwd, { name: 'older', objectiveType: 'Maximize', start: '2026-01-01T00:00:00Z' });
    newer = await recordLocalRun(ws.cwd, { name: 'newer', objectiveType: 'Minimize', strategy: 'ASHA', start: '2026-01-03T00:00:00Z' });
  });
  afterAll(() => {
    if (savedHome !== undefined) process.env.HPO_HOME = savedHome;
    ws.cleanup();
  });

  async function status(args: string[], cwd = ws.cwd): Promise<{ code: number; out: string; err: string }> {
    const io = captureIo(cwd);
    const code = await runCommand(runStatus, args, io);
    return { code, out: io.out, err: io.err };
  }

  it('shows one run: status, reason, counters, budget left, best, elapsed, execution', async () => {
    const { code, out } = await status(['older']);
    expect(code).toBe(0);
    const c = older.counters;
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toBe('run older: Completed');
    const field = (name: string): string | undefined => lines.find((l) => l.startsWith(`  ${name}:`))?.slice(15);
    expect(field('strategy')).toBe('Hyperband, Maximize accuracy, 12 training jobs at most, 3 in parallel');
    expect(field('reason')).toBe(older.statusReason);
    expect(field('jobs')).toBe(`${c.jobsStarted} started, ${c.jobsCompleted} completed, ${c.jobsFailed} failed, ${c.jobsStopped} stopped, 0 in flight`);
    expect(field('budget left')).toBe(`${12 - c.jobsStarted} of 12 training jobs`);
    expect(field('best trial')).toMatch(/^trial \d+, accuracy 0\.\d+ at epochs 9$/);
    expect(field('best job')).toBe(
      `${older.best!.jobName}, accuracy ${Number(older.best!.objective.toPrecision(6))} (trial ${older.best!.trialId} at epochs ${older.best!.milestone})`,
    );
    const seconds = (Date.parse(older.endedAt!) - Date.parse(older.createdAt)) / 1000;
    expect(field('elapsed')).toMatch(new RegExp(`^\\d+[smhd]( \\d+[smh])? \\(${formatDateTime(older.createdAt)} to ${formatDateTime(older.endedAt)}\\)$`));
    expect(seconds).toBeGreaterThan(0);
    expect(field('execution')).toBe(older.executionArn);
    expect(field('records')).toBe('.hpo/runs/older');
  });

  it('lists the runs newest first', async () => {
    const { code, out } = await status([]);
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines[0].split(/\s+/)).toEqual(['run', 'status', 'strategy', 'jobs', 'best', 'job', 'created']);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['newer', 'older']);
    expect(lines[1]).toContain(`${newer.counters.jobsStarted}  ${Number(newer.best!.objective.toPrecision(6))} (trial ${newer.best!.trialId})`);
    expect(lines[1]).toMatch(/^newer\s+Completed\s+ASHA\s/);
    expect(lines[2]).toContain(formatDateTime(older.createdAt));
  });

  it('an unknown run names the local runs', async () => {
    const { code, err } = await status(['gone', '--local']);
    expect(code).toBe(1);
    expect(err).toBe("error: no local run 'gone' in .hpo; local runs: newer, older\n");
  });

  it('without local runs, needs --table', async () => {
    const empty = tempWorkspace();
    try {
      expect(await status([], empty.cwd)).toEqual({ code: 2, out: '', err: `error: ${TABLE_REQUIRED}\n` });
      expect(await status(['--local'], empty.cwd)).toEqual({ code: 0, out: 'no runs in ~/.hpo (the default; HPO_HOME overrides)\n', err: '' });
    } finally {
      empty.cleanup();
    }
  });

  it('a run held open by another process is refused clearly, or read through the endpoint run.json names', async () => {
    // Prepare: hold the run's store open, as a running `hpo local` does
    const paths = runPaths(hpoHome(ws.cwd, { HPO_HOME: '.hpo' }), 'older');
    const held = await openLocalStore(paths.dynamodb);
    try {
      // Act + Assess: no crash, a clear message
      const refused = await status(['older']);
      expect(refused.code).toBe(1);
      expect(refused.err).toBe("error: run 'older' is open in another process (an hpo local still running it?): its progress shows there; try again once it has ended\n");

      // With the live endpoint recorded, status reads the running twin's DynamoDB
      writeFileSync(paths.meta, JSON.stringify({ input: 'tuning.json', startedAt: older.createdAt, dynamodbEndpoint: held.endpoint }));
      const live = await status(['older']);
      expect(live.code).toBe(0);
      expect(live.out.split('\n')[0]).toBe('run older: Completed');
    } finally {
      await held.close();
    }
  });
});

describe('hpo status on a local run whose process was killed', () => {
  const ws = tempWorkspace();
  const savedHome = process.env.HPO_HOME;

  beforeAll(async () => {
    delete process.env.HPO_HOME;
    // A run that still says Running (as after a SIGKILL), whose run.json names a process that is gone.
    await recordLocalRun(ws.cwd, { name: 'base', objectiveType: 'Maximize' });
    const base = await openLocalStore(runPaths(hpoHome(ws.cwd, { HPO_HOME: '.hpo' }), 'base').dynamodb);
    const snapshot = await base.store.loadSnapshot('base');
    await base.close();
    const opened = await openLocalStore(runPaths(hpoHome(ws.cwd, { HPO_HOME: '.hpo' }), 'killed').dynamodb);
    const { endedAt: _endedAt, statusReason: _reason, ...running } = snapshot.run;
    await opened.store.createRun({ ...running, runId: 'killed', status: 'Running' }, { ...snapshot.scheduler, trials: {} });
    await opened.close();
    writeFileSync(runPaths(hpoHome(ws.cwd, { HPO_HOME: '.hpo' }), 'killed').meta, JSON.stringify({ input: 'tuning.json', pid: 2 ** 22 + 12345 }));
  });
  afterAll(() => {
    if (savedHome !== undefined) process.env.HPO_HOME = savedHome;
    ws.cleanup();
  });

  it('says the process ended and how to continue the run', async () => {
    const io = captureIo(ws.cwd);
    expect(await runCommand(runStatus, ['killed'], io)).toBe(0);
    expect(io.out).toContain(
      `note: the hpo local process that ran it (pid ${2 ** 22 + 12345}) ended without a clean stop; continue the run with: npx hpo local tuning.json --resume\n`,
    );
  });
});
