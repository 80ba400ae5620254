/**
 * Hyperband with promotion through checkpoints (Li et al. 2018, "Hyperband: A Novel
 * Bandit-Based Approach to Hyperparameter Optimization", JMLR; Li et al. 2020, "A System for
 * Massively Parallel Hyperparameter Tuning", MLSys). Symbols as in `rungs.ts`: r_min, R, eta,
 * s_max, bracket s, n_i trials at rung i with resource r_i.
 *
 * Two modes (`SchedulerSettings.mode`):
 *
 * **Asynchronous** (default; Syne Tune's `HyperbandScheduler(type='promotion')`, Li et al. 2020
 * section 3.3): every new trial is assigned a bracket s when it is created (stored in
 * `TrialState.bracket`), and each bracket runs ASHA's promotion rule from its own bottom rung
 * r_0 = M_{s_max - s} (see `promotion.ts`). Assignment is deterministic in the trial id: trial t
 * gets the (t mod N)-th entry of a smooth weighted round-robin over brackets s_max..0 with
 * weights n_s (the paper's trials per bracket, N = sum n_s), so every block of N consecutive
 * trials holds exactly n_s trials of bracket s, interleaved rather than in runs. (Syne Tune
 * samples the bracket at random with the same proportions; a fixed sequence needs no seed and
 * makes runs reproducible.)
 *
 * **Synchronous** (the paper exactly): brackets run in the order s_max, s_max-1, .., 0 (one
 * Hyperband iteration), then again while budget remains. Each bracket instance is successive
 * halving with barriers: all n_i jobs of rung i must finish before the top n_{i+1} (by objective,
 * ties by trial id) are resumed to r_{i+1}; the others are STOPped at the barrier. Scheduling
 * rule for parallel slots: free slots go to the earliest open bracket instance that has
 * startable work; only when every open instance waits at a barrier (or has started all jobs of
 * its current rung) is the next instance of the sequence opened and its rung-0 trials started.
 * Budget rule (decided when an instance opens, from the budget not yet promised to open
 * instances): the instance gets the paper's shape when it fits; otherwise it is started with
 * the largest n' < n whose jobs sum_i floor(n' / eta^i) fit and that still keeps one trial at
 * R (n' >= eta^s); if no such n' exists the bracket is skipped and the next (smaller) bracket
 * of the sequence is tried. Bracket 0 fits any budget >= 1, so the budget is used exactly.
 * Without failures, the set of jobs therefore depends only on the budget and the bracket
 * table, never on objective values, their order or the number of slots: `planRun` is exact.
 * With failures, a failed trial is never promoted; when fewer trials than n_{i+1} succeeded at
 * rung i all successes are promoted, and the jobs no longer needed go back to the budget for
 * later instances. If the sampler runs out while rung 0 is being filled, the instance keeps the
 * trials it has and rung i keeps max(1, floor(n' / eta^i)) of them.
 *
 * `global` holds the open bracket instances only, each O(rungs), never per-trial data: a
 * trial's instance is found from the contiguous trial-id range the instance created
 * (instances create trials strictly one after another). At most `MaxParallelTrainingJobs`
 * instances are open at once: an instance opens only when a slot is free and every open
 * instance has no startable work, i.e. waits at a barrier with at least one job running.
 */

import type {
  AskOptions,
  AskResult,
  Decision,
  Scheduler,
  SchedulerSettings,
  SchedulerState,
  TellResult,
  TrialResult,
  TrialState,
} from '../ports';
import {
  applyResume,
  applyStart,
  budgetText,
  checkResult,
  checkSettings,
  countRunning,
  decisionOf,
  describeResult,
  globalOf,
  idle,
  jobsLeft,
  ladderOf,
  recordResult,
  trialsLeft,
  withGlobal,
  withTrials,
  type BaseGlobal,
} from './common';
import { promotionAsk, promotionTell, type PromotionPolicy } from './promotion';
import { bracketTrials, fitBracket, rankRung, rungResource, type Ladder, type RungEntry } from './rungs';

