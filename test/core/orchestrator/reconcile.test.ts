/**
 * Lost events reconciled cheaply (issue 9): per-job check times that back off, a cap on
 * DescribeTrainingJob calls per tick, issued a few at a time.
 */
import type { Objective } from '../../../lambda/adapters/local/simulated-backend';
import type { JobRecord } from '../../../core/orchestrator/records';
import {
  DESCRIBE_CONCURRENCY,
  MAX_CHECK_INTERVAL_SECONDS,
  MAX_DESCRIBES_PER_TICK,
  dueForCheck,
  nextCheckAt,
} from '../../../core/orchestrator/reconcile';
import { recordJobEvent } from '../../../core/orchestrator/job-event';
import { tick } from '../../../core/orchestrator/tick';
import { tuningInput } from '../../helpers/inputs';
import { createWorld, deliverEvents } from '../../helpers/simulated-world';

const T0 = Date.parse('2026-01-01T00:00:00Z');

/** Counts the DescribeTrainingJob calls on the world's backend from now on. */
function countDescribes(world: Awaited<ReturnType<typeof createWorld>>): { calls: number } {
  const counter = { calls: 0 };
  const describe = world.backend.describeJob.bind(world.backend);
  world.backend.describeJob = async (name) => {
    counter.calls++;
    return describe(name);
  };
  return counter;
}
const iso = (ms: number): string => new Date(ms).toISOString();

function running(name: string, overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    runId: 'r',
    jobName: name,
    trialId: 0,
    milestone: 1,
    fromMilestone: 0,
    status: 'InProgress',
    hyperParameters: {},
    createdAt: iso(T0),
    updatedAt: iso(T0),
    startAttempts: 0,
    told: false,
    ...overrides,
  };
}

describe('the check schedule', () => {
  it('checks reconcileAfterSeconds after the last change, then backs off by 4x, at most 6 hours apart', () => {
    expect(nextCheckAt(running('a'), 120)).toBe(T0 + 120_000);
    expect(nextCheckAt(running('a', { checkedAt: iso(T0 + 120_000), checks: 1 }), 120)).toBe(T0 + 120_000 + 480_000);
    expect(nextCheckAt(running('a', { checkedAt: iso(T0 + 600_000), checks: 2 }), 120)).toBe(T0 + 600_000 + 1_920_000);
    expect(nextCheckAt(running('a', { checkedAt: iso(T0), checks: 9 }), 120)).toBe(T0 + MAX_CHECK_INTERVAL_SECONDS * 1000);
    // A change after the last check restarts the schedule.
    expect(nextCheckAt(running('a', { checkedAt: iso(T0), checks: 3, updatedAt: iso(T0 + 1000) }), 120)).toBe(T0 + 1000 + 120_000);
    expect(nextCheckAt(running('a', { status: 'Pending' }), 120)).toBeUndefined();
    expect(nextCheckAt(running('a', { status: 'Completed' }), 120)).toBeUndefined();
  });

  it('takes the most overdue jobs first, at most MAX_DESCRIBES_PER_TICK', () => {
    const jobs = Array.from({ length: 30 }, (_, i) => running(`j${String(i).padStart(2, '0')}`, { updatedAt: iso(T0 + (30 - i) * 1000) }));
    const due = dueForCheck(jobs, T0 + 3_600_000, 120);
    expect(due).toHaveLength(MAX_DESCRIBES_PER_TICK);
    expect(due.map((j) => j.jobName)).toEqual(['j29', 'j28', 'j27', 'j26', 'j25', 'j24', 'j23', 'j22', 'j21', 'j20']);
    expect(dueForCheck(jobs, T0 + 100_000, 120)).toEqual([]);
  });
});

describe('job events', () => {
  it('records a progress event from the event itself, and describes the job only for a terminal one', async () => {
    const world = await createWorld(tuningInput({ strategy: 'Random', maxJobs: 2, maxParallel: 1 }), () => ({ kind: 'completed', metrics: { accuracy: 0.5 }, seconds: 60 }));
    await tick(world.deps, world.runId);
    const [name] = world.backend.createdJobs();
    const describes = countDescribes(world);
    expect(await recordJobEvent(world.deps, name, { status: 'InProgress', secondaryStatus: 'Training' })).toEqual({ kind: 'unchanged', runId: world.runId });
    expect(describes.calls).toBe(0);
    world.clock.ms += 60_000;
    expect(await recordJobEvent(world.deps, name, { status: 'Completed' })).toMatchObject({ kind: 'recorded', status: 'Completed' });
    expect(describes.calls).toBe(1);
  });
});

