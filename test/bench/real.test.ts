/**
 * The real-training benchmark's machinery (bench/real) on a tiny budget: the training service
 * answers exactly what a training job would, runs count their epochs the way the tuner's jobs
 * train them, and the report has its columns. The Optuna peer runs only where Debian's
 * python3-optuna is installed (npm test does not need it).
 */
import { execFileSync } from 'node:child_process';
import { runOptuna, PYTHON } from '../../bench/real/optuna';
import { runOurs } from '../../bench/real/ours';
import { mnistMlp, type RealProblem } from '../../bench/real/problems';
import { renderRealMarkdown, problemCells, quantile, targetChecks, type RealResults } from '../../bench/real/report';
import { parseRealArgs } from '../../bench/real/run';
import { TrainingService } from '../../bench/real/service';
import { runStopping } from '../../bench/real/stopping';
import { OUR_STRATEGIES, STOPPING_METHODS } from '../../bench/real/strategies';
import { summarizeRun, FRACTIONS } from '../../bench/real/summary';
import { incumbentAt, incumbentCurve } from '../../bench/real/trace';
import { MemoryCheckpointStore, parseHyperParameters, runJob } from '../../bench/training/job';

/** The MLP problem with R = 3 and a budget of 4 full trainings (12 epochs). */
const tiny: RealProblem = { ...mnistMlp, id: 'mnist-mlp', fidelity: { minResource: 1, maxResource: 3, eta: 3 }, epochBudget: 12, fifoJobs: 4 };
const hp = parseHyperParameters(mnistMlp.model, { lr: '0.1', hidden_units: '8', momentum: '0.5', batch_size: '128', seed: '3', epochs: '3' }).hp;

describe('training service', () => {
  it('answers what a training job reports, trains each epoch once, and evaluates test accuracy on demand', () => {
    const service = new TrainingService();
    const job = runJob(mnistMlp.model, hp, new MemoryCheckpointStore());
    expect(service.metricsAt(tiny, hp, 1)).toEqual({ ...job.trained[0], test_accuracy: undefined, epoch: 1 });
    expect(service.metricsAt(tiny, hp, 3).eval_accuracy).toBe(job.final.eval_accuracy);
    expect(service.metricsAt(tiny, { ...hp, epochs: 1 }, 2).eval_accuracy).toBe(job.trained[1]!.eval_accuracy);
    expect(service.stats.epochsComputed).toBe(3);
    expect(service.stats.epochsCached).toBe(1);
    expect(service.testAccuracyAt(tiny, hp, 3)).toBe(job.final.test_accuracy);
    // Epoch 2's model is gone (the live trainer is at 3): it is trained again, with the same result.
    const two = runJob(mnistMlp.model, { ...hp, epochs: 2 }, new MemoryCheckpointStore());
    expect(service.testAccuracyAt(tiny, hp, 2)).toBe(two.final.test_accuracy);
    expect(service.stats.epochsComputed).toBe(5);
  });
});

describe('runs', () => {
  it('cuts a multi-fidelity run once its finished jobs trained the epoch budget, and counts resumed jobs by the epochs they add', async () => {
    const service = new TrainingService();
    const hb = OUR_STRATEGIES.find((s) => s.id === 'hyperband')!;
    const trace = await runOurs(tiny, hb, 1, service);
    expect(trace.totalEpochs).toBeGreaterThanOrEqual(tiny.epochBudget);
    expect(trace.totalEpochs).toBeLessThan(tiny.epochBudget + 3);
    expect(trace.jobs).toBeGreaterThan(trace.totalEpochs / 3);
    const summary = summarizeRun(tiny, trace, service);
    expect(summary.any.validation).toHaveLength(FRACTIONS.length);
    expect(summary.any.validation.at(-1)).toBeGreaterThan(0.5);
    expect(summary.any.test.at(-1)).toBeGreaterThan(0.5);
  });

  it('gives Random exactly its jobs, each to R, and the same numbers for the same seed', async () => {
    const random = OUR_STRATEGIES.find((s) => s.id === 'random')!;
    const a = await runOurs(tiny, random, 2, new TrainingService());
    const b = await runOurs(tiny, random, 2, new TrainingService());
    expect(a.jobs).toBe(4);
    expect(a.totalEpochs).toBe(12);
    expect(a.curve.any.every((p) => p.milestone === 3)).toBe(true);
    expect(b).toEqual(a);
  });

  it('simulates early stopping: the median rule within the job budget, stopping ASHA within the epoch budget', () => {
    const service = new TrainingService();
    for (const method of STOPPING_METHODS) {
      const trace = runStopping(tiny, method, 1, service);
      if (method.budget === 'jobs') {
        // (no method uses a job budget at the moment)
        expect(trace.trials).toBe(4);
        expect(trace.totalEpochs).toBeLessThanOrEqual(12);
      } else expect(trace.totalEpochs).toBe(12);
      expect(trace.curve.any.length).toBeGreaterThan(0);
    }
  });
});

describe('incumbents', () => {
  const unit = (epochs: number, milestone: number, objective: number) => ({ epochs, seconds: epochs, trialId: epochs, milestone, objective, hp });

  it('follows the best job (AMT) or the best job at the highest resource reached', () => {
    const curves = incumbentCurve([unit(1, 1, 0.5), unit(4, 3, 0.4), unit(5, 1, 0.6), unit(8, 3, 0.45)]);
    expect(curves.any.map((p) => p.objective)).toEqual([0.5, 0.6]);
    expect(curves.top.map((p) => p.objective)).toEqual([0.5, 0.4, 0.45]);
    expect(incumbentAt(curves.any, 4)?.objective).toBe(0.5);
    expect(incumbentAt(curves.any, 0)).toBeUndefined();
  });
});

