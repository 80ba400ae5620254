import type { Decision, SchedulerState, TrialResult } from '../../../core/ports';
import { bracketCycle, hyperbandScheduler, syncInstances } from '../../../core/schedulers/hyperband';
import { ladder } from '../../../core/schedulers/rungs';
import { deepFreeze, jobsOf, prng, propose, settings, summary } from './helpers';

const hb = hyperbandScheduler;
const done = (trialId: number, milestone: number, objective: number | null): TrialResult => ({ trialId, milestone, outcome: 'Completed', objective });

// r_min=1, R=9, eta=3: s_max=2; brackets s=2: 9x1, 3x3, 1x9 (13 jobs); s=1: 5x3, 1x9 (6 jobs); s=0: 3x9 (3 jobs).
const sync = settings({ kind: 'Hyperband', mode: 'Synchronous', minResource: 1, maxResource: 9, reductionFactor: 3, maxTrainingJobs: 22 });

/** Run to done with a fixed slot count, finishing the running job chosen by `pick` each step. */
function run(
  s0: SchedulerState,
  slots: number,
  value: (trialId: number, milestone: number) => number,
  pick: (running: Decision[]) => number = () => 0,
): { state: SchedulerState; decisions: Decision[]; log: string[] } {
  let state = s0;
  const decisions: Decision[] = [];
  const log: string[] = [];
  const running: Decision[] = [];
  for (let step = 0; step < 1000; step++) {
    const a = hb.ask(deepFreeze(state), { slots: slots - running.length, propose });
    state = a.state;
    decisions.push(...a.decisions);
    log.push(...summary(a.decisions).filter((x) => x !== 'wait'));
    running.push(...jobsOf(a.decisions));
    if (a.decisions[0].kind === 'done') return { state, decisions, log };
    const [job] = running.splice(pick(running), 1);
    if (job.kind !== 'start' && job.kind !== 'resume') throw new Error('unreachable');
    state = hb.tell(deepFreeze(state), done(job.trialId, job.milestone, value(job.trialId, job.milestone))).state;
    log.push(`tell ${job.trialId}@${job.milestone}`);
  }
  throw new Error('did not finish');
}

