/**
 * Gaussian-process Bayesian optimization (Snoek, Larochelle & Adams 2012, "Practical Bayesian
 * Optimization of Machine Learning Algorithms"; AMT's `Bayesian` strategy is GP-based), as a
 * sampler: `GP`.
 *
 * Model (Rasmussen & Williams 2006, chapters 2 and 5):
 * - Inputs: numeric parameters on their unit position (`toUnit`: log-scaled ones on the log
 *   scale; integers as continuous values), categorical parameters one-hot.
 * - Targets: the objective turned into a minimization and mapped through a Gaussian copula
 *   (Salinas, Shen & Perrone 2020): the i-th smallest of n values becomes
 *   Phi^-1((i - 0.5) / n), ties sharing their mean rank. Ranks make the model indifferent to the
 *   metric's scale and to outliers (a diverged run at 10% accuracy next to 90% ones).
 * - Kernel: sigma_f^2 Matern-5/2 with one length scale per parameter (ARD; the one-hot columns
 *   of a categorical parameter share theirs), plus noise sigma_n^2 on the diagonal, zero mean.
 * - Hyperparameters: the maximum a posteriori estimate of log length scales, log sigma_f^2 and
 *   log sigma_n^2 under weak log-normal priors (log l ~ N(0, 1) on the unit cube, log sigma_f^2 ~
 *   N(0, 1), log sigma_n^2 ~ N(log 0.01, 2^2)), by {@link FIT_STEPS} steps of Adam on the analytic
 *   gradient of the log marginal likelihood from the priors' means (deterministic: no restarts
 *   drawn at random). A prior centred on l = 0.5 instead let a few results fit short length
 *   scales, whose large variance everywhere sent the expected improvement to the corners of the
 *   space: on the real-training benchmark it did no better than random search on the CNN.
 *
 * Acquisition: expected improvement over the best transformed value, maximized over 500
 * uniformly random candidates, 20 perturbations of each of the 5 best observations, then 3
 * rounds of 20 perturbations of the incumbent candidate with a halving step; every candidate
 * is snapped to a legal configuration (integers rounded, one category) before it is scored.
 *
 * Initial design: until some resource level has `minObservations` usable results (default
 * max(5, d + 1)), trial t gets point t of the run's scrambled Sobol sequence (the `Sobol`
 * sampler), which covers the space more evenly than independent draws.
 *
 * Multi-fidelity (Hyperband, ASHA): by default one GP over (configuration, resource) is fitted
 * to the results of every level, with log r / log r_top as one more input with its own length
 * scale (the idea of MOBSTER, Klein et al. 2020, with our own kernel: Matern-5/2 over all inputs
 * jointly), and the expected improvement is taken at the largest level with at least
 * `minObservations` results: lower levels inform the model as far as the fitted length scale
 * of the resource says they predict higher ones, which is what protects it where low
 * fidelities mislead. `fidelity: 'level'` fits only that level instead (BOHB's rule). Under
 * Random/Bayesian every observation is at R, so both are plain GP-EI.
 *
 * Parallel proposals: configurations proposed but not yet observed are added with the mean of
 * the transformed values ("constant liar" with the mean, CL-mean in Ginsbourger, Le Riche &
 * Carraro 2010), with the hyperparameters fitted to the real observations only: the posterior
 * variance at a pending point collapses to the noise, so its expected improvement is about zero
 * and the next free slot goes elsewhere. (The worst value as the liar explored more and did
 * worse on the benchmark.)
 *
 * Bounded model: at most {@link GpSamplerOptions.maxObservations} observations (default 64: the
 * best half and the most recent half when there are more) plus at most as many liars; a
 * suggestion costs O(FIT_STEPS x bound^3) for the fit and O(candidates x bound^2) for the search.
 * Within one tick (one `createGpSampler` instance) the fit is reused for every suggestion with
 * the same observations.
 */
import type { CategoricalParameter, Configuration, Rng, Sampler, SearchSpaceSpec, SuggestContext } from '../ports';
import { decode, encode } from '../space/codec';
import { fromUnit, toUnit } from '../space/scaling';
import { assertValidSpace } from '../space/validate';
import { boundObservations } from './bohb';
import { cholesky, choleskyInverse, solveLower, solveUpper } from './linalg';
import { bestFirst, largestLevelWith, observationsByLevel, pendingConfigurations, usableObservations, type UsableObservation } from './observations';
import { normalCdf } from './parzen';
import { createSobolSampler } from './sobol';

