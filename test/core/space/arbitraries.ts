// fast-check arbitraries for valid search spaces, shared by the space and sampler tests.
import fc from 'fast-check';
import type { CategoricalParameter, ContinuousParameter, IntegerParameter, ParameterSpec, SearchSpaceSpec } from '../../../core/ports';

/**
 * Fixes fast-check's seed for the calling test file, so property runs are reproducible
 * (STYLE.md: core tests use fixed seeds). fast-check reports the seed and path of any failure.
 */
export function fixFastCheckSeed(): void {
  fc.configureGlobal({ seed: 20_240_601 });
}

/** A continuous parameter with any legal scaling and a range that fits it. */
export function continuousParameter(name: string): fc.Arbitrary<ContinuousParameter> {
  const linear = fc
    .record({
      min: fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }),
      width: fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true }),
      scaling: fc.constantFrom('Linear' as const, 'Auto' as const),
    })
    .map(({ min, width, scaling }) => ({ kind: 'continuous' as const, name, min, max: min + width, scaling }));
  const log = fc
    .record({
      lo: fc.double({ min: -8, max: 3, noNaN: true }),
      decades: fc.double({ min: 0, max: 8, noNaN: true }),
      scaling: fc.constantFrom('Logarithmic' as const, 'Auto' as const),
    })
    .map(({ lo, decades, scaling }) => ({ kind: 'continuous' as const, name, min: 10 ** lo, max: 10 ** (lo + decades), scaling }));
  const reverse = fc
    .record({
      min: fc.double({ min: 0, max: 0.99, noNaN: true }),
      fraction: fc.double({ min: 0, max: 0.999999, noNaN: true }),
    })
    .map(({ min, fraction }) => ({
      kind: 'continuous' as const,
      name,
      min,
      max: Math.min(min + (1 - min) * fraction, 0.999999),
      scaling: 'ReverseLogarithmic' as const,
    }))
    .filter((p) => p.min <= p.max);
  return fc.oneof(linear, log, reverse);
}

/** An integer parameter with any legal scaling. */
export function integerParameter(name: string, maxWidth = 100_000): fc.Arbitrary<IntegerParameter> {
  const linear = fc
    .record({
      min: fc.integer({ min: -1000, max: 1000 }),
      width: fc.integer({ min: 0, max: maxWidth }),
      scaling: fc.constantFrom('Linear' as const, 'Auto' as const),
    })
    .map(({ min, width, scaling }) => ({ kind: 'integer' as const, name, min, max: min + width, scaling }));
  const log = fc
    .record({
      min: fc.integer({ min: 1, max: 1000 }),
      width: fc.integer({ min: 0, max: maxWidth }),
      scaling: fc.constantFrom('Logarithmic' as const, 'Auto' as const),
    })
    .map(({ min, width, scaling }) => ({ kind: 'integer' as const, name, min, max: min + width, scaling }));
  return fc.oneof(linear, log);
}

/** A categorical parameter with 1 to 30 distinct values. */
export function categoricalParameter(name: string): fc.Arbitrary<CategoricalParameter> {
  return fc
    .uniqueArray(fc.string({ minLength: 0, maxLength: 8 }), { minLength: 1, maxLength: 30 })
    .map((values) => ({ kind: 'categorical' as const, name, values }));
}

/** Any legal parameter. */
export function parameter(name: string): fc.Arbitrary<ParameterSpec> {
  return fc.oneof(continuousParameter(name), integerParameter(name), categoricalParameter(name));
}

/** A valid space with `minParams` to `maxParams` parameters named p0, p1, ... */
export function space(minParams = 1, maxParams = 30): fc.Arbitrary<SearchSpaceSpec> {
  return fc
    .integer({ min: minParams, max: maxParams })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => parameter(`p${i}`))))
    .map((parameters) => ({ parameters }));
}

/** A space together with a point of its unit cube. */
export function spaceAndUnitPoint(minParams = 1, maxParams = 30): fc.Arbitrary<{ space: SearchSpaceSpec; u: number[] }> {
  return space(minParams, maxParams).chain((s) =>
    fc
      .array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: s.parameters.length, maxLength: s.parameters.length })
      .map((u) => ({ space: s, u })),
  );
}

/** Freezes an object graph, so a test fails if code under test mutates its input. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
