import type { SearchSpaceSpec } from '../../../core/ports';
import { GRID_POINTS_LIMIT, gridPoint, gridPoints, gridSize, iterateGrid } from '../../../core/space';

const SPACE_2X3: SearchSpaceSpec = {
  parameters: [
    { kind: 'categorical', name: 'opt', values: ['adam', 'sgd'] },
    { kind: 'categorical', name: 'act', values: ['relu', 'tanh', 'gelu'] },
  ],
};

describe('grid enumeration', () => {
  it('lists a 2x3 grid in lexicographic order, last parameter fastest', () => {
    expect(gridSize(SPACE_2X3)).toBe(6);
    expect(gridPoints(SPACE_2X3)).toEqual([
      { opt: 'adam', act: 'relu' },
      { opt: 'adam', act: 'tanh' },
      { opt: 'adam', act: 'gelu' },
      { opt: 'sgd', act: 'relu' },
      { opt: 'sgd', act: 'tanh' },
      { opt: 'sgd', act: 'gelu' },
    ]);
  });

  it('decodes point k as a mixed-radix number', () => {
    const space: SearchSpaceSpec = {
      parameters: [
        { kind: 'categorical', name: 'a', values: ['a0', 'a1', 'a2'] },
        { kind: 'categorical', name: 'b', values: ['b0', 'b1'] },
        { kind: 'categorical', name: 'c', values: ['c0', 'c1', 'c2', 'c3', 'c4'] },
      ],
    };
    // 23 = 2*(2*5) + 0*5 + 3
    expect(gridPoint(space, 23)).toEqual({ a: 'a2', b: 'b0', c: 'c3' });
    const keys = gridPoints(space).map((p) => JSON.stringify(p));
    expect(keys).toHaveLength(30);
    expect(new Set(keys).size).toBe(30);
  });

  it('has one point, {}, for the empty space', () => {
    expect(gridSize({ parameters: [] })).toBe(1);
    expect(gridPoints({ parameters: [] })).toEqual([{}]);
  });

  it('decodes indices of grids too large to list', () => {
    const huge: SearchSpaceSpec = {
      parameters: Array.from({ length: 30 }, (_, i) => ({ kind: 'categorical' as const, name: `p${i}`, values: Array.from({ length: 30 }, (_, j) => `v${j}`) })),
    };
    expect(gridSize(huge)).toBeCloseTo(30 ** 30, -30);
    const last = gridPoint(huge, Number.MAX_SAFE_INTEGER);
    expect(Object.keys(last)).toHaveLength(30);
    expect(gridPoint(huge, 29)).toEqual({ ...Object.fromEntries(Array.from({ length: 29 }, (_, i) => [`p${i}`, 'v0'])), p29: 'v29' });
    expect(() => gridPoints(huge)).toThrow(`gridPoints lists at most ${GRID_POINTS_LIMIT}`);
  });

  it('rejects non-categorical parameters and out-of-range indices', () => {
    const mixed: SearchSpaceSpec = {
      parameters: [...SPACE_2X3.parameters, { kind: 'integer', name: 'depth', min: 1, max: 3, scaling: 'Linear' }],
    };
    expect(() => gridSize(mixed)).toThrow('parameter "depth": grid search needs categorical parameters only; got an integer parameter');
    expect(() => gridPoint(SPACE_2X3, 6)).toThrow('grid point index 6 is not an integer in [0, 6)');
    expect(() => gridPoint(SPACE_2X3, -1)).toThrow('grid point index -1 is not an integer in [0, 6)');
    expect(() => gridPoint(SPACE_2X3, 1.5)).toThrow('grid point index 1.5 is not an integer in [0, 6)');
  });
});

describe('iterateGrid', () => {
  it('yields the same points as gridPoints, from any start', () => {
    expect([...iterateGrid(SPACE_2X3)]).toEqual(gridPoints(SPACE_2X3));
    expect([...iterateGrid(SPACE_2X3, 4)]).toEqual(gridPoints(SPACE_2X3).slice(4));
    expect([...iterateGrid(SPACE_2X3, 6)]).toEqual([]);
    expect(() => iterateGrid(SPACE_2X3, -1).next()).toThrow('grid start index -1 is not a non-negative integer');
  });
});
