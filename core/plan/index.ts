/**
 * The run plan: how many training jobs, trials and units of resource a tuning run will use,
 * per bracket and rung, before anything is started (`hpo plan`).
 *
 * The plan is computed by running the scheduler itself (its `ask`/`tell`, with
 * `maxParallelTrainingJobs` slots) against a simulated backend, so the plan and the real
 * behaviour cannot drift apart:
 * - jobs finish in the order of simulated time, a job's duration being the resource it trains
 *   (r for a start, r_{i+1} - r_i for a resume from a checkpoint); jobs that end at the same
 *   time are told together, then the scheduler is asked again, as one orchestrator tick does;
 * - objectives are synthetic: trial t has a latent quality q_t and reports q_t plus small noise
 *   at each milestone, drawn from `rngFor(PLAN_SEED, t, milestone)` (independent of order);
 * - no job fails and the sampler never runs out (unless `maxTrials` caps the trials).
 *
 * Exactness: FIFO and synchronous Hyperband decide their jobs from the budget and the bracket
 * table alone, so their plans are exact (`exact: true`) whatever the objectives and their order.
 * For ASHA and asynchronous Hyperband the number of training jobs is still exact (the budget is
 * always used up), but which trials get promoted, and so the number of trials and the resource,
 * depend on the objectives and on when results arrive: the plan is one representative
 * simulation (`exact: false`).
 */

import type { Configuration, Decision, SchedulerSettings, SchedulerState, TrialResult } from '../ports';
import { rngFor } from '../rng';
import { createScheduler, syncInstances } from '../schedulers';
import { ladderOf } from '../schedulers/common';
import { bracketMilestones, type BracketShape, type RungShape } from '../schedulers/rungs';

/** Seed of the synthetic objectives of the simulation. */
export const PLAN_SEED = 20180101;

/** What a run will do. The first five keys are the `hpo plan --json` contract. */
export interface RunPlan {
  /** E.g. `Hyperband (Synchronous)`, `ASHA`, `FIFO`. */
  readonly strategy: string;
  /**
   * Per bracket, the number of trials that reach each rung. Synchronous Hyperband lists every
   * bracket instance in the order it runs (a bracket index repeats in later iterations, and a
   * truncated instance shows its reduced shape); the other strategies list each bracket once
   * with the totals over the run (FIFO: bracket 0 with the single rung R).
   */
  readonly brackets: readonly BracketShape[];
  /** Training jobs (= SageMaker jobs billed and counted against `MaxNumberOfTrainingJobs`). */
  readonly trainingJobs: number;
  /** Trials (configurations) created. */
  readonly trials: number;
  /** Units of resource trained in total, promotions resuming from checkpoints. */
  readonly totalResource: number;
  /** True when the numbers are what the run will do (without failures), not an expectation. */
  readonly exact: boolean;
  /** How the plan was computed and what it assumes. */
  readonly notes: readonly string[];
}

export interface PlanOptions {
  /** `MaxParallelTrainingJobs`: the simulation's slots. */
  readonly maxParallelTrainingJobs: number;
}

interface SimJob {
  readonly trialId: number;
  readonly from: number;
  readonly milestone: number;
  readonly end: number;
  readonly seq: number;
}

/** Synthetic objective of trial t at milestone r (lower is better when minimizing). */
export function syntheticObjective(trialId: number, milestone: number): number {
  const quality = rngFor(PLAN_SEED, trialId).next();
  const noise = rngFor(PLAN_SEED, trialId, milestone).next();
  return Math.round((quality + 0.1 * noise) * 1e6) / 1e6;
}

/** The record of a simulated run (used by `planRun` and by tests). */
export interface Simulation {
  readonly state: SchedulerState;
  readonly decisions: readonly Decision[];
  /** Sync Hyperband: the first trial id of every bracket instance, with its bracket, in order. */
  readonly instances: readonly { readonly firstTrialId: number; readonly bracket: number }[];
}