/** Adam steps of the hyperparameter fit. */
export const FIT_STEPS = 60;
const SQRT5 = Math.sqrt(5);

/** Options of {@link createGpSampler}. */
export interface GpSamplerOptions {
  /** Usable observations (at one level) below which the sampler draws at random. @default max(5, d + 1) */
  readonly minObservations?: number;
  /** The most observations the model reads. @default 64 */
  readonly maxObservations?: number;
  /** Uniformly random candidates of the acquisition search. @default 500 */
  readonly randomCandidates?: number;
  /**
   * How results at several resource levels are used. `level`: only the largest level with
   * `minObservations` results (BOHB's rule). `joint`: one GP over (configuration, resource)
   * fitted to every level (the highest first, within the bound), with log r / log r_top as one
   * more input with its own length scale, the objective copula-transformed over all levels; the
   * expected improvement is taken at that same level, so lower levels inform it as far as the
   * fitted length scale of the resource says they predict it. With one level (Random, Bayesian)
   * the two are the same.
   *
   * @default 'joint' (on the real-training benchmark, ASHA with `joint` beat `level` on the
   *   problem whose low fidelities mislead and tied on the others)
   */
  readonly fidelity?: 'level' | 'joint';
}

/** The inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normal quantile needs p in (0, 1); got ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** Gaussian-copula scores of values to minimize: Phi^-1((rank - 0.5) / n), ties sharing their mean rank. */
export function copulaScores(values: readonly number[]): number[] {
  const n = values.length;
  const order = values.map((v, i) => [v, i] as const).sort((x, y) => x[0] - y[0]);
  const ranks = new Array<number>(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && order[j + 1][0] === order[i][0]) j++;
    const mean = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k][1]] = mean;
    i = j + 1;
  }
  return ranks.map((r) => normalQuantile((r - 0.5) / n));
}

/** The GP's input features of a configuration, and which parameter each column belongs to. */
export interface FeatureMap {
  /** Columns per parameter, in space order. */
  readonly groups: readonly (readonly number[])[];
  readonly width: number;
  features(config: Configuration): Float64Array;
  /** The features of a snapped unit point (see {@link snapper}). */
  fromUnit(u: readonly number[]): Float64Array;
}

/**
 * Rounds a unit point to the unit point of the configuration it decodes to (integers to their
 * value's position, categories to their cell's centre), without building the configuration:
 * `snap(u)` equals `encode(space, decode(space, u))`.
 */
export function snapper(space: SearchSpaceSpec): (u: readonly number[]) => number[] {
  assertValidSpace(space);
  return (u) =>
    space.parameters.map((p, j) => {
      const x = Math.min(1, Math.max(0, u[j] as number));
      if (p.kind === 'categorical') {
        const k = p.values.length;
        return (Math.min(k - 1, Math.floor(x * k)) + 0.5) / k;
      }
      if (p.kind === 'integer') return toUnit(p, fromUnit(p, x));
      return x;
    });
}

/** Numeric parameters: one column (unit position); categorical ones: one-hot columns. */
export function featureMap(space: SearchSpaceSpec): FeatureMap {
  const groups: number[][] = [];
  let width = 0;
  for (const p of space.parameters) {
    const k = p.kind === 'categorical' ? p.values.length : 1;
    groups.push(Array.from({ length: k }, (_, i) => width + i));
    width += k;
  }
  const fromUnitPoint = (u: readonly number[]): Float64Array => {
    const x = new Float64Array(width);
    space.parameters.forEach((p, j) => {
      const g = groups[j] as number[];
      if (p.kind === 'categorical') x[g[Math.min(p.values.length - 1, Math.floor((u[j] as number) * p.values.length))] as number] = 1;
      else x[g[0] as number] = u[j] as number;
    });
    return x;
  };
  return {
    groups,
    width,
    fromUnit: fromUnitPoint,
    features(config) {
      const u = encode(space, config);
      const x = new Float64Array(width);
      space.parameters.forEach((p, j) => {
        const g = groups[j];
        if (p.kind === 'categorical') x[g[(p as CategoricalParameter).values.indexOf(config[p.name] as string)]] = 1;
        else x[g[0]] = u[j];
      });
      return x;
    },
  };
}

/** Log hyperparameters: one log length scale per parameter, then log sigma_f^2, then log sigma_n^2. */
export type GpHyperparameters = readonly number[];

