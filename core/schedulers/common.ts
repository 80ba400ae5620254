/**
 * Helpers shared by the schedulers: settings checks, immutable state updates, recording a
 * result, and the budget. Nothing here mutates its inputs.
 */

import type {
  AskResult,
  Configuration,
  Decision,
  SchedulerSettings,
  SchedulerState,
  TrialDecision,
  TrialResult,
  TrialState,
  TrialStatus,
} from '../ports';
import { isUsable, ladder, type Ladder } from './rungs';

/**
 * The fields every scheduler keeps in `SchedulerState.global`. (A type alias, not an
 * interface, so that it is assignable to the port's `Record<string, unknown>`.)
 */
export type BaseGlobal = {
  readonly jobsStarted: number;
  readonly nextTrialId: number;
  /** True once `propose` returned null: no new trials will be created. */
  readonly exhausted: boolean;
};

/** Validate settings the core relies on; throws with a lowercase message. */
export function checkSettings(settings: SchedulerSettings): void {
  const { maxTrainingJobs, maxTrials } = settings;
  if (!Number.isInteger(maxTrainingJobs) || maxTrainingJobs < 1) {
    throw new Error(`max training jobs must be a positive integer, got ${maxTrainingJobs}`);
  }
  if (maxTrials !== undefined && (!Number.isInteger(maxTrials) || maxTrials < 1)) {
    throw new Error(`max trials must be a positive integer when given, got ${maxTrials}`);
  }
  if (settings.objectiveType !== 'Minimize' && settings.objectiveType !== 'Maximize') {
    throw new Error(`objective type must be Minimize or Maximize, got ${String(settings.objectiveType)}`);
  }
  // Throws on bad resources / reduction factor.
  ladderOf(settings);
}

/**
 * The milestone ladder of a run. FIFO ignores `minResource` and `reductionFactor`: its ladder
 * is the single milestone R (with a nominal eta of 2).
 */
export function ladderOf(settings: SchedulerSettings): Ladder {
  if (settings.kind === 'FIFO') {
    return ladder(settings.maxResource, settings.maxResource, 2);
  }
  return ladder(settings.minResource, settings.maxResource, settings.reductionFactor);
}

/** Training jobs still allowed: maxTrainingJobs - jobsStarted. */
export function jobsLeft(state: SchedulerState): number {
  return Math.max(0, state.settings.maxTrainingJobs - state.global.jobsStarted);
}

/** Trials still allowed by `maxTrials` (Infinity when unset). */
export function trialsLeft(state: SchedulerState): number {
  const { maxTrials } = state.settings;
  return maxTrials === undefined ? Infinity : Math.max(0, maxTrials - state.global.nextTrialId);
}

/** Trials in id order. */
export function trialList(state: SchedulerState): TrialState[] {
  return Object.values(state.trials).sort((a, b) => a.trialId - b.trialId);
}

export function countRunning(state: SchedulerState): number {
  let n = 0;
  for (const t of Object.values(state.trials)) {
    if (t.status === 'Running') n++;
  }
  return n;
}

/** The typed view of `state.global` (the state is plain JSON written by this module). */
export function globalOf<G extends BaseGlobal>(state: SchedulerState): G {
  return state.global as unknown as G;
}

export function withGlobal<G extends BaseGlobal>(state: SchedulerState, patch: Partial<G>): SchedulerState {
  return { ...state, global: { ...state.global, ...patch } };
}

export function withTrials(state: SchedulerState, updated: readonly TrialState[]): SchedulerState {
  if (updated.length === 0) return state;
  const trials: Record<string, TrialState> = { ...state.trials };
  for (const t of updated) trials[String(t.trialId)] = t;
  return { ...state, trials };
}

/** A new trial, Running its first job to `milestone`. */
export function newTrial(trialId: number, config: Configuration, bracket: number, milestone: number): TrialState {
  return { trialId, config, bracket, status: 'Running', milestone, results: {}, promotedFrom: [] };
}

/**
 * Apply a `start` decision: create the trial and count the job. `config` is copied so later
 * changes by the caller cannot reach the state.
 */
export function applyStart(
  state: SchedulerState,
  config: Configuration,
  bracket: number,
  milestone: number,
  reason: string,
): { state: SchedulerState; decision: Decision } {
  const trialId = state.global.nextTrialId;
  const trial = newTrial(trialId, { ...config }, bracket, milestone);
  const next = withGlobal(withTrials(state, [trial]), {
    jobsStarted: state.global.jobsStarted + 1,
    nextTrialId: trialId + 1,
  });
  return { state: next, decision: { kind: 'start', trialId, config: trial.config, bracket, milestone, reason } };
}