/**
 * Run a scheduler to `done` against the simulated backend described in the module comment.
 * Throws if the scheduler does not finish (a bug), rather than looping forever.
 */
export function simulate(settings: SchedulerSettings, opts: PlanOptions): Simulation {
  const parallel = opts.maxParallelTrainingJobs;
  if (!Number.isInteger(parallel) || parallel < 1) {
    throw new Error(`max parallel training jobs must be a positive integer, got ${parallel}`);
  }
  const scheduler = createScheduler(settings.kind);
  let state = scheduler.init(settings);
  const propose = (): Configuration => ({});
  const decisions: Decision[] = [];
  const instances: { firstTrialId: number; bracket: number }[] = [];
  const seen = new Set<number>();
  let running: SimJob[] = [];
  let now = 0;
  let seq = 0;
  const maxSteps = 4 * settings.maxTrainingJobs + 100;
  for (let step = 0; ; step++) {
    if (step > maxSteps) {
      throw new Error(`simulation of ${settings.kind} did not finish after ${maxSteps} steps (internal error)`);
    }
    const asked = scheduler.ask(state, { slots: parallel - running.length, propose });
    state = asked.state;
    for (const inst of syncInstances(state)) {
      if (!seen.has(inst.index)) {
        seen.add(inst.index);
        instances.push({ firstTrialId: inst.firstTrialId, bracket: inst.bracket });
      }
    }
    for (const d of asked.decisions) {
      decisions.push(d);
      if (d.kind === 'start' || d.kind === 'resume') {
        const from = d.kind === 'resume' ? d.fromMilestone : 0;
        running.push({ trialId: d.trialId, from, milestone: d.milestone, end: now + (d.milestone - from), seq: seq++ });
      }
    }
    if (asked.decisions[0]?.kind === 'done') break;
    if (running.length === 0) {
      throw new Error(`${settings.kind} waits with no job running (internal error)`);
    }
    now = Math.min(...running.map((j) => j.end));
    const finished = running.filter((j) => j.end === now).sort((a, b) => a.seq - b.seq);
    running = running.filter((j) => j.end !== now);
    for (const job of finished) {
      const result: TrialResult = {
        trialId: job.trialId,
        milestone: job.milestone,
        outcome: 'Completed',
        objective: syntheticObjective(job.trialId, job.milestone),
      };
      state = scheduler.tell(state, result).state;
    }
  }
  return { state, decisions, instances };
}

function strategyName(settings: SchedulerSettings): string {
  return settings.kind === 'Hyperband' ? `Hyperband (${settings.mode})` : settings.kind;
}

/** Count, per bracket (or per sync instance), the trials that reported at each milestone. */
function observedBrackets(settings: SchedulerSettings, sim: Simulation): BracketShape[] {
  const l = ladderOf(settings);
  const trials = Object.values(sim.state.trials).sort((a, b) => a.trialId - b.trialId);
  const shape = (s: number, members: typeof trials): BracketShape => ({
    bracket: s,
    rungs: bracketMilestones(l, s).map(
      (resource): RungShape => ({
        trials: members.filter((t) => Object.prototype.hasOwnProperty.call(t.results, String(resource))).length,
        resource,
      }),
    ),
  });
  if (settings.kind === 'Hyperband' && settings.mode === 'Synchronous') {
    return sim.instances.map((inst, k) => {
      const end = k + 1 < sim.instances.length ? sim.instances[k + 1].firstTrialId : Infinity;
      return shape(inst.bracket, trials.filter((t) => t.trialId >= inst.firstTrialId && t.trialId < end));
    });
  }
  const out: BracketShape[] = [];
  for (let s = l.sMax; s >= 0; s--) {
    const members = trials.filter((t) => t.bracket === s);
    if (members.length > 0) out.push(shape(s, members));
  }
  return out;
}

