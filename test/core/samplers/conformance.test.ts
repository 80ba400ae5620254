// One conformance suite for every sampler (STYLE.md section 6, after syne-tune's
// test_schedulers_api.py): suggestions stay in the space, survive a JSON round trip, are
// deterministic for the same seeds, and never mutate their inputs.
import fc from 'fast-check';
import type { Configuration, Observation, SamplerName, SearchSpaceSpec } from '../../../core/ports';
import { rngFor } from '../../../core/rng';
import { createSampler, SAMPLER_NAMES } from '../../../core/samplers';
import { contains, renderConfiguration } from '../../../core/space';
import { categoricalParameter, deepFreeze, fixFastCheckSeed, space as arbSpace } from '../space/arbitraries';

fixFastCheckSeed();

const MIXED: SearchSpaceSpec = deepFreeze({
  parameters: [
    { kind: 'continuous', name: 'lr', min: 1e-5, max: 1e-1, scaling: 'Auto' },
    { kind: 'continuous', name: 'momentum', min: 0.5, max: 0.999, scaling: 'ReverseLogarithmic' },
    { kind: 'integer', name: 'batch', min: 16, max: 1024, scaling: 'Logarithmic' },
    { kind: 'integer', name: 'layers', min: 1, max: 8, scaling: 'Linear' },
    { kind: 'categorical', name: 'optimizer', values: ['adam', 'sgd', 'rmsprop'] },
  ],
});
const CATEGORICAL: SearchSpaceSpec = deepFreeze({
  parameters: [
    { kind: 'categorical', name: 'optimizer', values: ['adam', 'sgd', 'rmsprop'] },
    { kind: 'categorical', name: 'act', values: ['relu', 'gelu'] },
    { kind: 'categorical', name: 'norm', values: ['batch', 'layer'] },
  ],
});

const objective = (c: Configuration): number => Object.values(c).reduce<number>((s, v) => s + (typeof v === 'number' ? Math.log1p(Math.abs(v)) : v.length), 0);

/** Runs `n` trials with rngFor(seed, t), two resource levels per trial; returns every suggestion. */
function run(name: SamplerName, space: SearchSpaceSpec, seed: number, n: number): (Configuration | null)[] {
  const sampler = createSampler(name, { seed });
  const proposed: Configuration[] = [];
  const history: Observation[] = [];
  const out: (Configuration | null)[] = [];
  for (let t = 0; t < n; t += 1) {
    const ctx = deepFreeze({ trialId: t, proposed: [...proposed], history: [...history], objectiveType: 'Maximize' as const });
    const config = sampler.suggest(space, ctx, rngFor(seed, t));
    out.push(config);
    if (config === null) continue;
    proposed.push(config);
    history.push({ trialId: t, config, objective: t % 7 === 3 ? null : objective(config) / 2, resource: 1 });
    if (t % 2 === 0) history.push({ trialId: t, config, objective: objective(config), resource: 3 });
  }
  return out;
}

describe.each(SAMPLER_NAMES.map((name) => [name, name === 'Grid' ? CATEGORICAL : MIXED] as const))('%s sampler', (name, space) => {
  const trials = 30;
  const results = run(name, space, 42, trials);

  it('reports its name', () => {
    expect(createSampler(name).name).toBe(name);
  });

  it('suggests configurations inside the space that render for SageMaker', () => {
    for (const c of results) {
      if (c === null) continue;
      expect(contains(space, c)).toBe(true);
      expect(Object.values(renderConfiguration(space, c)).every((v) => typeof v === 'string')).toBe(true);
    }
    expect(results.filter((c) => c !== null).length).toBe(name === 'Grid' ? 12 : trials);
  });

  it('suggests plain JSON that survives a round trip', () => {
    expect(JSON.parse(JSON.stringify(results))).toEqual(results);
  });

  it('is deterministic: the same seed gives the same trials', () => {
    expect(run(name, space, 42, trials)).toEqual(results);
  });

  it('depends on the seed (except Grid, which is not random)', () => {
    const other = run(name, space, 43, trials);
    if (name === 'Grid') expect(other).toEqual(results);
    else expect(other).not.toEqual(results);
  });
});

describe('every sampler on arbitrary spaces', () => {
  it('property: suggestions lie in any valid space of 1-30 parameters', () => {
    fc.assert(
      fc.property(arbSpace(), fc.integer({ min: 0, max: 1000 }), (space, seed) => {
        deepFreeze(space);
        for (const name of ['Random', 'Sobol', 'TPE'] as const) {
          const configs = run(name, space, seed, name === 'TPE' ? 12 : 3);
          for (const c of configs) expect(contains(space, c!)).toBe(true);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('property: Grid proposes every point of a categorical space exactly once, then null', () => {
    const categoricalSpace = fc
      .integer({ min: 1, max: 4 })
      .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => categoricalParameter(`c${i}`))))
      .map((parameters) => ({ parameters: parameters.map((p) => ({ ...p, values: p.values.slice(0, 3) })) }));
    fc.assert(
      fc.property(categoricalSpace, (space) => {
        const size = space.parameters.reduce((n, p) => n * p.values.length, 1);
        const configs = run('Grid', space, 0, size + 2);
        const keys = configs.slice(0, size).map((c) => JSON.stringify(c));
        expect(new Set(keys).size).toBe(size);
        expect(configs.slice(size)).toEqual([null, null]);
      }),
      { numRuns: 50 },
    );
  });
});

describe('createSampler', () => {
  it('rejects unknown names', () => {
    expect(() => createSampler('Bayesian' as SamplerName)).toThrow('unknown sampler "Bayesian"; expected one of Random, Grid, Sobol, TPE');
  });

  it('passes TPE options through', () => {
    expect(() => createSampler('TPE', { tpe: { nStartup: -1 } })).toThrow(/nStartup/);
  });
});
