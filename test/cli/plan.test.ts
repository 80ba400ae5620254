import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTuningInput } from '../../core/input';
import { planRun } from '../../core/plan';
import { planHelp, runPlan } from '../../cli/commands/plan';
import { main } from '../../cli/main';
import type { CliIo } from '../../cli/io';
import { tuningInput } from '../helpers/inputs';

interface Captured {
  io: CliIo;
  out: () => string;
  err: () => string;
}

function capture(cwd: string): Captured {
  let out = '';
  let err = '';
  return {
    io: { stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false, cwd },
    out: () => out,
    err: () => err,
  };
}

describe('hpo plan', () => {
  let dir: string;

  beforeAll(() => {
    // Prepare: input files in a temporary folder.
    dir = mkdtempSync(join(tmpdir(), 'hpo-plan-'));
    writeFileSync(join(dir, 'hb.json'), JSON.stringify(tuningInput({ maxResource: 81, maxJobs: 206, maxParallel: 4 })));
    writeFileSync(join(dir, 'asha.json'), JSON.stringify(tuningInput({ strategy: 'ASHA', maxResource: 27, maxJobs: 60 })));
    writeFileSync(join(dir, 'random.json'), JSON.stringify(tuningInput({ strategy: 'Random', maxJobs: 12 })));
    writeFileSync(join(dir, 'invalid.json'), JSON.stringify(tuningInput({ minResource: 10, maxResource: 5 })));
    writeFileSync(join(dir, 'broken.json'), '{"HyperParameterTuningJobName": ');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the bracket table, totals and exactness for synchronous Hyperband', async () => {
    const c = capture(dir);
    const code = await runPlan(['hb.json'], c.io);
    expect(code).toBe(0);
    const out = c.out();
    expect(out).toContain('plan for test-run: Hyperband (Synchronous)');
    expect(out).toContain('r_min=1, R=81, eta=3; 206 training jobs allowed, 4 in parallel');
    expect(out).toMatch(/ {2}s=4 {6}81x1 {2}27x3 {2}9x9 {2}3x27 {2}1x81 +121\n/);
    expect(out).toMatch(/ {2}s=0 {6}5x81 +5\n/);
    expect(out).toContain('training jobs:   206\n');
    expect(out).toContain('trials:          143\n');
    expect(out).toContain('total resource:  1,581 epochs');
    expect(out).toContain('exact:           yes\n');
    expect(out).not.toContain('cost estimate');
    expect(c.err()).toBe('');
  });

  it('--json prints the plan contract, equal to planRun on the validated spec', async () => {
    const c = capture(dir);
    expect(await runPlan(['asha.json', '--json'], c.io)).toBe(0);
    const json = JSON.parse(c.out()) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['strategy', 'brackets', 'trainingJobs', 'trials', 'totalResource', 'exact', 'notes']);
    const parsed = parseTuningInput(JSON.stringify(tuningInput({ strategy: 'ASHA', maxResource: 27, maxJobs: 60 })));
    if (!parsed.ok) throw new Error('fixture must be valid');
    const plan = planRun(parsed.spec.scheduler, { maxParallelTrainingJobs: parsed.spec.maxParallelTrainingJobs });
    expect(json).toEqual(JSON.parse(JSON.stringify(plan)));
    expect(json).toMatchObject({ strategy: 'ASHA', trainingJobs: 60, exact: false });
    const brackets = json.brackets as { bracket: number; rungs: { trials: number; resource: number }[] }[];
    expect(Object.keys(brackets[0])).toEqual(['bracket', 'rungs']);
    expect(Object.keys(brackets[0].rungs[0])).toEqual(['trials', 'resource']);
    expect(brackets[0].rungs.map((r) => r.resource)).toEqual([1, 3, 9, 27]);
  });

  it('adds a cost estimate with --price-per-hour and --seconds-per-unit', async () => {
    const c = capture(dir);
    expect(await runPlan(['hb.json', '--price-per-hour', '3', '--seconds-per-unit=60', '--startup-seconds', '120'], c.io)).toBe(0);
    // 1581 * 60 + 206 * 120 = 119,580 s = 33.22 h at $3/h
    expect(c.out()).toContain('cost estimate:   $99.65 (1,581 x 60 s + 206 jobs x 120 s = 33.22 h at $3/h)');
    const j = capture(dir);
    expect(await runPlan(['random.json', '--json', '--price-per-hour', '1', '--seconds-per-unit', '3600'], j.io)).toBe(0);
    expect(JSON.parse(j.out())).toMatchObject({ strategy: 'FIFO', trainingJobs: 12, exact: true, cost: { billableSeconds: 12 * 3600, usd: 12 } });
  });

  it('invalid input: prints the problems and exits 2', async () => {
    const c = capture(dir);
    expect(await runPlan(['invalid.json'], c.io)).toBe(2);
    expect(c.out()).toBe('');
    expect(c.err()).toMatch(/^hpo plan: invalid.json is not a valid tuning input:\nerror/);
    const b = capture(dir);
    expect(await runPlan(['broken.json'], b.io)).toBe(2);
    expect(b.err()).toContain('malformed JSON');
  });

  it.each([
    [['hb.json', '--price-per-hour', 'abc', '--seconds-per-unit', '60'], "--price-per-hour must be a non-negative number, got 'abc'"],
    [['hb.json', '--price-per-hour', '-1', '--seconds-per-unit', '60'], "--price-per-hour must be a non-negative number, got '-1'"],
    [['hb.json', '--seconds-per-unit', 'Infinity', '--price-per-hour', '1'], "--seconds-per-unit must be a non-negative number, got 'Infinity'"],
    [['hb.json', '--price-per-hour', '1'], 'a cost estimate needs both --price-per-hour and --seconds-per-unit'],
    [['hb.json', '--seconds-per-unit'], '--seconds-per-unit needs a value'],
    [['hb.json', '--startup-seconds', '5'], '--startup-seconds only applies to a cost estimate'],
    [['hb.json', '--verbose'], "unknown option '--verbose' for hpo plan"],
    [[], 'missing the tuning input file'],
    [['a.json', 'b.json'], 'expected one input file, got 2: a.json, b.json'],
    [['nope.json'], 'cannot read nope.json: no such file'],
  ])('bad arguments %j: clear error, exit 2', async (args, message) => {
    // runPlan itself throws a CliError with exit code 2 ...
    await expect(runPlan(args, capture(dir).io)).rejects.toMatchObject({ name: 'CliError', exitCode: 2 });
    // ... which `hpo` prints as `error: <message>`.
    const c = capture(dir);
    expect(await main(['plan', ...args], c.io)).toBe(2);
    expect(c.err()).toContain(`error: ${message}`);
    expect(c.out()).toBe('');
  });

  it('--help prints the usage and exits 0', async () => {
    const c = capture(dir);
    expect(await runPlan(['--help'], c.io)).toBe(0);
    expect(c.out()).toBe(`${planHelp}\n`);
    expect(planHelp).toMatch(/^usage: hpo plan <file> \[--json\]/);
  });
});
