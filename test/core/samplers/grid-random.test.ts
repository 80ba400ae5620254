import fc from 'fast-check';
import type { Configuration, SearchSpaceSpec, SuggestContext } from '../../../core/ports';
import { createRng, rngFor } from '../../../core/rng';
import { createGridSampler, createRandomSampler } from '../../../core/samplers';
import { contains } from '../../../core/space';
import { deepFreeze, fixFastCheckSeed, space as arbSpace } from '../space/arbitraries';

fixFastCheckSeed();

const SPACE_2X3: SearchSpaceSpec = deepFreeze({
  parameters: [
    { kind: 'categorical', name: 'opt', values: ['adam', 'sgd'] },
    { kind: 'categorical', name: 'act', values: ['relu', 'tanh', 'gelu'] },
  ],
});
const ctx = (trialId: number, proposed: readonly Configuration[]): SuggestContext => ({ trialId, proposed, history: [], objectiveType: 'Minimize' });

describe('createGridSampler', () => {
  it('proposes the 2x3 grid in order, then null', () => {
    const grid = createGridSampler();
    const proposed: Configuration[] = [];
    for (let t = 0; t < 6; t += 1) {
      const c = grid.suggest(SPACE_2X3, ctx(t, [...proposed]), createRng(t));
      expect(c).not.toBeNull();
      proposed.push(c!);
    }
    expect(proposed).toEqual([
      { opt: 'adam', act: 'relu' },
      { opt: 'adam', act: 'tanh' },
      { opt: 'adam', act: 'gelu' },
      { opt: 'sgd', act: 'relu' },
      { opt: 'sgd', act: 'tanh' },
      { opt: 'sgd', act: 'gelu' },
    ]);
    expect(new Set(proposed.map((c) => JSON.stringify(c))).size).toBe(6);
    expect(grid.suggest(SPACE_2X3, ctx(6, proposed), createRng(6))).toBeNull();
    expect(grid.suggest(SPACE_2X3, ctx(7, proposed), createRng(7))).toBeNull();
  });

  it('skips points proposed by value, whatever their key order or position', () => {
    const grid = createGridSampler();
    const proposed = deepFreeze([{ act: 'relu', opt: 'adam' }, { opt: 'sgd', act: 'relu' }, { opt: 'other', act: 'x' }]);
    expect(grid.suggest(SPACE_2X3, ctx(3, proposed), createRng(0))).toEqual({ opt: 'adam', act: 'tanh' });
  });

  it('uses no randomness: the rng does not matter', () => {
    const grid = createGridSampler();
    expect(grid.suggest(SPACE_2X3, ctx(0, []), createRng(1))).toEqual(grid.suggest(SPACE_2X3, ctx(0, []), createRng(2)));
  });

  it('rejects spaces with numeric parameters', () => {
    const mixed: SearchSpaceSpec = { parameters: [{ kind: 'continuous', name: 'lr', min: 0, max: 1, scaling: 'Linear' }] };
    expect(() => createGridSampler().suggest(mixed, ctx(0, []), createRng(0))).toThrow(
      'parameter "lr": grid search needs categorical parameters only; got a continuous parameter',
    );
  });
});

describe('createRandomSampler', () => {
  it('is reproducible per trial stream and independent of the order trials are proposed in', () => {
    const space: SearchSpaceSpec = {
      parameters: [
        { kind: 'continuous', name: 'lr', min: 1e-5, max: 1, scaling: 'Logarithmic' },
        { kind: 'integer', name: 'n', min: 1, max: 100, scaling: 'Linear' },
        { kind: 'categorical', name: 'c', values: ['a', 'b', 'c'] },
      ],
    };
    const random = createRandomSampler();
    const forward = [0, 1, 2, 3].map((t) => random.suggest(space, ctx(t, []), rngFor(42, t)));
    const backward = [3, 2, 1, 0].map((t) => random.suggest(space, ctx(t, []), rngFor(42, t))).reverse();
    expect(backward).toEqual(forward);
    expect(new Set(forward.map((c) => JSON.stringify(c))).size).toBe(4);
  });

  it('property: every suggestion lies in the space, for any valid space of 1-30 parameters', () => {
    fc.assert(
      fc.property(arbSpace(), fc.integer({ min: 0, max: 2 ** 31 }), (space, seed) => {
        deepFreeze(space);
        const c = createRandomSampler().suggest(space, ctx(0, []), createRng(seed));
        expect(contains(space, c!)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
