import fc from 'fast-check';
import type { Configuration, SearchSpaceSpec } from '../../../core/ports';
import {
  assertValidSpace,
  configurationIssues,
  configurationKey,
  contains,
  decode,
  describeSpace,
  encode,
  SearchSpaceError,
  spaceIssues,
} from '../../../core/space';
import { deepFreeze, fixFastCheckSeed, spaceAndUnitPoint } from './arbitraries';

fixFastCheckSeed();

const SPACE: SearchSpaceSpec = deepFreeze({
  parameters: [
    { kind: 'continuous', name: 'lr', min: 1e-4, max: 1e-1, scaling: 'Auto' },
    { kind: 'integer', name: 'depth', min: 1, max: 10, scaling: 'Linear' },
    { kind: 'categorical', name: 'optimizer', values: ['adam', 'sgd', 'rmsprop', 'adagrad'] },
  ],
});

describe('encode / decode', () => {
  it('encodes concrete values to known unit coordinates', () => {
    const u = encode(SPACE, { lr: 1e-2, depth: 1, optimizer: 'rmsprop' });
    expect(u[0]).toBeCloseTo(2 / 3, 12); // log scale: 1e-2 is two thirds of the way from 1e-4 to 1e-1
    expect(u[1]).toBeCloseTo(0.05, 12); // depth 1 is the centre of [0.5, 1.5) within [0.5, 10.5]
    expect(u[2]).toBe(0.625); // category 2 of 4 encodes to its cell centre
  });

  it('decodes concrete unit points', () => {
    expect(decode(SPACE, [0, 0, 0])).toEqual({ lr: 1e-4, depth: 1, optimizer: 'adam' });
    expect(decode(SPACE, [1, 1, 1])).toEqual({ lr: 0.1, depth: 10, optimizer: 'adagrad' });
    expect(decode(SPACE, [0.5, 0.5, 0.49])).toEqual({ lr: expect.closeTo(10 ** -2.5, 12), depth: 6, optimizer: 'sgd' });
  });

  it('property: decode gives a configuration inside the space for every unit point', () => {
    fc.assert(
      fc.property(spaceAndUnitPoint(), ({ space, u }) => {
        const config = decode(space, u);
        expect(configurationIssues(space, config)).toEqual([]);
        expect(contains(space, config)).toBe(true);
        for (const p of space.parameters) {
          const v = config[p.name];
          if (p.kind === 'integer') expect(Number.isInteger(v)).toBe(true);
          if (p.kind === 'categorical') expect(p.values).toContain(v);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('property: decode(encode(c)) gives back c (exactly for integers and categories)', () => {
    fc.assert(
      fc.property(spaceAndUnitPoint(), ({ space, u }) => {
        const config = decode(space, u);
        const back = decode(space, encode(space, config));
        for (const p of space.parameters) {
          const a = config[p.name] as number | string;
          const b = back[p.name] as number | string;
          if (p.kind === 'continuous') {
            expect(Math.abs((b as number) - (a as number))).toBeLessThanOrEqual(1e-9 * (Math.abs(a as number) + (p.max - p.min)));
          } else {
            expect(b).toBe(a);
          }
        }
        const v = encode(space, config);
        expect(v.every((x) => x >= 0 && x <= 1)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('does not mutate its inputs', () => {
    const u = deepFreeze([0.1, 0.2, 0.3]);
    const config = deepFreeze(decode(SPACE, u));
    expect(() => encode(SPACE, config)).not.toThrow();
  });

  it('rejects a wrong-length point or a coordinate outside [0, 1]', () => {
    expect(() => decode(SPACE, [0.5])).toThrow('unit point has 1 coordinates; the search space has 3 parameters');
    expect(() => decode(SPACE, [0.5, 0.5, 1.2])).toThrow('parameter "optimizer": unit value 1.2 is outside [0, 1]');
  });

  it('rejects configurations outside the space, listing every problem', () => {
    const bad = { lr: 1, depth: 2.5, extra: 'x' } as Configuration;
    let error: unknown;
    try {
      encode(SPACE, bad);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SearchSpaceError);
    expect((error as SearchSpaceError).name).toBe('SearchSpaceError');
    expect((error as SearchSpaceError).issues).toEqual([
      'parameter "lr": value 1 is outside [0.0001, 0.1]',
      'parameter "depth": value 2.5 is not an integer',
      'parameter "optimizer": missing from the configuration',
      'parameter "extra" is not in the search space; known: "lr", "depth", "optimizer"',
    ]);
  });
});

describe('contains', () => {
  it('accepts legal configurations and rejects illegal ones', () => {
    expect(contains(SPACE, { lr: 0.01, depth: 3, optimizer: 'sgd' })).toBe(true);
    expect(contains(SPACE, { lr: 0.01, depth: 3, optimizer: 'SGD' })).toBe(false);
    expect(contains(SPACE, { lr: 0.01, depth: '3', optimizer: 'sgd' })).toBe(false);
    expect(contains(SPACE, { lr: Number.NaN, depth: 3, optimizer: 'sgd' })).toBe(false);
    expect(contains(SPACE, { lr: 0.01, depth: 11, optimizer: 'sgd' })).toBe(false);
    expect(contains(SPACE, { lr: 0.01, depth: 3 })).toBe(false);
    expect(contains(SPACE, { lr: 0.01, depth: 3, optimizer: 'sgd', other: 1 })).toBe(false);
  });

  it('is false for an invalid space instead of throwing', () => {
    const invalid: SearchSpaceSpec = { parameters: [{ kind: 'continuous', name: 'x', min: 0, max: 1, scaling: 'Logarithmic' }] };
    expect(contains(invalid, { x: 0.5 })).toBe(false);
  });
});

describe('space validation', () => {
  it('lists every problem of an invalid space', () => {
    const invalid: SearchSpaceSpec = {
      parameters: [
        { kind: 'continuous', name: 'a', min: 2, max: 1, scaling: 'Linear' },
        { kind: 'integer', name: 'b', min: 0.5, max: 3, scaling: 'Linear' },
        { kind: 'integer', name: 'c', min: 0, max: 3, scaling: 'Logarithmic' },
        { kind: 'categorical', name: 'd', values: [] },
        { kind: 'categorical', name: 'e', values: ['x', 'x'] },
        { kind: 'continuous', name: 'a', min: 0, max: 1, scaling: 'Sideways' as never },
        { kind: 'continuous', name: '', min: 0, max: Infinity, scaling: 'Linear' },
        { kind: 'continuous', name: 'huge', min: -1e308, max: 1e308, scaling: 'Linear' },
      ],
    };
    expect(spaceIssues(invalid)).toEqual([
      'parameter "a": min must be <= max; got min 2, max 1',
      'parameter "b": min and max must be safe integers; got min 0.5, max 3',
      'parameter "c": Logarithmic scaling needs min > 0; got min 0',
      'parameter "d": a categorical parameter needs at least one value; got none',
      'parameter "e": categorical value "x" is listed twice; values must be distinct',
      'parameter "a": scaling must be one of Auto, Linear, Logarithmic, ReverseLogarithmic; got "Sideways"',
      'parameter "a" is defined twice; names must be unique',
      'parameter names must be non-empty strings; got ""',
      'parameter "": min and max must be finite numbers; got min 0, max Infinity',
      'parameter "huge": max - min must be a finite number; got min -1e+308, max 1e+308',
    ]);
    expect(() => assertValidSpace(invalid)).toThrow(SearchSpaceError);
  });

  it('accepts the empty space', () => {
    expect(spaceIssues({ parameters: [] })).toEqual([]);
    expect(decode({ parameters: [] }, [])).toEqual({});
  });
});

describe('configurationKey', () => {
  it('is independent of key order and distinguishes values and types', () => {
    const a = configurationKey(SPACE, { lr: 0.01, depth: 3, optimizer: 'sgd' });
    expect(configurationKey(SPACE, { optimizer: 'sgd', depth: 3, lr: 0.01 })).toBe(a);
    expect(configurationKey(SPACE, { lr: 0.01, depth: 4, optimizer: 'sgd' })).not.toBe(a);
    expect(configurationKey(SPACE, { lr: 0.01, depth: '3', optimizer: 'sgd' })).not.toBe(a);
  });
});

describe('describeSpace', () => {
  it('shows kinds, ranges and resolved Auto scalings', () => {
    expect(describeSpace(SPACE)).toBe(
      'lr: continuous [0.0001, 0.1] Logarithmic (Auto); depth: integer [1, 10] Linear; optimizer: categorical {"adam", "sgd", "rmsprop", "adagrad"}',
    );
    expect(describeSpace({ parameters: [] })).toBe('(no parameters)');
    expect(describeSpace({ parameters: [{ kind: 'continuous', name: 'x', min: 0, max: 1, scaling: 'Logarithmic' }] })).toBe(
      'x: continuous [0, 1] Logarithmic (invalid)',
    );
  });
});
