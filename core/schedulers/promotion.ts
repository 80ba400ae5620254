/**
 * The promotion engine shared by ASHA and asynchronous Hyperband: the PROMOTION variant of
 * ASHA (Li et al. 2020, "A System for Massively Parallel Hyperparameter Tuning", MLSys,
 * Algorithm 2; Syne Tune's `PromotionRungSystem`), not the stopping variant (Optuna's
 * `SuccessiveHalvingPruner`, which never resumes a trial).
 *
 * A trial that finishes the job for rung i of its bracket is PAUSED at milestone r_i and keeps
 * its checkpoint. `get_job` (our `ask`) scans rungs from the top: a paused trial that is in the
 * top floor(n / eta) of the n results at its rung and has not been promoted from it yet is
 * resumed to r_{i+1} (one new training job that continues from the checkpoint); when no trial
 * is promotable, a new trial starts at the bottom rung of the bracket it is assigned to.
 * Rung membership is derived from the trials' recorded results, so `global` stays O(1).
 *
 * Exact budget: every start/resume is one job and `maxTrainingJobs` is never exceeded. When
 * few jobs remain, starting a new trial at the bottom rung would spend a job on a result that
 * most likely can never be promoted (no budget left to resume it), while a running job below R
 * may, when it reports, make some paused trial promotable. So, when no promotion is available
 * right now, a new trial starts only if the jobs left exceed the number of running jobs below R
 * (a heuristic reserve of one job per pending result that could unlock a promotion); otherwise
 * the scheduler waits. When nothing runs the reserve is 0, so the budget is always used up
 * unless the sampler or `maxTrials` runs out first.
 *
 * Wind-down (our addition, for slot utilisation): while the reserve holds the last jobs, a free
 * slot does not idle. It resumes the paused trial *next in line* for promotion: the best waiting
 * trial just outside the top floor(n / eta) of its rung (lowest rung first: the shortest jobs,
 * which stretch the end of the run least), the one a few more results at that rung would promote
 * anyway. Every such resume is one job of the exact budget, like any other. Without it, the last jobs of a run waited for the running ones (bench/RESULTS-SCALE.md).
 */