/**
 * Plan a run: simulate the scheduler with `maxParallelTrainingJobs` slots and report jobs,
 * trials and resource per bracket (see the module comment for what is exact).
 */
export function planRun(settings: SchedulerSettings, opts: PlanOptions): RunPlan {
  const sim = simulate(settings, opts);
  let trainingJobs = 0;
  let totalResource = 0;
  for (const d of sim.decisions) {
    if (d.kind === 'start') {
      trainingJobs++;
      totalResource += d.milestone;
    } else if (d.kind === 'resume') {
      trainingJobs++;
      totalResource += d.milestone - d.fromMilestone;
    }
  }
  const trials = sim.state.global.nextTrialId;
  const l = ladderOf(settings);
  const exact = settings.kind === 'FIFO' || (settings.kind === 'Hyperband' && settings.mode === 'Synchronous');
  const notes: string[] = [];
  if (settings.kind !== 'FIFO') {
    notes.push(`milestones (r_min=${settings.minResource}, R=${settings.maxResource}, eta=${settings.reductionFactor}, s_max=${l.sMax}): ${l.milestones.join(', ')}`);
  }
  if (exact) {
    notes.push(
      settings.kind === 'FIFO'
        ? 'exact: every trial is one job to R'
        : 'exact: the jobs follow from the budget and the bracket table alone, whatever the objectives and their order',
    );
    notes.push(
      settings.kind === 'FIFO'
        ? 'a failed job counts against the budget like any other (it was billed); it is not retried'
        : 'assumes no job fails: a failed trial is never promoted and its unused jobs go to later brackets',
    );
  } else {
    notes.push(
      `expected: ${trainingJobs} training jobs is exact (the budget is used up), but trials and resource depend on ` +
        `which trials get promoted and when results arrive; these numbers come from one simulation with ` +
        `${opts.maxParallelTrainingJobs} parallel jobs, durations proportional to resource and seeded synthetic objectives`,
    );
  }
  if (trainingJobs < settings.maxTrainingJobs) {
    notes.push(`uses ${trainingJobs} of the ${settings.maxTrainingJobs} training jobs allowed (limited by max trials)`);
  }
  return {
    strategy: strategyName(settings),
    brackets: observedBrackets(settings, sim),
    trainingJobs,
    trials,
    totalResource,
    exact,
    notes,
  };
}

/** Prices for `estimateCost`. */
export interface CostOptions {
  /** Price of one training job's instances per hour, in USD (instance price x instance count). */
  readonly pricePerHour: number;
  /** Billed seconds per unit of resource (e.g. seconds per epoch). */
  readonly secondsPerUnit: number;
  /**
   * Billed seconds of overhead per training job (e.g. loading data and the checkpoint).
   * @default 0
   */
  readonly startupSeconds?: number;
}

export interface CostEstimate {
  readonly billableSeconds: number;
  readonly billableHours: number;
  /** pricePerHour x billableHours, in USD, rounded to cents. */
  readonly usd: number;
}

/**
 * Cost of a plan: billable seconds = totalResource x secondsPerUnit + trainingJobs x
 * startupSeconds, at `pricePerHour` per job-hour.
 */
export function estimateCost(plan: Pick<RunPlan, 'totalResource' | 'trainingJobs'>, opts: CostOptions): CostEstimate {
  const startup = opts.startupSeconds ?? 0;
  for (const [name, value] of [
    ['price per hour', opts.pricePerHour],
    ['seconds per unit', opts.secondsPerUnit],
    ['startup seconds', startup],
  ] as const) {
    if (!Number.isFinite(value) || value < 0) {
      throw new Error(`${name} must be a non-negative number, got ${value}`);
    }
  }
  const billableSeconds = plan.totalResource * opts.secondsPerUnit + plan.trainingJobs * startup;
  const billableHours = billableSeconds / 3600;
  return { billableSeconds, billableHours, usd: Math.round(billableHours * opts.pricePerHour * 100) / 100 };
}
