/**
 * What a run of the real-training benchmark leaves behind, for this tuner and the Optuna peer
 * alike: the incumbent (the configuration the run would report) as a function of the epochs
 * trained so far.
 *
 * Two reporting rules for this tuner (item 6 of the quality issue):
 * - `any`: the best objective of any finished job, whatever its resource (AMT's rule);
 * - `top`: the best objective among jobs at the highest resource reached so far (a trial
 *   trained further beats one trained less).
 * For Random and Bayesian every job is at R and the rules agree. For Optuna the incumbent is
 * `study.best_trial`, the best complete trial (pruned trials never count).
 */
import type { HyperParameterValues } from '../training/job';

/** A finished unit of work that may change the incumbent: one of our jobs, or an Optuna trial that completed. */
export interface FinishedUnit {
  /** Epochs trained by the whole run when this unit finished (including it). */
  readonly epochs: number;
  /** Virtual seconds since the run started. */
  readonly seconds: number;
  readonly trialId: number;
  /** The resource the unit's result is at. */
  readonly milestone: number;
  readonly objective: number;
  readonly hp: HyperParameterValues;
}

/** The incumbent from `epochs` on. */
export interface IncumbentPoint {
  readonly epochs: number;
  readonly seconds: number;
  readonly objective: number;
  readonly milestone: number;
  readonly trialId: number;
  readonly hp: HyperParameterValues;
}

/** Incumbent curves under both rules: a point wherever the incumbent changes. */
export interface IncumbentCurves {
  readonly any: readonly IncumbentPoint[];
  readonly top: readonly IncumbentPoint[];
}

/** One run's trace. */
export interface RunTrace {
  readonly method: string;
  readonly problem: string;
  readonly seed: number;
  /** The epoch budget of the problem. */
  readonly budget: number;
  /** Epochs the finished units trained (at least the budget, unless the run ended before). */
  readonly totalEpochs: number;
  /** Training jobs (ours) or trials (Optuna) that finished. */
  readonly jobs: number;
  readonly trials: number;
  readonly curve: IncumbentCurves;
}

/**
 * The incumbent curves of finished units in the order they finished (maximization; ties keep
 * the earlier incumbent).
 */
export function incumbentCurve(units: readonly FinishedUnit[]): IncumbentCurves {
  const any: IncumbentPoint[] = [];
  const top: IncumbentPoint[] = [];
  let bestAny: FinishedUnit | undefined;
  let bestTop: FinishedUnit | undefined;
  const point = (u: FinishedUnit, at: FinishedUnit): IncumbentPoint => ({ epochs: at.epochs, seconds: at.seconds, objective: u.objective, milestone: u.milestone, trialId: u.trialId, hp: u.hp });
  for (const u of units) {
    if (bestAny === undefined || u.objective > bestAny.objective) {
      bestAny = u;
      any.push(point(u, u));
    }
    if (bestTop === undefined || u.milestone > bestTop.milestone || (u.milestone === bestTop.milestone && u.objective > bestTop.objective)) {
      bestTop = u;
      top.push(point(u, u));
    }
  }
  return { any, top };
}

/** The incumbent once `epochs` epochs were trained (the last change at or before it), or undefined before the first. */
export function incumbentAt(curve: readonly IncumbentPoint[], epochs: number): IncumbentPoint | undefined {
  let found: IncumbentPoint | undefined;
  for (const p of curve) {
    if (p.epochs > epochs) break;
    found = p;
  }
  return found;
}
