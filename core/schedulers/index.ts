/**
 * Schedulers: "what to do with running trials" (see `ports.ts` for the ask/tell contract).
 *
 * - FIFO (`fifo.ts`): every trial is one job to R.
 * - ASHA (`asha.ts`): asynchronous successive halving, promotion variant (Li et al. 2020).
 * - Hyperband (`hyperband.ts`): Li et al. 2018, `Asynchronous` (per-bracket ASHA) or
 *   `Synchronous` (the paper's successive halving with barriers, exact plan).
 *
 * Every `start`/`resume` decision is one training job; `maxTrainingJobs` is never exceeded.
 */

import type { ObjectiveType, Scheduler, SchedulerKind, SchedulerState, TrialState } from '../ports';
import { ashaScheduler } from './asha';
import { fifoScheduler } from './fifo';
import { hyperbandScheduler } from './hyperband';
import { compareEntries, isUsable } from './rungs';

export { ashaScheduler } from './asha';
export { fifoScheduler } from './fifo';
export { hyperbandScheduler, bracketCycle, syncInstances, type SyncInstance } from './hyperband';
export * from './rungs';

/** The scheduler for a kind. Hyperband's mode is read from the settings at `init`/`ask`/`tell`. */
export function createScheduler(kind: SchedulerKind): Scheduler {
  switch (kind) {
    case 'FIFO':
      return fifoScheduler;
    case 'ASHA':
      return ashaScheduler;
    case 'Hyperband':
      return hyperbandScheduler;
    default:
      throw new Error(`unknown scheduler kind ${String(kind)}; expected FIFO, ASHA or Hyperband`);
  }
}

/** Trials with a training job in flight, in trial-id order (their count fills `MaxParallelTrainingJobs`). */
export function runningJobs(state: SchedulerState): readonly TrialState[] {
  return Object.values(state.trials)
    .filter((t) => t.status === 'Running')
    .sort((a, b) => a.trialId - b.trialId);
}

/** The best trial of a run, as the leaderboard and `Finalize` report it. */
export interface BestTrial {
  readonly trialId: number;
  readonly objective: number;
  /** The highest milestone at which the trial reported a usable objective. */
  readonly milestone: number;
  readonly trial: TrialState;
}

/**
 * The best trial so far, or undefined when no job reported a usable objective.
 *
 * Each trial is scored by its objective at the highest milestone where it has a usable
 * result. Trials are compared first by that milestone (a trial trained further beats one
 * trained less: an objective at r=1 and one at R are not comparable, and Hyperband reports
 * its best configuration at R), then by the objective, then by the smaller trial id. For FIFO
 * every trial reaches R, so this is simply the best objective.
 */
export function bestTrial(state: SchedulerState): BestTrial | undefined {
  const objectiveType: ObjectiveType = state.settings.objectiveType;
  let best: BestTrial | undefined;
  for (const trial of Object.values(state.trials)) {
    let milestone = -Infinity;
    let objective = NaN;
    for (const [key, value] of Object.entries(trial.results)) {
      const m = Number(key);
      if (isUsable(value) && m > milestone) {
        milestone = m;
        objective = value;
      }
    }
    if (milestone === -Infinity) continue;
    const candidate: BestTrial = { trialId: trial.trialId, objective, milestone, trial };
    if (
      best === undefined ||
      candidate.milestone > best.milestone ||
      (candidate.milestone === best.milestone &&
        compareEntries({ trialId: candidate.trialId, value: objective }, { trialId: best.trialId, value: best.objective }, objectiveType) < 0)
    ) {
      best = candidate;
    }
  }
  return best;
}
export { ashaStoppingRule, medianStoppingRule, runningAverage } from './early-stopping';
export type { MedianStoppingOptions, MetricCurve, StoppingDecision, StoppingResult } from './early-stopping';
