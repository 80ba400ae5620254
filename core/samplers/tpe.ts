/**
 * The Tree-structured Parzen Estimator (TPE): Bergstra, Bardenet, Bengio & Kégl 2011,
 * "Algorithms for Hyper-Parameter Optimization" (NeurIPS). It is Optuna's default sampler;
 * we use it for AMT's `Bayesian` strategy.
 *
 * TPE models p(x | y) instead of p(y | x). The n usable observations are sorted by objective
 * and split: the best ⌈γ(n)⌉ form the "good" set, the others the "bad" set. Two densities are
 * fitted, l(x) on the good set and g(x) on the bad set (see `parzen.ts`), and the next point
 * maximizes l(x) / g(x), which maximizes expected improvement under the model (paper, eq. 4).
 * The maximum is approximated by drawing n_c candidates from l(x).
 *
 * Choices made here, with their parameters:
 * - n_startup = {@link TpeSamplerOptions.nStartup} (default 10): with fewer usable
 *   observations, sample uniformly at random (like Optuna's `n_startup_trials`).
 * - γ(n) = {@link TpeSamplerOptions.gamma} (default min(⌈0.1 n⌉, 25), Optuna's default): the
 *   size of the good set, clamped to [1, n].
 * - n_c = {@link TpeSamplerOptions.nCandidates} (default 24, hyperopt's `n_EI_candidates`
 *   and Optuna's `n_ei_candidates`).
 * - w_prior = {@link TpeSamplerOptions.priorWeight} (default 1): weight of the prior
 *   component in both densities.
 * - Bandwidths: neighbour distances, clipped below at 1 / min(100, n + 1) with n the count
 *   of both sets together (see `parzen.ts` for why not the per-set count).
 * - Independent TPE: l and g are products of one-dimensional estimators, so l/g factorizes
 *   and the argmax is taken per parameter (n_c candidates each), as Optuna does by default.
 *   Coordinates live in the unit cube of the space encoding (`encode`), so log-scaled
 *   parameters are modelled on the log scale; integers are modelled as continuous and
 *   rounded when decoded.
 * - Usable observations: finite objective (failed jobs and missing metrics, objective null,
 *   are ignored, as Optuna ignores failed trials: a failure may come from the infrastructure
 *   rather than from the configuration) and a configuration inside the space.
 * - Multi-fidelity: observations come from several resource levels (rungs). As in BOHB
 *   (Falkner, Klein & Hutter 2018, "BOHB: Robust and Efficient Hyperparameter Optimization
 *   at Scale", section 4.1), the model is fitted on the observations of the largest
 *   resource level that has at least n_startup of them; if no level has, sample at random.
 * - Ties in the objective are broken by trial number, so the split is deterministic.
 * - Pending trials (proposed, not finished) are not modelled; parallel suggestions from the
 *   same history differ through their per-trial rng only.
 *
 * Given the space, the context and the rng state, the result is deterministic.
 */
import type { CategoricalParameter, Configuration, Observation, ObjectiveType, Rng, Sampler, SearchSpaceSpec, SuggestContext } from '../ports';
import { configurationIssues, decode } from '../space/codec';
import { assertValidSpace } from '../space/validate';
import { toUnit, type NumericParameter } from '../space/scaling';
import {
  categoricalLogDensity,
  fitCategoricalParzen,
  fitNumericParzen,
  numericLogDensity,
  sampleCategorical,
  sampleNumeric,
} from './parzen';
import { sampleUniform } from './random';

/** Options of {@link createTpeSampler}; every field has the default named in its doc. */
export interface TpeSamplerOptions {
  /**
   * n_startup: the number of usable observations (at one resource level) below which the
   * sampler draws uniformly at random.
   *
   * @default 10
   */
  readonly nStartup?: number;
  /**
   * n_c: candidates drawn from l(x) per parameter.
   *
   * @default 24
   */
  readonly nCandidates?: number;
  /**
   * γ(n): how many of n observations form the good set (rounded up, clamped to [1, n]).
   *
   * @default defaultGamma: min(⌈0.1 n⌉, 25)
   */
  readonly gamma?: (n: number) => number;
  /**
   * w_prior: the prior component's weight, relative to one observation.
   *
   * @default 1
   */
  readonly priorWeight?: number;
}

/** Optuna's default γ(n) = min(⌈0.1 n⌉, 25). */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/**
 * The observations TPE learns from: usable ones (finite objective, configuration in the
 * space) at the largest resource level that has at least `nStartup` of them (BOHB's rule).
 * Returns an empty list when no level has enough. Does not modify `history`.
 */
