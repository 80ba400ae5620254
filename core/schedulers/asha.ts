/**
 * ASHA, PROMOTION variant (Li et al. 2020, "A System for Massively Parallel Hyperparameter
 * Tuning", MLSys, Algorithm 2; Syne Tune's `PromotionRungSystem`). Not Optuna's stopping
 * variant: here a trial pauses at each rung and may be resumed from its checkpoint later.
 *
 * One bracket, s = s_max: rung k has milestone r_k = M_k (r_0 = r_min, r_{s_max} = R; see
 * `rungs.ts` for the integer ladder). `ask` promotes a paused trial from the highest rung
 * where one is in the top floor(n_k / eta) of the n_k results and was not promoted yet;
 * otherwise it starts a new trial at r_min. A trial that reaches R completes. Failed jobs
 * leave a null result that ranks worst at its rung and is never promoted.
 *
 * Exact budget and the end of the run: see `promotion.ts` (new trials are held back near the
 * end of the budget so the last jobs go to promotions). The run is `done` when nothing runs and
 * either the budget is used up, or no trial is promotable and no new trial can be created.
 */

import type { AskOptions, AskResult, Scheduler, SchedulerSettings, SchedulerState, TellResult, TrialResult } from '../ports';
import { checkSettings, type BaseGlobal } from './common';
import { promotionAsk, promotionTell, type PromotionPolicy } from './promotion';

/** ASHA's policy: every trial in the single bracket s_max. */
export const ashaPolicy: PromotionPolicy = {
  label: 'ASHA',
  bracketOf: (_trialId, l) => l.sMax,
};

/** The ASHA scheduler (promotion variant). */
export const ashaScheduler: Scheduler = {
  kind: 'ASHA',
  init(settings: SchedulerSettings): SchedulerState {
    checkSettings(settings);
    const global: BaseGlobal = { jobsStarted: 0, nextTrialId: 0, exhausted: false };
    return { settings, global, trials: {} };
  },
  tell(state: SchedulerState, result: TrialResult): TellResult {
    return promotionTell(state, result, ashaPolicy);
  },
  ask(state: SchedulerState, options: AskOptions): AskResult {
    return promotionAsk(state, options, ashaPolicy);
  },
};
