/**
 * BOHB's sampler (Falkner, Klein & Hutter 2018, "BOHB: Robust and Efficient Hyperparameter
 * Optimization at Scale", ICML, Algorithm 2), for use inside Hyperband (synchronous or
 * asynchronous) and ASHA, which supply the multi-fidelity observations. With the paper's
 * symbols:
 *
 * 1. With probability rho (default 1/3) return a uniformly random configuration (the paper
 *    keeps a third of random proposals for its convergence guarantee).
 * 2. b = the largest resource level with at least N_min + 2 usable observations, with
 *    N_min = d + 1 (d = number of parameters); if none, return a random configuration.
 * 3. Of the N_b observations at b, the best N_l = max(N_min, floor(q N_b)) form the good set and
 *    the worst N_g = max(N_min, N_b - N_l) the bad set (q = 0.15). The two sets may overlap
 *    while N_b < 2 N_min, as the paper's equations allow.
 * 4. Fit product-kernel KDEs l(x) to the good set and g(x) to the bad set (`kde.ts`).
 * 5. Draw N_s = 64 candidates from l'(x), l with every bandwidth multiplied by b_w = 3, and
 *    return the one with the largest l(x) / g(x).
 *
 * Parallel proposals (our addition; the paper's workers sample independently): configurations
 * proposed but not yet observed (`pendingConfigurations`: first jobs still running, or
 * proposed earlier in the same tick) penalize candidates near them, as in local penalization
 * (Gonzalez, Dai, Hennig & Lawrence 2016): a candidate's score log l(x) - log g(x) gets
 * sum_p log(1 - exp(-|(x - x_p) / h|^2 / 2)), with h the good density's bandwidths (the scale
 * at which proposals concentrate; categorical coordinates count only when they match). A
 * candidate on a pending configuration scores -infinity, so several free slots filled in the
 * same tick never get the same point. (Putting the pending configurations into the bad set as
 * "constant liars" moves g(x) far too little: g's bandwidths are wide.)
 *
 * Bounded model: at most {@link BohbSamplerOptions.maxObservations} observations of level b
 * are used (the best half and the most recent half of that bound when there are more), and at
 * most as many pending configurations, so a suggestion costs O(N_s x bound x d) whatever the
 * run's length.
 *
 * Given the space, the context and the rng state, the result is deterministic.
 */
import type { Configuration, Rng, Sampler, SearchSpaceSpec, SuggestContext } from '../ports';
import { assertValidSpace } from '../space/validate';
import { fitKde, fromKdePoint, kdeLogDensity, sampleKde, toKdePoint, type Kde, type KdePoint } from './kde';
import { bestFirst, largestLevelWith, pendingConfigurations, usableObservations, type UsableObservation } from './observations';
import { sampleUniform } from './random';

/** Options of {@link createBohbSampler}; defaults are the paper's. */
export interface BohbSamplerOptions {
  /** rho: the share of uniformly random proposals. @default 1/3 */
  readonly randomFraction?: number;
  /** q: the share of observations in the good set. @default 0.15 */
  readonly goodFraction?: number;
  /** N_s: candidates drawn from l'(x). @default 64 */
  readonly candidates?: number;
  /** b_w: the bandwidth factor of l'(x). @default 3 */
  readonly bandwidthFactor?: number;
  /** N_min: the smallest set a KDE is fitted to. @default d + 1 */
  readonly minPoints?: number;
  /** The most observations of one level the model reads. @default 200 */
  readonly maxObservations?: number;
}

/** At most `bound` observations: all when few, else the best half and the most recent half (by trial id) of the bound. */
export function boundObservations<T extends UsableObservation>(sorted: readonly T[], bound: number): T[] {
  if (sorted.length <= bound) return [...sorted];
  const best = sorted.slice(0, Math.ceil(bound / 2));
  const chosen = new Set(best);
  const recent = [...sorted].sort((a, b) => b.trialId - a.trialId).filter((o) => !chosen.has(o)).slice(0, bound - best.length);
  const keep = new Set([...best, ...recent]);
  return sorted.filter((o) => keep.has(o));
}

function checkFraction(value: number, name: string, allowOne: boolean): number {
  if (!Number.isFinite(value) || value < 0 || value > 1 || (!allowOne && value === 1)) {
    throw new RangeError(`bohb option ${name} must be a number in [0, ${allowOne ? '1]' : '1)'}; got ${String(value)}`);
  }
  return value;
}

