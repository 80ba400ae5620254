/**
 * A whole tuner in virtual time, instrumented for the benchmarks.
 *
 * The same wiring as `test/helpers/simulated-world.ts`: the real orchestrator use cases
 * (`initRun`, `tick`, `recordJobEvent`, `finalizeRun`), the in-memory `RunStore` and the
 * simulated SageMaker backend, driven the way the state machine drives them: Tick; if not
 * done, wait until the next job ends (WaitForChange) or a backoff passes; deliver the
 * training-job events; Tick again. On top of that it counts what the deployed tuner would be
 * billed for in Step Functions and Lambda (see {@link OrchestrationCounts}).
 */
import { InMemoryRunStore } from '../lambda/adapters/local/in-memory-run-store';
import { SimulatedBackend, type Objective } from '../lambda/adapters/local/simulated-backend';
import { formatProblems, toTuningSpec, validateTuningInput, type TuningInput } from '../core/input';
import { finalizeRun, type RunOutcome } from '../core/orchestrator/finalize';
import { initRun } from '../core/orchestrator/init';
import { recordJobEvent } from '../core/orchestrator/job-event';
import type { TrainingBackend } from '../core/orchestrator/backend';
import type { JobRecord, RunRecord, RunStore } from '../core/orchestrator/records';
import { tick, type OrchestratorDeps } from '../core/orchestrator/tick';
import type { TaskWaker } from '../core/orchestrator/waker';
import type { SchedulerState } from '../core/ports';

/** Job name prefix of the benchmark tuner (as the construct's `jobNamePrefix`). */
export const BENCH_JOB_PREFIX = 'hpo';

/** The construct's default `ticksBeforeContinueAsNew`. */
export const TICKS_BEFORE_CONTINUE_AS_NEW = 1000;

/** Step Functions Standard price per state transition (USD 0.025 per 1,000, us-east-1). */
export const USD_PER_STATE_TRANSITION = 0.025 / 1000;

/** A waker that only counts: in virtual time, the driver itself resumes the loop. */
export class CountingWaker implements TaskWaker {
  wakes = 0;
  async wake(): Promise<'woken' | 'expired'> {
    this.wakes += 1;
    return 'woken';
  }
}

/**
 * What one run costs the orchestration, counted as the deployed state machine runs it.
 *
 * State transitions (every state entered counts once): IsContinuation?, Validate and Init at
 * the start; Tick, CountTick and Done? per loop iteration; WaitForChange (or Backoff) after
 * every iteration but the last; Finalize and Succeeded at the end; each continue-as-new
 * (every {@link TICKS_BEFORE_CONTINUE_AS_NEW} ticks) replaces one WaitForChange by
 * ContinueAsNew, Continued, then IsContinuation? and ResumeRun in the new execution.
 * Without continue-as-new and backoffs that is 4 x ticks + 4.
 */
export interface OrchestrationCounts {
  /** Tick invocations (loop iterations). */
  readonly ticks: number;
  /** WaitForChange states entered (the loop parked until a job event). */
  readonly waits: number;
  /** Backoff states entered (throttled starts; none in these benchmarks). */
  readonly backoffs: number;
  /** Continue-as-new hand-overs. */
  readonly continuations: number;
  /** Step Functions state transitions of the whole run (see above). */
  readonly stateTransitions: number;
  /**
   * Lambda invocations: Validate, Init, Finalize, every Tick and WaitForChange, and the
   * training-job event handler once per event delivered (one `InProgress` and one terminal
   * event per job here; SageMaker's secondary-status events add invocations that record
   * progress and never wake the loop).
   */
  readonly lambdaInvocations: number;
  /** Training-job events delivered to the event handler. */
  readonly jobEvents: number;
}

/** Everything a benchmark needs from one finished run. */
export interface VirtualRunResult {
  readonly run: RunRecord;
  readonly scheduler: SchedulerState;
  readonly jobs: readonly JobRecord[];
  readonly outcome: RunOutcome;
  /** Names of the jobs the simulated SageMaker was asked to create (each exactly once). */
  readonly createdJobs: readonly string[];
  readonly counts: OrchestrationCounts;
  /** Virtual ms at which the run was created. */
  readonly startMs: number;
  /** Virtual ms at which the last tick ran (the run ended). */
  readonly endMs: number;
}

