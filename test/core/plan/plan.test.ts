import type { SchedulerSettings } from '../../../core/ports';
import { estimateCost, planRun, simulate, syntheticObjective } from '../../../core/plan';
import { bracketTable, ladder } from '../../../core/schedulers/rungs';

const hb81 = (overrides: Partial<SchedulerSettings> = {}): SchedulerSettings => ({
  kind: 'Hyperband',
  mode: 'Synchronous',
  minResource: 1,
  maxResource: 81,
  reductionFactor: 3,
  maxTrainingJobs: 206,
  objectiveType: 'Minimize',
  ...overrides,
});

const shapes = (plan: ReturnType<typeof planRun>) => plan.brackets.map((b) => [b.bracket, b.rungs.map((r) => [r.trials, r.resource])]);

describe('planRun: synchronous Hyperband (exact)', () => {
  it('one full iteration for R=81, eta=3: the paper table, 206 jobs, 143 trials, 1581 units', () => {
    const plan = planRun(hb81(), { maxParallelTrainingJobs: 4 });
    expect(plan).toMatchObject({ strategy: 'Hyperband (Synchronous)', exact: true, trainingJobs: 206, trials: 143, totalResource: 1581 });
    expect(plan.brackets).toEqual(bracketTable(ladder(1, 81, 3)));
  });

  it('100 jobs: s=4 (121 jobs) cannot fit and is skipped; the second s=2 is shrunk to n=11', () => {
    const plan = planRun(hb81({ maxTrainingJobs: 100 }), { maxParallelTrainingJobs: 4 });
    expect(shapes(plan)).toEqual([
      [3, [[34, 3], [11, 9], [3, 27], [1, 81]]],
      [2, [[15, 9], [5, 27], [1, 81]]],
      [1, [[8, 27], [2, 81]]],
      [0, [[5, 81]]],
      [2, [[11, 9], [3, 27], [1, 81]]],
    ]);
    // 276 + 279 + 324 + 405 + (11*9 + 3*18 + 1*54 = 207)
    expect(plan).toMatchObject({ trainingJobs: 100, trials: 73, totalResource: 1491, exact: true });
  });

  it('250 jobs: a second iteration starts with s=4 skipped and s=3 shrunk to n=30 (44 jobs)', () => {
    const plan = planRun(hb81({ maxTrainingJobs: 250 }), { maxParallelTrainingJobs: 10 });
    expect(shapes(plan).slice(5)).toEqual([[3, [[30, 3], [10, 9], [3, 27], [1, 81]]]]);
    expect(plan).toMatchObject({ trainingJobs: 250, trials: 173, totalResource: 1581 + 30 * 3 + 10 * 6 + 3 * 18 + 54 });
  });

  it('does not depend on the number of parallel jobs', () => {
    const strip = (p: ReturnType<typeof planRun>) => ({ b: p.brackets, j: p.trainingJobs, t: p.trials, r: p.totalResource });
    const one = strip(planRun(hb81({ maxTrainingJobs: 137 }), { maxParallelTrainingJobs: 1 }));
    expect(strip(planRun(hb81({ maxTrainingJobs: 137 }), { maxParallelTrainingJobs: 7 }))).toEqual(one);
    expect(strip(planRun(hb81({ maxTrainingJobs: 137, objectiveType: 'Maximize' }), { maxParallelTrainingJobs: 100 }))).toEqual(one);
    expect(one.j).toBe(137);
  });

  it('non-power inputs: r_min=2, R=50, eta=2, 60 jobs', () => {
    // brackets 16/8/4/2/1 (31 jobs), 10/5/2/1 (18), 7/3/1 (11): 60 jobs exactly.
    const plan = planRun(hb81({ minResource: 2, maxResource: 50, reductionFactor: 2, maxTrainingJobs: 60 }), { maxParallelTrainingJobs: 3 });
    expect(shapes(plan)).toEqual([
      [4, [[16, 2], [8, 4], [4, 8], [2, 16], [1, 50]]],
      [3, [[10, 4], [5, 8], [2, 16], [1, 50]]],
      [2, [[7, 8], [3, 16], [1, 50]]],
    ]);
    // 16*2 + 8*2 + 4*4 + 2*8 + 1*34 = 114; 10*4 + 5*4 + 2*8 + 34 = 110; 7*8 + 3*8 + 34 = 114
    expect(plan).toMatchObject({ trainingJobs: 60, trials: 33, totalResource: 338 });
  });

  it('r_min = R: every bracket is one trial trained to R', () => {
    const plan = planRun(hb81({ minResource: 5, maxResource: 5, maxTrainingJobs: 4 }), { maxParallelTrainingJobs: 2 });
    expect(shapes(plan)).toEqual([[0, [[1, 5]]], [0, [[1, 5]]], [0, [[1, 5]]], [0, [[1, 5]]]]);
    expect(plan).toMatchObject({ trainingJobs: 4, trials: 4, totalResource: 20 });
  });

  it('max trials caps the plan and says so', () => {
    const plan = planRun(hb81({ maxTrials: 20 }), { maxParallelTrainingJobs: 4 });
    // s=4 and s=3 need at least 81 and 27 trials: skipped; s=2: n=15; s=1: 5 left -> n=5 (5x27, 1x81)
    expect(shapes(plan)).toEqual([
      [2, [[15, 9], [5, 27], [1, 81]]],
      [1, [[5, 27], [1, 81]]],
    ]);
    expect(plan.trials).toBe(20);
    expect(plan.notes).toContain('uses 27 of the 206 training jobs allowed (limited by max trials)');
  });
});

