import type { Configuration, Observation, Sampler, SearchSpaceSpec } from '../../../core/ports';
import { rngFor } from '../../../core/rng';
import { copulaScores, createGpSampler, createRandomSampler, createSobolSampler, normalQuantile, sampleUniform } from '../../../core/samplers';
import { condition, expectedImprovement, featureMap, fitHyperparameters, logPosterior, predict } from '../../../core/samplers/gp';
import { cholesky, choleskyInverse, solveLower, solveUpper } from '../../../core/samplers/linalg';
import { deepFreeze } from '../space/arbitraries';

const XY: SearchSpaceSpec = deepFreeze({
  parameters: [
    { kind: 'continuous', name: 'x', min: 0, max: 1, scaling: 'Linear' },
    { kind: 'continuous', name: 'y', min: 0, max: 1, scaling: 'Linear' },
  ],
});
const f = (c: Configuration) => ((c.x as number) - 0.3) ** 2 + ((c.y as number) - 0.7) ** 2;
const obs = (trialId: number, config: Configuration, objective: number | null, resource = 1): Observation => ({ trialId, config, objective, resource });
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('linear algebra', () => {
  const A = Float64Array.from([4, 2, 0.4, 2, 5, 1, 0.4, 1, 3]);

  it('factors, solves and inverts a symmetric positive definite matrix', () => {
    const L = cholesky(A, 3)!;
    const b = [1, 2, 3];
    const x = solveUpper(L, 3, solveLower(L, 3, b));
    for (let i = 0; i < 3; i++) expect(A[i * 3]! * x[0]! + A[i * 3 + 1]! * x[1]! + A[i * 3 + 2]! * x[2]!).toBeCloseTo(b[i]!, 12);
    const inv = choleskyInverse(L, 3);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += A[i * 3 + k]! * inv[k * 3 + j]!;
        expect(s).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
  });

  it('says so when a matrix is not positive definite', () => {
    expect(cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toBeUndefined();
  });
});

describe('Gaussian copula', () => {
  it('computes the normal quantile (Acklam) to 1e-8', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 8);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326347874, 8);
    expect(normalQuantile(0.999)).toBeCloseTo(3.090232306, 7);
    expect(() => normalQuantile(1)).toThrow(/p in \(0, 1\)/);
  });

  it('maps values to normal scores of their ranks, ties sharing the mean rank', () => {
    const z = copulaScores([10, -1, 3, 3]);
    expect(z[1]).toBeCloseTo(normalQuantile(0.5 / 4), 12);
    expect(z[2]).toBeCloseTo(0, 12); // ranks 2 and 3 share 2.5
    expect(z[3]).toBe(z[2]);
    expect(z[0]).toBeCloseTo(normalQuantile(3.5 / 4), 12);
  });
});

describe('GP model', () => {
  const groups = [[0], [1, 2]];
  const rng = rngFor(1, 1);
  const x = Array.from({ length: 12 }, () => {
    const c = rng.next() < 0.5;
    return Float64Array.from([rng.next(), c ? 1 : 0, c ? 0 : 1]);
  });
  const y = x.map((v) => Math.sin(6 * v[0]!) + v[1]!);

  it('has the analytic gradient of its log posterior (finite differences agree)', () => {
    const theta = [Math.log(0.3), Math.log(0.8), 0.2, Math.log(0.05)];
    const lp = logPosterior(x, y, groups, theta)!;
    theta.forEach((_, i) => {
      const h = 1e-5;
      const up = [...theta];
      up[i] += h;
      const down = [...theta];
      down[i] -= h;
      const numeric = (logPosterior(x, y, groups, up)!.value - logPosterior(x, y, groups, down)!.value) / (2 * h);
      expect(lp.gradient[i]).toBeCloseTo(numeric, 5);
    });
  });

  it('fits hyperparameters that interpolate the data and raise the variance away from it', () => {
    const theta = fitHyperparameters(x, y, groups);
    expect(logPosterior(x, y, groups, theta)!.value).toBeGreaterThan(logPosterior(x, y, groups, [Math.log(0.5), Math.log(0.5), 0, Math.log(0.01)])!.value);
    const post = condition(x, y, groups, theta);
    const at = predict(post, x[0]!);
    expect(at.mean).toBeCloseTo(y[0]!, 1);
    const far = predict(post, Float64Array.from([5, 0.5, 0.5]));
    expect(far.sd).toBeGreaterThan(5 * at.sd);
  });

  it('computes expected improvement', () => {
    expect(expectedImprovement(0, 1, 0)).toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 12);
    expect(expectedImprovement(-2, 1e-9, 0)).toBeCloseTo(2, 9);
    expect(expectedImprovement(5, 0.1, 0)).toBeLessThan(1e-12);
  });

  it('one-hot encodes categorical parameters, sharing their length scale', () => {
    const fm = featureMap({ parameters: [{ kind: 'categorical', name: 'c', values: ['a', 'b', 'c'] }, { kind: 'continuous', name: 'x', min: 0, max: 10, scaling: 'Linear' }] });
    expect(fm.groups).toEqual([[0, 1, 2], [3]]);
    expect([...fm.features({ c: 'b', x: 2.5 })]).toEqual([0, 1, 0, 0.25]);
  });
});

