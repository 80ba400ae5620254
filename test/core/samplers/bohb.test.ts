import type { Configuration, Observation, SearchSpaceSpec, SuggestContext } from '../../../core/ports';
import { rngFor } from '../../../core/rng';
import { pendingPenalty } from '../../../core/samplers/bohb';
import {
  bohbModel,
  boundObservations,
  createBohbSampler,
  createRandomSampler,
  largestLevelWith,
  pendingConfigurations,
  sampleUniform,
  usableObservations,
} from '../../../core/samplers';
import { fitKde, fromKdePoint, kdeLogDensity, MIN_BANDWIDTH, sampleKde, toKdePoint } from '../../../core/samplers/kde';
import { deepFreeze } from '../space/arbitraries';

const XY: SearchSpaceSpec = deepFreeze({
  parameters: [
    { kind: 'continuous', name: 'x', min: 0, max: 1, scaling: 'Linear' },
    { kind: 'continuous', name: 'y', min: 0, max: 1, scaling: 'Linear' },
  ],
});
const MIXED: SearchSpaceSpec = deepFreeze({
  parameters: [
    { kind: 'continuous', name: 'lr', min: 1e-5, max: 1, scaling: 'Logarithmic' },
    { kind: 'integer', name: 'depth', min: 1, max: 6, scaling: 'Linear' },
    { kind: 'categorical', name: 'opt', values: ['adam', 'sgd', 'rmsprop'] },
  ],
});

const obs = (trialId: number, config: Configuration, objective: number | null, resource = 1): Observation => ({ trialId, config, objective, resource });
const ctxOf = (history: readonly Observation[], proposed: readonly Configuration[] = history.map((h) => h.config)): SuggestContext => ({
  trialId: 1000,
  proposed,
  history,
  objectiveType: 'Minimize',
});
const BOHB_DEFAULTS = { randomFraction: 1 / 3, goodFraction: 0.15, candidates: 64, bandwidthFactor: 3, maxObservations: 200 };

describe('observations for models', () => {
  const history = [
    obs(0, { x: 0.1, y: 0.1 }, 1),
    obs(1, { x: 0.2, y: 0.2 }, null),
    obs(2, { x: 0.3, y: 0.3 }, NaN),
    obs(3, { x: 2, y: 0.3 }, 1),
    obs(0, { x: 0.1, y: 0.1 }, 0.5, 3),
  ];

  it('keeps finite objectives of configurations inside the space', () => {
    expect(usableObservations(XY, history).map((o) => [o.trialId, o.resource])).toEqual([
      [0, 1],
      [0, 3],
    ]);
  });

  it('picks the largest level with enough observations', () => {
    const many = [...history, obs(4, { x: 0.5, y: 0.5 }, 2), obs(5, { x: 0.6, y: 0.5 }, 2)];
    expect(largestLevelWith(usableObservations(XY, many), 3)?.level).toBe(1);
    expect(largestLevelWith(usableObservations(XY, many), 1)?.level).toBe(3);
    expect(largestLevelWith(usableObservations(XY, many), 4)).toBeUndefined();
  });

  it('finds the pending configurations: proposed, valid, never observed, each once', () => {
    const pending = pendingConfigurations(XY, {
      history,
      proposed: [{ x: 0.1, y: 0.1 }, { y: 0.9, x: 0.9 }, { x: 0.9, y: 0.9 }, { x: 5, y: 0 }, { x: 0.2, y: 0.2 }],
    });
    expect(pending).toEqual([{ y: 0.9, x: 0.9 }]);
  });
});