// ---------------------------------------------------------------------------------------
// Asynchronous Hyperband
// ---------------------------------------------------------------------------------------

const sequenceCache = new Map<string, readonly number[]>();

/**
 * One cycle of the bracket sequence of asynchronous Hyperband: a smooth weighted round-robin
 * over s = s_max..0 with weights n_s. Its length is N = sum_s n_s and bracket s occurs n_s times.
 */
export function bracketCycle(l: Ladder): readonly number[] {
  const key = `${l.minResource}|${l.maxResource}|${l.eta}`;
  const cached = sequenceCache.get(key);
  if (cached) return cached;
  const brackets: number[] = [];
  for (let s = l.sMax; s >= 0; s--) brackets.push(s);
  const weights = brackets.map((s) => bracketTrials(l, s));
  const total = weights.reduce((a, b) => a + b, 0);
  const credit = weights.map(() => 0);
  const cycle: number[] = [];
  for (let step = 0; step < total; step++) {
    let pick = 0;
    for (let j = 0; j < brackets.length; j++) {
      credit[j] += weights[j];
      if (credit[j] > credit[pick]) pick = j;
    }
    credit[pick] -= total;
    cycle.push(brackets[pick]);
  }
  sequenceCache.set(key, cycle);
  return cycle;
}

/** Asynchronous Hyperband's bracket assignment (see the module comment). */
export const asyncHyperbandPolicy: PromotionPolicy = {
  label: 'asynchronous Hyperband',
  bracketOf: (trialId, l) => {
    const cycle = bracketCycle(l);
    return cycle[trialId % cycle.length];
  },
};

// ---------------------------------------------------------------------------------------
// Synchronous Hyperband
// ---------------------------------------------------------------------------------------

/** One open bracket instance of synchronous Hyperband (stored in `global.instances`). */
export type SyncInstance = {
  /** k: position in the bracket sequence (s_k = s_max - k mod (s_max + 1)); skipped positions count. */
  readonly index: number;
  /** floor(k / (s_max + 1)): the Hyperband iteration. */
  readonly iteration: number;
  /** s: the bracket. */
  readonly bracket: number;
  /** The id of the instance's first trial; its trials are firstTrialId .. firstTrialId + counts[0] - 1. */
  readonly firstTrialId: number;
  /** n_i per rung: the shape it was opened with, reduced by failures or an exhausted sampler. */
  readonly counts: readonly number[];
  /** i: the rung whose jobs are being started or awaited. */
  readonly rung: number;
  /** Jobs started at rung i so far. */
  readonly started: number;
};

/** `global` of synchronous Hyperband. */
export type SyncGlobal = BaseGlobal & {
  /** k of the next instance to open. */
  readonly nextInstance: number;
  /** Open instances, in opening order. */
  readonly instances: readonly SyncInstance[];
};

/** Open bracket instances of a synchronous Hyperband state (empty for other schedulers). */
export function syncInstances(state: SchedulerState): readonly SyncInstance[] {
  const g = globalOf<SyncGlobal>(state);
  return Array.isArray(g.instances) ? g.instances : [];
}

/** Jobs an open instance has promised but not started yet. */
function pendingJobs(inst: SyncInstance): number {
  let n = inst.counts[inst.rung] - inst.started;
  for (let j = inst.rung + 1; j < inst.counts.length; j++) n += inst.counts[j];
  return n;
}

function pendingTrials(inst: SyncInstance): number {
  return inst.rung === 0 ? inst.counts[0] - inst.started : 0;
}

/** Trials an instance has created so far. */
function createdTrials(inst: SyncInstance): number {
  return inst.rung === 0 ? inst.started : inst.counts[0];
}