/** Options of {@link runVirtual}. */
export interface RunVirtualOptions {
  /** The most loop iterations before the run is declared stuck. @default 100000 */
  readonly maxTicks?: number;
}

/**
 * Validate `input`, create the run and drive it to its end in virtual time.
 *
 * @throws Error when the input does not validate or the run does not finish.
 */
/** The orchestrator's dependencies in a benchmark: virtual time, the bench job prefix and storage. */
export function benchDeps(store: RunStore, backend: TrainingBackend, clock: { readonly ms: number }, reconcileAfterSeconds: number): OrchestratorDeps & { waker: CountingWaker } {
  return {
    store,
    backend,
    waker: new CountingWaker(),
    now: () => new Date(clock.ms),
    jobNamePrefix: BENCH_JOB_PREFIX,
    storage: { checkpointBase: 's3://bench/checkpoints', outputBase: 's3://bench/output' },
    reconcileAfterSeconds,
  };
}

export async function runVirtual(input: TuningInput, objective: Objective, options: RunVirtualOptions = {}): Promise<VirtualRunResult> {
  const problems = validateTuningInput(input);
  if (problems.some((p) => p.severity === 'error')) throw new Error(`invalid benchmark input:\n${formatProblems(problems)}`);
  const startMs = Date.parse('2026-01-01T00:00:00Z');
  const clock = { ms: startMs };
  const store = new InMemoryRunStore();
  const backend = new SimulatedBackend({ objective, clock: () => clock.ms });
  const deps = benchDeps(store, backend, clock, 3600);
  const { runId } = await initRun(store, {
    input: input as unknown as Record<string, unknown>,
    spec: toTuningSpec(input),
    executionArn: 'arn:aws:states:us-east-1:000000000000:execution:HpoTuner:bench',
    fallbackSeed: 1,
    now: deps.now(),
  });

  let ticks = 0;
  let waits = 0;
  let backoffs = 0;
  let continuations = 0;
  let jobEvents = 0;
  let known = 0;
  const maxTicks = options.maxTicks ?? 100_000;
  for (;;) {
    if (ticks >= maxTicks) throw new Error(`run ${runId} did not finish in ${maxTicks} ticks`);
    const result = await tick(deps, runId);
    ticks += 1;
    // SageMaker's InProgress event for every job this tick created.
    const created = backend.createdJobs();
    for (const name of created.slice(known)) {
      await recordJobEvent(deps, name);
      jobEvents += 1;
    }
    known = created.length;
    if (result.status === 'done') break;
    if (ticks % TICKS_BEFORE_CONTINUE_AS_NEW === 0) continuations += 1;
    const next = backend.nextEndTime();
    if (result.retryAfterSeconds > 0 || next === undefined) {
      if (result.pending === 0 && next === undefined) throw new Error(`run ${runId} is stuck after tick ${ticks}: nothing runs or waits`);
      backoffs += 1;
      clock.ms += Math.max(1, result.retryAfterSeconds) * 1000;
    } else {
      if (ticks % TICKS_BEFORE_CONTINUE_AS_NEW !== 0) waits += 1;
      clock.ms = Math.max(clock.ms, next);
    }
    for (const name of backend.endedJobs()) {
      await recordJobEvent(deps, name);
      jobEvents += 1;
    }
  }
  const endMs = clock.ms;
  const outcome = await finalizeRun(store, backend, runId, deps.now());
  const snapshot = await store.loadSnapshot(runId);
  const stateTransitions = 3 + 3 * ticks + waits + backoffs + 4 * continuations + 2;
  const lambdaInvocations = 3 + ticks + waits + jobEvents;
  return {
    run: snapshot.run,
    scheduler: snapshot.scheduler,
    jobs: snapshot.jobs,
    outcome,
    createdJobs: backend.createdJobs(),
    counts: { ticks, waits, backoffs, continuations, stateTransitions, lambdaInvocations, jobEvents },
    startMs,
    endMs,
  };
}
