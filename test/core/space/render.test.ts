import fc from 'fast-check';
import type { ContinuousParameter, IntegerParameter, CategoricalParameter, SearchSpaceSpec } from '../../../core/ports';
import { decode, parseConfiguration, parseValue, renderConfiguration, renderValue } from '../../../core/space';
import { fixFastCheckSeed, spaceAndUnitPoint } from './arbitraries';

fixFastCheckSeed();

// The subset of Python's float() literal grammar that renderValue may produce; Python's
// int() accepts PY_INT. (Python float() also accepts more, e.g. "inf", "1_000", which we never write.)
const PY_FLOAT = /^-?(?:\d+(?:\.\d+)?)(?:e[+-]\d+)?$/;
const PY_INT = /^-?\d+$/;

const lr: ContinuousParameter = { kind: 'continuous', name: 'lr', min: 1e-9, max: 1e30, scaling: 'Logarithmic' };
const x: ContinuousParameter = { kind: 'continuous', name: 'x', min: -1, max: 1, scaling: 'Linear' };
const depth: IntegerParameter = { kind: 'integer', name: 'depth', min: -5, max: 100, scaling: 'Linear' };
const opt: CategoricalParameter = { kind: 'categorical', name: 'opt', values: ['adam', 'sgd', ' spaced ', ''] };

describe('renderValue', () => {
  it.each([
    [lr, 0.0001, '0.0001'],
    [lr, 0.001, '0.001'],
    [lr, 1e-7, '1e-7'],
    [lr, 1.5e21, '1.5e+21'],
    [lr, 3, '3'],
    [lr, 0.1 + 0.2, '0.30000000000000004'],
    [x, -0, '0'],
    [x, -0.25, '-0.25'],
    [depth, 12, '12'],
    [depth, -3, '-3'],
    [opt, ' spaced ', ' spaced '],
    [opt, '', ''],
  ] as const)('renders %s = %p as %p', (param, value, text) => {
    expect(renderValue(param, value)).toBe(text);
  });

  it('rejects values outside the parameter, naming it', () => {
    expect(() => renderValue(depth, 2.5)).toThrow('parameter "depth": value 2.5 is not an integer');
    expect(() => renderValue(x, 2)).toThrow('parameter "x": value 2 is outside [-1, 1]');
    expect(() => renderValue(x, Number.POSITIVE_INFINITY)).toThrow('parameter "x": value Infinity is not a finite number');
    expect(() => renderValue(opt, 'nadam')).toThrow('parameter "opt": value "nadam" is not one of "adam", "sgd", " spaced ", ""');
  });
});

describe('parseValue', () => {
  it('parses what renderValue writes and other plain notations', () => {
    expect(parseValue(lr, '1e-7')).toBe(1e-7);
    expect(parseValue(lr, '1E-7')).toBe(1e-7);
    expect(parseValue(lr, '.5')).toBe(0.5);
    expect(parseValue(lr, '5.')).toBe(5);
    expect(parseValue(depth, '+007')).toBe(7);
    expect(parseValue(opt, '')).toBe('');
  });

  it.each([
    [depth, '', /is not an integer/],
    [depth, '1.0', /"1.0" is not an integer/],
    [depth, '1e3', /is not an integer/],
    [depth, ' 1', /is not an integer/],
    [depth, '101', 'parameter "depth": value 101 is outside [-5, 100]'],
    [x, '0x10', /"0x10" is not a decimal number/],
    [x, 'NaN', /is not a decimal number/],
    [x, 'Infinity', /is not a decimal number/],
    [x, '', /is not a decimal number/],
    [x, '1e400', /value Infinity is not a finite number/],
    [opt, 'ADAM', /is not one of/],
  ] as const)('rejects %s = %p', (param, text, message) => {
    expect(() => parseValue(param, text)).toThrow(message);
  });
});

describe('renderConfiguration / parseConfiguration', () => {
  const space: SearchSpaceSpec = { parameters: [lr, depth, opt] };

  it('renders every parameter as a string and ignores extra hyperparameters when parsing', () => {
    const hp = renderConfiguration(space, { lr: 0.003, depth: 7, opt: 'sgd' });
    expect(hp).toEqual({ lr: '0.003', depth: '7', opt: 'sgd' });
    expect(parseConfiguration(space, { ...hp, epochs: '10', objective: 'reg:squarederror' })).toEqual({ lr: 0.003, depth: 7, opt: 'sgd' });
  });

  it('lists every problem when parsing fails', () => {
    expect(() => parseConfiguration(space, { lr: 'fast', opt: 'sgd' })).toThrow(
      'parameter "lr": "fast" is not a decimal number; expected e.g. "0.001" or "1e-7"; parameter "depth": missing from the hyperparameters',
    );
  });

  it('property: parse(render(c)) is exactly c, and the strings are Python-parseable', () => {
    fc.assert(
      fc.property(spaceAndUnitPoint(), ({ space: s, u }) => {
        const config = decode(s, u);
        const hp = renderConfiguration(s, config);
        expect(parseConfiguration(s, hp)).toEqual(config);
        for (const p of s.parameters) {
          const text = hp[p.name] as string;
          if (p.kind === 'integer') expect(text).toMatch(PY_INT);
          if (p.kind === 'continuous') {
            expect(text).toMatch(PY_FLOAT);
            expect(Number(text)).toBe(config[p.name]); // JS Number reads back the same double
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('property: every finite double renders to a Python float literal that reads back exactly', () => {
    const wide: ContinuousParameter = { kind: 'continuous', name: 'w', min: -Number.MAX_VALUE, max: Number.MAX_VALUE, scaling: 'Linear' };
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
        const text = renderValue(wide, v);
        expect(text).toMatch(PY_FLOAT);
        expect(parseValue(wide, text)).toBe(Object.is(v, -0) ? 0 : v);
      }),
      { numRuns: 2000 },
    );
  });
});