function instanceTrials(state: SchedulerState, inst: SyncInstance): TrialState[] {
  const out: TrialState[] = [];
  const end = inst.firstTrialId + createdTrials(inst);
  for (let id = inst.firstTrialId; id < end; id++) {
    const t = state.trials[String(id)];
    if (t) out.push(t);
  }
  return out;
}

function replaceInstance(state: SchedulerState, index: number, inst: SyncInstance | null): SchedulerState {
  const g = globalOf<SyncGlobal>(state);
  const instances = inst === null ? g.instances.filter((x) => x.index !== index) : g.instances.map((x) => (x.index === index ? inst : x));
  return withGlobal<SyncGlobal>(state, { instances });
}

function describeInstance(inst: SyncInstance): string {
  return `bracket s=${inst.bracket} (iteration ${inst.iteration})`;
}

/**
 * Clear the barrier of an instance's current rung if all its jobs have reported: promote the
 * top n_{i+1} (they stay Paused until `ask` resumes them), stop the rest, or close the instance
 * after its top rung. Returns the state unchanged when the barrier still holds.
 */
function advance(state: SchedulerState, l: Ladder, index: number): SchedulerState {
  const inst = syncInstances(state).find((x) => x.index === index);
  if (inst === undefined) return state;
  const i = inst.rung;
  if (inst.started < inst.counts[i]) return state;
  const r = rungResource(l, inst.bracket, i);
  const trials = instanceTrials(state, inst);
  const reported = trials.filter((t) => Object.prototype.hasOwnProperty.call(t.results, String(r)));
  if (reported.length < inst.counts[i]) return state;
  if (i === inst.bracket) {
    return replaceInstance(state, index, null);
  }
  const successes = rankRung(
    reported.filter((t) => t.status === 'Paused' && t.milestone === r).map((t) => ({ trialId: t.trialId, value: t.results[String(r)] })),
    state.settings.objectiveType,
  );
  const promote = Math.min(inst.counts[i + 1], successes.length);
  const keep = new Set(successes.slice(0, promote).map((e) => e.trialId));
  const stopped = successes.filter((e) => !keep.has(e.trialId)).map((e) => ({ ...state.trials[String(e.trialId)], status: 'Stopped' as const }));
  const next = withTrials(state, stopped);
  if (promote === 0) {
    return replaceInstance(next, index, null);
  }
  const counts = [...inst.counts];
  counts[i + 1] = promote;
  for (let j = i + 2; j < counts.length; j++) counts[j] = Math.min(counts[j], counts[j - 1]);
  return replaceInstance(next, index, { ...inst, counts, rung: i + 1, started: 0 });
}

/** Open the next instance of the bracket sequence that fits the unpromised budget, or return null. */
function openInstance(state: SchedulerState, l: Ladder): SchedulerState | null {
  const g = globalOf<SyncGlobal>(state);
  let promisedJobs = 0;
  let promisedTrials = 0;
  for (const inst of g.instances) {
    promisedJobs += pendingJobs(inst);
    promisedTrials += pendingTrials(inst);
  }
  const budget = jobsLeft(state) - promisedJobs;
  const trialBudget = trialsLeft(state) - promisedTrials;
  if (budget < 1 || trialBudget < 1 || g.exhausted) return null;
  for (let k = g.nextInstance; k <= g.nextInstance + l.sMax; k++) {
    const s = l.sMax - (k % (l.sMax + 1));
    const shape = fitBracket(l, s, budget, trialBudget);
    if (shape === null) continue;
    const inst: SyncInstance = {
      index: k,
      iteration: Math.floor(k / (l.sMax + 1)),
      bracket: s,
      firstTrialId: g.nextTrialId,
      counts: shape.rungs.map((r) => r.trials),
      rung: 0,
      started: 0,
    };
    return withGlobal<SyncGlobal>(state, { nextInstance: k + 1, instances: [...g.instances, inst] });
  }
  return null;
}

