import { runResults } from '../../cli/commands/results';
import { TABLE_REQUIRED } from '../../cli/results-source';
import type { RunRecord } from '../../lambda/core/orchestrator/records';
import { hpoHome, openLocalStore, runPaths } from '../../local/workspace';
import { captureIo, recordLocalRun, runCommand, tempWorkspace } from './results-world';

/** A minimal RFC 4180 reader: rows of fields (quoted fields may hold commas, quotes, line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  return rows;
}

describe('hpo results (real dynalite store filled by a simulated run)', () => {
  const ws = tempWorkspace();
  const savedHome = process.env.HPO_HOME;
  let maxRun: RunRecord;
  let minRun: RunRecord;

  beforeAll(async () => {
    delete process.env.HPO_HOME;
    maxRun = await recordLocalRun(ws.cwd, { name: 'max-run', objectiveType: 'Maximize' });
    minRun = await recordLocalRun(ws.cwd, { name: 'min-run', objectiveType: 'Minimize', start: '2026-01-02T00:00:00Z' });
  });
  afterAll(() => {
    if (savedHome !== undefined) process.env.HPO_HOME = savedHome;
    ws.cleanup();
  });

  async function results(args: string[]): Promise<{ code: number; out: string; err: string }> {
    const io = captureIo(ws.cwd);
    const code = await runCommand(runResults, args, io);
    return { code, out: io.out, err: io.err };
  }

  async function storeLeaderboard(run: string): Promise<number[]> {
    const opened = await openLocalStore(runPaths(hpoHome(ws.cwd, {}), run).dynamodb);
    try {
      return (await opened.store.leaderboard(run, 100)).map((t) => t.trialId);
    } finally {
      await opened.close();
    }
  }

  function tableRows(out: string): string[][] {
    const lines = out.trimEnd().split('\n');
    return lines.slice(2).map((line) => line.trim().split(/\s{2,}/));
  }

  it.each([
    ['max-run', 'Maximize'],
    ['min-run', 'Minimize'],
  ])('prints the leaderboard of %s best first (%s), as the store ranks it', async (run, type) => {
    // Act
    const { code, out } = await results([run]);

    // Assess: header line, then columns, then trials best first
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    const record = run === 'max-run' ? maxRun : minRun;
    expect(lines[0]).toBe(
      `run ${run}: Completed, Hyperband, ${type.toLowerCase()} accuracy; best accuracy ${Number(record.best!.objective.toPrecision(6))} (trial ${record.best!.trialId} at epochs ${record.best!.milestone})`,
    );
    expect(lines[1].split(/\s+/)).toEqual(['rank', 'trial', 'accuracy', 'epochs', 'status', 'bracket', 'layers', 'lr', 'optimizer']);
    const rows = tableRows(out);
    const ranked = rows.filter((r) => r[0] !== '-');
    const objectives = ranked.map((r) => Number(r[2]));
    const sorted = [...objectives].sort((a, b) => (type === 'Maximize' ? b - a : a - b));
    expect(objectives).toEqual(sorted);
    expect(ranked.map((r) => Number(r[0]))).toEqual(ranked.map((_, i) => i + 1));
    expect(ranked.map((r) => Number(r[1]))).toEqual(await storeLeaderboard(run));
    expect(Number(ranked[0][1])).toBe(record.best!.trialId);
    // the unranked trials (all their jobs failed) come last
    expect(rows.slice(ranked.length).every((r) => r[0] === '-')).toBe(true);
    expect(rows.length).toBeGreaterThan(ranked.length);
  });

  it('fits every column to its content', async () => {
    const { out } = await results(['max-run']);
    const lines = out.trimEnd().split('\n').slice(1);
    const statusAt = lines[0].indexOf('status');
    // left-aligned status column starts at the same place on every row
    for (const line of lines.slice(1)) expect(line.slice(statusAt)).toMatch(/^(Completed|Stopped|Failed|Paused|Running)\b/);
  });

  it('--limit shows the best n and says how many were left out', async () => {
    const all = tableRows((await results(['max-run'])).out);
    const { out } = await results(['max-run', '--limit', '2']);
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe(`(${all.length - 2} more trials not shown)`);
  });

  it('--format json is a {run, trials, jobs} document', async () => {
    const { code, out } = await results(['min-run', '--format', 'json', '--jobs']);
    expect(code).toBe(0);
    const doc = JSON.parse(out) as {
      run: Record<string, unknown>;
      trials: { rank: number | null; trialId: number; objective: number | null; hyperParameters: Record<string, string> }[];
      jobs: { jobName: string; status: string; fromMilestone: number; milestone: number }[];
    };
    expect(doc.run).toMatchObject({
      runId: 'min-run',
      status: 'Completed',
      strategy: 'Hyperband',
      objective: { metricName: 'accuracy', type: 'Minimize' },
      maxTrainingJobs: 12,
      counters: minRun.counters,
      best: minRun.best,
      executionArn: minRun.executionArn,
    });
    expect(doc.trials[0]).toMatchObject({ rank: 1, trialId: minRun.best!.trialId, objective: minRun.best!.objective });
    expect(Object.keys(doc.trials[0].hyperParameters).sort()).toEqual(['layers', 'lr', 'optimizer']);
    expect(doc.jobs).toHaveLength(minRun.counters.jobsStarted);
    expect(doc.jobs.some((j) => j.fromMilestone > 0)).toBe(true);
    const noJobs = JSON.parse((await results(['min-run', '--format=json'])).out) as Record<string, unknown>;
    expect(Object.keys(noJobs)).toEqual(['run', 'trials']);
  });

  it('--format csv is RFC 4180: a categorical value with a comma is quoted', async () => {
    const { out } = await results(['max-run', '--format', 'csv']);
    expect(out).toContain('"adam,amsgrad"');
    expect(out.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(out);
    expect(rows[0]).toEqual(['rank', 'trial', 'accuracy', 'milestone', 'status', 'bracket', 'layers', 'lr', 'optimizer']);
    for (const row of rows) expect(row).toHaveLength(9);
    expect(rows.slice(1).map((r) => r[8]).every((v) => v === 'sgd' || v === 'adam,amsgrad')).toBe(true);
    expect(Number(rows[1][2])).toBe(maxRun.best!.objective); // full precision in csv
  });

  it('--jobs lists training jobs with rung, status, objective, billable seconds and failure reason', async () => {
    const { out } = await results(['max-run', '--jobs']);
    const lines = out.trimEnd().split('\n');
    expect(lines[1].split(/\s{2,}/)).toEqual(['job', 'trial', 'epochs', 'status', 'accuracy', 'billable s', 'failure reason']);
    expect(lines).toHaveLength(2 + maxRun.counters.jobsStarted);
    expect(out).toMatch(/hpo-max-run-0000-r3\s+0\s+0->3\s+(Completed|Failed)/);
    expect(out).toMatch(/ 3->9 /);
    if (maxRun.counters.jobsFailed > 0) expect(out).toContain('AlgorithmError: loss diverged, "nan" at step 3');
    const csv = parseCsv((await results(['max-run', '--jobs', '--format', 'csv'])).out);
    expect(csv[0]).toEqual(['job', 'trial', 'from_milestone', 'milestone', 'status', 'accuracy', 'billable_seconds', 'failure_reason']);
    expect(csv).toHaveLength(1 + maxRun.counters.jobsStarted);
  });

  it('an unknown local run names the local runs', async () => {
    const { code, err } = await results(['nope', '--local']);
    expect(code).toBe(1);
    expect(err).toBe("error: no local run 'nope' in .hpo; local runs: max-run, min-run\n");
  });

  it('a run that is not local names the local runs and says a deployed tuner needs --table', async () => {
    const { code, err } = await results(['elsewhere']);
    expect(code).toBe(1);
    expect(err).toBe(
      "error: no local run 'elsewhere' in .hpo; local runs: max-run, min-run. For a deployed tuner, pass --table <name> (the ResultsTableName output of the stack)\n",
    );
    expect(TABLE_REQUIRED).toBe('--table <name> is required for a deployed tuner (the ResultsTableName output of the stack), or use --local');
  });

  it.each([
    [['max-run', '--format', 'xml'], "error: --format must be one of table, json, csv, got 'xml'\n"],
    [['max-run', '--limit', '0'], "error: --limit must be a positive integer, got '0'\n"],
    [['max-run', '--bogus'], "error: unknown option '--bogus' for hpo results; allowed: --local, --table, --format, --limit, --jobs, --help\n"],
    [['max-run', '--local', '--table', 't'], 'error: use either --local or --table <name>, not both\n'],
    [[], 'error: missing the run name: hpo results <run> [--local | --table <name>]\n'],
    [['../x'], "error: '../x' is not a valid run name: 1-32 letters, digits and hyphens, starting and ending with a letter or digit\n"],
  ])('refuses %j', async (args, message) => {
    const { code, err } = await results(args);
    expect(code).toBe(2);
    expect(err).toBe(message);
  });
});
