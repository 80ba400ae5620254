/**
 * Micro-benchmarks of the tuning core in real time: how long one scheduler `ask` and `tell`
 * take with 100 and 1,000 trials in the state, how long TPE's `suggest` takes as its history
 * grows, and how long a whole orchestrator Tick takes (in-memory store: CPU only, no I/O).
 * The point is the order of magnitude against Lambda's limits (15 minutes per invocation);
 * the numbers depend on the machine, which the report names.
 */
import { InMemoryRunStore } from '../lambda/adapters/local/in-memory-run-store';
import { SimulatedBackend } from '../lambda/adapters/local/simulated-backend';
import { initRun } from '../core/orchestrator/init';
import { recordJobEvent } from '../core/orchestrator/job-event';
import { tick } from '../core/orchestrator/tick';
import { toTuningSpec } from '../core/input';
import type {
  HyperbandMode,
  Observation,
  SchedulerKind,
  SchedulerSettings,
  SchedulerState,
  SearchSpaceSpec,
  TrialResult,
} from '../core/ports';
import { createRng, rngFor } from '../core/rng';
import { createRandomSampler, createTpeSampler, sampleUniform } from '../core/samplers';
import { createScheduler } from '../core/schedulers';
import { BENCH_JOB_PREFIX } from './driver';
import { benchInput, benchObjective, strategyById } from './quality';
import { categorical5x1, mlp4d, type BenchProblem } from './objectives';
import { median } from './stats';

/** A timing: the median of `reps` timed calls, in milliseconds. */
export interface Timing {
  readonly medianMs: number;
  readonly minMs: number;
  readonly reps: number;
}

/** Options of {@link timeCalls}. */
export interface TimeOptions {
  /** At least this many timed calls. @default 5 */
  readonly minReps?: number;
  /** At most this many timed calls. @default 200 */
  readonly maxReps?: number;
  /** Stop adding calls (after `minReps`) once this much time was spent. @default 250 */
  readonly budgetMs?: number;
}

/** Time `fn` call by call (after two warm-up calls) and report the median. */
export function timeCalls(fn: () => unknown, options: TimeOptions = {}): Timing {
  const minReps = options.minReps ?? 5;
  const maxReps = options.maxReps ?? 200;
  const budgetMs = options.budgetMs ?? 250;
  fn();
  fn();
  const samples: number[] = [];
  const start = process.hrtime.bigint();
  while (samples.length < maxReps) {
    const t0 = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (samples.length >= minReps && Number(process.hrtime.bigint() - start) / 1e6 > budgetMs) break;
  }
  return { medianMs: median(samples), minMs: Math.min(...samples), reps: samples.length };
}

/** A scheduler configuration to time. */
interface SchedulerCase {
  readonly label: string;
  readonly kind: SchedulerKind;
  readonly mode: HyperbandMode;
}

const SCHEDULER_CASES: readonly SchedulerCase[] = [
  { label: 'FIFO (Random, Bayesian)', kind: 'FIFO', mode: 'Asynchronous' },
  { label: 'ASHA', kind: 'ASHA', mode: 'Asynchronous' },
  { label: 'Hyperband sync', kind: 'Hyperband', mode: 'Synchronous' },
  { label: 'Hyperband async', kind: 'Hyperband', mode: 'Asynchronous' },
];

/** Parallel jobs while the state is built (so `tell` has running trials to report on). */
const BUILD_SLOTS = 8;

function spaceOf(problem: BenchProblem): SearchSpaceSpec {
  return toTuningSpec(benchInput(problem, strategyById('random'), 1, problem.jobBudget, 4)).space;
}

/**
 * Drive a scheduler (ask/tell only, no orchestrator) until `trials` trials exist, with
 * {@link BUILD_SLOTS} jobs in flight finishing oldest first, and return the state and the
 * jobs still running.
 */
function buildState(c: SchedulerCase, trials: number, space: SearchSpaceSpec): { state: SchedulerState; running: TrialResult[] } {
  const scheduler = createScheduler(c.kind);
  const settings: SchedulerSettings = {
    kind: c.kind,
    mode: c.mode,
    minResource: c.kind === 'FIFO' ? 27 : 1,
    maxResource: 27,
    reductionFactor: 3,
    maxTrainingJobs: trials * 10,
    objectiveType: 'Maximize',
  };
  let state = scheduler.init(settings);
  const sampler = createRandomSampler();
  const propose = (trialId: number) => sampler.suggest(space, { trialId, proposed: [], history: [], objectiveType: 'Maximize' }, rngFor(7, trialId));
  const values = createRng(11);
  let running: TrialResult[] = [];
  for (let guard = 0; state.global.nextTrialId < trials; guard++) {
    if (guard > trials * 40) throw new Error(`${c.label}: could not build a state with ${trials} trials`);
    const asked = scheduler.ask(state, { slots: BUILD_SLOTS - running.length, propose });
    state = asked.state;
    for (const d of asked.decisions) {
      if (d.kind === 'start' || d.kind === 'resume') running.push({ trialId: d.trialId, milestone: d.milestone, outcome: 'Completed', objective: null });
    }
    if (state.global.nextTrialId >= trials) break;
    const [first, ...rest] = running;
    if (first === undefined) throw new Error(`${c.label}: nothing runs while building the state`);
    running = rest;
    state = scheduler.tell(state, { ...first, objective: values.next() }).state;
  }
  if (running.length === 0) throw new Error(`${c.label}: no running job left to tell`);
  return { state, running: running.map((r) => ({ ...r, objective: 0.5 })) };
}