/** The instance a trial belongs to, if it is still open. */
function instanceOfTrial(state: SchedulerState, trialId: number): SyncInstance | undefined {
  return syncInstances(state).find((x) => trialId >= x.firstTrialId && trialId < x.firstTrialId + createdTrials(x));
}

function syncTell(state: SchedulerState, result: TrialResult): TellResult {
  const check = checkResult(state, result);
  if (check.kind === 'duplicate') {
    return { state, decision: decisionOf(check.trial.status), reason: `duplicate result for trial ${result.trialId} at r=${result.milestone}: ignored` };
  }
  const l = ladderOf(state.settings);
  const inst = instanceOfTrial(state, result.trialId);
  if (inst === undefined) {
    throw new Error(`result for trial ${result.trialId} belongs to no open bracket instance`);
  }
  const R = l.milestones[l.sMax];
  const recorded = recordResult(check.trial, result, R);
  const next = advance(withTrials(state, [recorded]), l, inst.index);
  const trial = next.trials[String(result.trialId)];
  const what = `trial ${trial.trialId} in ${describeInstance(inst)} ${describeResult(result)}`;
  const i = inst.rung;
  const after = syncInstances(next).find((x) => x.index === inst.index);
  const barrierCleared = after === undefined || after.rung !== i;
  switch (trial.status) {
    case 'Completed':
      return { state: next, decision: 'STOP', reason: `${what}: reached R=${R}` };
    case 'Paused':
      if (barrierCleared) {
        return {
          state: next,
          decision: 'PAUSE',
          reason: `${what}: among the top n_${i + 1}=${after?.counts[i + 1] ?? 0} of rung ${i}; resumes to r=${rungResource(l, inst.bracket, i + 1)} when a slot is free`,
        };
      }
      return {
        state: next,
        decision: 'PAUSE',
        reason: `${what}: paused at the barrier of rung ${i} until all ${inst.counts[i]} jobs of the rung have reported`,
      };
    case 'Stopped':
      if (recorded.status === 'Paused') {
        return { state: next, decision: 'STOP', reason: `${what}: not among the top n_${i + 1}=${after?.counts[i + 1] ?? 0} of the ${inst.counts[i]} results at rung ${i}` };
      }
      return { state: next, decision: 'STOP', reason: `${what}: stopped for good (a missing result is never promoted)` };
    default:
      return { state: next, decision: 'STOP', reason: `${what}: failed; it ranks worst at its rung and is never promoted` };
  }
}

/** Reduce an instance's shape to the trials it managed to create before the sampler ran out. */
function shrinkToCreated(inst: SyncInstance, eta: number): SyncInstance {
  const created = inst.started;
  const counts: number[] = [created];
  for (let j = 1; j < inst.counts.length; j++) {
    const paper = created === 0 ? 0 : Math.max(1, Math.floor(created / eta ** j));
    counts.push(Math.min(inst.counts[j], paper, counts[j - 1]));
  }
  return { ...inst, counts };
}