import type { AskOptions, AskResult, Decision, SchedulerState, TellResult, TrialResult, TrialState } from '../ports';
import {
  applyResume,
  applyStart,
  budgetText,
  checkResult,
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
import { lowerBound, type RungIndex } from './rung-index';
import { bracketMilestones, compareEntries, isUsable, promotionQuota, rankRung, type Ladder, type RungEntry } from './rungs';

/** How a promotion-based scheduler assigns brackets to new trials. */
export interface PromotionPolicy {
  /** Name used in reasons, e.g. `ASHA`. */
  readonly label: string;
  /** The bracket s of new trial `trialId` (decided once, stored in `TrialState.bracket`). */
  bracketOf(trialId: number, l: Ladder): number;
}

interface Candidate {
  readonly trialId: number;
  readonly bracket: number;
  readonly rung: number;
  readonly from: number;
  readonly to: number;
  readonly rank: number;
  readonly n: number;
  readonly quota: number;
}

/**
 * All promotions available now, in the order `get_job` takes them: higher target milestone
 * first (scan from the top rung down), then higher bracket, then rank within the rung.
 *
 * `limit` bounds the trials taken from each rung and the list returned (the first `limit` of the
 * full list). With a rung index on the state (`SchedulerState.rungIndex`, rung-index.ts) the rungs
 * are not re-ranked: the result is the same, in time proportional to what it returns.
 */
export function promotionCandidates(state: SchedulerState, scope: 'quota' | 'next-in-line' = 'quota', limit = Infinity): Candidate[] {
  const out = state.rungIndex !== undefined ? indexedCandidates(state, state.rungIndex, scope, limit) : scannedCandidates(state, scope, limit);
  // Within the quota: the highest target first (get_job scans from the top). Next in line, in
  // the wind-down: the lowest target first, the shortest jobs (measured: resuming the highest
  // first filled more slots at 100 parallel, 80% against 74%, but stretched the end of the run at
  // 8 parallel, 96.5% against 98.0%).
  if (scope === 'next-in-line') out.sort((a, b) => a.to - b.to || b.bracket - a.bracket || a.rank - b.rank);
  else out.sort((a, b) => b.to - a.to || b.bracket - a.bracket || a.rank - b.rank);
  return Number.isFinite(limit) ? out.slice(0, limit) : out;
}

/** `promotionCandidates` from the whole trial table: every rung ranked. */
function scannedCandidates(state: SchedulerState, scope: 'quota' | 'next-in-line', limit: number): Candidate[] {
  const l = ladderOf(state.settings);
  const byRung = new Map<string, RungEntry[]>();
  for (const t of Object.values(state.trials)) {
    for (const [key, value] of Object.entries(t.results)) {
      const id = `${t.bracket}:${key}`;
      const list = byRung.get(id);
      if (list) list.push({ trialId: t.trialId, value });
      else byRung.set(id, [{ trialId: t.trialId, value }]);
    }
  }
  const out: Candidate[] = [];
  for (let s = l.sMax; s >= 0; s--) {
    const ms = bracketMilestones(l, s);
    for (let i = 0; i < ms.length - 1; i++) {
      const entries = byRung.get(`${s}:${ms[i]}`);
      if (!entries) continue;
      const ranked = rankRung(entries, state.settings.objectiveType);
      const quota = promotionQuota(ranked.length, l.eta);
      const [from, to] = scope === 'quota' ? [0, quota] : [quota, ranked.length];
      let taken = 0;
      for (let rank = from; rank < to && taken < limit; rank++) {
        const trial = state.trials[String(ranked[rank].trialId)];
        if (isWaitingAt(trial, ms[i]) && (scope === 'quota' || isUsable(ranked[rank].value))) {
          out.push({ trialId: trial.trialId, bracket: s, rung: i, from: ms[i], to: ms[i + 1], rank, n: ranked.length, quota });
          taken++;
        }
      }
    }
  }
  return out;
}

/**
 * `promotionCandidates` from a rung index plus the loaded trials (`state.trials`), which override
 * what the index says about them; their results the index does not hold yet (told by this tick)
 * count as extra entries of their rungs.
 */
function indexedCandidates(state: SchedulerState, index: RungIndex, scope: 'quota' | 'next-in-line', limit: number): Candidate[] {
  const l = ladderOf(state.settings);
  const type = state.settings.objectiveType;
  // The loaded trials, by rung: results the index lacks, and trials waiting at the rung.
  const extras = new Map<string, RungEntry[]>();
  const liveWaiting = new Map<string, RungEntry[]>();
  const push = (map: Map<string, RungEntry[]>, key: string, entry: RungEntry): void => {
    const list = map.get(key);
    if (list) list.push(entry);
    else map.set(key, [entry]);
  };
  for (const t of Object.values(state.trials)) {
    for (const [key, value] of Object.entries(t.results)) {
      const entry = { trialId: t.trialId, value };
      if (!index.has(t.trialId, Number(key))) push(extras, `${t.bracket}:${key}`, entry);
      if (isWaitingAt(t, Number(key))) push(liveWaiting, `${t.bracket}:${key}`, entry);
    }
  }
  const out: Candidate[] = [];
  for (let s = l.sMax; s >= 0; s--) {
    const ms = bracketMilestones(l, s);
    for (let i = 0; i < ms.length - 1; i++) {
      const key = `${s}:${ms[i]}`;
      const rung = index.rung(s, ms[i]);
      const extra = extras.get(key) ?? [];
      const n = (rung?.all.length ?? 0) + extra.length;
      if (n === 0) continue;
      const quota = promotionQuota(n, l.eta);
      const rankOf = (e: RungEntry): number =>
        (rung === undefined ? 0 : lowerBound(rung.all, e, type)) + extra.filter((x) => compareEntries(x, e, type) < 0).length;
      // The waiting trials, best first: the index's (unless loaded) merged with the loaded ones.
      const mine = rankRung(liveWaiting.get(key) ?? [], type);
      const theirs = rung?.waiting ?? [];
      let a = 0;
      let b = 0;
      let taken = 0;
      while (taken < limit) {
        while (a < theirs.length && state.trials[String(theirs[a].trialId)] !== undefined) a++;
        let e: RungEntry;
        if (a < theirs.length && (b >= mine.length || compareEntries(theirs[a], mine[b], type) < 0)) e = theirs[a++];
        else if (b < mine.length) e = mine[b++];
        else break;
        const rank = rankOf(e);
        if (scope === 'quota' && rank >= quota) break;
        if (scope === 'next-in-line' && (rank < quota || !isUsable(e.value))) continue;
        out.push({ trialId: e.trialId, bracket: s, rung: i, from: ms[i], to: ms[i + 1], rank, n, quota });
        taken++;
      }
    }
  }
  return out;
}

/**
 * The promotions `ask` may take with `slots` free slots, in its order: the candidates within the
 * quota, then, when the run may wind down within this `ask`, the trials next in line. `ask` winds
 * down once the jobs left do not exceed the running jobs below R; each job it starts before that
 * takes one from the first and adds one to the second, so with `slots` free slots it can happen
 * only if the jobs left are at most the running jobs below R plus twice the slots.
 */
export function resumeOrder(state: SchedulerState, slots: number): Candidate[] {
  const candidates = promotionCandidates(state, 'quota', slots);
  const R = ladderOf(state.settings).milestones.at(-1) as number;
  const runningBelowTop = Object.values(state.trials).filter((t) => t.status === 'Running' && t.milestone < R).length;
  if (jobsLeft(state) > runningBelowTop + 2 * slots) return candidates;
  return [...candidates, ...promotionCandidates(state, 'next-in-line', slots)];
}

/** A trial `ask` resumes: with a rung index, its record must have been loaded (tick-state.ts `withCandidates`). */
function loadedTrial(state: SchedulerState, trialId: number): TrialState {
  const trial = state.trials[String(trialId)];
  if (trial === undefined) throw new Error(`internal error: trial ${trialId} is a promotion candidate but was not loaded`);
  return trial;
}

function isWaitingAt(trial: TrialState, milestone: number): boolean {
  return trial.status === 'Paused' && trial.milestone === milestone && !trial.promotedFrom.includes(milestone);
}

/** Record a result; the trial pauses below R (promotion is decided by `ask`). */
export function promotionTell(state: SchedulerState, result: TrialResult, policy: PromotionPolicy): TellResult {
  const check = checkResult(state, result);
  if (check.kind === 'duplicate') {
    return { state, decision: decisionOf(check.trial.status), reason: `duplicate result for trial ${result.trialId} at r=${result.milestone}: ignored` };
  }
  const R = ladderOf(state.settings).milestones.at(-1) as number;
  const trial = recordResult(check.trial, result, R);
  const next = withTrials(state, [trial]);
  const what = `trial ${trial.trialId} (bracket ${trial.bracket}) ${describeResult(result)}`;
  switch (trial.status) {
    case 'Paused':
      return {
        state: next,
        decision: 'PAUSE',
        reason: `${what}: paused; ${policy.label} resumes it if it ranks in the top 1/${state.settings.reductionFactor} of its rung`,
      };
    case 'Completed':
      return { state: next, decision: 'STOP', reason: `${what}: reached R=${R}` };
    default:
      return { state: next, decision: 'STOP', reason: `${what}: stopped for good (a missing result ranks worst and is never promoted)` };
  }
}

/** `get_job`, repeated for each free slot (see the module comment for the budget reserve). */
export function promotionAsk(state: SchedulerState, options: AskOptions, policy: PromotionPolicy): AskResult {
  const l = ladderOf(state.settings);
  const R = l.milestones[l.sMax];
  const eta = state.settings.reductionFactor;
  const candidates = promotionCandidates(state, 'quota', options.slots);
  let current = state;
  const decisions: Decision[] = [];
  let runningBelowTop = Object.values(state.trials).filter((t) => t.status === 'Running' && t.milestone < R).length;
  let held = '';
  let next = 0;
  while (decisions.length < options.slots && jobsLeft(current) > 0) {
    const c = candidates[next];
    if (c !== undefined) {
      next++;
      const trial = loadedTrial(current, c.trialId);
      const reason =
        `promoted trial ${c.trialId} from rung ${c.rung} (r=${c.from}) to r=${c.to}` +
        (l.sMax > 0 && policy.label !== 'ASHA' ? ` in bracket ${c.bracket}` : '') +
        `: rank ${c.rank + 1} of ${c.n} results at rung ${c.rung}, within the top floor(${c.n}/${eta})=${c.quota}`;
      const applied = applyResume(current, trial, c.to, reason);
      current = applied.state;
      decisions.push(applied.decision);
      if (c.to < R) runningBelowTop++;
      continue;
    }
    const g = globalOf<BaseGlobal>(current);
    if (g.exhausted || trialsLeft(current) === 0) break;
    const left = jobsLeft(current);
    if (left <= runningBelowTop) {
      // Wind-down: resume the trial next in line rather than leave the slot idle.
      const line = promotionCandidates(current, 'next-in-line', 1)[0];
      if (line !== undefined) {
        const trial = loadedTrial(current, line.trialId);
        const applied = applyResume(
          current,
          trial,
          line.to,
          `winding down: resumed trial ${line.trialId} from rung ${line.rung} (r=${line.from}) to r=${line.to}, next in line ` +
            `(rank ${line.rank + 1} of ${line.n}, the top floor(${line.n}/${eta})=${line.quota} were promoted) instead of leaving a slot idle ` +
            `while the last ${left} job(s) wait for ${runningBelowTop} running job(s) below R=${R}`,
        );
        current = applied.state;
        decisions.push(applied.decision);
        if (line.to < R) runningBelowTop++;
        continue;
      }
      held = `holding the last ${left} job(s) for promotions: ${runningBelowTop} running job(s) below R=${R} may make paused trials promotable`;
      break;
    }
    const trialId = g.nextTrialId;
    const config = options.propose(trialId);
    if (config === null) {
      current = withGlobal<BaseGlobal>(current, { exhausted: true });
      break;
    }
    const s = policy.bracketOf(trialId, l);
    const r0 = bracketMilestones(l, s)[0];
    const applied = applyStart(
      current,
      config,
      s,
      r0,
      `started trial ${trialId} in bracket ${s} at rung 0 (r=${r0}): no paused trial is in the top 1/${eta} of its rung`,
    );
    current = applied.state;
    decisions.push(applied.decision);
    if (r0 < R) runningBelowTop++;
  }
  if (decisions.length > 0) {
    return { state: current, decisions };
  }
  const running = countRunning(current);
  if (jobsLeft(current) === 0) {
    return idle(current, running, `budget used: ${budgetText(current)}`, `budget used: ${budgetText(current)}; all jobs finished`);
  }
  if (options.slots <= 0) {
    return { state: current, decisions: [{ kind: 'wait', reason: `no free slot; ${running} job(s) running` }] };
  }
  if (held !== '') {
    return idle(current, running, held, held);
  }
  const g = globalOf<BaseGlobal>(current);
  const why = g.exhausted
    ? `the sampler has no more configurations after ${g.nextTrialId} trials`
    : `trial limit reached: ${g.nextTrialId} trials`;
  return idle(current, running, `no promotable trial and ${why}`, `no promotable trial and ${why}; ${budgetText(current)}`);
}