/** Ask/tell timings of one scheduler at one state size. */
export interface SchedulerTiming {
  readonly scheduler: string;
  readonly trials: number;
  readonly ask: Timing;
  readonly tell: Timing;
  /** Size of the state as JSON (what a Tick loads and stores), in KB. */
  readonly stateKb: number;
}

/** Time `ask` (one free slot, right after a `tell`) and `tell` for each scheduler. */
export function schedulerTimings(sizes: readonly number[], options: TimeOptions = {}): SchedulerTiming[] {
  const space = spaceOf(mlp4d);
  const sampler = createRandomSampler();
  const out: SchedulerTiming[] = [];
  for (const c of SCHEDULER_CASES) {
    const scheduler = createScheduler(c.kind);
    for (const trials of sizes) {
      const { state, running } = buildState(c, trials, space);
      const result = running[0];
      const told = scheduler.tell(state, result).state;
      const propose = (trialId: number) => sampler.suggest(space, { trialId, proposed: [], history: [], objectiveType: 'Maximize' }, rngFor(7, trialId));
      out.push({
        scheduler: c.label,
        trials,
        tell: timeCalls(() => scheduler.tell(state, result), options),
        ask: timeCalls(() => scheduler.ask(told, { slots: 1, propose }), options),
        stateKb: JSON.stringify(state).length / 1024,
      });
    }
  }
  return out;
}

/** TPE `suggest` timing at one history size. */
export interface TpeTiming {
  readonly space: string;
  readonly history: number;
  readonly suggest: Timing;
}

/** Time TPE's `suggest` on the 4-D and the categorical space with growing histories (one resource level). */
export function tpeTimings(sizes: readonly number[], options: TimeOptions = {}): TpeTiming[] {
  const out: TpeTiming[] = [];
  const tpe = createTpeSampler();
  for (const problem of [mlp4d, categorical5x1]) {
    const space = spaceOf(problem);
    const R = problem.fidelity.maxResource;
    for (const n of sizes) {
      const history: Observation[] = [];
      for (let t = 0; t < n; t++) {
        const config = sampleUniform(space, rngFor(3, t));
        history.push({ trialId: t, config, objective: problem.observe(config, R, 5), resource: R });
      }
      const proposed = history.map((h) => h.config);
      const ctx = { trialId: n, proposed, history, objectiveType: problem.objectiveType };
      out.push({ space: problem.id, history: n, suggest: timeCalls(() => tpe.suggest(space, ctx, rngFor(9, n)), options) });
    }
  }
  return out;
}

/** Whole-Tick timing: the real orchestrator with the in-memory store, at a given run size. */
export interface TickTiming {
  readonly strategy: string;
  readonly jobs: number;
  /** Median wall time of the last `sample` ticks of the run (when the state is largest). */
  readonly lastTicks: Timing;
  readonly sample: number;
}

/**
 * Time every Tick of one large run (ASHA on mlp-4d, `jobs` training jobs) and report the
 * median of the last 50: the CPU cost of a Tick near the end of a big run, store copies
 * included, DynamoDB round trips excluded.
 */
export async function tickTimings(jobs: number): Promise<TickTiming> {
  const input = benchInput(mlp4d, strategyById('asha'), 1, jobs, 4);
  const clock = { ms: Date.parse('2026-01-01T00:00:00Z') };
  const store = new InMemoryRunStore();
  const backend = new SimulatedBackend({ objective: benchObjective(mlp4d, input, 1), clock: () => clock.ms });
  const deps = {
    store,
    backend,
    waker: { wake: async (): Promise<'woken'> => 'woken' },
    now: () => new Date(clock.ms),
    jobNamePrefix: BENCH_JOB_PREFIX,
    storage: { checkpointBase: 's3://bench/checkpoints', outputBase: 's3://bench/output' },
    reconcileAfterSeconds: 3600,
  };
  const { runId } = await initRun(store, { input: input as unknown as Record<string, unknown>, spec: toTuningSpec(input), executionArn: 'arn:bench', fallbackSeed: 1, now: deps.now() });
  const samples: number[] = [];
  for (let i = 0; i < jobs * 3; i++) {
    const t0 = process.hrtime.bigint();
    const result = await tick(deps, runId);
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (result.status === 'done') break;
    const next = backend.nextEndTime();
    if (next === undefined) throw new Error('tick timing run is stuck');
    clock.ms = Math.max(clock.ms, next);
    for (const name of backend.endedJobs()) await recordJobEvent(deps, name);
  }
  const sample = Math.min(50, samples.length);
  const last = samples.slice(-sample);
  return { strategy: 'ASHA on mlp-4d', jobs, lastTicks: { medianMs: median(last), minMs: Math.min(...last), reps: last.length }, sample };
}
