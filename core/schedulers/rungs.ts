/**
 * Rung and bracket arithmetic of Hyperband (Li et al. 2018, "Hyperband: A Novel Bandit-Based
 * Approach to Hyperparameter Optimization", JMLR 18(185), Algorithm 1 and section 3), in
 * integer resources, plus the promotion rule shared by ASHA and Hyperband.
 *
 * Symbols (the paper's, generalised to AMT's `MinResource`):
 * - r_min: the smallest resource a trial is trained with (`SchedulerSettings.minResource`).
 * - R: the maximum resource (`SchedulerSettings.maxResource`).
 * - eta: the reduction factor (`SchedulerSettings.reductionFactor`), eta >= 2.
 * - s_max = floor(log_eta(R / r_min)): the index of the most exploratory bracket.
 * - bracket s (0 <= s <= s_max): successive halving that starts n = ceil((s_max+1)/(s+1) * eta^s)
 *   trials at resource r = R * eta^-s.
 * - rung i (0 <= i <= s) of bracket s: n_i = floor(n * eta^-i) trials trained to r_i = r * eta^i.
 *
 * Integer milestones (our rounding, documented because the paper uses real-valued resources):
 * the ladder of milestones is M_k = ceil(r_min * eta^k) for k = 0 .. s_max - 1, followed by
 * M_{s_max} = R exactly. Bracket s uses the top s + 1 milestones, so its rung i has resource
 * r_i = M_{s_max - s + i}: the bottom rung of bracket s_max is r_min and the top rung of every
 * bracket is R. When r_min and eta are integers (the usual case) the rounding never changes a
 * value and the ladder is strictly increasing; otherwise rounding up could collide two
 * milestones, and duplicates are removed (s_max is then the ladder length minus one).
 * When R / r_min is a power of eta this is exactly the paper's r_i = R * eta^(i - s).
 * Example: r_min = 1, R = 100, eta = 3 gives s_max = 4 and milestones 1, 3, 9, 27, 100
 * (the paper's real-valued ladder would be 1.23, 3.7, 11.1, 33.3, 100).
 */

import type { ObjectiveType } from '../ports';

/** Relative tolerance for comparisons of products of non-integer reduction factors. */
const EPS = 1e-9;

/** One rung of a bracket: `trials` trials are trained to `resource`. */
export interface RungShape {
  /** n_i: the number of trials (equivalently training jobs) at this rung. */
  readonly trials: number;
  /** r_i: the milestone (integer resource) of this rung. */
  readonly resource: number;
}

/** One bracket: successive halving from its bottom rung to R. */
export interface BracketShape {
  /** s: the bracket index (s_max is the most exploratory, 0 trains every trial to R). */
  readonly bracket: number;
  readonly rungs: readonly RungShape[];
}

/** The resource ladder and its parameters. */
export interface Ladder {
  readonly minResource: number;
  readonly maxResource: number;
  readonly eta: number;
  /** s_max = milestones.length - 1. */
  readonly sMax: number;
  /** M_0 < M_1 < ... < M_{s_max} = R. */
  readonly milestones: readonly number[];
}

function checkParameters(minResource: number, maxResource: number, eta: number): void {
  if (!Number.isFinite(minResource) || minResource <= 0) {
    throw new Error(`minimum resource must be a positive number, got ${minResource}`);
  }
  if (!Number.isFinite(maxResource) || maxResource < minResource) {
    throw new Error(`maximum resource must be a number >= the minimum resource ${minResource}, got ${maxResource}`);
  }
  if (!Number.isFinite(eta) || eta < 2) {
    throw new Error(`reduction factor must be a number >= 2, got ${eta}`);
  }
}

/** Round a resource up to an integer, ignoring floating-point noise (3.0000000001 -> 3). */
export function roundResourceUp(x: number): number {
  const nearest = Math.round(x);
  if (Math.abs(x - nearest) <= EPS * Math.max(1, Math.abs(x))) {
    return nearest;
  }
  return Math.ceil(x);
}

/**
 * The milestone ladder M_0 .. M_{s_max} for r_min, R and eta (see the module comment).
 *
 * s_max is found with an integer loop (largest k with r_min * eta^k <= R), not with a
 * floating-point logarithm: `Math.log(243) / Math.log(3)` is 4.999999999999999.
 */
