/**
 * Keeps the benchmark code (bench/) from rotting: runs the library on one tiny problem with
 * two seeds and checks behaviour, never timings.
 */
import { braninMf, regretOf, type BenchProblem } from '../../bench/objectives';
import { STRATEGIES, runOne } from '../../bench/quality';
import { renderJson, renderMarkdown } from '../../bench/report';
import { resumeComparison } from '../../bench/resume';
import { inexactCells, parseArgs, runBenchmarks } from '../../bench/run';

/** Branin with a budget small enough for a unit test. */
const tiny: BenchProblem = { ...braninMf, id: 'branin-tiny', jobBudget: 10 };

describe('bench smoke', () => {
  it('runs every strategy on a tiny problem with an exact budget, finite regrets and a complete report', async () => {
    const results = await runBenchmarks({ problems: [tiny], seeds: [1, 2], workers: 1, quick: true, command: 'test' });

    expect(inexactCells(results)).toEqual([]);
    expect(results.quality.equalJobs).toHaveLength(1);
    expect(results.quality.equalResource).toHaveLength(1);
    for (const problem of [...results.quality.equalJobs, ...results.quality.equalResource]) {
      expect(problem.cells.map((c) => c.strategy)).toEqual(STRATEGIES.map((s) => s.id));
      for (const cell of problem.cells) {
        expect(cell.budgetExact).toBe('yes');
        expect(cell.seeds).toBe(2);
        for (const run of cell.runs) {
          expect(run.jobsStarted).toBe(cell.budget);
          expect(run.jobsCreated).toBe(cell.budget);
          expect(Number.isFinite(run.finalRegret)).toBe(true);
          expect(run.finalRegret).toBeGreaterThanOrEqual(0);
          expect(run.topRungRegret).toBeGreaterThanOrEqual(0);
          expect(run.resourceWithResume).toBeLessThanOrEqual(run.resourceFromScratch);
          expect(run.counts.stateTransitions).toBe(4 * run.counts.ticks + 4);
          expect(run.counts.jobEvents).toBe(2 * cell.budget);
        }
      }
    }
    // FIFO keeps the problem's budget; multi-fidelity strategies get more jobs for equal compute.
    const equalResource = results.quality.equalResource[0];
    expect(equalResource.multiFidelityBudget).toBeGreaterThan(tiny.jobBudget);

    // The JSON has the documented shape and survives a round trip.
    const json = JSON.parse(renderJson(results)) as Record<string, unknown>;
    expect(Object.keys(json).sort()).toEqual(['meta', 'micro', 'problems', 'quality', 'resume', 'settings']);
    const cell = results.quality.equalJobs[0].cells[0];
    expect(cell.anytime.medianRegretByResource).toHaveLength(cell.anytime.fractions.length);
    expect(results.meta.seeds).toEqual([1, 2]);
    expect(results.micro.schedulers.length).toBeGreaterThan(0);
    expect(results.micro.tpe.length).toBeGreaterThan(0);

    const markdown = renderMarkdown(results);
    expect(markdown).toContain('npm run bench');
    expect(markdown).toContain('branin-tiny');
    expect(markdown).toContain(results.meta.cpuModel);
  });

  it('gives the same numbers for the same seed', async () => {
    const task = { problem: tiny.id, strategy: 'hyperband-async', seed: 3, budget: 10, maxParallel: 4 };
    const a = await runOne(task, [tiny]);
    const b = await runOne(task, [tiny]);
    expect(b.finalRegret).toBe(a.finalRegret);
    expect(b.curve).toEqual(a.curve);
  });

  it('states optima that no configuration beats', () => {
    expect(regretOf(braninMf, braninMf.argOptimum)).toBeCloseTo(0, 9);
    expect(regretOf(braninMf, { x1: 0, x2: 0 })).toBeGreaterThan(0);
  });

  it('computes the resume saving from the exact plan', () => {
    const rows = resumeComparison();
    const seedArticle = rows.find((r) => r.maxResource === 8 && r.eta === 2);
    expect(seedArticle?.jobs).toBe(32);
    for (const row of rows) {
      expect(row.exact).toBe(true);
      expect(row.withResume).toBeLessThan(row.fromScratch);
    }
  });

  it('parses the command line', () => {
    expect(parseArgs(['--quick', '--out', 'x', '--seeds', '4'])).toEqual({ quick: true, out: 'x', seeds: 4 });
    expect(() => parseArgs(['--seeds', '0'])).toThrow('positive integer');
    expect(() => parseArgs(['--nope'])).toThrow('unknown argument');
  });
});