describe('product-kernel KDE (BOHB section 4.1)', () => {
  it('uses the normal reference rule for numeric bandwidths, at least 1e-3', () => {
    const kde = fitKde(XY, [
      [0.2, 0.5],
      [0.4, 0.5],
      [0.6, 0.5],
    ]);
    // sigma_x = 0.2, n = 3, d = 2: 1.06 * 0.2 * 3^(-1/6).
    expect(kde.bandwidths[0]).toBeCloseTo(1.06 * 0.2 * 3 ** (-1 / 6), 12);
    expect(kde.bandwidths[1]).toBe(MIN_BANDWIDTH);
  });

  it('clips categorical bandwidths to (c - 1) / c and integrates to one', () => {
    const space: SearchSpaceSpec = { parameters: [{ kind: 'categorical', name: 'c', values: ['a', 'b', 'c', 'd'] }, { kind: 'continuous', name: 'x', min: 0, max: 1, scaling: 'Linear' }] };
    const kde = fitKde(space, [
      [0, 0.1],
      [3, 0.95],
    ]);
    expect(kde.bandwidths[0]).toBeLessThanOrEqual(0.75);
    let total = 0;
    const steps = 2000;
    for (let c = 0; c < 4; c++) {
      for (let i = 0; i < steps; i++) total += Math.exp(kdeLogDensity(kde, [c, (i + 0.5) / steps])) / steps;
    }
    expect(total).toBeCloseTo(1, 3);
  });

  it('samples inside the space, wider with a larger bandwidth factor', () => {
    const kde = fitKde(XY, [
      [0.5, 0.5],
      [0.52, 0.5],
      [0.48, 0.51],
    ]);
    const spread = (factor: number) => {
      const rng = rngFor(1, 2);
      let s = 0;
      for (let i = 0; i < 500; i++) {
        const p = sampleKde(kde, factor, rng);
        expect(p[0]).toBeGreaterThanOrEqual(0);
        expect(p[0]).toBeLessThanOrEqual(1);
        s += Math.abs(p[0]! - 0.5);
      }
      return s / 500;
    };
    expect(spread(3)).toBeGreaterThan(2 * spread(1));
  });

  it('maps configurations to points and back', () => {
    const c = { lr: 0.001, depth: 4, opt: 'sgd' };
    const p = toKdePoint(MIXED, c);
    expect(p[1]).toBeCloseTo(0.5833, 3);
    expect(p[2]).toBe(1);
    expect(fromKdePoint(MIXED, p)).toEqual({ lr: expect.closeTo(0.001, 12), depth: 4, opt: 'sgd' });
    expect(() => fitKde(MIXED, [])).toThrow(/at least one point/);
  });
});