describe('synchronous Hyperband', () => {
  it('runs the paper brackets s=2, 1, 0 in order with exactly 22 jobs and 17 trials', () => {
    const r = run(hb.init(sync), 1, (t) => t);
    const jobs = jobsOf(r.decisions);
    expect(jobs).toHaveLength(22);
    expect(r.state.global.nextTrialId).toBe(17);
    // bracket of each started trial, in order: 9 x s=2, 5 x s=1, 3 x s=0
    expect(jobs.filter((d) => d.kind === 'start').map((d) => (d.kind === 'start' ? d.bracket : -1))).toEqual([
      2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 0, 0, 0,
    ]);
  });

  it('promotes exactly the top n_{i+1} after the barrier and stops the others', () => {
    // Minimize; trial t has value (t * 7) mod 9 at every milestone: rung 0 of s=2 ranks 0, 4, 8, 3, 7, 2, 6, 1, 5.
    const value = (t: number) => (t * 7) % 9;
    const r = run(hb.init(sync), 3, value);
    const resumes = r.decisions.filter((d) => d.kind === 'resume').map((d) => (d.kind === 'resume' ? `${d.trialId}:${d.fromMilestone}->${d.milestone}` : ''));
    // s=2: top 3 of trials 0..8 by value: 0 (0), 4 (1), 8 (2); then top 1 of those: 0.
    // s=1: trials 9..13, values 0, 7, 5, 3, 1 -> top 1: 9.
    expect(resumes).toEqual(['0:1->3', '4:1->3', '8:1->3', '0:3->9', '9:3->9']);
    expect(r.state.trials['3'].status).toBe('Stopped');
    expect(r.state.trials['4'].status).toBe('Stopped');
    expect(r.state.trials['0'].status).toBe('Completed');
  });

  it('respects the barrier: no rung-1 job before all 9 rung-0 jobs of the bracket reported', () => {
    const random = prng(7);
    const r = run(hb.init(sync), 4, () => random(), (running) => Math.floor(random() * running.length));
    const firstResume = r.log.findIndex((x) => x.startsWith('resume'));
    const toldRung0 = r.log.slice(0, firstResume).filter((x) => /^tell [0-8]@1$/.test(x));
    expect(toldRung0).toHaveLength(9);
    // The next bracket's trials started while bracket s=2 waited at its barrier (no idle slots).
    expect(r.log.slice(0, firstResume)).toContain('start 9@3');
  });

  it('tells the told trial STOP or PAUSE when its result clears the barrier', () => {
    let s = hb.ask(hb.init(sync), { slots: 9, propose }).state;
    for (let t = 0; t < 8; t++) s = hb.tell(s, done(t, 1, t)).state;
    expect(hb.tell(s, done(7, 1, 7)).decision).toBe('PAUSE'); // duplicate: unchanged
    const last = hb.tell(deepFreeze(s), done(8, 1, 8));
    expect(last.decision).toBe('STOP');
    expect(last.reason).toMatch(/not among the top n_1=3 of the 9 results at rung 0/);
    expect([0, 1, 2].map((t) => last.state.trials[String(t)].status)).toEqual(['Paused', 'Paused', 'Paused']);
    expect([3, 4, 5, 6, 7, 8].map((t) => last.state.trials[String(t)].status)).toEqual(Array(6).fill('Stopped'));
    expect(syncInstances(last.state)[0]).toMatchObject({ bracket: 2, rung: 1, started: 0, counts: [9, 3, 1] });
  });

  it('truncates deterministically when the budget ends mid-iteration (30 jobs)', () => {
    // 22 jobs for the first iteration, 8 left: s=2 needs >= 13 -> skipped; s=1 full (6 jobs); s=0 with n=2.
    const r = run(hb.init({ ...sync, maxTrainingJobs: 30 }), 2, (t, m) => (t * 13 + m) % 11);
    expect(jobsOf(r.decisions)).toHaveLength(30);
    expect(r.state.global.nextTrialId).toBe(24);
    expect(r.decisions.at(-1)).toEqual({ kind: 'done', reason: 'budget used: 30 of 30 training jobs started; all jobs finished' });
    const starts = r.decisions.filter((d) => d.kind === 'start').map((d) => (d.kind === 'start' ? d.bracket : -1));
    expect(starts.slice(17)).toEqual([1, 1, 1, 1, 1, 0, 0]);
  });

  it('skips brackets that cannot fit: 10 jobs -> s=1 (6 jobs), s=0 (3 jobs), then s=0 with n=1', () => {
    // jobs(n) for s=2 = n + floor(n/3) + floor(n/9); n >= 9 needed for one trial at R -> 13 > 10: skip.
    // s=1: n in [3,5], jobs(5) = 6 <= 10 -> 5x3, 1x9; 4 left: s=0: n=3 (3 jobs); 1 left: s=2 skip, s=1 (needs 4) skip, s=0 n=1.
    const r = run(hb.init({ ...sync, maxTrainingJobs: 10 }), 3, (t) => t);
    expect(jobsOf(r.decisions)).toHaveLength(10);
    const starts = r.decisions.filter((d) => d.kind === 'start').map((d) => (d.kind === 'start' ? `${d.bracket}@${d.milestone}` : ''));
    expect(starts).toEqual(['1@3', '1@3', '1@3', '1@3', '1@3', '0@9', '0@9', '0@9', '0@9']);
  });

  it('a failed trial is never promoted and its jobs go back to the budget', () => {
    let s = hb.ask(hb.init(sync), { slots: 9, propose }).state;
    for (let t = 0; t < 9; t++) {
      s = hb.tell(s, t < 7 ? { trialId: t, milestone: 1, outcome: 'Failed', objective: null } : done(t, 1, t)).state;
    }
    // only 2 successes: both promoted, n_1 becomes 2; 1 job freed for later brackets.
    expect(syncInstances(s)[0].counts).toEqual([9, 2, 1]);
    const a = hb.ask(s, { slots: 20, propose });
    expect(summary(a.decisions).slice(0, 2)).toEqual(['resume 7:1->3', 'resume 8:1->3']);
    // 12 jobs promised to bracket 2 instead of 13: after s=1 (6) and s=0 (3) the freed job opens
    // one more instance (k=3: s=2 and k=4: s=1 do not fit 1 job, k=5: s=0 with n=1).
    expect(a.decisions.slice(2).map((d) => (d.kind === 'start' ? d.bracket : -1))).toEqual([1, 1, 1, 1, 1, 0, 0, 0, 0]);
    expect(syncInstances(a.state).map((x) => [x.index, x.bracket, x.counts.join('/')])).toEqual([
      [0, 2, '9/2/1'],
      [1, 1, '5/1'],
      [2, 0, '3'],
      [5, 0, '1'],
    ]);
    expect(a.state.global.jobsStarted).toBe(9 + 2 + 9);
  });

  it('stores the bracket in the trial state', () => {
    const s = hb.ask(hb.init(sync), { slots: 10, propose }).state;
    expect(s.trials['0'].bracket).toBe(2);
    expect(s.trials['9'].bracket).toBe(1);
  });
});