export function ladder(minResource: number, maxResource: number, eta: number): Ladder {
  checkParameters(minResource, maxResource, eta);
  const top = roundResourceUp(maxResource);
  const raw: number[] = [];
  let x = minResource;
  while (x * eta <= maxResource * (1 + EPS)) {
    raw.push(roundResourceUp(x));
    x *= eta;
  }
  raw.push(top);
  const milestones: number[] = [];
  for (const m of raw) {
    const capped = Math.min(Math.max(m, 1), top);
    if (milestones.length > 0 && capped <= milestones[milestones.length - 1]) {
      // A rounded milestone collided with the previous one (or with R): keep the larger
      // (later) one only when it is R, so the top is always exactly R.
      if (capped === top) {
        milestones[milestones.length - 1] = top;
      }
      continue;
    }
    milestones.push(capped);
  }
  return { minResource, maxResource, eta, sMax: milestones.length - 1, milestones };
}

/** s_max = floor(log_eta(R / r_min)), computed exactly. */
export function sMax(minResource: number, maxResource: number, eta: number): number {
  return ladder(minResource, maxResource, eta).sMax;
}

/** ceil(a / b) for positive a, b; exact for integers below 2^53. */
function ceilRatio(a: number, b: number): number {
  if (Number.isInteger(a) && Number.isInteger(b)) {
    return Math.floor((a + b - 1) / b);
  }
  return Math.ceil(a / b - EPS);
}

/** floor(a / b) for non-negative a and positive b; exact for integers below 2^53. */
function floorRatio(a: number, b: number): number {
  if (Number.isInteger(a) && Number.isInteger(b)) {
    return Math.floor(a / b);
  }
  return Math.floor(a / b + EPS);
}

/** n = ceil((s_max + 1) / (s + 1) * eta^s): the paper's number of trials of bracket s. */
export function bracketTrials(l: Ladder, s: number): number {
  checkBracket(l, s);
  return ceilRatio((l.sMax + 1) * l.eta ** s, s + 1);
}

/** The smallest n for which bracket s keeps one trial at its top rung: ceil(eta^s). */
export function minBracketTrials(l: Ladder, s: number): number {
  checkBracket(l, s);
  return ceilRatio(l.eta ** s, 1);
}

function checkBracket(l: Ladder, s: number): void {
  if (!Number.isInteger(s) || s < 0 || s > l.sMax) {
    throw new Error(`bracket must be an integer in [0, ${l.sMax}], got ${s}`);
  }
}

/** r_i of bracket s: the milestone M_{s_max - s + i}. */
export function rungResource(l: Ladder, s: number, i: number): number {
  checkBracket(l, s);
  if (!Number.isInteger(i) || i < 0 || i > s) {
    throw new Error(`rung of bracket ${s} must be an integer in [0, ${s}], got ${i}`);
  }
  return l.milestones[l.sMax - s + i];
}

/** The milestones of bracket s, bottom to top: r_0 .. r_s. */
export function bracketMilestones(l: Ladder, s: number): readonly number[] {
  checkBracket(l, s);
  return l.milestones.slice(l.sMax - s);
}

/**
 * The shape of bracket s started with `n` trials: rung i has floor(n * eta^-i) trials.
 * With the paper's n (`bracketTrials`) this is the paper's table.
 */
export function bracketShape(l: Ladder, s: number, n: number = bracketTrials(l, s)): BracketShape {
  checkBracket(l, s);
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(`number of trials must be a non-negative integer, got ${n}`);
  }
  const rungs: RungShape[] = [];
  for (let i = 0; i <= s; i++) {
    rungs.push({ trials: floorRatio(n, l.eta ** i), resource: rungResource(l, s, i) });
  }
  return { bracket: s, rungs };
}

/** The paper's table: brackets s = s_max .. 0 (one Hyperband iteration). */
export function bracketTable(l: Ladder): readonly BracketShape[] {
  const table: BracketShape[] = [];
  for (let s = l.sMax; s >= 0; s--) {
    table.push(bracketShape(l, s));
  }
  return table;
}

/** Training jobs of a bracket shape: one job per trial per rung. */
export function shapeJobs(shape: BracketShape): number {
  return shape.rungs.reduce((sum, r) => sum + r.trials, 0);
}

