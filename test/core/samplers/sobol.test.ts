import type { Configuration, SearchSpaceSpec, SuggestContext } from '../../../core/ports';
import { createRng, rngFor } from '../../../core/rng';
import { createRandomSampler, createSobolSampler, SOBOL_MAX_DIMENSIONS, sobolPoint } from '../../../core/samplers';

const unitSpace = (d: number): SearchSpaceSpec => ({
  parameters: Array.from({ length: d }, (_, i) => ({ kind: 'continuous' as const, name: `x${i}`, min: 0, max: 1, scaling: 'Linear' as const })),
});
const ctx = (trialId: number): SuggestContext => ({ trialId, proposed: [], history: [], objectiveType: 'Minimize' });
const coords = (c: Configuration, d: number): number[] => Array.from({ length: d }, (_, i) => c[`x${i}`] as number);

/** Number of cells of a k x k grid that hold at least one of the points. */
function occupiedCells(points: readonly (readonly number[])[], k: number): number {
  return new Set(points.map(([a, b]) => Math.floor(a! * k) * k + Math.floor(b! * k))).size;
}

describe('sobolPoint', () => {
  it('gives the known first points of the unscrambled 2-D sequence', () => {
    expect(Array.from({ length: 8 }, (_, n) => sobolPoint(n, 2))).toEqual([
      [0, 0],
      [0.5, 0.5],
      [0.75, 0.25],
      [0.25, 0.75],
      [0.375, 0.375],
      [0.875, 0.875],
      [0.625, 0.125],
      [0.125, 0.625],
    ]);
  });

  it('gives the known third coordinate (x^2 + x + 1, m = 1, 3)', () => {
    expect(Array.from({ length: 8 }, (_, n) => sobolPoint(n, 3)[2])).toEqual([0, 0.5, 0.25, 0.75, 0.625, 0.125, 0.875, 0.375]);
  });

  it('stratifies every one of the 30 dimensions: points 0..1023 fill all 1024 cells', () => {
    const points = Array.from({ length: 1024 }, (_, n) => sobolPoint(n, SOBOL_MAX_DIMENSIONS));
    for (let d = 0; d < SOBOL_MAX_DIMENSIONS; d += 1) {
      expect(new Set(points.map((p) => Math.floor(p[d]! * 1024))).size).toBe(1024);
    }
  });

  it('keeps the stratification under a digital shift', () => {
    const rng = createRng(5);
    const shift = Array.from({ length: SOBOL_MAX_DIMENSIONS }, () => rng.uint32());
    const points = Array.from({ length: 256 }, (_, n) => sobolPoint(n, SOBOL_MAX_DIMENSIONS, shift));
    for (let d = 0; d < SOBOL_MAX_DIMENSIONS; d += 1) {
      expect(new Set(points.map((p) => Math.floor(p[d]! * 256))).size).toBe(256);
    }
    expect(occupiedCells(points, 16)).toBe(256); // dimensions 1-2 form a (0, 8, 2)-net
  });

  it('reads the index as unsigned 32 bits', () => {
    const p = sobolPoint(2 ** 32 - 1, 2);
    expect(p.every((v) => v >= 0 && v < 1)).toBe(true);
  });

  it('rejects bad indices, dimension counts and shifts', () => {
    expect(() => sobolPoint(-1, 2)).toThrow('sobol point index must be an integer in [0, 2^32); got -1');
    expect(() => sobolPoint(2 ** 32, 2)).toThrow(/sobol point index/);
    expect(() => sobolPoint(0, 31)).toThrow('sobol supports 0 to 30 dimensions; got 31');
    expect(() => sobolPoint(0, 2, [1])).toThrow('sobol shift needs 2 integers in [0, 2^32); got [1]');
  });
});

describe('createSobolSampler', () => {
  it('without a seed, trial n gets point n + 1 (skipping the corner)', () => {
    const s = createSobolSampler();
    const got = [0, 1, 2].map((t) => coords(s.suggest(unitSpace(2), ctx(t), createRng(t))!, 2));
    expect(got).toEqual([
      [0.5, 0.5],
      [0.75, 0.25],
      [0.25, 0.75],
    ]);
  });

  it('ignores the per-trial rng and the history', () => {
    const s = createSobolSampler({ seed: 3 });
    const a = s.suggest(unitSpace(3), ctx(7), createRng(1));
    const b = s.suggest(unitSpace(3), { ...ctx(7), history: [{ trialId: 0, config: { x0: 0, x1: 0, x2: 0 }, objective: 1, resource: 1 }] }, createRng(2));
    expect(b).toEqual(a);
  });

  it('with a seed, is the same for the same seed and different for another', () => {
    const a = createSobolSampler({ seed: 42 }).suggest(unitSpace(4), ctx(0), createRng(0));
    const b = createSobolSampler({ seed: 42 }).suggest(unitSpace(4), ctx(0), createRng(9));
    const c = createSobolSampler({ seed: 43 }).suggest(unitSpace(4), ctx(0), createRng(0));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('covers all 256 cells of a 16x16 grid with 256 trials, which random sampling does not', () => {
    const sobol = createSobolSampler({ seed: 42 });
    const random = createRandomSampler();
    const space = unitSpace(2);
    const sobolPoints = Array.from({ length: 256 }, (_, t) => coords(sobol.suggest(space, ctx(t), rngFor(42, t))!, 2));
    const randomPoints = Array.from({ length: 256 }, (_, t) => coords(random.suggest(space, ctx(t), rngFor(42, t))!, 2));
    expect(occupiedCells(sobolPoints, 16)).toBe(256);
    // Random: about 256 (1 - 1/e) ≈ 162 cells on average; 200 is far above for any seed.
    expect(occupiedCells(randomPoints, 16)).toBeLessThan(200);
  });

  it('decodes through the space (log scale, integers, categories)', () => {
    const space: SearchSpaceSpec = {
      parameters: [
        { kind: 'continuous', name: 'lr', min: 1e-4, max: 1, scaling: 'Logarithmic' },
        { kind: 'integer', name: 'n', min: 1, max: 4, scaling: 'Linear' },
        { kind: 'categorical', name: 'c', values: ['a', 'b'] },
      ],
    };
    // Plain point 1 is (0.5, 0.5, 0.5).
    expect(createSobolSampler().suggest(space, ctx(0), createRng(0))).toEqual({ lr: expect.closeTo(0.01, 12), n: 3, c: 'b' });
  });

  it('rejects spaces with more than 30 parameters and bad trial ids', () => {
    expect(() => createSobolSampler().suggest(unitSpace(31), ctx(0), createRng(0))).toThrow(
      'the sobol sampler supports at most 30 parameters; the space has 31',
    );
    expect(() => createSobolSampler().suggest(unitSpace(2), ctx(-1), createRng(0))).toThrow('trialId must be a non-negative integer; got -1');
  });
});