export function selectObservations(space: SearchSpaceSpec, history: readonly Observation[], nStartup: number): Observation[] {
  assertValidSpace(space);
  const byResource = new Map<number, Observation[]>();
  for (const obs of history) {
    if (obs.objective === null || !Number.isFinite(obs.objective) || configurationIssues(space, obs.config).length > 0) continue;
    const list = byResource.get(obs.resource) ?? [];
    list.push(obs);
    byResource.set(obs.resource, list);
  }
  const levels = [...byResource.keys()].sort((a, b) => b - a);
  for (const level of levels) {
    const list = byResource.get(level) as Observation[];
    if (list.length >= nStartup) return list;
  }
  return [];
}

/**
 * Splits observations into the good set (the best ⌈γ(n)⌉, clamped to [1, n]) and the bad
 * set, best first, ties broken by trial number. Objectives must be non-null.
 */
export function splitObservations(
  observations: readonly Observation[],
  objectiveType: ObjectiveType,
  gamma: (n: number) => number,
): { readonly good: Observation[]; readonly bad: Observation[] } {
  const sign = objectiveType === 'Minimize' ? 1 : -1;
  const sorted = [...observations].sort((a, b) => sign * ((a.objective as number) - (b.objective as number)) || a.trialId - b.trialId);
  const n = sorted.length;
  const nGood = Math.min(n, Math.max(1, Math.ceil(gamma(n))));
  return { good: sorted.slice(0, nGood), bad: sorted.slice(nGood) };
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`tpe option ${name} must be a positive integer; got ${String(value)}`);
  }
  return value;
}

/** Picks, per parameter, the candidate from l that maximizes log l - log g; returns its unit coordinate. */
function bestCoordinate(
  param: SearchSpaceSpec['parameters'][number],
  good: readonly Configuration[],
  bad: readonly Configuration[],
  nCandidates: number,
  priorWeight: number,
  rng: Rng,
): number {
  if (param.kind === 'categorical') {
    const k = param.values.length;
    const index = (c: Configuration): number => (param as CategoricalParameter).values.indexOf(c[param.name] as string);
    const l = fitCategoricalParzen(good.map(index), k, priorWeight);
    const g = fitCategoricalParzen(bad.map(index), k, priorWeight);
    let best = 0;
    let bestScore = -Infinity;
    for (let c = 0; c < nCandidates; c += 1) {
      const i = sampleCategorical(l, rng);
      const score = categoricalLogDensity(l, i) - categoricalLogDensity(g, i);
      if (score > bestScore) {
        best = i;
        bestScore = score;
      }
    }
    return (best + 0.5) / k;
  }
  const unit = (c: Configuration): number => toUnit(param as NumericParameter, c[param.name] as number);
  const nAll = good.length + bad.length;
  const l = fitNumericParzen(good.map(unit), priorWeight, nAll);
  const g = fitNumericParzen(bad.map(unit), priorWeight, nAll);
  let best = 0.5;
  let bestScore = -Infinity;
  for (let c = 0; c < nCandidates; c += 1) {
    const x = sampleNumeric(l, rng);
    const score = numericLogDensity(l, x) - numericLogDensity(g, x);
    if (score > bestScore) {
      best = x;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Creates a TPE sampler (see the module comment for the algorithm and its parameters).
 *
 * @throws RangeError when an option is out of range (nStartup, nCandidates: positive
 *   integers; priorWeight: a positive finite number).
 */
export function createTpeSampler(options: TpeSamplerOptions = {}): Sampler {
  const nStartup = positiveInteger(options.nStartup ?? 10, 'nStartup');
  const nCandidates = positiveInteger(options.nCandidates ?? 24, 'nCandidates');
  const gamma = options.gamma ?? defaultGamma;
  const priorWeight = options.priorWeight ?? 1;
  if (!Number.isFinite(priorWeight) || priorWeight <= 0) {
    throw new RangeError(`tpe option priorWeight must be a positive finite number; got ${String(priorWeight)}`);
  }
  return {
    name: 'TPE',
    suggest(space: SearchSpaceSpec, ctx: SuggestContext, rng: Rng): Configuration {
      assertValidSpace(space);
      const observations = selectObservations(space, ctx.history, nStartup);
      if (observations.length === 0) return sampleUniform(space, rng);
      const { good, bad } = splitObservations(observations, ctx.objectiveType, gamma);
      const goodConfigs = good.map((o) => o.config);
      const badConfigs = bad.map((o) => o.config);
      const u = space.parameters.map((param) => bestCoordinate(param, goodConfigs, badConfigs, nCandidates, priorWeight, rng));
      return decode(space, u);
    },
  };
}