/**
 * Resource actually trained by a bracket shape when promoted trials resume from their
 * checkpoints: rung 0 trains r_0 per trial, a promotion from r_{i-1} to r_i trains r_i - r_{i-1}.
 */
export function shapeResource(shape: BracketShape): number {
  let total = 0;
  let previous = 0;
  for (const rung of shape.rungs) {
    total += rung.trials * (rung.resource - previous);
    previous = rung.resource;
  }
  return total;
}

/**
 * Deterministic truncation of bracket s to a budget (used by synchronous Hyperband).
 *
 * Returns the bracket started with the largest n' <= n (the paper's n) such that the bracket
 * needs at most `maxJobs` training jobs and at most `maxTrials` trials, and still keeps at
 * least one trial at its top rung (n' >= ceil(eta^s)); or null when no such n' exists (the
 * caller then skips to the next, smaller, bracket: bracket 0 fits any budget >= 1).
 */
export function fitBracket(l: Ladder, s: number, maxJobs: number, maxTrials: number): BracketShape | null {
  const lo = minBracketTrials(l, s);
  let hi = Math.min(bracketTrials(l, s), Math.floor(maxTrials));
  const jobsFor = (n: number): number => shapeJobs(bracketShape(l, s, n));
  if (hi < lo || jobsFor(lo) > maxJobs) {
    return null;
  }
  // jobsFor is non-decreasing in n: binary search for the largest n in [lo, hi] that fits.
  let best = lo;
  let low = lo;
  while (low <= hi) {
    const mid = Math.floor((low + hi) / 2);
    if (jobsFor(mid) <= maxJobs) {
      best = mid;
      low = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return bracketShape(l, s, best);
}

// ---------------------------------------------------------------------------------------
// The promotion rule
// ---------------------------------------------------------------------------------------

/** One result at a rung: the trial and its objective (null: failed or no metric). */
export interface RungEntry {
  readonly trialId: number;
  readonly value: number | null;
}

/** A usable objective: finite numbers only (NaN and infinities do not survive JSON). */
export function isUsable(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * Total order of a rung, best first: usable values by the objective (smaller first for
 * Minimize, larger first for Maximize), then missing/failed values (worst), ties broken by
 * the smaller trial id (the older trial wins), so the order never depends on arrival order.
 */
export function compareEntries(a: RungEntry, b: RungEntry, objectiveType: ObjectiveType): number {
  const ua = isUsable(a.value);
  const ub = isUsable(b.value);
  if (ua && ub && a.value !== b.value) {
    const diff = (a.value as number) - (b.value as number);
    return objectiveType === 'Minimize' ? diff : -diff;
  }
  if (ua !== ub) {
    return ua ? -1 : 1;
  }
  return a.trialId - b.trialId;
}

/** The entries of one rung, best first (see `compareEntries`). Does not mutate its input. */
export function rankRung(entries: readonly RungEntry[], objectiveType: ObjectiveType): RungEntry[] {
  return [...entries].sort((a, b) => compareEntries(a, b, objectiveType));
}

/** floor(n / eta): how many of a rung's n results are in its top 1/eta. */
export function promotionQuota(n: number, eta: number): number {
  return floorRatio(n, eta);
}

/**
 * The promotion rule (Li et al. 2020, Algorithm 2, `top_k(rung k, |rung k| / eta)`; the same
 * test as Optuna's `_is_trial_promotable_to_next_rung`, without Optuna's special case that
 * promotes the best trial while fewer than eta results exist).
 *
 * True iff `candidate` has a usable value and is among the top floor(n / eta) of the n
 * results at its rung, ranked by `compareEntries` (ties by trial id). `competing` holds the
 * rung's results; the candidate is counted once whether or not it is included.
 */
export function isPromotable(
  candidate: RungEntry,
  competing: readonly RungEntry[],
  eta: number,
  objectiveType: ObjectiveType,
): boolean {
  if (!isUsable(candidate.value)) {
    return false;
  }
  const others = competing.filter((e) => e.trialId !== candidate.trialId);
  const k = promotionQuota(others.length + 1, eta);
  const better = others.filter((e) => compareEntries(e, candidate, objectiveType) < 0).length;
  return better < k;
}