/** A GP conditioned on data. */
export interface GpPosterior {
  readonly x: readonly Float64Array[];
  readonly groups: readonly (readonly number[])[];
  readonly theta: GpHyperparameters;
  readonly l: Float64Array;
  readonly alpha: Float64Array;
}

const PRIOR = { logLength: { mean: 0, sd: 1 }, logSignal: { mean: 0, sd: 1 }, logNoise: { mean: Math.log(0.01), sd: 2 } };
const BOUNDS = { logLength: [Math.log(0.01), Math.log(20)], logSignal: [Math.log(0.05), Math.log(20)], logNoise: [Math.log(1e-4), Math.log(1)] } as const;

/** Squared scaled distances per parameter group between two inputs. */
function groupSq(a: Float64Array, b: Float64Array, groups: readonly (readonly number[])[], out: Float64Array): void {
  for (let p = 0; p < groups.length; p++) {
    let s = 0;
    for (const c of groups[p]) {
      const d = a[c] - b[c];
      s += d * d;
    }
    out[p] = s;
  }
}

/** Matern-5/2 kernel value for squared distances per group and log length scales. */
function kernel(sq: Float64Array, theta: GpHyperparameters): number {
  const P = sq.length;
  let r2 = 0;
  for (let p = 0; p < P; p++) r2 += sq[p] * Math.exp(-2 * theta[p]);
  const r = Math.sqrt(r2);
  return Math.exp(theta[P]) * (1 + SQRT5 * r + (5 / 3) * r2) * Math.exp(-SQRT5 * r);
}

function clampTheta(theta: number[], P: number): number[] {
  return theta.map((t, i) => {
    const [lo, hi] = i < P ? BOUNDS.logLength : i === P ? BOUNDS.logSignal : BOUNDS.logNoise;
    return Math.min(hi, Math.max(lo, t));
  });
}

/** Log posterior (log marginal likelihood + log prior, up to constants) and its gradient. */
export function logPosterior(x: readonly Float64Array[], y: readonly number[], groups: readonly (readonly number[])[], theta: GpHyperparameters): { value: number; gradient: number[] } | undefined {
  const n = x.length;
  const P = groups.length;
  const sq: Float64Array[] = [];
  const K = new Float64Array(n * n);
  const buf = new Float64Array(P);
  const noise = Math.exp(theta[P + 1]);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      groupSq(x[i], x[j], groups, buf);
      sq.push(Float64Array.from(buf));
      const k = kernel(buf, theta);
      K[i * n + j] = k;
      K[j * n + i] = k;
    }
    K[i * n + i] = K[i * n + i] + noise;
  }
  const L = cholesky(K, n);
  if (L === undefined) return undefined;
  const alpha = solveUpper(L, n, solveLower(L, n, y));
  let logDet = 0;
  for (let i = 0; i < n; i++) logDet += Math.log(L[i * n + i]);
  let fit = 0;
  for (let i = 0; i < n; i++) fit += y[i] * alpha[i];
  let value = -0.5 * fit - logDet;
  const Kinv = choleskyInverse(L, n);
  // W = alpha alpha^T - K^-1; dLML/dtheta_j = 0.5 tr(W dK/dtheta_j).
  const gradient = new Array<number>(P + 2).fill(0);
  const signal = Math.exp(theta[P]);
  let idx = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const s = sq[idx++];
      const w = alpha[i] * alpha[j] - Kinv[i * n + j];
      const mult = i === j ? 0.5 : 1; // symmetric pairs count twice, halved by the 0.5 of the formula
      let r2 = 0;
      for (let p = 0; p < P; p++) r2 += s[p] * Math.exp(-2 * theta[p]);
      const r = Math.sqrt(r2);
      const e = Math.exp(-SQRT5 * r);
      const kSignal = signal * (1 + SQRT5 * r + (5 / 3) * r2) * e;
      gradient[P] += mult * w * kSignal;
      const common = signal * (5 / 3) * (1 + SQRT5 * r) * e;
      for (let p = 0; p < P; p++) gradient[p] += mult * w * common * s[p] * Math.exp(-2 * theta[p]);
      if (i === j) gradient[P + 1] += mult * w * noise;
    }
  }
  // Priors.
  const prior = (t: number, m: { mean: number; sd: number }) => -0.5 * ((t - m.mean) / m.sd) ** 2;
  const dprior = (t: number, m: { mean: number; sd: number }) => -(t - m.mean) / (m.sd * m.sd);
  for (let p = 0; p < P; p++) {
    value += prior(theta[p], PRIOR.logLength);
    gradient[p] += dprior(theta[p], PRIOR.logLength);
  }
  value += prior(theta[P], PRIOR.logSignal) + prior(theta[P + 1], PRIOR.logNoise);
  gradient[P] += dprior(theta[P], PRIOR.logSignal);
  gradient[P + 1] += dprior(theta[P + 1], PRIOR.logNoise);
  return { value, gradient };
}