function syncAsk(state: SchedulerState, options: AskOptions): AskResult {
  const l = ladderOf(state.settings);
  const decisions: Decision[] = [];
  let current = state;
  let guard = 0;
  while (decisions.length < options.slots && jobsLeft(current) > 0) {
    if (++guard > 10 * (options.slots + l.sMax + 10) + 1000) {
      throw new Error('synchronous hyperband made no progress (internal error)');
    }
    const inst = syncInstances(current).find((x) => x.started < x.counts[x.rung]);
    if (inst === undefined) {
      const opened = openInstance(current, l);
      if (opened === null) break;
      current = opened;
      continue;
    }
    const i = inst.rung;
    const r = rungResource(l, inst.bracket, i);
    if (i === 0) {
      const trialId = current.global.nextTrialId;
      const config = options.propose(trialId);
      if (config === null) {
        current = withGlobal<SyncGlobal>(current, { exhausted: true });
        current = replaceInstance(current, inst.index, shrinkToCreated(inst, l.eta));
        current = advance(current, l, inst.index);
        continue;
      }
      const applied = applyStart(
        current,
        config,
        inst.bracket,
        r,
        `started trial ${trialId} in ${describeInstance(inst)} at rung 0 (r=${r}): trial ${inst.started + 1} of n_0=${inst.counts[0]}`,
      );
      current = replaceInstance(applied.state, inst.index, { ...inst, started: inst.started + 1 });
      decisions.push(applied.decision);
      continue;
    }
    const below = rungResource(l, inst.bracket, i - 1);
    const entries: RungEntry[] = instanceTrials(current, inst)
      .filter((t) => Object.prototype.hasOwnProperty.call(t.results, String(below)))
      .map((t) => ({ trialId: t.trialId, value: t.results[String(below)] }));
    const ranked = rankRung(entries, current.settings.objectiveType);
    const rank = ranked.findIndex((e) => {
      const t = current.trials[String(e.trialId)];
      return t.status === 'Paused' && t.milestone === below;
    });
    if (rank < 0) {
      throw new Error(`no promoted trial left in ${describeInstance(inst)} at rung ${i - 1} (internal error)`);
    }
    const trial = current.trials[String(ranked[rank].trialId)];
    const applied = applyResume(
      current,
      trial,
      r,
      `promoted trial ${trial.trialId} in ${describeInstance(inst)} from rung ${i - 1} (r=${below}) to r=${r}: ` +
        `rank ${rank + 1} of ${ranked.length} results at rung ${i - 1}, within the top n_${i}=${inst.counts[i]}`,
    );
    current = replaceInstance(applied.state, inst.index, { ...inst, started: inst.started + 1 });
    decisions.push(applied.decision);
  }
  if (decisions.length > 0) {
    return { state: current, decisions };
  }
  const running = countRunning(current);
  if (jobsLeft(current) === 0) {
    return idle(current, running, `budget used: ${budgetText(current)}`, `budget used: ${budgetText(current)}; all jobs finished`);
  }
  const open = syncInstances(current);
  if (options.slots <= 0) {
    return { state: current, decisions: [{ kind: 'wait', reason: `no free slot; ${running} job(s) running` }] };
  }
  if (open.length > 0) {
    const first = open[0];
    const r = rungResource(l, first.bracket, first.rung);
    return idle(current, running, `${describeInstance(first)} waits at the barrier of rung ${first.rung} (r=${r}) for ${first.counts[first.rung]} results`, 'internal error: open bracket with nothing running');
  }
  const g = globalOf<SyncGlobal>(current);
  const why = g.exhausted
    ? `the sampler has no more configurations after ${g.nextTrialId} trials`
    : `trial limit reached: ${g.nextTrialId} trials`;
  return idle(current, running, why, `${why}; ${budgetText(current)}`);
}

/** The Hyperband scheduler; `settings.mode` picks the asynchronous or synchronous variant. */
export const hyperbandScheduler: Scheduler = {
  kind: 'Hyperband',
  init(settings: SchedulerSettings): SchedulerState {
    checkSettings(settings);
    if (settings.mode === 'Synchronous') {
      const global: SyncGlobal = { jobsStarted: 0, nextTrialId: 0, exhausted: false, nextInstance: 0, instances: [] };
      return { settings, global, trials: {} };
    }
    const global: BaseGlobal = { jobsStarted: 0, nextTrialId: 0, exhausted: false };
    return { settings, global, trials: {} };
  },
  tell(state: SchedulerState, result: TrialResult): TellResult {
    return state.settings.mode === 'Synchronous' ? syncTell(state, result) : promotionTell(state, result, asyncHyperbandPolicy);
  },
  ask(state: SchedulerState, options: AskOptions): AskResult {
    return state.settings.mode === 'Synchronous' ? syncAsk(state, options) : promotionAsk(state, options, asyncHyperbandPolicy);
  },
};
