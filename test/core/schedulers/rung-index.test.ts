/**
 * The rung index (core/schedulers/rung-index.ts) against the whole trial table: on random runs of
 * ASHA and asynchronous Hyperband, promotions found from the index plus a partial set of loaded
 * trials are exactly those found by ranking every rung of the full state, and `ask` takes the
 * same decisions.
 */
import fc from 'fast-check';
import { ghostTrials } from '../../../core/orchestrator/tick-state';
import type { SchedulerSettings, SchedulerState, TrialResult, TrialState } from '../../../core/ports';
import { createScheduler } from '../../../core/schedulers';
import { promotionCandidates, resumeOrder } from '../../../core/schedulers/promotion';
import { RungIndex } from '../../../core/schedulers/rung-index';
import { prng, propose, settings, summary } from './helpers';

interface LogEntry {
  readonly seq: number;
  readonly trialId: number;
  readonly bracket: number;
  readonly milestone: number;
  readonly objective: number | null;
  readonly config: Record<string, number | string>;
}

/** The state a tick would see: the index of the first `committed` log entries and only some trials. */
function partialState(full: SchedulerState, log: readonly LogEntry[], committed: number, extraLoaded: (id: number) => boolean): SchedulerState {
  const index = new RungIndex(full.settings.objectiveType, full.settings.maxResource);
  for (const e of log.slice(0, committed)) index.add(e);
  const toldSince = new Set(log.slice(committed).map((e) => e.trialId));
  const trials: Record<string, TrialState> = {};
  for (const t of Object.values(full.trials)) {
    const loaded = t.status === 'Running' || toldSince.has(t.trialId) || Object.keys(t.results).length === 0 || extraLoaded(t.trialId);
    if (loaded) trials[String(t.trialId)] = t;
  }
  return { ...full, trials, rungIndex: index };
}

/** The partial state with the trials `ask` may resume loaded (what tick-state's `withCandidates` does). */
function withResumable(full: SchedulerState, partial: SchedulerState, slots: number): SchedulerState {
  const trials: Record<string, TrialState> = { ...partial.trials };
  for (const c of resumeOrder(partial, slots).slice(0, slots)) trials[String(c.trialId)] = full.trials[String(c.trialId)];
  return { ...partial, trials };
}

function checkRun(seed: number, s: SchedulerSettings): void {
  const rand = prng(seed);
  const scheduler = createScheduler(s.kind);
  let state = scheduler.init(s);
  const log: LogEntry[] = [];
  const values = [0.1, 0.2, 0.3, 0.5, 0.5, 0.8, 1, 2];
  for (let step = 0; step < 400; step++) {
    // Tell some running trials a result (ties and failures included).
    const running = Object.values(state.trials).filter((t) => t.status === 'Running');
    for (const t of running) {
      if (rand() < 0.5) continue;
      const u = rand();
      const result: TrialResult =
        u < 0.08
          ? { trialId: t.trialId, milestone: t.milestone, outcome: 'Failed', objective: null }
          : u < 0.12
            ? { trialId: t.trialId, milestone: t.milestone, outcome: 'Completed', objective: null }
            : { trialId: t.trialId, milestone: t.milestone, outcome: 'Completed', objective: values[Math.floor(rand() * values.length)] };
      state = scheduler.tell(state, result).state;
      const after = state.trials[String(t.trialId)];
      log.push({ seq: log.length, trialId: t.trialId, bracket: after.bracket, milestone: t.milestone, objective: after.results[String(t.milestone)], config: after.config });
    }
    // The index holds what was committed before this step's tells, and sometimes less.
    const committed = Math.max(0, log.length - Math.floor(rand() * 4));
    const p = rand();
    const partial = partialState(state, log, committed, () => rand() < p);
    for (const scope of ['quota', 'next-in-line'] as const) {
      for (const limit of [Infinity, 1, 3]) {
        expect(promotionCandidates(partial, scope, limit)).toEqual(promotionCandidates(state, scope, limit));
      }
    }
    const slots = 1 + Math.floor(rand() * 4);
    expect(resumeOrder(partial, slots)).toEqual(resumeOrder(state, slots));
    const fromFull = scheduler.ask(state, { slots, propose });
    const fromIndex = scheduler.ask(withResumable(state, partial, slots), { slots, propose });
    expect(fromIndex.decisions).toEqual(fromFull.decisions);
    state = fromFull.state;
    if (fromFull.decisions.some((d) => d.kind === 'done')) break;
  }
}

