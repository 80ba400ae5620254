/**
 * One conformance suite for every scheduler (after Syne Tune's tst/schedulers/test_schedulers_api.py):
 * drive FIFO, ASHA, synchronous and asynchronous Hyperband through ask/tell to `done` with random
 * objectives (with ties), random failures, random slot counts, random result order and duplicate
 * results, and check the contract at every step.
 */
import fc from 'fast-check';
import type { Decision, JobOutcome, Scheduler, SchedulerSettings, SchedulerState, TrialResult } from '../../../core/ports';
import { planRun } from '../../../core/plan';
import { createScheduler, syncInstances } from '../../../core/schedulers';
import { ladderOf } from '../../../core/schedulers/common';
import { bracketMilestones } from '../../../core/schedulers/rungs';
import { configOf, deepFreeze, prng, roundTrip } from './helpers';

interface Case {
  readonly settings: SchedulerSettings;
  readonly parallel: number;
  readonly failureRate: number;
  /** Trials the sampler can propose (Infinity: never runs out). */
  readonly proposals: number;
  readonly seed: number;
}

interface Outcome {
  readonly jobs: number;
  readonly trials: number;
  readonly totalResource: number;
  readonly state: SchedulerState;
}

const KINDS: readonly [SchedulerSettings['kind'], SchedulerSettings['mode']][] = [
  ['FIFO', 'Asynchronous'],
  ['ASHA', 'Asynchronous'],
  ['Hyperband', 'Synchronous'],
  ['Hyperband', 'Asynchronous'],
];

function caseArb(kind: SchedulerSettings['kind'], mode: SchedulerSettings['mode'], opts: { failures: boolean; exhaust: boolean; maxTrials: boolean }) {
  return fc
    .record({
      minResource: fc.integer({ min: 1, max: 4 }),
      spread: fc.integer({ min: 1, max: 40 }),
      eta: fc.integer({ min: 2, max: 4 }),
      maxTrainingJobs: fc.integer({ min: 1, max: 90 }),
      maxTrials: opts.maxTrials ? fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }) : fc.constant(undefined),
      objectiveType: fc.constantFrom('Minimize' as const, 'Maximize' as const),
      parallel: fc.integer({ min: 1, max: 8 }),
      failureRate: opts.failures ? fc.constantFrom(0, 0.1, 0.3) : fc.constant(0),
      proposals: opts.exhaust ? fc.constantFrom(Infinity, 0, 1, 5, 20) : fc.constant(Infinity),
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    })
    .map(
      (r): Case => ({
        settings: {
          kind,
          mode,
          minResource: kind === 'FIFO' ? r.minResource * r.spread : r.minResource,
          maxResource: r.minResource * r.spread,
          reductionFactor: r.eta,
          maxTrainingJobs: r.maxTrainingJobs,
          ...(r.maxTrials === undefined ? {} : { maxTrials: r.maxTrials }),
          objectiveType: r.objectiveType,
        },
        parallel: r.parallel,
        failureRate: r.failureRate,
        proposals: r.proposals,
        seed: r.seed,
      }),
    );
}

interface Job {
  readonly trialId: number;
  readonly from: number;
  readonly milestone: number;
}

/**
 * JSON text for fast deep comparisons. Key order is part of the text, which is fine here: the
 * compared values are built by the same code, and a JSON round trip keeps key order.
 */
function json(value: unknown): string {
  return JSON.stringify(value);
}