describe('report', () => {
  it('tabulates medians, spreads and paired comparisons', () => {
    const run = (method: string, seed: number, final: number) => ({
      method,
      problem: 'mnist-mlp',
      seed,
      totalEpochs: 540,
      jobs: 20,
      trials: 20,
      top: { validation: FRACTIONS.map((f) => (f < 0.5 ? null : final - (1 - f) / 10)), test: [null, final, final], finalMilestone: 27 },
      any: { validation: FRACTIONS.map(() => final + 0.01), test: [null, final, final], finalMilestone: 9 },
    });
    const runs = [run('random', 1, 0.9), run('random', 2, 0.8), run('optuna-tpe-hyperband', 1, 0.85), run('optuna-tpe-hyperband', 2, 0.85), run('asha', 1, 0.95), run('asha', 2, 0.9)];
    const cells = problemCells(runs, 'mnist-mlp', ['random', 'asha', 'optuna-tpe-hyperband']);
    const asha = cells.find((c) => c.method === 'asha')!;
    expect(asha.final.median).toBeCloseTo(0.925, 12);
    expect(asha.vsOptunaMf).toEqual({ wins: 2, losses: 0 });
    expect(asha.vsRandom?.mean).toBeCloseTo(0.075, 12);
    expect(asha.reachesOptunaAt).toBe(0.5);
    expect(cells.find((c) => c.method === 'random')!.medianCurve[0]).toBeNull();
    expect(asha.finalAny).toBeCloseTo(0.935, 12);
    expect(asha.bestBelowR).toBe(2);
    const results: RealResults = {
      meta: { date: 'd', command: 'npm run bench:real', seeds: [1, 2], workers: 1, node: 'v20', optuna: '3.1.0', cpuModel: 'cpu', cpuCount: 2, gitCommit: 'abc', gitDirty: false, wallSeconds: 60, cpuSeconds: 100, epochsComputed: 1, epochsCached: 2, defaultMultiFidelity: 'asha', defaultBayesian: 'random' },
      runs,
    };
    const md = renderRealMarkdown(results, ['random', 'asha', 'optuna-tpe-hyperband']);
    expect(md).toContain('## mnist-mlp');
    expect(md).toContain('| ASHA (default: GP) | 0.9250 [0.9125, 0.9375]');
    // The targets, for the defaults the meta names (ASHA here; no Bayesian run: "not run").
    expect(md).toContain('| mnist-mlp | ASHA (default: GP) beats Optuna TPE + HyperbandPruner at 100% | 0.9250 vs 0.8500 (+0.0750; per seed 2-0) | yes |');
    expect(md).toContain('| mnist-mlp | ASHA (default: GP) reaches Optuna TPE + HyperbandPruner\'s final median with at most 50% of the budget | at 50% | yes |');
    expect(md).toContain('| mnist-mlp | no method worse than Random beyond the noise (mean paired difference < -2 s.e.) | none | yes |');
    const checks = targetChecks([...runs, run('bayesian', 1, 0.7), run('bayesian', 2, 0.71), run('optuna-random', 1, 0.8), run('optuna-random', 2, 0.8)], ['random', 'asha', 'bayesian', 'optuna-random', 'optuna-tpe-hyperband'], {
      multiFidelity: 'asha',
      bayesian: 'bayesian',
    });
    expect(checks.find((c) => c.target.includes('RandomSampler'))).toMatchObject({ measured: '0.7050 vs 0.8000 (-0.0950; per seed 0-2)', met: false });
    expect(checks.find((c) => c.target.startsWith('no method'))?.met).toBe(false);
    expect(quantile([1, 2, 3, 4], 0.25)).toBeCloseTo(1.75, 12);
  });

  it('parses its command line', () => {
    const args = parseRealArgs(['--seeds', '2', '--problems', 'mnist-cnn', '--methods', 'random,optuna-random', '--workers', '1']);
    expect(args).toMatchObject({ seeds: 2, problems: ['mnist-cnn'], methods: ['random', 'optuna-random'], workers: 1 });
    expect(() => parseRealArgs(['--methods', 'nope'])).toThrow(/unknown method nope/);
    expect(() => parseRealArgs(['--problems', 'nope'])).toThrow(/unknown problem nope/);
  });
});

const hasOptuna = (() => {
  try {
    execFileSync(PYTHON, ['-c', 'import optuna'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

(hasOptuna ? describe : describe.skip)('Optuna peer (needs Debian python3-optuna)', () => {
  it('runs TPE + HyperbandPruner to the epoch budget and RandomSampler for the jobs, training through the service', async () => {
    const service = new TrainingService();
    const result = await runOptuna(tiny, 1, ['optuna-tpe-hyperband', 'optuna-random'], service);
    const [tpe, random] = result.traces;
    expect(tpe!.method).toBe('optuna-tpe-hyperband');
    expect(tpe!.totalEpochs).toBe(12);
    expect(random!.trials).toBe(4);
    expect(random!.totalEpochs).toBe(12);
    expect(random!.curve.any.every((p) => p.milestone === 3)).toBe(true);
    expect(service.stats.epochsComputed).toBeGreaterThan(0);
  }, 60_000);
});
