import type { SchedulerState, TrialResult } from '../../../core/ports';
import { ashaScheduler } from '../../../core/schedulers/asha';
import { deepFreeze, propose, settings, summary } from './helpers';

const asha = ashaScheduler;
const done = (trialId: number, milestone: number, objective: number | null): TrialResult => ({ trialId, milestone, outcome: 'Completed', objective });

/** Tell several results in order; returns the final state. */
function tellAll(state: SchedulerState, results: TrialResult[]): SchedulerState {
  return results.reduce((s, r) => asha.tell(deepFreeze(s), deepFreeze(r)).state, state);
}

describe('ASHA (promotion variant), r_min=1, R=9, eta=3: milestones 1, 3, 9', () => {
  // Prepare: one bracket s_max = 2.
  const base = settings({ kind: 'ASHA', minResource: 1, maxResource: 9, reductionFactor: 3, maxTrainingJobs: 20 });

  it('starts new trials at r_min in bracket s_max while nothing is promotable', () => {
    const a = asha.ask(deepFreeze(asha.init(base)), { slots: 3, propose });
    expect(summary(a.decisions)).toEqual(['start 0@1', 'start 1@1', 'start 2@1']);
    expect(a.decisions[0]).toMatchObject({ kind: 'start', bracket: 2, config: propose(0) });
    expect(a.state.global.jobsStarted).toBe(3);
  });

  it('promotes the best of 3 results (Minimize), then fills the other slots with new trials', () => {
    let s = asha.ask(asha.init(base), { slots: 3, propose }).state;
    // Act: results arrive in the order 0, 1, 2.
    const t0 = asha.tell(deepFreeze(s), done(0, 1, 0.5));
    expect(t0.decision).toBe('PAUSE');
    s = tellAll(t0.state, [done(1, 1, 0.3), done(2, 1, 0.9)]);
    const a = asha.ask(deepFreeze(s), { slots: 3, propose });
    // Assess: trial 1 (0.3) is the top floor(3/3)=1 of rung 0.
    expect(summary(a.decisions)).toEqual(['resume 1:1->3', 'start 3@1', 'start 4@1']);
    expect(a.decisions[0].reason).toBe('promoted trial 1 from rung 0 (r=1) to r=3: rank 1 of 3 results at rung 0, within the top floor(3/3)=1');
    expect(a.state.trials['1'].promotedFrom).toEqual([1]);
  });

  it('Maximize promotes the largest value', () => {
    let s = asha.ask(asha.init({ ...base, objectiveType: 'Maximize' }), { slots: 3, propose }).state;
    s = tellAll(s, [done(0, 1, 0.5), done(1, 1, 0.3), done(2, 1, 0.9)]);
    expect(summary(asha.ask(s, { slots: 1, propose }).decisions)).toEqual(['resume 2:1->3']);
  });

  it('a trial is not promotable before eta results exist at its rung', () => {
    let s = asha.ask(asha.init(base), { slots: 3, propose }).state;
    s = tellAll(s, [done(0, 1, 0.1), done(1, 1, 0.2)]);
    expect(summary(asha.ask(s, { slots: 1, propose }).decisions)).toEqual(['start 3@1']);
  });

  it('promotes a later, better result once the rung grows; ties go to the smaller trial id', () => {
    let s = asha.ask(asha.init(base), { slots: 5, propose }).state; // trials 0..4
    s = tellAll(s, [done(0, 1, 0.5), done(1, 1, 0.3), done(2, 1, 0.9)]);
    s = asha.ask(s, { slots: 1, propose }).state; // resume 1 -> 3
    // trial 3 reports 0.1: n=4, top 1 is trial 3 (not promoted yet) -> promoted.
    s = tellAll(s, [done(3, 1, 0.1)]);
    let a = asha.ask(s, { slots: 1, propose });
    expect(summary(a.decisions)).toEqual(['resume 3:1->3']);
    s = a.state;
    // trial 4 ties trial 3 at 0.1: n=5, top 1 is trial 3 (smaller id), already promoted -> new trial.
    s = tellAll(s, [done(4, 1, 0.1)]);
    a = asha.ask(s, { slots: 1, propose });
    expect(summary(a.decisions)).toEqual(['start 5@1']);
    // trial 5 reports 0.7: n=6, top 2 are trials 3 and 4 -> trial 4 promoted now.
    s = tellAll(a.state, [done(5, 1, 0.7)]);
    expect(summary(asha.ask(s, { slots: 1, propose }).decisions)).toEqual(['resume 4:1->3']);
  });

  it('scans rungs from the top: a promotion to R comes before one to r=3', () => {
    let s = asha.ask(asha.init(base), { slots: 9, propose }).state; // trials 0..8 at r=1
    s = tellAll(s, [0.9, 0.8, 0.1, 0.7, 0.6, 0.2, 0.5, 0.4, 0.3].map((v, i) => done(i, 1, v)));
    // rung 0: n=9, top 3 = trials 2 (0.1), 5 (0.2), 8 (0.3)
    let a = asha.ask(s, { slots: 3, propose });
    expect(summary(a.decisions)).toEqual(['resume 2:1->3', 'resume 5:1->3', 'resume 8:1->3']);
    s = tellAll(a.state, [done(2, 3, 0.05), done(5, 3, 0.5), done(8, 3, 0.01)]);
    // rung 1 (r=3): n=3 -> trial 8 (0.01) to R; rung 0 has nothing left to promote.
    a = asha.ask(s, { slots: 2, propose });
    expect(summary(a.decisions)).toEqual(['resume 8:3->9', 'start 9@1']);
    const t = asha.tell(a.state, done(8, 9, 0.001));
    expect(t.decision).toBe('STOP');
    expect(t.state.trials['8'].status).toBe('Completed');
  });

  it('failed jobs count, rank worst and are never promoted', () => {
    let s = asha.ask(asha.init(base), { slots: 3, propose }).state;
    const failed = asha.tell(s, { trialId: 0, milestone: 1, outcome: 'Failed', objective: null });
    expect(failed.decision).toBe('STOP');
    expect(failed.state.trials['0']).toMatchObject({ status: 'Failed', results: { '1': null } });
    s = tellAll(failed.state, [{ trialId: 1, milestone: 1, outcome: 'Failed', objective: 0.0 }, done(2, 1, 5)]);
    // n=3, quota 1: the only usable result (trial 2) is promoted even though its value is large.
    expect(summary(asha.ask(s, { slots: 1, propose }).decisions)).toEqual(['resume 2:1->3']);
    expect(s.global.jobsStarted).toBe(3);
  });

  it('tell is idempotent per (trialId, milestone)', () => {
    let s = asha.ask(asha.init(base), { slots: 1, propose }).state;
    const first = asha.tell(deepFreeze(s), done(0, 1, 0.5));
    const again = asha.tell(deepFreeze(first.state), done(0, 1, 0.7));
    expect(again.state).toBe(first.state);
    expect(again.decision).toBe('PAUSE');
    expect(again.reason).toMatch(/^duplicate result/);
    s = again.state;
    expect(s.trials['0'].results).toEqual({ '1': 0.5 });
  });

  it('rejects results that match no running job', () => {
    const s = asha.ask(asha.init(base), { slots: 1, propose }).state;
    expect(() => asha.tell(s, done(7, 1, 0.1))).toThrow(/^result for unknown trial 7/);
    expect(() => asha.tell(s, done(0, 3, 0.1))).toThrow(/^result for trial 0 at milestone 3 does not match its job \(status Running, milestone 1\)/);
  });

  it('exact budget: holds the last jobs for promotions, never exceeds the cap, then is done', () => {
    // Prepare: 5 jobs.
    let s = asha.init({ ...base, maxTrainingJobs: 5 });
    // Act 1: 5 free slots, but with 5 jobs left only 3 trials start (left 2 <= 3 running below R).
    let a = asha.ask(s, { slots: 5, propose });
    expect(summary(a.decisions)).toEqual(['start 0@1', 'start 1@1', 'start 2@1']);
    s = tellAll(a.state, [done(0, 1, 0.4), done(1, 1, 0.2), done(2, 1, 0.6)]);
    // Act 2: promote trial 1 (job 4); the last job is held while trial 1 runs below R, so a
    // free slot resumes the trial next in line (trial 0, rank 2 of 3) instead of idling (job 5).
    a = asha.ask(s, { slots: 5, propose });
    expect(summary(a.decisions)).toEqual(['resume 1:1->3', 'resume 0:1->3']);
    expect(a.decisions[1].reason).toMatch(/^winding down: resumed trial 0 from rung 0 \(r=1\) to r=3, next in line \(rank 2 of 3/);
    expect(a.state.global.jobsStarted).toBe(5);
    // Act 3: the budget is used: wait for the running jobs, then done.
    a = asha.ask(a.state, { slots: 3, propose });
    expect(summary(a.decisions)).toEqual(['wait']);
    s = tellAll(a.state, [done(1, 3, 0.1), done(0, 3, 0.3)]);
    const end = asha.ask(s, { slots: 5, propose });
    expect(end.decisions).toEqual([{ kind: 'done', reason: 'budget used: 5 of 5 training jobs started; all jobs finished' }]);
  });

  it('is done when the sampler runs out and nothing is promotable', () => {
    let s = asha.ask(asha.init(base), { slots: 2, propose: (id) => (id < 2 ? propose(id) : null) }).state;
    s = tellAll(s, [done(0, 1, 1), done(1, 1, 2)]);
    const a = asha.ask(s, { slots: 2, propose: () => null });
    expect(a.decisions[0].kind).toBe('done');
    expect(a.decisions[0].reason).toMatch(/sampler has no more configurations after 2 trials/);
  });
});
