import { createRng } from '../../../core/rng';
import {
  categoricalLogDensity,
  erf,
  fitCategoricalParzen,
  fitNumericParzen,
  normalCdf,
  numericLogDensity,
  sampleCategorical,
  sampleNumeric,
} from '../../../core/samplers/parzen';

describe('erf / normalCdf', () => {
  it.each([
    [0, 0],
    [0.5, 0.5204998778130465],
    [1, 0.8427007929497149],
    [-1, -0.8427007929497149],
    [2, 0.9953222650189527],
    [3.5, 0.9999992569016276],
  ])('erf(%p) is within 2e-7 of %p', (x, expected) => {
    expect(Math.abs(erf(x) - expected)).toBeLessThan(2e-7);
  });

  it('gives Phi(0) = 0.5 and Phi(1.96) ≈ 0.975', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021, 6);
  });
});

describe('fitNumericParzen', () => {
  it('sets bandwidths from neighbour distances, clipped to [1/min(100, N+1), 1], plus the prior', () => {
    const est = fitNumericParzen([0.5, 0.1, 0.6], 1);
    expect(est.mus).toEqual([0.1, 0.5, 0.6, 0.5]);
    // 0.1: max(0.1 - 0, 0.5 - 0.1) = 0.4; 0.5: max(0.4, 0.1) = 0.4; 0.6: max(0.1, 1 - 0.6) = 0.4; prior 1.
    expect(est.sigmas.map((s) => Number(s.toFixed(12)))).toEqual([0.4, 0.4, 0.4, 1]);
    expect(est.weights).toEqual([0.25, 0.25, 0.25, 0.25]);
    const clipped = fitNumericParzen([0.5, 0.5, 0.5], 2, 9);
    expect(clipped.sigmas.slice(0, 3)).toEqual([0.5, 0.1, 0.5]); // middle point: gaps 0, clipped to 1/10
    expect(clipped.weights).toEqual([0.2, 0.2, 0.2, 0.4]);
  });

  it('is a probability density on [0, 1] (integrates to 1)', () => {
    const est = fitNumericParzen([0.02, 0.3, 0.31, 0.97], 1);
    const steps = 20_000;
    let integral = 0;
    for (let i = 0; i < steps; i += 1) integral += Math.exp(numericLogDensity(est, (i + 0.5) / steps)) / steps;
    expect(integral).toBeCloseTo(1, 4);
  });

  it('samples inside [0, 1], concentrated around the observations', () => {
    const est = fitNumericParzen([0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8], 1, 99);
    const rng = createRng(1);
    const xs = Array.from({ length: 5000 }, () => sampleNumeric(est, rng));
    expect(xs.every((x) => x >= 0 && x <= 1)).toBe(true);
    const near = xs.filter((x) => Math.abs(x - 0.8) < 0.05).length / xs.length;
    expect(near).toBeGreaterThan(0.6); // 90 % of the weight is on 0.8 with sigma 0.01 or 0.2
  });

  it('with no observations is the prior alone', () => {
    const est = fitNumericParzen([], 1);
    expect(est.mus).toEqual([0.5]);
    expect(est.sigmas).toEqual([1]);
  });
});

describe('fitCategoricalParzen', () => {
  it('gives smoothed frequencies (count + w/k) / (n + w)', () => {
    const est = fitCategoricalParzen([0, 0, 2], 3, 3);
    expect(est.probs).toEqual([3 / 6, 1 / 6, 2 / 6]);
    expect(categoricalLogDensity(est, 1)).toBeCloseTo(Math.log(1 / 6), 12);
  });

  it('samples in proportion to the probabilities', () => {
    const est = fitCategoricalParzen([1, 1, 1, 1, 1, 1, 1, 1, 1], 2, 2); // probs 1/11, 10/11
    const rng = createRng(2);
    const ones = Array.from({ length: 11_000 }, () => sampleCategorical(est, rng)).filter((i) => i === 1).length;
    expect(Math.abs(ones / 11_000 - 10 / 11)).toBeLessThan(0.01);
  });
});