describe('planRun: other strategies', () => {
  it('FIFO: one job per trial to R (exact)', () => {
    const plan = planRun({ ...hb81(), kind: 'FIFO', minResource: 81, maxTrainingJobs: 50 }, { maxParallelTrainingJobs: 5 });
    expect(plan).toMatchObject({ strategy: 'FIFO', exact: true, trainingJobs: 50, trials: 50, totalResource: 4050 });
    expect(shapes(plan)).toEqual([[0, [[50, 81]]]]);
  });

  it('ASHA: the job count is exact, trials and resource are expected values', () => {
    const plan = planRun({ ...hb81(), kind: 'ASHA', mode: 'Asynchronous' }, { maxParallelTrainingJobs: 4 });
    expect(plan.exact).toBe(false);
    expect(plan.strategy).toBe('ASHA');
    expect(plan.trainingJobs).toBe(206);
    expect(plan.brackets).toHaveLength(1);
    const rungs = plan.brackets[0].rungs;
    expect(rungs.map((r) => r.resource)).toEqual([1, 3, 9, 27, 81]);
    expect(rungs.reduce((n, r) => n + r.trials, 0)).toBe(206);
    expect(rungs[0].trials).toBe(plan.trials);
    // promotion keeps at most about 1/eta of a rung: each rung is smaller than the one below
    for (let i = 1; i < rungs.length; i++) expect(rungs[i].trials).toBeLessThan(rungs[i - 1].trials);
    expect(plan.notes.join(' ')).toMatch(/one simulation with 4 parallel jobs/);
  });

  it('asynchronous Hyperband: every bracket appears, jobs exact', () => {
    const plan = planRun(hb81({ mode: 'Asynchronous' }), { maxParallelTrainingJobs: 4 });
    expect(plan.exact).toBe(false);
    expect(plan.brackets.map((b) => b.bracket)).toEqual([4, 3, 2, 1, 0]);
    expect(plan.brackets.map((b) => b.rungs[0].resource)).toEqual([1, 3, 9, 27, 81]);
    expect(plan.trainingJobs).toBe(206);
    expect(plan.brackets.reduce((n, b) => n + b.rungs.reduce((m, r) => m + r.trials, 0), 0)).toBe(206);
  });

  it('is deterministic', () => {
    const s: SchedulerSettings = { ...hb81(), kind: 'ASHA', maxTrainingJobs: 80 };
    expect(planRun(s, { maxParallelTrainingJobs: 3 })).toEqual(planRun(s, { maxParallelTrainingJobs: 3 }));
  });

  it('rejects a bad parallelism', () => {
    expect(() => planRun(hb81(), { maxParallelTrainingJobs: 0 })).toThrow(/^max parallel training jobs must be a positive integer, got 0/);
  });
});

describe('simulate', () => {
  it('synthetic objectives do not depend on the order they are drawn in', () => {
    const a = syntheticObjective(3, 9);
    syntheticObjective(4, 1);
    expect(syntheticObjective(3, 9)).toBe(a);
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThan(1.1);
  });

  it('ends with every trial finished', () => {
    const sim = simulate(hb81({ maxTrainingJobs: 50 }), { maxParallelTrainingJobs: 6 });
    expect(sim.decisions.at(-1)?.kind).toBe('done');
    expect(Object.values(sim.state.trials).some((t) => t.status === 'Running')).toBe(false);
  });
});

describe('estimateCost', () => {
  it('resource x seconds per unit + jobs x startup seconds, at the hourly price', () => {
    // 1581 * 60 + 206 * 120 = 119,580 s = 33.2167 h; x $3 = $99.65
    expect(estimateCost({ totalResource: 1581, trainingJobs: 206 }, { pricePerHour: 3, secondsPerUnit: 60, startupSeconds: 120 })).toEqual({
      billableSeconds: 119580,
      billableHours: 119580 / 3600,
      usd: 99.65,
    });
    expect(estimateCost({ totalResource: 100, trainingJobs: 10 }, { pricePerHour: 0.736, secondsPerUnit: 36 }).usd).toBe(0.74);
  });

  it('rejects negative or non-finite prices', () => {
    expect(() => estimateCost({ totalResource: 1, trainingJobs: 1 }, { pricePerHour: -1, secondsPerUnit: 1 })).toThrow(/^price per hour must be a non-negative number, got -1/);
    expect(() => estimateCost({ totalResource: 1, trainingJobs: 1 }, { pricePerHour: 1, secondsPerUnit: NaN })).toThrow(/^seconds per unit must be/);
  });
});
