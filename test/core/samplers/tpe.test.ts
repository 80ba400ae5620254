import type { Configuration, Observation, ObjectiveType, Sampler, SearchSpaceSpec } from '../../../core/ports';
import { createRng, rngFor } from '../../../core/rng';
import { createRandomSampler, createTpeSampler, defaultGamma, sampleUniform, selectObservations, splitObservations } from '../../../core/samplers';
import { deepFreeze } from '../space/arbitraries';

const X: SearchSpaceSpec = deepFreeze({ parameters: [{ kind: 'continuous', name: 'x', min: 0, max: 1, scaling: 'Linear' }] });

const obs = (trialId: number, x: number, objective: number | null, resource = 1): Observation => ({ trialId, config: { x }, objective, resource });

/** Runs `n` sequential trials of `sampler` on `f`, seeding trial t with rngFor(seed, t); returns the best objective. */
function optimize(sampler: Sampler, space: SearchSpaceSpec, f: (c: Configuration) => number, seed: number, n: number): number {
  const history: Observation[] = [];
  let best = Infinity;
  for (let t = 0; t < n; t += 1) {
    const config = sampler.suggest(space, { trialId: t, proposed: history.map((h) => h.config), history, objectiveType: 'Minimize' }, rngFor(seed, t));
    if (config === null) throw new Error('unexpected null');
    const y = f(config);
    best = Math.min(best, y);
    history.push({ trialId: t, config, objective: y, resource: 1 });
  }
  return best;
}