/** A cheap assertion for hot loops (jest's `expect` costs a stack trace per call). */
function ensure(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

/** The contract of one `ask` answer, checked against the state it was asked with. */
function checkAsk(before: SchedulerState, slots: number, decisions: readonly Decision[], running: readonly Job[]): void {
  const s = before.settings;
  const l = ladderOf(s);
  const jobs = decisions.filter((d) => d.kind === 'start' || d.kind === 'resume');
  if (jobs.length === 0) {
    ensure(decisions.length === 1, 'wait/done comes alone');
    ensure(decisions[0].kind === 'wait' || decisions[0].kind === 'done', 'no job -> wait or done');
    if (decisions[0].kind === 'done') ensure(running.length === 0, 'done while jobs run');
  } else {
    ensure(jobs.length === decisions.length, 'jobs mixed with wait/done');
    ensure(jobs.length <= slots, `more jobs than slots (${jobs.length} > ${slots})`);
  }
  ensure(before.global.jobsStarted + jobs.length <= s.maxTrainingJobs, 'job cap exceeded');
  let nextId = before.global.nextTrialId;
  const resumed = new Set<number>();
  for (const d of decisions) {
    ensure(typeof d.reason === 'string' && d.reason.length > 0, 'decision without a reason');
    if (d.kind === 'start') {
      // new dense trial ids, each at the bottom rung of its bracket
      ensure(d.trialId === nextId++, `start of trial ${d.trialId}: ids are not dense`);
      ensure(json(d.config) === json(configOf(d.trialId)), 'config is not the proposed one');
      ensure(Number.isInteger(d.bracket) && d.bracket >= 0 && d.bracket <= l.sMax, `bracket ${d.bracket} out of range`);
      ensure(d.milestone === (s.kind === 'FIFO' ? s.maxResource : bracketMilestones(l, d.bracket)[0]), `start at ${d.milestone}: not the bottom rung`);
      if (s.kind === 'ASHA') ensure(d.bracket === l.sMax, 'ASHA uses bracket s_max');
      if (s.maxTrials !== undefined) ensure(d.trialId < s.maxTrials, 'max trials exceeded');
    } else if (d.kind === 'resume') {
      // only paused trials, from their current milestone to the next milestone of their bracket
      const t = before.trials[String(d.trialId)];
      ensure(t !== undefined && t.status === 'Paused', `resume of trial ${d.trialId}: not paused`);
      ensure(!resumed.has(d.trialId), 'trial resumed twice in one ask');
      resumed.add(d.trialId);
      ensure(d.fromMilestone === t.milestone, 'resume not from the current milestone');
      const ms = bracketMilestones(l, t.bracket);
      ensure(ms.includes(d.fromMilestone) && d.milestone === ms[ms.indexOf(d.fromMilestone) + 1], 'resume not to the next rung of the bracket');
      ensure(d.milestone >= s.minResource && d.milestone <= s.maxResource, 'milestone outside [r_min, R]');
      ensure(t.results[String(d.fromMilestone)] !== null, 'a trial without a result was promoted');
      if (s.kind === 'Hyperband' && s.mode === 'Synchronous') {
        // barrier: every trial of the instance that ran to fromMilestone has reported
        const inst = syncInstances(before).find((x) => d.trialId >= x.firstTrialId && d.trialId < x.firstTrialId + x.counts[0]);
        ensure(inst !== undefined, 'resumed trial belongs to no open instance');
        for (const other of Object.values(before.trials)) {
          if (inst && other.trialId >= inst.firstTrialId && other.trialId < inst.firstTrialId + inst.counts[0]) {
            ensure(!(other.status === 'Running' && other.milestone === d.fromMilestone), 'barrier broken');
          }
        }
      }
    }
  }
}

/** Drive one case to `done`, checking the contract at every step. */
function drive(scheduler: Scheduler, c: Case): Outcome {
  const random = prng(c.seed);
  const propose = (trialId: number) => (trialId < c.proposals ? configOf(trialId) : null);
  let state = deepFreeze(scheduler.init(deepFreeze({ ...c.settings })));
  const running: Job[] = [];
  let jobs = 0;
  let totalResource = 0;
  const told: TrialResult[] = [];
  const globalLimit = 400 + 250 * (c.parallel + 1);
  for (let step = 0; step < 10 * c.settings.maxTrainingJobs + 50; step++) {
    // random slot counts: usually all free slots, sometimes fewer (or none)
    const free = c.parallel - running.length;
    const slots = random() < 0.25 ? Math.floor(random() * (free + 1)) : free;
    const asked = scheduler.ask(state, { slots, propose });
    // JSON round trip: the same question on the round-tripped state gives the same answer.
    ensure(json(scheduler.ask(roundTrip(state), { slots, propose })) === json(asked), 'ask differs after a JSON round trip');
    checkAsk(state, slots, asked.decisions, running);
    state = deepFreeze(asked.state);
    ensure(JSON.stringify(state.global).length < globalLimit, 'global grows with trials');
    for (const d of asked.decisions) {
      if (d.kind === 'start' || d.kind === 'resume') {
        const from = d.kind === 'resume' ? d.fromMilestone : 0;
        running.push({ trialId: d.trialId, from, milestone: d.milestone });
        jobs++;
        totalResource += d.milestone - from;
      }
    }
    ensure(state.global.jobsStarted === jobs, 'jobsStarted does not count the jobs');
    if (asked.decisions[0].kind === 'done') {
      // done is final
      ensure(scheduler.ask(state, { slots: c.parallel, propose }).decisions[0].kind === 'done', 'done is not final');
      return { jobs, trials: state.global.nextTrialId, totalResource, state };
    }
    if (asked.decisions[0].kind === 'wait' && slots === free) ensure(running.length > 0, 'waits with nothing running');
    if (running.length === 0) continue; // fewer slots were offered; ask again
    // random result order: finish a random number of random running jobs
    const finishing = 1 + Math.floor(random() * running.length);
    for (let k = 0; k < finishing; k++) {
      const [job] = running.splice(Math.floor(random() * running.length), 1);
      const outcome: JobOutcome = random() < c.failureRate ? 'Failed' : 'Completed';
      const objective = outcome === 'Failed' ? null : random() < 0.05 ? null : Math.floor(random() * 10) / 2;
      const result = deepFreeze({ trialId: job.trialId, milestone: job.milestone, outcome, objective });
      const t = scheduler.tell(state, result);
      ensure(json(scheduler.tell(roundTrip(state), result)) === json(t), 'tell differs after a JSON round trip');
      ensure(['CONTINUE', 'PAUSE', 'STOP'].includes(t.decision), 'illegal trial decision');
      // tell twice with the same result changes nothing
      const again = scheduler.tell(deepFreeze(t.state), result);
      ensure(json(again.state) === json(t.state) && again.decision === t.decision, 'a duplicate tell changed something');
      state = deepFreeze(t.state);
      told.push(result);
    }
    // a late duplicate of an old result changes nothing either
    if (told.length > 0 && random() < 0.3) {
      const old = told[Math.floor(random() * told.length)];
      ensure(scheduler.tell(state, old).state === state, 'a late duplicate changed the state');
    }
  }
  throw new Error(`did not reach done: ${JSON.stringify(c)}`);
}

describe.each(KINDS)('conformance: %s (%s)', (kind, mode) => {
  const scheduler = createScheduler(kind);

  it('legal decisions, JSON round trips, frozen inputs, idempotent tell, job cap, done', () => {
    fc.assert(
      fc.property(caseArb(kind, mode, { failures: true, exhaust: true, maxTrials: true }), (c) => {
        const out = drive(scheduler, c);
        expect(out.jobs).toBeLessThanOrEqual(c.settings.maxTrainingJobs);
        for (const t of Object.values(out.state.trials)) expect(t.status).not.toBe('Running');
      }),
      { seed: 20240601, numRuns: 60 },
    );
  });

  it('uses the whole budget when the sampler never runs out and trials are not capped', () => {
    fc.assert(
      fc.property(caseArb(kind, mode, { failures: true, exhaust: false, maxTrials: false }), (c) => {
        expect(drive(scheduler, c).jobs).toBe(c.settings.maxTrainingJobs);
      }),
      { seed: 77, numRuns: 30 },
    );
  });
});

describe('conformance: plan exactness', () => {
  it('synchronous Hyperband and FIFO do exactly what planRun says, whatever the order, values and slots', () => {
    const hb = createScheduler('Hyperband');
    const fifo = createScheduler('FIFO');
    const arb = fc.oneof(
      caseArb('Hyperband', 'Synchronous', { failures: false, exhaust: false, maxTrials: true }),
      caseArb('FIFO', 'Asynchronous', { failures: false, exhaust: false, maxTrials: true }),
    );
    fc.assert(
      fc.property(arb, fc.integer({ min: 1, max: 8 }), (c, planParallel) => {
        const out = drive(c.settings.kind === 'FIFO' ? fifo : hb, c);
        const plan = planRun(c.settings, { maxParallelTrainingJobs: planParallel });
        expect(plan.exact).toBe(true);
        expect({ jobs: out.jobs, trials: out.trials, totalResource: out.totalResource }).toEqual({
          jobs: plan.trainingJobs,
          trials: plan.trials,
          totalResource: plan.totalResource,
        });
      }),
      { seed: 4242, numRuns: 80 },
    );
  });
});