describe('rung index', () => {
  it('promotions from the index and the loaded trials equal those from every trial (random runs)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.constantFrom<SchedulerSettings['kind']>('ASHA', 'Hyperband'),
        fc.constantFrom<SchedulerSettings['objectiveType']>('Minimize', 'Maximize'),
        fc.constantFrom(2, 3),
        fc.constantFrom(9, 27),
        fc.integer({ min: 5, max: 160 }),
        (seed, kind, objectiveType, reductionFactor, maxResource, maxTrainingJobs) => {
          checkRun(seed, settings({ kind, mode: 'Asynchronous', objectiveType, reductionFactor, maxResource, maxTrainingJobs }));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("holds every result in order and the trials paused at each rung, as the log's ghosts are", () => {
    const rand = prng(7);
    const index = new RungIndex('Minimize', 9);
    const log: LogEntry[] = [];
    const milestones = [1, 3, 9];
    const top = new Map<number, number>();
    for (let seq = 0; seq < 300; seq++) {
      const trialId = Math.floor(rand() * 60);
      const next = (top.get(trialId) ?? -1) + 1;
      if (next >= milestones.length) continue;
      top.set(trialId, next);
      const objective = rand() < 0.1 ? null : Math.round(rand() * 20) / 10;
      const entry = { seq: log.length, trialId, bracket: 2, milestone: milestones[next], objective, config: {} };
      log.push(entry);
      index.add(entry);
    }
    index.add(log[0]); // a duplicate is ignored
    expect(index.count).toBe(log.length);
    const ghosts = ghostTrials(log, 9);
    for (const m of milestones) {
      const rung = index.rung(2, m);
      const values = log.filter((e) => e.milestone === m).map((e) => ({ trialId: e.trialId, value: e.objective }));
      const usable = values.filter((e) => e.value !== null).sort((a, b) => (a.value as number) - (b.value as number) || a.trialId - b.trialId);
      const failed = values.filter((e) => e.value === null).sort((a, b) => a.trialId - b.trialId);
      expect(rung?.all).toEqual([...usable, ...failed]);
      const paused = new Set(ghosts.filter((g) => g.status === 'Paused' && g.milestone === m).map((g) => g.trialId));
      expect(rung?.waiting).toEqual(usable.filter((e) => paused.has(e.trialId)));
    }
  });

  it('a wind-down resume is found from the index without loading every trial', () => {
    // Prepare: 9 results at rung 0 (quota 3), 11 jobs left, nothing running.
    const s = settings({ kind: 'ASHA', maxTrainingJobs: 20 });
    const asha = createScheduler('ASHA');
    let state = asha.ask(asha.init(s), { slots: 9, propose }).state;
    for (let t = 0; t < 9; t++) state = asha.tell(state, { trialId: t, milestone: 1, outcome: 'Completed', objective: t / 10 }).state;
    const log: LogEntry[] = Object.values(state.trials).map((t, seq) => ({ seq, trialId: t.trialId, bracket: t.bracket, milestone: 1, objective: t.results['1'], config: t.config }));
    const partial = partialState(state, log, log.length, () => false);
    expect(Object.keys(partial.trials)).toEqual([]);
    // Act: 8 free slots. Resuming 0, 1, 2 and starting 9, 10, 11 leaves 5 jobs for 6 running below
    // R: ask winds down and resumes the trials next in line (3, then 4), which were not loaded.
    const a = asha.ask(withResumable(state, partial, 8), { slots: 8, propose });
    // Assess
    expect(summary(a.decisions)).toEqual(['resume 0:1->3', 'resume 1:1->3', 'resume 2:1->3', 'start 9@1', 'start 10@1', 'start 11@1', 'resume 3:1->3', 'resume 4:1->3']);
    expect(a.decisions).toEqual(asha.ask(state, { slots: 8, propose }).decisions);
    expect(promotionCandidates(partial, 'next-in-line', 1)).toEqual([expect.objectContaining({ trialId: 3, rank: 3, n: 9, quota: 3 })]);
  });
});
