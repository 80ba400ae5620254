/**
 * FIFO: every trial is one training job straight to the maximum resource R (no rungs, no
 * promotion; Syne Tune's `FIFOScheduler`). Trials are created in id order while
 * - fewer than `maxTrainingJobs` jobs were started (each trial is exactly one job), and
 * - fewer than `maxTrials` trials exist (when set), and
 * - `propose` keeps returning configurations (a null ends trial creation for good).
 * The run is `done` when nothing runs and nothing more can start. Failed jobs count against
 * the budget (they were billed) and are not retried.
 */

import type { AskOptions, AskResult, Decision, Scheduler, SchedulerSettings, SchedulerState, TellResult, TrialResult } from '../ports';
import {
  applyStart,
  budgetText,
  checkResult,
  checkSettings,
  countRunning,
  decisionOf,
  globalOf,
  describeResult,
  idle,
  jobsLeft,
  recordResult,
  trialsLeft,
  withGlobal,
  withTrials,
  type BaseGlobal,
} from './common';

/** The FIFO scheduler. All trials are in bracket 0 and train to R in one job. */
export const fifoScheduler: Scheduler = {
  kind: 'FIFO',

  init(settings: SchedulerSettings): SchedulerState {
    checkSettings(settings);
    const global: BaseGlobal = { jobsStarted: 0, nextTrialId: 0, exhausted: false };
    return { settings, global, trials: {} };
  },

  tell(state: SchedulerState, result: TrialResult): TellResult {
    const check = checkResult(state, result);
    if (check.kind === 'duplicate') {
      return { state, decision: decisionOf(check.trial.status), reason: `duplicate result for trial ${result.trialId} at r=${result.milestone}: ignored` };
    }
    const trial = recordResult(check.trial, result, state.settings.maxResource);
    return {
      state: withTrials(state, [trial]),
      decision: 'STOP',
      reason: `trial ${trial.trialId} finished (${describeResult(result)}): FIFO trains each trial once, to R=${state.settings.maxResource}`,
    };
  },

  ask(state: SchedulerState, options: AskOptions): AskResult {
    let current = state;
    const decisions: Decision[] = [];
    const R = state.settings.maxResource;
    while (decisions.length < options.slots && jobsLeft(current) > 0 && trialsLeft(current) > 0 && !globalOf(current).exhausted) {
      const trialId = current.global.nextTrialId;
      const config = options.propose(trialId);
      if (config === null) {
        current = withGlobal<BaseGlobal>(current, { exhausted: true });
        break;
      }
      const applied = applyStart(current, config, 0, R, `started trial ${trialId} to R=${R} (FIFO); job ${current.global.jobsStarted + 1} of ${state.settings.maxTrainingJobs}`);
      current = applied.state;
      decisions.push(applied.decision);
    }
    if (decisions.length > 0) {
      return { state: current, decisions };
    }
    const running = countRunning(current);
    const g = globalOf(current);
    let why: string;
    if (jobsLeft(current) === 0) why = `budget used: ${budgetText(current)}`;
    else if (trialsLeft(current) === 0) why = `trial limit reached: ${current.global.nextTrialId} trials`;
    else if (g.exhausted) why = `the sampler has no more configurations after ${current.global.nextTrialId} trials`;
    else why = 'no free slot';
    if (why === 'no free slot') {
      return { state: current, decisions: [{ kind: 'wait', reason: `no free slot; ${running} job(s) running` }] };
    }
    return idle(current, running, why, `${why}; all jobs finished`);
  },
};