/** Apply a `resume` decision: claim the promotion from the trial's milestone and count the job. */
export function applyResume(
  state: SchedulerState,
  trial: TrialState,
  milestone: number,
  reason: string,
): { state: SchedulerState; decision: Decision } {
  if (trial.status !== 'Paused' || milestone <= trial.milestone) {
    throw new Error(`cannot resume trial ${trial.trialId} (status ${trial.status}, milestone ${trial.milestone}) to ${milestone}`);
  }
  const resumed: TrialState = {
    ...trial,
    status: 'Running',
    milestone,
    promotedFrom: [...trial.promotedFrom, trial.milestone],
  };
  const next = withGlobal(withTrials(state, [resumed]), { jobsStarted: state.global.jobsStarted + 1 });
  return {
    state: next,
    decision: { kind: 'resume', trialId: trial.trialId, fromMilestone: trial.milestone, milestone, reason },
  };
}

/** The decision a trial's status stands for (used to answer a duplicate `tell`). */
export function decisionOf(status: TrialStatus): TrialDecision {
  switch (status) {
    case 'Running':
      return 'CONTINUE';
    case 'Paused':
      return 'PAUSE';
    default:
      return 'STOP';
  }
}

/** Outcome of validating a `tell`: either a duplicate (answer unchanged) or the trial to update. */
export type TellCheck =
  | { readonly kind: 'duplicate'; readonly trial: TrialState }
  | { readonly kind: 'fresh'; readonly trial: TrialState };

/**
 * Validate a result against the state. A result whose (trialId, milestone) is already
 * recorded is a duplicate (SageMaker may deliver an event twice). Anything else must match
 * the trial's running job; otherwise it is a caller bug and throws.
 */
export function checkResult(state: SchedulerState, result: TrialResult): TellCheck {
  const trial = state.trials[String(result.trialId)];
  if (trial === undefined) {
    throw new Error(`result for unknown trial ${result.trialId} (known trials: 0..${state.global.nextTrialId - 1})`);
  }
  if (Object.prototype.hasOwnProperty.call(trial.results, String(result.milestone))) {
    return { kind: 'duplicate', trial };
  }
  if (trial.status !== 'Running' || trial.milestone !== result.milestone) {
    throw new Error(
      `result for trial ${result.trialId} at milestone ${result.milestone} does not match its job ` +
        `(status ${trial.status}, milestone ${trial.milestone})`,
    );
  }
  return { kind: 'fresh', trial };
}

/**
 * Record a result on a running trial. Completed jobs keep their objective (non-finite values
 * become null: they would not survive JSON); Failed and Stopped jobs record null, which
 * ranks worst and is never promoted. The status follows from the outcome and whether the
 * milestone is the top of the trial's bracket:
 * - Failed -> Failed; Stopped -> Stopped;
 * - Completed at R -> Completed; Completed without a usable objective below R -> Stopped
 *   (it can never be promoted, so pausing it would only hold a checkpoint);
 * - Completed below R -> Paused (`pausedStatus`).
 */
export function recordResult(trial: TrialState, result: TrialResult, topMilestone: number): TrialState {
  const value = result.outcome === 'Completed' && isUsable(result.objective) ? result.objective : null;
  let status: TrialStatus;
  if (result.outcome === 'Failed') status = 'Failed';
  else if (result.outcome === 'Stopped') status = 'Stopped';
  else if (result.milestone >= topMilestone) status = 'Completed';
  else if (value === null) status = 'Stopped';
  else status = 'Paused';
  return { ...trial, status, results: { ...trial.results, [String(result.milestone)]: value } };
}

/** A short text for a recorded result, for reasons. */
export function describeResult(result: TrialResult): string {
  if (result.outcome === 'Completed') {
    return isUsable(result.objective) ? `objective ${result.objective} at r=${result.milestone}` : `no objective at r=${result.milestone}`;
  }
  return `job ${result.outcome.toLowerCase()} at r=${result.milestone}`;
}

/** The answer when no job can be started: `wait` while jobs run, else `done`. */
export function idle(state: SchedulerState, running: number, waitReason: string, doneReason: string): AskResult {
  if (running > 0) {
    return { state, decisions: [{ kind: 'wait', reason: `${waitReason}; ${running} job(s) running` }] };
  }
  return { state, decisions: [{ kind: 'done', reason: doneReason }] };
}

/** Why nothing new can start, for `wait`/`done` reasons. */
export function budgetText(state: SchedulerState): string {
  return `${state.global.jobsStarted} of ${state.settings.maxTrainingJobs} training jobs started`;
}