describe('BOHB sampler', () => {
  const f = (c: Configuration) => ((c.x as number) - 0.3) ** 2 + ((c.y as number) - 0.7) ** 2;

  it('fits the largest level with N_min + 2 observations; good = max(N_min, floor(q n)), bad = max(N_min, n - good)', () => {
    // d = 2, N_min = 3: a level needs 5 observations.
    const low = Array.from({ length: 30 }, (_, i) => obs(i, sampleUniform(XY, rngFor(1, i)), i, 1));
    const high = Array.from({ length: 5 }, (_, i) => obs(i, low[i]!.config, 10 - i, 3));
    const pending = [{ x: 0.99, y: 0.01 }];
    const model = bohbModel(XY, ctxOf([...low, ...high], [...low.map((o) => o.config), ...pending]), { ...BOHB_DEFAULTS, minPoints: 3 })!;
    expect(model.level).toBe(3);
    expect(model.good).toHaveLength(3);
    expect(model.bad).toHaveLength(3);
    // Best first at level 3 is trial 4 (objective 6).
    expect(model.good[0]).toEqual(toKdePoint(XY, low[4]!.config));
    expect(model.pending).toEqual([[0.99, 0.01]]);
    const onlyLow = bohbModel(XY, ctxOf([...low, ...high.slice(1)]), { ...BOHB_DEFAULTS, minPoints: 3 })!;
    expect(onlyLow.level).toBe(1);
    expect(onlyLow.good).toHaveLength(4); // floor(0.15 * 30)
    expect(onlyLow.bad).toHaveLength(26);
    expect(bohbModel(XY, ctxOf(low.slice(0, 4)), { ...BOHB_DEFAULTS, minPoints: 3 })).toBeUndefined();
  });

  it('draws uniformly at random with probability rho, and before any level has enough observations', () => {
    const history = Array.from({ length: 20 }, (_, i) => obs(i, sampleUniform(XY, rngFor(3, i)), i));
    const allRandom = createBohbSampler({ randomFraction: 1 });
    const rng = rngFor(5, 5);
    const expected = (() => {
      const r = rngFor(5, 5);
      r.next();
      return sampleUniform(XY, r);
    })();
    expect(allRandom.suggest(XY, ctxOf(history), rng)).toEqual(expected);
    const noModel = createBohbSampler({ randomFraction: 0 });
    expect(noModel.suggest(XY, ctxOf(history.slice(0, 4)), rngFor(5, 6))).toEqual(createRandomSampler().suggest(XY, ctxOf([]), (() => {
      const r = rngFor(5, 6);
      r.next();
      return r;
    })()));
  });

  it('proposes near the minimum given 40 random observations: far closer than random proposals', () => {
    const history = Array.from({ length: 40 }, (_, i) => {
      const c = sampleUniform(XY, rngFor(9, i));
      return obs(i, c, f(c));
    });
    const meanDistance = (sampler: ReturnType<typeof createBohbSampler>) => {
      let d = 0;
      for (let t = 0; t < 200; t++) d += Math.sqrt(f(sampler.suggest(XY, ctxOf(history, []), rngFor(5, t))!));
      return d / 200;
    };
    expect(meanDistance(createBohbSampler({ randomFraction: 0 }))).toBeLessThan(0.6 * meanDistance(createRandomSampler() as ReturnType<typeof createBohbSampler>)); // recorded: 0.26 vs 0.46
  });

  it('never proposes a pending configuration: candidates near one are penalized (local penalization)', () => {
    const history = Array.from({ length: 40 }, (_, i) => {
      const c = sampleUniform(XY, rngFor(9, i));
      return obs(i, c, f(c));
    });
    const sampler = createBohbSampler({ randomFraction: 0 });
    // Four free slots filled in one tick: each proposal is pending for the next.
    const proposals = (penalize: boolean) => {
      const proposed: Configuration[] = history.map((h) => h.config);
      const out: Configuration[] = [];
      for (let t = 0; t < 4; t++) {
        const c = sampler.suggest(XY, ctxOf(history, penalize ? proposed : history.map((h) => h.config)), rngFor(11, 0))!;
        proposed.push(c);
        out.push(c);
      }
      return out;
    };
    // With the same rng and no pending configurations the four proposals are identical...
    expect(new Set(proposals(false).map((c) => JSON.stringify(c))).size).toBe(1);
    // ...with them, they are four different points, apart at the scale of the good density.
    const spread = proposals(true);
    expect(new Set(spread.map((c) => JSON.stringify(c))).size).toBe(4);
    for (let i = 1; i < 4; i++) expect(Math.hypot((spread[i]!.x as number) - (spread[0]!.x as number), (spread[i]!.y as number) - (spread[0]!.y as number))).toBeGreaterThan(0.01);
    expect(pendingPenalty(fitKde(XY, [[0.5, 0.5], [0.6, 0.4]]), [0.5, 0.5], [[0.5, 0.5]])).toBe(-Infinity);
  });

  it('bounds the observations it reads: the best half and the most recent half', () => {
    const sorted = Array.from({ length: 10 }, (_, i) => ({ ...obs(i, { x: 0, y: 0 }, i), objective: i }));
    expect(boundObservations(sorted, 4).map((o) => o.trialId)).toEqual([0, 1, 8, 9]);
    expect(boundObservations(sorted, 20)).toHaveLength(10);
  });

  it('refuses options out of range', () => {
    expect(() => createBohbSampler({ randomFraction: 1.5 })).toThrow(/randomFraction/);
    expect(() => createBohbSampler({ goodFraction: 1 })).toThrow(/goodFraction/);
    expect(() => createBohbSampler({ candidates: 0 })).toThrow(/candidates/);
    expect(() => createBohbSampler({ bandwidthFactor: -1 })).toThrow(/bandwidthFactor/);
    expect(() => createBohbSampler({ minPoints: 1.5 })).toThrow(/minPoints/);
  });
});