/** Mean suggested x over 30 suggestions (different rngs) from the same history. */
function meanSuggestion(history: readonly Observation[], objectiveType: ObjectiveType, sampler = createTpeSampler()): number {
  let sum = 0;
  for (let t = 0; t < 30; t += 1) {
    sum += sampler.suggest(X, { trialId: 100 + t, proposed: [], history, objectiveType }, rngFor(7, t))!.x as number;
  }
  return sum / 30;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('TPE behaviour', () => {
  const distance = (c: Configuration): number => Math.abs((c.x as number) - 0.3);

  it('gets much closer to the minimum of a 1-D quadratic than random search (seed 42, 40 trials)', () => {
    const tpe = optimize(createTpeSampler(), X, distance, 42, 40);
    const random = optimize(createRandomSampler(), X, distance, 42, 40);
    expect(tpe).toBeLessThan(1e-3); // recorded: 6.0e-4
    expect(random).toBeGreaterThan(2e-3); // recorded: 2.2e-3
  });

  it('beats random search on most of 20 seeds, with a far smaller median distance', () => {
    const tpe = Array.from({ length: 20 }, (_, s) => optimize(createTpeSampler(), X, distance, s + 1, 40));
    const random = Array.from({ length: 20 }, (_, s) => optimize(createRandomSampler(), X, distance, s + 1, 40));
    expect(tpe.filter((t, i) => t < random[i]!).length).toBeGreaterThanOrEqual(15); // recorded: 18
    expect(median(tpe)).toBeLessThan(median(random) / 5); // recorded: 5.0e-4 vs 7.3e-3
  });

  it('works on log-scaled, integer and categorical parameters together', () => {
    const space: SearchSpaceSpec = {
      parameters: [
        { kind: 'continuous', name: 'lr', min: 1e-6, max: 1, scaling: 'Logarithmic' },
        { kind: 'integer', name: 'depth', min: 1, max: 20, scaling: 'Linear' },
        { kind: 'categorical', name: 'opt', values: ['adam', 'sgd', 'rmsprop', 'adagrad'] },
      ],
    };
    const f = (c: Configuration): number => (Math.log10(c.lr as number) + 3) ** 2 + ((c.depth as number) - 7) ** 2 / 10 + (c.opt === 'sgd' ? 0 : 1);
    const tpe = Array.from({ length: 20 }, (_, s) => optimize(createTpeSampler(), space, f, s + 1, 60));
    const random = Array.from({ length: 20 }, (_, s) => optimize(createRandomSampler(), space, f, s + 1, 60));
    expect(median(tpe)).toBeLessThan(0.2); // recorded: 0.10
    expect(median(random)).toBeGreaterThan(0.5); // recorded: 0.91
  });

  it('moves towards low objectives when minimizing and high ones when maximizing', () => {
    const history = Array.from({ length: 30 }, (_, i) => obs(i, (i + 0.5) / 30, (i + 0.5) / 30));
    expect(meanSuggestion(history, 'Minimize')).toBeLessThan(0.25);
    expect(meanSuggestion(history, 'Maximize')).toBeGreaterThan(0.75);
  });

  it('learns from the largest resource level with at least nStartup observations (BOHB rule)', () => {
    // At resource 1 small x looks good; at resource 9 large x is good.
    const low = Array.from({ length: 20 }, (_, i) => obs(i, (i + 0.5) / 20, (i + 0.5) / 20, 1));
    const high = Array.from({ length: 10 }, (_, i) => obs(i, (i + 0.5) / 10, 1 - (i + 0.5) / 10, 9));
    expect(meanSuggestion([...low, ...high], 'Minimize')).toBeGreaterThan(0.7);
    // With only 9 observations at resource 9, the level does not qualify and resource 1 rules.
    expect(meanSuggestion([...low, ...high.slice(1)], 'Minimize')).toBeLessThan(0.3);
  });

  it('prefers the category of the good observations', () => {
    const space: SearchSpaceSpec = { parameters: [{ kind: 'categorical', name: 'c', values: ['a', 'b', 'c'] }] };
    const history: Observation[] = Array.from({ length: 30 }, (_, i) => {
      const c = ['a', 'b', 'c'][i % 3]!;
      return { trialId: i, config: { c }, objective: c === 'b' ? 0 : 1, resource: 1 };
    });
    const tpe = createTpeSampler();
    const picks = Array.from({ length: 30 }, (_, t) => tpe.suggest(space, { trialId: 30 + t, proposed: [], history, objectiveType: 'Minimize' }, rngFor(1, t))!.c);
    expect(picks.filter((c) => c === 'b').length).toBeGreaterThanOrEqual(27);
  });
});

describe('TPE mechanics', () => {
  it('samples exactly like random search before nStartup usable observations', () => {
    const history = Array.from({ length: 9 }, (_, i) => obs(i, i / 10, i));
    const tpe = createTpeSampler();
    for (let t = 0; t < 5; t += 1) {
      expect(tpe.suggest(X, { trialId: t, proposed: [], history, objectiveType: 'Minimize' }, createRng(t))).toEqual(sampleUniform(X, createRng(t)));
    }
  });

  it('ignores failed observations (null or non-finite objective) and configurations outside the space', () => {
    const history = Array.from({ length: 12 }, (_, i) => obs(i, (i + 0.5) / 12, Math.abs((i + 0.5) / 12 - 0.3)));
    const noisy = [
      ...history,
      obs(50, 0.9, null),
      obs(51, 0.95, Number.NaN),
      obs(52, 0.99, Number.POSITIVE_INFINITY),
      { trialId: 53, config: { x: 7 }, objective: -100, resource: 1 },
      { trialId: 54, config: { y: 0.5 }, objective: -100, resource: 1 },
    ];
    const tpe = createTpeSampler();
    const ctx = { trialId: 60, proposed: [], objectiveType: 'Minimize' as const };
    expect(tpe.suggest(X, { ...ctx, history: noisy }, createRng(3))).toEqual(tpe.suggest(X, { ...ctx, history }, createRng(3)));
    // ...and with only failures there is nothing to learn from: random fallback.
    const failures = Array.from({ length: 20 }, (_, i) => obs(i, 0.5, null));
    expect(tpe.suggest(X, { ...ctx, history: failures }, createRng(4))).toEqual(sampleUniform(X, createRng(4)));
  });

  it('is deterministic for a given rng and never mutates its inputs', () => {
    const space: SearchSpaceSpec = deepFreeze({
      parameters: [
        { kind: 'continuous', name: 'x', min: 0, max: 1, scaling: 'Linear' },
        { kind: 'categorical', name: 'c', values: ['a', 'b'] },
      ],
    });
    const history = deepFreeze(
      Array.from({ length: 15 }, (_, i): Observation => ({ trialId: 14 - i, config: { x: i / 15, c: i % 2 ? 'a' : 'b' }, objective: (i % 4) - 1, resource: 1 })),
    );
    const ctx = deepFreeze({ trialId: 20, proposed: history.map((h) => h.config), history, objectiveType: 'Maximize' as const });
    const a = createTpeSampler().suggest(space, ctx, createRng(11));
    const b = createTpeSampler().suggest(space, ctx, createRng(11));
    const c = createTpeSampler().suggest(space, ctx, createRng(12));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('validates its options', () => {
    expect(() => createTpeSampler({ nStartup: 0 })).toThrow('tpe option nStartup must be a positive integer; got 0');
    expect(() => createTpeSampler({ nCandidates: 2.5 })).toThrow('tpe option nCandidates must be a positive integer; got 2.5');
    expect(() => createTpeSampler({ priorWeight: 0 })).toThrow('tpe option priorWeight must be a positive finite number; got 0');
  });

  it('honours nStartup and gamma options', () => {
    const history = Array.from({ length: 3 }, (_, i) => obs(i, [0.1, 0.5, 0.9][i]!, i));
    const eager = createTpeSampler({ nStartup: 3, gamma: () => 1 });
    const suggestion = eager.suggest(X, { trialId: 3, proposed: [], history, objectiveType: 'Minimize' }, createRng(0));
    expect(suggestion).not.toEqual(sampleUniform(X, createRng(0)));
  });
});

describe('defaultGamma', () => {
  it.each([
    [1, 1],
    [10, 1],
    [11, 2],
    [100, 10],
    [249, 25],
    [1000, 25],
  ])('gamma(%i) = %i', (n, expected) => {
    expect(defaultGamma(n)).toBe(expected);
  });
});

describe('splitObservations', () => {
  const list = [obs(0, 0.1, 5), obs(1, 0.2, 1), obs(2, 0.3, 3), obs(3, 0.4, 1), obs(4, 0.5, 9)];

  it('puts the best ⌈γ(n)⌉ first, ties broken by trial number', () => {
    const { good, bad } = splitObservations(list, 'Minimize', () => 2);
    expect(good.map((o) => o.trialId)).toEqual([1, 3]);
    expect(bad.map((o) => o.trialId)).toEqual([2, 0, 4]);
    const max = splitObservations(list, 'Maximize', () => 1.2);
    expect(max.good.map((o) => o.trialId)).toEqual([4, 0]);
  });

  it('keeps at least one and at most n observations in the good set', () => {
    expect(splitObservations(list, 'Minimize', () => 0).good).toHaveLength(1);
    expect(splitObservations(list, 'Minimize', () => 99).bad).toHaveLength(0);
  });
});

describe('selectObservations', () => {
  it('picks the largest resource with at least nStartup usable observations', () => {
    const history = [obs(0, 0.1, 1, 1), obs(1, 0.2, 1, 1), obs(2, 0.3, 1, 1), obs(0, 0.1, 2, 3), obs(1, 0.2, 2, 3), obs(2, 0.3, null, 3), obs(3, 0.4, 1, 9)];
    expect(selectObservations(X, history, 2).map((o) => [o.trialId, o.resource])).toEqual([
      [0, 3],
      [1, 3],
    ]);
    expect(selectObservations(X, history, 3).map((o) => o.resource)).toEqual([1, 1, 1]);
    expect(selectObservations(X, history, 4)).toEqual([]);
  });
});
