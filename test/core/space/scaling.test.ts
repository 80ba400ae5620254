import fc from 'fast-check';
import type { ContinuousParameter, IntegerParameter } from '../../../core/ports';
import { createRng } from '../../../core/rng';
import { AUTO_LOG_RATIO, fromUnit, resolveScaling, toUnit } from '../../../core/space';
import { continuousParameter, fixFastCheckSeed, integerParameter } from './arbitraries';

fixFastCheckSeed();

const cont = (min: number, max: number, scaling: ContinuousParameter['scaling']): ContinuousParameter => ({ kind: 'continuous', name: 'x', min, max, scaling });
const int = (min: number, max: number, scaling: IntegerParameter['scaling']): IntegerParameter => ({ kind: 'integer', name: 'n', min, max, scaling });

function draws(param: ContinuousParameter | IntegerParameter, n: number, seed: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => fromUnit(param, rng.next()));
}
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return (s[Math.floor((s.length - 1) / 2)]! + s[Math.ceil((s.length - 1) / 2)]!) / 2;
};
const fraction = (xs: number[], pred: (x: number) => boolean): number => xs.filter(pred).length / xs.length;

describe('resolveScaling (Auto rule)', () => {
  it.each([
    [cont(1e-4, 1e-1, 'Auto'), 'Logarithmic'],
    [cont(0.001, 0.1, 'Auto'), 'Logarithmic'], // exactly two decades
    [cont(0.0011, 0.1, 'Auto'), 'Linear'], // just under two decades
    [cont(0, 1, 'Auto'), 'Linear'], // min 0: log impossible
    [cont(-1, 1000, 'Auto'), 'Linear'],
    [int(1, 99, 'Auto'), 'Linear'],
    [int(1, 100, 'Auto'), 'Logarithmic'],
    [cont(0.9, 0.999, 'Auto'), 'Linear'], // Auto never picks ReverseLogarithmic
    [cont(0.9, 0.999, 'ReverseLogarithmic'), 'ReverseLogarithmic'],
    [int(1, 1_000_000, 'Linear'), 'Linear'],
  ] as const)('case %# resolves to %s', (param, expected) => {
    expect(resolveScaling(param)).toBe(expected);
  });

  it('uses a ratio of 100', () => {
    expect(AUTO_LOG_RATIO).toBe(100);
  });

  it('rejects scalings that do not fit the range, naming the parameter and value', () => {
    expect(() => resolveScaling(cont(0, 1, 'Logarithmic'))).toThrow('parameter "x": Logarithmic scaling needs min > 0; got min 0');
    expect(() => resolveScaling(cont(0.5, 1, 'ReverseLogarithmic'))).toThrow('parameter "x": ReverseLogarithmic scaling needs 0 <= min and max < 1; got min 0.5, max 1');
    expect(() => resolveScaling(int(0, 1, 'ReverseLogarithmic'))).toThrow(/ReverseLogarithmic scaling is for continuous parameters only/);
  });
});