/** The MAP hyperparameters: Adam on the log posterior from a fixed start, keeping the best point seen. */
export function fitHyperparameters(x: readonly Float64Array[], y: readonly number[], groups: readonly (readonly number[])[]): GpHyperparameters {
  const P = groups.length;
  let theta = [...groups.map(() => PRIOR.logLength.mean), 0, Math.log(0.01)];
  let best = theta;
  let bestValue = -Infinity;
  const m = new Array<number>(P + 2).fill(0);
  const v = new Array<number>(P + 2).fill(0);
  const rate = 0.1;
  for (let t = 1; t <= FIT_STEPS; t++) {
    const lp = logPosterior(x, y, groups, theta);
    if (lp === undefined) break;
    if (lp.value > bestValue) {
      bestValue = lp.value;
      best = theta;
    }
    theta = clampTheta(
      theta.map((th, i) => {
        const g = lp.gradient[i];
        m[i] = 0.9 * m[i] + 0.1 * g;
        v[i] = 0.999 * v[i] + 0.001 * g * g;
        return th + (rate * (m[i] / (1 - 0.9 ** t))) / (Math.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8);
      }),
      P,
    );
  }
  return best;
}

/** Conditions the GP on (x, y) with fixed hyperparameters; adds jitter if the kernel matrix is not positive definite. */
export function condition(x: readonly Float64Array[], y: readonly number[], groups: readonly (readonly number[])[], theta: GpHyperparameters): GpPosterior {
  const n = x.length;
  const P = groups.length;
  const buf = new Float64Array(P);
  const K = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      groupSq(x[i], x[j], groups, buf);
      const k = kernel(buf, theta);
      K[i * n + j] = k;
      K[j * n + i] = k;
    }
  }
  let jitter = Math.exp(theta[P + 1]);
  for (;;) {
    const A = Float64Array.from(K);
    for (let i = 0; i < n; i++) A[i * n + i] = A[i * n + i] + jitter;
    const L = cholesky(A, n);
    if (L !== undefined) return { x, groups, theta, l: L, alpha: solveUpper(L, n, solveLower(L, n, y)) };
    jitter *= 10;
  }
}

/** Posterior mean and standard deviation of the latent function at a point. */
export function predict(post: GpPosterior, point: Float64Array): { mean: number; sd: number } {
  const n = post.x.length;
  const P = post.groups.length;
  const buf = new Float64Array(P);
  const k = new Float64Array(n);
  let mean = 0;
  for (let i = 0; i < n; i++) {
    groupSq(point, post.x[i], post.groups, buf);
    k[i] = kernel(buf, post.theta);
    mean += k[i] * post.alpha[i];
  }
  const v = solveLower(post.l, n, k);
  let reduction = 0;
  for (let i = 0; i < n; i++) reduction += v[i] * v[i];
  const variance = Math.max(1e-12, Math.exp(post.theta[P]) - reduction);
  return { mean, sd: Math.sqrt(variance) };
}

/** Expected improvement below `best` (minimization). */
export function expectedImprovement(mean: number, sd: number, best: number): number {
  const imp = best - mean;
  const z = imp / sd;
  return imp * normalCdf(z) + (sd * Math.exp(-0.5 * z * z)) / Math.sqrt(2 * Math.PI);
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`gp option ${name} must be a positive integer; got ${String(value)}`);
  return value;
}

/** A random perturbation of a unit point: Gaussian steps of width `step` on numeric coordinates, a new category with probability 0.2. */
function perturb(space: SearchSpaceSpec, u: readonly number[], step: number, rng: Rng): number[] {
  return space.parameters.map((p, j) => {
    if (p.kind === 'categorical') return rng.next() < 0.2 ? rng.next() : u[j];
    const z = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    return Math.min(1, Math.max(0, u[j] + step * z));
  });
}

/**
 * Creates the GP sampler (see the module comment).
 *
 * @throws RangeError when an option is out of range.
 */