describe('asynchronous Hyperband', () => {
  const asyncSettings = { ...sync, mode: 'Asynchronous' as const, maxTrainingJobs: 60 };

  it('assigns brackets by a weighted round-robin with the paper proportions n_s', () => {
    const cycle = bracketCycle(ladder(1, 9, 3));
    expect(cycle).toHaveLength(17);
    expect(cycle.filter((s) => s === 2)).toHaveLength(9);
    expect(cycle.filter((s) => s === 1)).toHaveLength(5);
    expect(cycle.filter((s) => s === 0)).toHaveLength(3);
    // credits after adding (9, 5, 3): pick 2 -> (-8, 5, 3); (1, 10, 6): pick 1 -> (1, -7, 6); (10, -2, 9): pick 2; ...
    expect(cycle.slice(0, 6)).toEqual([2, 1, 2, 0, 2, 1]);
    const big = bracketCycle(ladder(1, 81, 3));
    expect(big).toHaveLength(143);
    expect([4, 3, 2, 1, 0].map((s) => big.filter((x) => x === s).length)).toEqual([81, 34, 15, 8, 5]);
  });

  it('starts each trial at the bottom rung of its own bracket', () => {
    const a = hb.ask(hb.init(asyncSettings), { slots: 6, propose });
    expect(a.decisions.map((d) => (d.kind === 'start' ? `${d.trialId}:s${d.bracket}@${d.milestone}` : d.kind))).toEqual([
      '0:s2@1',
      '1:s1@3',
      '2:s2@1',
      '3:s0@9',
      '4:s2@1',
      '5:s1@3',
    ]);
  });

  it('promotes within a bracket only', () => {
    let s = hb.ask(hb.init(asyncSettings), { slots: 6, propose }).state;
    // bracket 2 has trials 0, 2, 4 at r=1; bracket 1 has 1, 5 at r=3 (only 2 results: no promotion
    // although trial 1's 0 is the best value at r=3 overall).
    for (const [t, m, v] of [[0, 1, 3], [2, 1, 1], [4, 1, 2], [1, 3, 0], [5, 3, 0.5]] as const) s = hb.tell(s, done(t, m, v)).state;
    const a = hb.ask(s, { slots: 1, propose });
    expect(summary(a.decisions)).toEqual(['resume 2:1->3']);
    expect(a.decisions[0].reason).toMatch(/in bracket 2: rank 1 of 3 results at rung 0/);
  });

  it('uses the whole budget', () => {
    const r = run(hb.init(asyncSettings), 4, (t, m) => ((t * 31 + m * 7) % 17) / 17);
    expect(jobsOf(r.decisions)).toHaveLength(60);
  });
});