function checkPositive(value: number, name: string, integer: boolean): number {
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new RangeError(`bohb option ${name} must be a positive ${integer ? 'integer' : 'number'}; got ${String(value)}`);
  }
  return value;
}

/** What one BOHB suggestion was based on (for tests and reasons). */
export interface BohbModel {
  readonly level: number;
  readonly good: readonly KdePoint[];
  readonly bad: readonly KdePoint[];
  readonly pending: readonly KdePoint[];
}

/**
 * The model step of BOHB (steps 2-3 above): the level, the good and bad sets and the pending
 * configurations; undefined when no level has N_min + 2 observations.
 */
export function bohbModel(space: SearchSpaceSpec, ctx: SuggestContext, options: Required<Omit<BohbSamplerOptions, 'minPoints'>> & { minPoints: number }): BohbModel | undefined {
  const usable = usableObservations(space, ctx.history);
  const chosen = largestLevelWith(usable, options.minPoints + 2);
  if (chosen === undefined) return undefined;
  const sorted = boundObservations(bestFirst(chosen.observations, ctx.objectiveType), options.maxObservations);
  const n = sorted.length;
  const nGood = Math.max(options.minPoints, Math.floor(options.goodFraction * n));
  const nBad = Math.max(options.minPoints, n - nGood);
  const good = sorted.slice(0, nGood).map((o) => toKdePoint(space, o.config));
  const bad = sorted.slice(n - nBad).map((o) => toKdePoint(space, o.config));
  const pending = pendingConfigurations(space, ctx)
    .slice(-options.maxObservations)
    .map((c) => toKdePoint(space, c));
  return { level: chosen.level, good, bad, pending };
}

/**
 * The local penalty of a candidate: sum over pending points p of log(1 - exp(-|(x - p) / h|^2 / 2))
 * over numeric coordinates, counted only when every categorical coordinate matches; -Infinity on
 * a pending point.
 */
export function pendingPenalty(kde: Kde, x: KdePoint, pending: readonly KdePoint[]): number {
  let total = 0;
  for (const p of pending) {
    let sq = 0;
    let sameCategories = true;
    for (let j = 0; j < x.length; j++) {
      if ((kde.cardinalities[j] as number) > 0) {
        if (x[j] !== p[j]) sameCategories = false;
      } else {
        const d = ((x[j] as number) - (p[j] as number)) / (kde.bandwidths[j] as number);
        sq += d * d;
      }
    }
    if (sameCategories) total += Math.log(1 - Math.exp(-sq / 2));
  }
  return total;
}

/**
 * Creates BOHB's sampler (see the module comment).
 *
 * @throws RangeError when an option is out of range.
 */
export function createBohbSampler(options: BohbSamplerOptions = {}): Sampler {
  const randomFraction = checkFraction(options.randomFraction ?? 1 / 3, 'randomFraction', true);
  const goodFraction = checkFraction(options.goodFraction ?? 0.15, 'goodFraction', false);
  const candidates = checkPositive(options.candidates ?? 64, 'candidates', true);
  const bandwidthFactor = checkPositive(options.bandwidthFactor ?? 3, 'bandwidthFactor', false);
  const maxObservations = checkPositive(options.maxObservations ?? 200, 'maxObservations', true);
  if (options.minPoints !== undefined) checkPositive(options.minPoints, 'minPoints', true);
  return {
    name: 'BOHB',
    suggest(space: SearchSpaceSpec, ctx: SuggestContext, rng: Rng): Configuration {
      assertValidSpace(space);
      if (rng.next() < randomFraction) return sampleUniform(space, rng);
      const minPoints = options.minPoints ?? space.parameters.length + 1;
      const model = bohbModel(space, ctx, { randomFraction, goodFraction, candidates, bandwidthFactor, maxObservations, minPoints });
      if (model === undefined) return sampleUniform(space, rng);
      const l = fitKde(space, model.good);
      const g = fitKde(space, model.bad);
      let best: KdePoint | undefined;
      let bestScore = -Infinity;
      for (let i = 0; i < candidates; i++) {
        const x = sampleKde(l, bandwidthFactor, rng);
        const score = kdeLogDensity(l, x) - kdeLogDensity(g, x) + pendingPenalty(l, x, model.pending);
        if (best === undefined || score > bestScore) {
          best = x;
          bestScore = score;
        }
      }
      return fromKdePoint(space, best as KdePoint);
    },
  };
}