export function createGpSampler(options: GpSamplerOptions = {}, seed?: number): Sampler {
  const initial = createSobolSampler(seed === undefined ? {} : { seed });
  const maxObservations = positiveInteger(options.maxObservations ?? 64, 'maxObservations');
  const randomCandidates = positiveInteger(options.randomCandidates ?? 500, 'randomCandidates');
  if (options.minObservations !== undefined) positiveInteger(options.minObservations, 'minObservations');
  const fidelity = options.fidelity ?? 'joint';
  if (fidelity !== 'level' && fidelity !== 'joint') throw new RangeError(`gp option fidelity must be level or joint; got ${String(fidelity)}`);
  let memo: { key: string; theta: GpHyperparameters } | undefined;
  return {
    name: 'GP',
    suggest(space: SearchSpaceSpec, ctx: SuggestContext, rng: Rng): Configuration {
      assertValidSpace(space);
      const minObservations = options.minObservations ?? Math.max(5, space.parameters.length + 1);
      const usable = usableObservations(space, ctx.history);
      const chosen = largestLevelWith(usable, minObservations);
      if (chosen === undefined) return initial.suggest(space, ctx, rng) as Configuration;
      const fm = featureMap(space);
      const sign = ctx.objectiveType === 'Minimize' ? 1 : -1;
      let observations: UsableObservation[];
      let groups: readonly (readonly number[])[] = fm.groups;
      let features = (config: Configuration, _level: number): Float64Array => fm.features(config);
      let unitFeatures = (u: readonly number[]): Float64Array => fm.fromUnit(u);
      if (fidelity === 'joint') {
        // Every level, the highest first, within the bound; the resource is one more input.
        observations = [];
        for (const level of observationsByLevel(usable)) {
          if (observations.length >= maxObservations) break;
          observations.push(...boundObservations(bestFirst(level.observations, ctx.objectiveType), maxObservations - observations.length));
        }
        const top = Math.max(...observations.map((o) => o.resource));
        const position = (r: number) => (top > 1 ? Math.log(r) / Math.log(top) : 1);
        const withResource = (x: Float64Array, r: number) => {
          const out = new Float64Array(fm.width + 1);
          out.set(x);
          out[fm.width] = position(r);
          return out;
        };
        groups = [...fm.groups, [fm.width]];
        features = (config, level) => withResource(fm.features(config), level);
        unitFeatures = (u) => withResource(fm.fromUnit(u), chosen.level);
      } else {
        observations = boundObservations(bestFirst(chosen.observations, ctx.objectiveType), maxObservations);
      }
      const x = observations.map((o) => features(o.config, o.resource));
      const y = copulaScores(observations.map((o) => sign * o.objective));
      const key = JSON.stringify([fidelity, chosen.level, observations.map((o) => [o.trialId, o.resource, o.objective])]);
      if (memo?.key !== key) memo = { key, theta: fitHyperparameters(x, y, groups) };
      const best = Math.min(...y.filter((_, i) => observations[i]?.resource === chosen.level));
      const liars = pendingConfigurations(space, ctx).slice(-maxObservations);
      const lie = y.reduce((a, b) => a + b, 0) / y.length;
      const post = condition([...x, ...liars.map((c) => features(c, chosen.level))], [...y, ...liars.map(() => lie)], groups, memo.theta);
      const snap = snapper(space);
      const score = (u: readonly number[]): { u: number[]; ei: number } => {
        const snapped = snap(u);
        const { mean, sd } = predict(post, unitFeatures(snapped));
        return { u: snapped, ei: expectedImprovement(mean, sd, best) };
      };
      let incumbent = score(space.parameters.map(() => rng.next()));
      const consider = (u: readonly number[]) => {
        const s = score(u);
        if (s.ei > incumbent.ei) incumbent = s;
      };
      for (let i = 1; i < randomCandidates; i++) consider(space.parameters.map(() => rng.next()));
      for (const o of bestFirst(chosen.observations, ctx.objectiveType).slice(0, 5)) {
        const u = encode(space, o.config);
        for (let i = 0; i < 20; i++) consider(perturb(space, u, 0.1, rng));
      }
      for (let round = 0, step = 0.05; round < 3; round++, step /= 2) {
        const centre = incumbent.u;
        for (let i = 0; i < 20; i++) consider(perturb(space, centre, step, rng));
      }
      return decode(space, incumbent.u);
    },
  };
}
