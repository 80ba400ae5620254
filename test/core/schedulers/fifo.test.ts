import { fifoScheduler } from '../../../core/schedulers/fifo';
import { bestTrial, createScheduler, runningJobs } from '../../../core/schedulers';
import { deepFreeze, propose, settings, summary } from './helpers';

const fifo = fifoScheduler;
const base = settings({ kind: 'FIFO', minResource: 9, maxResource: 9, maxTrainingJobs: 4 });

describe('FIFO', () => {
  it('starts one job per trial straight to R, never more than the budget', () => {
    const a = fifo.ask(deepFreeze(fifo.init(base)), { slots: 10, propose });
    expect(summary(a.decisions)).toEqual(['start 0@9', 'start 1@9', 'start 2@9', 'start 3@9']);
    expect(a.decisions[0]).toMatchObject({ bracket: 0, reason: 'started trial 0 to R=9 (FIFO); job 1 of 4' });
    expect(summary(fifo.ask(a.state, { slots: 10, propose }).decisions)).toEqual(['wait']);
  });

  it('stops at maxTrials and when the sampler runs out', () => {
    const capped = fifo.ask(fifo.init({ ...base, maxTrials: 2 }), { slots: 10, propose });
    expect(summary(capped.decisions)).toEqual(['start 0@9', 'start 1@9']);
    const grid = fifo.ask(fifo.init(base), { slots: 10, propose: (id) => (id < 3 ? propose(id) : null) });
    expect(summary(grid.decisions)).toEqual(['start 0@9', 'start 1@9', 'start 2@9']);
    let s = grid.state;
    for (let t = 0; t < 3; t++) s = fifo.tell(s, { trialId: t, milestone: 9, outcome: 'Completed', objective: t }).state;
    expect(fifo.ask(s, { slots: 10, propose }).decisions).toEqual([
      { kind: 'done', reason: 'the sampler has no more configurations after 3 trials; all jobs finished' },
    ]);
  });

  it('ignores the reduction factor and minimum resource; validates the budget', () => {
    expect(() => fifo.init({ ...base, reductionFactor: 1, minResource: 1 })).not.toThrow();
    expect(() => fifo.init({ ...base, maxTrainingJobs: 0 })).toThrow(/^max training jobs must be a positive integer, got 0/);
    expect(() => fifo.init({ ...base, maxTrials: 1.5 })).toThrow(/^max trials must be a positive integer when given, got 1.5/);
  });

  it('tell records the result and says STOP; failed jobs still count', () => {
    const s = fifo.ask(fifo.init(base), { slots: 2, propose }).state;
    const t = fifo.tell(deepFreeze(s), { trialId: 0, milestone: 9, outcome: 'Failed', objective: null });
    expect(t.decision).toBe('STOP');
    expect(t.state.trials['0']).toMatchObject({ status: 'Failed', results: { '9': null } });
    expect(t.state.global.jobsStarted).toBe(2);
    expect(runningJobs(t.state).map((x) => x.trialId)).toEqual([1]);
  });
});

describe('createScheduler, runningJobs, bestTrial', () => {
  it('maps kinds to schedulers', () => {
    expect(createScheduler('FIFO').kind).toBe('FIFO');
    expect(createScheduler('ASHA').kind).toBe('ASHA');
    expect(createScheduler('Hyperband').kind).toBe('Hyperband');
    expect(() => createScheduler('Bogus' as never)).toThrow(/^unknown scheduler kind Bogus/);
  });

  it('bestTrial prefers the highest milestone, then the objective, then the smaller id', () => {
    const asha = createScheduler('ASHA');
    let s = asha.ask(asha.init(settings({ maxTrainingJobs: 20 })), { slots: 4, propose }).state;
    expect(bestTrial(s)).toBeUndefined();
    for (const [t, v] of [[0, 0.5], [1, 0.3], [2, 0.9], [3, 0.05]] as const) {
      s = asha.tell(s, { trialId: t, milestone: 1, outcome: 'Completed', objective: v }).state;
    }
    expect(bestTrial(s)).toMatchObject({ trialId: 3, objective: 0.05, milestone: 1 });
    const a = asha.ask(s, { slots: 1, propose }); // promotes trial 3 (top 1 of 4)
    s = asha.tell(a.state, { trialId: 3, milestone: 3, outcome: 'Completed', objective: 0.2 }).state;
    // trial 3 at r=3 (0.2) beats trial 1 at r=1 (0.3 is not comparable: trained less)
    expect(bestTrial(s)).toMatchObject({ trialId: 3, objective: 0.2, milestone: 3 });
  });
});