describe('reconciliation in a run', () => {
  const thirtyMinutes: Objective = (hp) => ({ kind: 'completed', metrics: { accuracy: Number(hp.lr ?? 0.5) }, seconds: 1800 });

  it('describes at most MAX_DESCRIBES_PER_TICK jobs per tick, DESCRIBE_CONCURRENCY at a time', async () => {
    // Prepare: 40 running jobs whose events are all lost
    const world = await createWorld(tuningInput({ strategy: 'Random', maxJobs: 80, maxParallel: 40 }), thirtyMinutes);
    const deps = { ...world.deps, reconcileAfterSeconds: 120 };
    await tick(deps, world.runId);
    let inFlight = 0;
    let maxInFlight = 0;
    let calls = 0;
    const describe = world.backend.describeJob.bind(world.backend);
    world.backend.describeJob = async (name) => {
      calls++;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return describe(name);
    };
    world.clock.ms += 300_000;
    // Act
    await tick(deps, world.runId);
    // Assess
    expect(calls).toBe(MAX_DESCRIBES_PER_TICK);
    expect(maxInFlight).toBe(DESCRIBE_CONCURRENCY);
    // The next tick describes the next ten, not the same ones again.
    calls = 0;
    await tick(deps, world.runId);
    expect(calls).toBe(MAX_DESCRIBES_PER_TICK);
    const checked = (await world.store.listJobs(world.runId)).filter((j) => j.checks === 1);
    expect(checked).toHaveLength(2 * MAX_DESCRIBES_PER_TICK);
  });

  it('with events delivered: at most 2 DescribeTrainingJob calls per job on average at the deployed 120 s', async () => {
    // Prepare: 30-minute jobs, 20 in parallel, a tick whenever a job ends (events delivered)
    const world = await createWorld(tuningInput({ strategy: 'Random', maxJobs: 200, maxParallel: 20 }), thirtyMinutes);
    const deps = { ...world.deps, reconcileAfterSeconds: 120 };
    const describes = countDescribes(world);
    // Act: the loop's poll interval bounds the wait, as WaitForChange's timeout does
    for (let i = 0; i < 10_000; i++) {
      const result = await tick(deps, world.runId);
      if (result.status === 'done') break;
      const next = world.backend.nextEndTime() ?? world.clock.ms + 60_000;
      world.clock.ms = Math.min(Math.max(world.clock.ms + 1000, next), world.clock.ms + 300_000);
      await deliverEvents(world);
    }
    // Assess
    expect((await world.store.getRun(world.runId))?.status).toBe('Completed');
    // One per job from the event handler (its terminal event), and Tick's checks only for the
    // first wave, before the run knew how long a job takes.
    expect(describes.calls / 200).toBeLessThanOrEqual(1.25);
  });

  it('with every event lost: the run still completes, each job found within 4x the time it ran', async () => {
    // Prepare
    const world = await createWorld(tuningInput({ strategy: 'Random', maxJobs: 60, maxParallel: 10 }), thirtyMinutes);
    const deps = { ...world.deps, reconcileAfterSeconds: 120 };
    const describes = countDescribes(world);
    // Act: no event is ever delivered; the loop ticks every 5 minutes
    let ticks = 0;
    for (; ticks < 10_000; ticks++) {
      const result = await tick(deps, world.runId);
      if (result.status === 'done') break;
      world.clock.ms += 300_000;
    }
    // Assess
    const run = await world.store.getRun(world.runId);
    expect(run?.status).toBe('Completed');
    expect(run?.counters.jobsCompleted).toBe(60);
    expect(describes.calls / 60).toBeLessThanOrEqual(4);
    const elapsedHours = (world.clock.ms - T0) / 3_600_000;
    // 6 waves of 30-minute jobs; each end is noticed by the check at 32 or 42 minutes (120 s, then 4 x 120 s after).
    expect(elapsedHours).toBeLessThanOrEqual(6 * 0.75);
  });
});