describe('fromUnit / toUnit', () => {
  it('maps the ends of the unit interval to the ends of the range', () => {
    expect(fromUnit(cont(2, 6, 'Linear'), 0)).toBe(2);
    expect(fromUnit(cont(2, 6, 'Linear'), 0.25)).toBe(3);
    expect(fromUnit(cont(2, 6, 'Linear'), 1)).toBe(6);
    expect(fromUnit(cont(1e-4, 1, 'Logarithmic'), 0.5)).toBeCloseTo(1e-2, 12);
    expect(fromUnit(cont(0, 0.999, 'ReverseLogarithmic'), 0)).toBe(0);
    expect(fromUnit(cont(0, 0.999, 'ReverseLogarithmic'), 1)).toBeCloseTo(0.999, 12);
    // 1 - x is log-uniform on [0.001, 1]: halfway is 1 - sqrt(0.001).
    expect(fromUnit(cont(0, 0.999, 'ReverseLogarithmic'), 0.5)).toBeCloseTo(1 - Math.sqrt(0.001), 12);
    expect(toUnit(cont(0, 0.999, 'ReverseLogarithmic'), 1 - Math.sqrt(0.001))).toBeCloseTo(0.5, 12);
  });

  it('maps integers by rounding on [min - 0.5, max + 0.5]', () => {
    const p = int(1, 3, 'Linear');
    expect([0, 0.33, 0.34, 0.66, 0.67, 1].map((u) => fromUnit(p, u))).toEqual([1, 1, 2, 2, 3, 3]);
    expect(toUnit(p, 2)).toBe(0.5);
  });

  it('treats a one-point range as a constant', () => {
    expect(fromUnit(cont(3, 3, 'Linear'), 0.7)).toBe(3);
    expect(toUnit(cont(3, 3, 'Logarithmic'), 3)).toBe(0.5);
    expect(fromUnit(int(4, 4, 'Logarithmic'), 0.2)).toBe(4);
  });

  it('rejects values outside the range and unit values outside [0, 1]', () => {
    expect(() => toUnit(cont(0, 1, 'Linear'), 2)).toThrow('parameter "x": value 2 is outside [0, 1]');
    expect(() => fromUnit(cont(0, 1, 'Linear'), 1.5)).toThrow('parameter "x": unit value 1.5 is outside [0, 1]');
    expect(() => fromUnit(cont(0, 1, 'Linear'), Number.NaN)).toThrow('parameter "x": unit value NaN is outside [0, 1]');
  });

  it('property: every unit value maps inside [min, max], integers to integers', () => {
    fc.assert(
      fc.property(fc.oneof(continuousParameter('x'), integerParameter('n')), fc.double({ min: 0, max: 1, noNaN: true }), (param, u) => {
        const x = fromUnit(param, u);
        expect(x).toBeGreaterThanOrEqual(param.min);
        expect(x).toBeLessThanOrEqual(param.max);
        if (param.kind === 'integer') expect(Number.isInteger(x)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: the map is monotone (u <= v implies x(u) <= x(v))', () => {
    fc.assert(
      fc.property(
        fc.oneof(continuousParameter('x'), integerParameter('n')),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (param, a, b) => {
          const [u, v] = a <= b ? [a, b] : [b, a];
          expect(fromUnit(param, u)).toBeLessThanOrEqual(fromUnit(param, v));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('property: every integer in [min, max] is reachable and toUnit inverts fromUnit', () => {
    fc.assert(
      fc.property(integerParameter('n', 60), (param) => {
        let previous = -Infinity;
        for (let n = param.min; n <= param.max; n += 1) {
          const u = toUnit(param, n);
          expect(u).toBeGreaterThan(previous); // each integer has a cell of positive width
          expect(fromUnit(param, u)).toBe(n);
          previous = u;
        }
      }),
      { numRuns: 500 },
    );
  });

  it('property: continuous round trip fromUnit(toUnit(x)) is x up to rounding', () => {
    fc.assert(
      fc.property(continuousParameter('x'), fc.double({ min: 0, max: 1, noNaN: true }), (param, u) => {
        const x = fromUnit(param, u);
        const back = fromUnit(param, toUnit(param, x));
        expect(Math.abs(back - x)).toBeLessThanOrEqual(1e-9 * (Math.abs(x) + (param.max - param.min)));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('distribution shape (fixed seeds, 20,000 draws)', () => {
  it('Linear: median at the midpoint, a quarter below the first quartile', () => {
    const xs = draws(cont(-2, 6, 'Linear'), 20_000, 1);
    expect(median(xs)).toBeCloseTo(2, 1);
    expect(fraction(xs, (x) => x < 0)).toBeCloseTo(0.25, 1);
  });

  it('Logarithmic: median at the geometric mean, one quarter per decade', () => {
    const xs = draws(cont(1e-4, 1, 'Logarithmic'), 20_000, 2);
    expect(Math.log10(median(xs))).toBeGreaterThan(-2.05);
    expect(Math.log10(median(xs))).toBeLessThan(-1.95);
    for (const [lo, hi] of [[1e-4, 1e-3], [1e-3, 1e-2], [1e-2, 1e-1], [1e-1, 1]] as const) {
      expect(Math.abs(fraction(xs, (x) => x >= lo && x < hi) - 0.25)).toBeLessThan(0.02);
    }
  });

  it('Auto on four decades behaves like Logarithmic', () => {
    const xs = draws(cont(1e-4, 1, 'Auto'), 20_000, 2);
    expect(Math.log10(median(xs))).toBeCloseTo(-2, 1);
  });

  it('ReverseLogarithmic: values crowd towards 1, 1 - x log-uniform', () => {
    const xs = draws(cont(0, 0.999, 'ReverseLogarithmic'), 20_000, 3);
    // 1 - x is log-uniform on [0.001, 1]: its median is sqrt(0.001), a third of the mass per decade.
    expect(Math.log10(1 - median(xs))).toBeGreaterThan(-1.55);
    expect(Math.log10(1 - median(xs))).toBeLessThan(-1.45);
    expect(Math.abs(fraction(xs, (x) => x >= 0.99) - 1 / 3)).toBeLessThan(0.02);
    expect(Math.abs(fraction(xs, (x) => x < 0.9) - 1 / 3)).toBeLessThan(0.02);
  });

  it('Linear integers: every value equally likely', () => {
    const xs = draws(int(1, 6, 'Linear'), 60_000, 4);
    for (let v = 1; v <= 6; v += 1) expect(Math.abs(fraction(xs, (x) => x === v) - 1 / 6)).toBeLessThan(0.01);
  });

  it('Logarithmic integers: P(x <= 10) on [1, 1000] matches the rounded log-uniform law', () => {
    const xs = draws(int(1, 1000, 'Logarithmic'), 20_000, 5);
    const expected = (Math.log(10.5) - Math.log(0.5)) / (Math.log(1000.5) - Math.log(0.5)); // ≈ 0.40
    expect(Math.abs(fraction(xs, (x) => x <= 10) - expected)).toBeLessThan(0.02);
    expect(xs).toContain(1);
    expect(xs).toContain(1000);
  });
});
