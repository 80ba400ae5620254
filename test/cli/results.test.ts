import { runResults } from '../../cli/commands/results';
import { TABLE_REQUIRED } from '../../cli/results-source';
import type { RunRecord } from '../../core/orchestrator/records';
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

  /** The trials as the leaderboard must rank them: highest milestone with a result, then objective. */
  async function expectedOrder(run: string, type: string): Promise<number[]> {
    const opened = await openLocalStore(runPaths(hpoHome(ws.cwd, { HPO_HOME: '.hpo' }), run).dynamodb);
    try {
      const sign = type === 'Maximize' ? -1 : 1;
      return (await opened.store.listTrials(run))
        .map((t) => {
          const results = Object.entries(t.results).filter((e): e is [string, number] => typeof e[1] === 'number');
          const top = results.map(([m]) => Number(m)).reduce((a, b) => Math.max(a, b), -1);
          return { id: t.trialId, top, value: results.find(([m]) => Number(m) === top)?.[1] ?? 0 };
        })
        .filter((t) => t.top >= 0)
        .sort((a, b) => b.top - a.top || sign * (a.value - b.value) || a.id - b.id)
        .map((t) => t.id);
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
  ])('prints the leaderboard of %s best first (%s): highest rung reached, then objective', async (run, type) => {
    // Act
    const { code, out } = await results([run]);

    // Assess: header line, then columns, then trials best first, then the ranking rule
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    const rows = tableRows(out).slice(0, -1);
    expect(lines[0]).toBe(`run ${run}: Completed, Hyperband, ${type.toLowerCase()} accuracy; best: trial ${rows[0][1]}, accuracy ${rows[0][2]} at epochs ${rows[0][3]}`);
    expect(lines[1].split(/\s+/)).toEqual(['rank', 'trial', 'accuracy', 'epochs', 'status', 'bracket', 'layers', 'lr', 'optimizer']);
    const ranked = rows.filter((r) => r[0] !== '-');
    expect(ranked.map((r) => Number(r[0]))).toEqual(ranked.map((_, i) => i + 1));
    expect(ranked.map((r) => Number(r[1]))).toEqual(await expectedOrder(run, type));
    expect(Number(ranked[0][3])).toBe(9); // the top rung
    // the unranked trials (all their jobs failed) come last
    expect(rows.slice(ranked.length).every((r) => r[0] === '-')).toBe(true);
    expect(rows.length).toBeGreaterThan(ranked.length);
    expect(lines[lines.length - 1]).toMatch(new RegExp(`^\\(ranked by the epochs reached, then accuracy \\(${type === 'Maximize' ? 'higher' : 'lower'} first\\)`));
  });

  it('fits every column to its content', async () => {
    const { out } = await results(['max-run']);
    const lines = out.trimEnd().split('\n').slice(1);
    const statusAt = lines[0].indexOf('status');
    // left-aligned status column starts at the same place on every row
    for (const line of lines.slice(1, -1)) expect(line.slice(statusAt)).toMatch(/^(completed|not promoted|stopped|failed|no result)\b/);
  });

  it('--limit shows the best n and says how many were left out', async () => {
    const all = tableRows((await results(['max-run'])).out);
    const { out } = await results(['max-run', '--limit', '2']);
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[4]).toBe(`(${all.length - 1 - 2} more trials not shown)`);
  });

  it('--format json is a {run, trials, jobs} document', async () => {
    const { code, out } = await results(['min-run', '--format', 'json', '--jobs']);
    expect(code).toBe(0);
    const doc = JSON.parse(out) as {
      run: Record<string, unknown>;
      trials: { rank: number | null; trialId: number; objective: number | null; epochs: number | null; status: string; hyperParameters: Record<string, string> }[];
      jobs: { jobName: string; status: string; epochs: { from: number; to: number } }[];
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
    const table = tableRows((await results(['min-run'])).out);
    expect(doc.trials.map((t) => [t.rank === null ? '-' : String(t.rank), String(t.trialId), t.status])).toEqual(table.slice(0, -1).map((r) => [r[0], r[1], r[4]]));
    expect(doc.trials[0]).toMatchObject({ rank: 1, epochs: 9 });
    expect(Object.keys(doc.trials[0])).toEqual(['rank', 'trialId', 'objective', 'epochs', 'status', 'bracket', 'hyperParameters', 'results']);
    expect(Object.keys(doc.trials[0].hyperParameters).sort()).toEqual(['layers', 'lr', 'optimizer']);
    expect(doc.jobs).toHaveLength(minRun.counters.jobsStarted);
    expect(doc.jobs.some((j) => j.epochs.from > 0)).toBe(true);
    const noJobs = JSON.parse((await results(['min-run', '--format=json'])).out) as Record<string, unknown>;
    expect(Object.keys(noJobs)).toEqual(['run', 'trials']);
  });

  it('--format csv is RFC 4180: a categorical value with a comma is quoted', async () => {
    const { out } = await results(['max-run', '--format', 'csv']);
    expect(out).toContain('"adam,amsgrad"');
    expect(out.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(out);
    expect(rows[0]).toEqual(['rank', 'trial', 'accuracy', 'epochs', 'status', 'bracket', 'layers', 'lr', 'optimizer']);
    for (const row of rows) expect(row).toHaveLength(9);
    expect(rows.slice(1).map((r) => r[8]).every((v) => v === 'sgd' || v === 'adam,amsgrad')).toBe(true);
    // the same order and statuses as the table, full precision
    const table = tableRows((await results(['max-run'])).out).slice(0, -1);
    expect(rows.slice(1).map((r) => [r[0] || '-', r[1], r[3] || '-', r[4]])).toEqual(table.map((r) => [r[0], r[1], r[3], r[4]]));
    expect(String(Number(Number(rows[1][2]).toPrecision(6)))).toBe(table[0][2]);
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
    expect(csv[0]).toEqual(['job', 'trial', 'epochs_from', 'epochs_to', 'status', 'accuracy', 'billable_seconds', 'failure_reason']);
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
