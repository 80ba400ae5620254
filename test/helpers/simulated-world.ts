/**
 * A whole tuner in virtual time: the real orchestrator use cases, the in-memory store and the
 * simulated backend, driven the way the state machine drives them (tick, wait for a job to
 * end, record its event, tick again).
 */
import { InMemoryRunStore } from '../../lambda/adapters/local/in-memory-run-store';
import { SimulatedBackend, type Objective } from '../../lambda/adapters/local/simulated-backend';
import { toTuningSpec, type TuningInput } from '../../core/input';
import { initRun } from '../../core/orchestrator/init';
import { recordJobEvent } from '../../core/orchestrator/job-event';
import { tick, type OrchestratorDeps, type TickResult } from '../../core/orchestrator/tick';
import type { TaskWaker } from '../../core/orchestrator/waker';
import type { RunStore } from '../../core/orchestrator/records';
import type { CheckpointStore } from '../../core/orchestrator/backend';

export class NoopWaker implements TaskWaker {
  readonly woken: string[] = [];
  async wake(taskToken: string): Promise<'woken' | 'expired'> {
    this.woken.push(taskToken);
    return 'woken';
  }
}

export interface World<S extends RunStore = InMemoryRunStore> {
  readonly store: S;
  readonly backend: SimulatedBackend;
  readonly deps: OrchestratorDeps & { store: S; waker: NoopWaker };
  readonly clock: { ms: number };
  readonly runId: string;
}

/** Options of {@link createWorld}. */
export interface WorldOptions<S extends RunStore> {
  /** The store to record into (e.g. a dynalite-backed `DynamoDbRunStore`). @default - a new InMemoryRunStore */
  readonly store?: S;
  /** Virtual time at which the run is created. @default 2026-01-01T00:00:00Z */
  readonly start?: string;
  /** Where trials' checkpoints are looked at. @default - no checkpoint check */
  readonly checkpoints?: CheckpointStore;
}

/** A tuner in virtual time, with its run created (Init done), ready for `runToEnd`. */
export async function createWorld(input: TuningInput, objective: Objective, options?: WorldOptions<InMemoryRunStore>): Promise<World>;
export async function createWorld<S extends RunStore>(input: TuningInput, objective: Objective, options: WorldOptions<S> & { store: S }): Promise<World<S>>;
export async function createWorld(input: TuningInput, objective: Objective, options: WorldOptions<RunStore> = {}): Promise<World<RunStore>> {
  const clock = { ms: Date.parse(options.start ?? '2026-01-01T00:00:00Z') };
  const store = options.store ?? new InMemoryRunStore();
  const backend = new SimulatedBackend({ objective, clock: () => clock.ms });
  const deps = {
    store,
    backend,
    waker: new NoopWaker(),
    now: () => new Date(clock.ms),
    jobNamePrefix: 'hpo',
    storage: { checkpointBase: 's3://bucket/checkpoints', outputBase: 's3://bucket/output' },
    reconcileAfterSeconds: 3600,
    ...(options.checkpoints === undefined ? {} : { checkpoints: options.checkpoints }),
  };
  const spec = toTuningSpec(input);
  const { runId } = await initRun(store, {
    input: input as unknown as Record<string, unknown>,
    spec,
    executionArn: 'arn:aws:states:us-east-1:000000000000:execution:HpoTuner:test',
    fallbackSeed: 1,
    now: deps.now(),
  });
  return { store, backend, deps, clock, runId };
}

/** Deliver the events of every job that has ended by now (virtual time). */
export async function deliverEvents(world: World<RunStore>): Promise<number> {
  const ended = world.backend.endedJobs();
  for (const name of ended) await recordJobEvent(world.deps, name);
  return ended.length;
}

/** Drive the run until Tick says done; returns every tick result. */
export async function runToEnd(world: World<RunStore>, maxTicks = 10_000): Promise<TickResult[]> {
  const results: TickResult[] = [];
  for (let i = 0; i < maxTicks; i++) {
    const result = await tick(world.deps, world.runId);
    results.push(result);
    if (result.status === 'done') return results;
    const next = world.backend.nextEndTime();
    if (next === undefined) {
      if (result.pending === 0 && (await deliverEvents(world)) > 0) continue;
      if (result.pending === 0) throw new Error(`stuck: nothing runs and nothing is pending after tick ${i}`);
      world.clock.ms += Math.max(1, result.retryAfterSeconds) * 1000;
    } else {
      world.clock.ms = Math.max(world.clock.ms, next);
    }
    await deliverEvents(world);
  }
  throw new Error(`run did not finish in ${maxTicks} ticks`);
}