describe('GP sampler', () => {
  const run = (sampler: Sampler, seed: number, n: number): number => {
    const history: Observation[] = [];
    let best = Infinity;
    for (let t = 0; t < n; t++) {
      const c = sampler.suggest(XY, { trialId: t, proposed: history.map((h) => h.config), history, objectiveType: 'Minimize' }, rngFor(seed, t))!;
      best = Math.min(best, f(c));
      history.push(obs(t, c, f(c)));
    }
    return best;
  };

  it('finds the minimum of a 2-D quadratic far better than random search (15 trials, median of 5 seeds)', () => {
    const gp = Array.from({ length: 5 }, (_, s) => run(createGpSampler({}, s + 1), s + 1, 15));
    const random = Array.from({ length: 5 }, (_, s) => run(createRandomSampler(), s + 1, 15));
    expect(median(gp)).toBeLessThan(median(random) / 10); // recorded: 4.3e-4 vs 1.4e-2
  });

  it('maximizes when asked to: maximizing -f proposes what minimizing f does', () => {
    const configs = Array.from({ length: 15 }, (_, i) => sampleUniform(XY, rngFor(4, i)));
    const suggest = (type: 'Minimize' | 'Maximize', sign: number) =>
      createGpSampler().suggest(XY, { trialId: 99, proposed: [], history: configs.map((c, i) => obs(i, c, sign * f(c))), objectiveType: type }, rngFor(4, 99));
    expect(suggest('Maximize', -1)).toEqual(suggest('Minimize', 1));
    expect(suggest('Maximize', 1)).not.toEqual(suggest('Minimize', 1));
  });

  it('takes the run\'s Sobol points below minObservations at every level, then models the largest level that has them', () => {
    const sampler = createGpSampler({ minObservations: 5 }, 2);
    const few = Array.from({ length: 4 }, (_, i) => obs(i, sampleUniform(XY, rngFor(2, i)), i));
    const ctx = { trialId: 9, proposed: [], history: few, objectiveType: 'Minimize' as const };
    expect(sampler.suggest(XY, ctx, rngFor(2, 9))).toEqual(createSobolSampler({ seed: 2 }).suggest(XY, ctx, rngFor(2, 9)));
    // At resource 1 low x is good, at resource 3 high x is.
    const low = Array.from({ length: 12 }, (_, i) => obs(i, { x: (i + 0.5) / 12, y: 0.5 }, (i + 0.5) / 12, 1));
    const high = Array.from({ length: 6 }, (_, i) => obs(i, { x: (i + 0.5) / 6, y: 0.5 }, 1 - (i + 0.5) / 6, 3));
    const c = sampler.suggest(XY, { trialId: 50, proposed: [], history: [...low, ...high], objectiveType: 'Minimize' }, rngFor(2, 50))!;
    expect(c.x as number).toBeGreaterThan(0.7);
    const d = sampler.suggest(XY, { trialId: 50, proposed: [], history: [...low, ...high.slice(2)], objectiveType: 'Minimize' }, rngFor(2, 50))!;
    expect(d.x as number).toBeLessThan(0.3);
  });

  it('spreads parallel proposals: a pending configuration is a constant liar with the mean value', () => {
    const history = Array.from({ length: 15 }, (_, i) => {
      const c = sampleUniform(XY, rngFor(6, i));
      return obs(i, c, f(c));
    });
    const sampler = createGpSampler();
    const proposed: Configuration[] = history.map((h) => h.config);
    const out: Configuration[] = [];
    for (let k = 0; k < 4; k++) {
      const c = sampler.suggest(XY, { trialId: 100 + k, proposed, history, objectiveType: 'Minimize' }, rngFor(6, 100))!;
      proposed.push(c);
      out.push(c);
    }
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < i; j++) expect(Math.hypot((out[i]!.x as number) - (out[j]!.x as number), (out[i]!.y as number) - (out[j]!.y as number))).toBeGreaterThan(0.01);
    }
  });

  it('refuses options out of range', () => {
    expect(() => createGpSampler({ maxObservations: 0 })).toThrow(/maxObservations/);
    expect(() => createGpSampler({ minObservations: 2.5 })).toThrow(/minObservations/);
  });
});

describe('GP over several resource levels', () => {
  // At resource 1 low x looks good, at resource 3 high x is good (low fidelity misleads).
  const low = Array.from({ length: 20 }, (_, i) => obs(i, { x: (i + 0.5) / 20, y: 0.5 }, (i + 0.5) / 20, 1));
  const high = Array.from({ length: 6 }, (_, i) => obs(i, { x: (i + 0.5) / 6, y: 0.5 }, 1 - (i + 0.5) / 6, 3));
  const ctx = { trialId: 50, proposed: [], history: [...low, ...high], objectiveType: 'Minimize' as const };

  it('models every level jointly by default and one level on request, both taking EI at the largest level with enough results', () => {
    const joint = createGpSampler({ minObservations: 5 }).suggest(XY, ctx, rngFor(2, 50))!;
    const level = createGpSampler({ minObservations: 5, fidelity: 'level' }).suggest(XY, ctx, rngFor(2, 50))!;
    expect(joint.x as number).toBeGreaterThan(0.6);
    expect(level.x as number).toBeGreaterThan(0.6);
    expect(joint).not.toEqual(level);
    expect(() => createGpSampler({ fidelity: 'both' as 'joint' })).toThrow(/fidelity must be level or joint/);
  });
});
