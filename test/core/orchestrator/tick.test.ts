/**
 * The orchestrator's use cases driven as the state machine drives them, in virtual time,
 * with the in-memory store and the simulated backend.
 */
import type { Objective } from '../../../lambda/adapters/local/simulated-backend';
import { toTuningSpec, validateTuningInput } from '../../../core/input';
import { finalizeRun } from '../../../core/orchestrator/finalize';
import { recordJobEvent } from '../../../core/orchestrator/job-event';
import { stopRun } from '../../../core/orchestrator/stop';
import { tick } from '../../../core/orchestrator/tick';
import { parkTaskToken } from '../../../core/orchestrator/wait';
import { planRun } from '../../../core/plan';
import { createWorld, deliverEvents, runToEnd } from '../../helpers/simulated-world';
import { tuningInput } from '../../helpers/inputs';

/** Accuracy grows with epochs and peaks at lr = 0.01; ten seconds per epoch trained. */
const objective: Objective = (hp) => {
  const lr = Number(hp.lr);
  const epochs = Number(hp.epochs ?? 9);
  const quality = Math.exp(-((Math.log10(lr) + 2) ** 2));
  return { kind: 'completed', metrics: { accuracy: quality * (1 - 1 / (1 + epochs)) }, seconds: 10 * epochs };
};

describe('test inputs', () => {
  it.each(['Random', 'Grid', 'Bayesian', 'Hyperband', 'ASHA'] as const)('the %s input used here is valid', (strategy) => {
    const problems = validateTuningInput(tuningInput({ strategy })).filter((p) => p.severity === 'error');
    expect(problems).toEqual([]);
  });
});

describe('a run from start to end', () => {
  it('Synchronous Hyperband starts exactly the jobs the plan announces, and no more', async () => {
    // Prepare
    const input = tuningInput({ strategy: 'Hyperband', mode: 'Synchronous', maxJobs: 40, maxParallel: 4 });
    const world = await createWorld(input, objective);
    const spec = toTuningSpec(input);
    const plan = planRun(spec.scheduler, { maxParallelTrainingJobs: spec.maxParallelTrainingJobs });

    // Act
    await runToEnd(world);

    // Assess
    const jobs = await world.store.listJobs(world.runId);
    expect(jobs).toHaveLength(plan.trainingJobs);
    expect(world.backend.createdJobs()).toHaveLength(plan.trainingJobs);
    expect(jobs.length).toBeLessThanOrEqual(40);
    expect(jobs.every((j) => j.status === 'Completed' && j.told)).toBe(true);
    const run = await world.store.getRun(world.runId);
    expect(run?.status).toBe('Completed');
    expect(run?.counters.jobsStarted).toBe(plan.trainingJobs);
    expect(run?.counters.jobsCompleted).toBe(plan.trainingJobs);
  });

  it.each([
    ['Random', 13],
    ['Bayesian', 12],
    ['ASHA', 25],
    ['Hyperband', 25],
  ] as const)('%s uses the budget of %i training jobs exactly', async (strategy, maxJobs) => {
    const world = await createWorld(tuningInput({ strategy, mode: 'Asynchronous', maxJobs, maxParallel: 3 }), objective);
    await runToEnd(world);
    expect(world.backend.createdJobs()).toHaveLength(maxJobs);
    expect(await world.store.listJobs(world.runId)).toHaveLength(maxJobs);
  });

  it('Grid tries every grid point once', async () => {
    const world = await createWorld(tuningInput({ strategy: 'Grid', maxJobs: 6 }), () => ({
      kind: 'completed',
      metrics: { accuracy: 0.5 },
      seconds: 5,
    }));
    await runToEnd(world);
    const trials = await world.store.listTrials(world.runId);
    const points = trials.map((t) => `${t.hyperParameters.optimizer}/${t.hyperParameters.layers}`).sort();
    expect(points).toEqual(['adam/1', 'adam/2', 'rmsprop/1', 'rmsprop/2', 'sgd/1', 'sgd/2']);
  });

  it('passes the resource hyperparameter and the trial checkpoint to every job, and promotions resume', async () => {
    const world = await createWorld(tuningInput({ strategy: 'Hyperband', mode: 'Synchronous', maxJobs: 40 }), objective);
    await runToEnd(world);
    const jobs = await world.store.listJobs(world.runId);
    for (const job of jobs) {
      expect(job.hyperParameters.epochs).toBe(String(job.milestone));
      expect(job.hyperParameters.dataset).toBe('mnist');
      expect(job.jobName).toBe(`hpo-test-run-${String(job.trialId).padStart(4, '0')}-r${job.milestone}`);
    }
    const resumed = jobs.filter((j) => j.fromMilestone > 0);
    expect(resumed.length).toBeGreaterThan(0);
    for (const job of resumed) {
      const earlier = jobs.find((j) => j.trialId === job.trialId && j.milestone === job.fromMilestone);
      expect(earlier?.status).toBe('Completed');
    }
  });

  it('records the best job, and the outcome names it with its hyperparameters', async () => {
    const world = await createWorld(tuningInput({ strategy: 'Random', maxJobs: 10 }), objective);
    await runToEnd(world);
    const jobs = await world.store.listJobs(world.runId);
    const bestJob = jobs.reduce((a, b) => ((a.objective ?? -1) >= (b.objective ?? -1) ? a : b));
    const outcome = await finalizeRun(world.store, world.backend, world.runId, world.deps.now());
    expect(outcome.HyperParameterTuningJobStatus).toBe('Completed');
    expect(outcome.BestTrainingJob?.TrainingJobName).toBe(bestJob.jobName);
    expect(outcome.BestTrainingJob?.FinalHyperParameterTuningJobObjectiveMetric).toEqual({
      Type: 'Maximize',
      MetricName: 'accuracy',
      Value: bestJob.objective,
    });
    expect(Object.keys(outcome.BestTrainingJob?.TunedHyperParameters ?? {}).sort()).toEqual(['layers', 'lr', 'optimizer']);
    expect(outcome.TrainingJobStatusCounters).toEqual({ Completed: 10, InProgress: 0, Stopped: 0, Failed: 0 });
  });

  it('reports the best job at the highest resource reached, even when a job trained less scored higher', async () => {
    // Accuracy falls with epochs here (overfitting): low rungs score best.
    const overfit: Objective = (hp) => ({ kind: 'completed', metrics: { accuracy: Math.exp(-((Math.log10(Number(hp.lr)) + 2) ** 2)) / Number(hp.epochs) }, seconds: 10 });
    const world = await createWorld(tuningInput({ strategy: 'ASHA', maxJobs: 30, sampler: 'Random' }), overfit);
    await runToEnd(world);
    const jobs = await world.store.listJobs(world.runId);
    const top = Math.max(...jobs.map((j) => j.milestone));
    const atTop = jobs.filter((j) => j.milestone === top).reduce((a, b) => ((a.objective ?? -1) >= (b.objective ?? -1) ? a : b));
    const overall = jobs.reduce((a, b) => ((a.objective ?? -1) >= (b.objective ?? -1) ? a : b));
    expect(overall.milestone).toBeLessThan(top);
    const outcome = await finalizeRun(world.store, world.backend, world.runId, world.deps.now());
    expect(outcome.BestTrainingJob?.TrainingJobName).toBe(atTop.jobName);
    expect(outcome.BestTrainingJob?.Resource).toBe(top);
  });

  it('is reproducible: the same RandomSeed proposes the same trials', async () => {
    const a = await createWorld(tuningInput({ strategy: 'Random', maxJobs: 6, seed: 99 }), objective);
    const b = await createWorld(tuningInput({ strategy: 'Random', maxJobs: 6, seed: 99 }), objective);
    await runToEnd(a);
    await runToEnd(b);
    const configs = async (w: typeof a) => (await w.store.listTrials(w.runId)).map((t) => t.hyperParameters);
    expect(await configs(a)).toEqual(await configs(b));
  });
});

describe('failures and retries', () => {
  it('keeps throttled jobs pending and starts them later: none is dropped', async () => {
    const world = await createWorld(tuningInput({ strategy: 'Random', maxJobs: 5, maxParallel: 5 }), objective);
    world.backend.throttleNext = 3;
    const first = await tick(world.deps, world.runId);
    expect(first.pending).toBe(3);
    expect(first.retryAfterSeconds).toBeGreaterThan(0);
    await runToEnd(world);
    expect(world.backend.createdJobs()).toHaveLength(5);
    const jobs = await world.store.listJobs(world.runId);
    expect(jobs.filter((j) => j.startAttempts > 0)).toHaveLength(3);
  });

  it('a tick retried after a crash between commit and create starts each job once', async () => {
    const world = await createWorld(tuningInput({ strategy: 'Random', maxJobs: 4, maxParallel: 4 }), objective);
    const create = world.backend.createJob.bind(world.backend);
    let calls = 0;
    world.backend.createJob = async (request) => {
      calls += 1;
      if (calls === 2) throw new Error('lambda crashed');
      return create(request);
    };
    await expect(tick(world.deps, world.runId)).rejects.toThrow('lambda crashed');
    const retried = await tick(world.deps, world.runId);
    expect(retried.status).toBe('running');
    expect(world.backend.createdJobs()).toHaveLength(4);
    await runToEnd(world);
    expect(world.backend.createdJobs()).toHaveLength(4);
  });

  it('failed jobs count against the budget and are recorded with their reason', async () => {
    const world = await createWorld(tuningInput({ strategy: 'Random', maxJobs: 6 }), (hp, name) =>
      name.endsWith('0002-r1') || name.includes('-0002-')
        ? { kind: 'failed', reason: 'AlgorithmError: ExitCode 1', seconds: 3 }
        : { kind: 'completed', metrics: { accuracy: Number(hp.lr) }, seconds: 5 },
    );
    await runToEnd(world);
    const jobs = await world.store.listJobs(world.runId);
    expect(jobs).toHaveLength(6);
    const failed = jobs.filter((j) => j.status === 'Failed');
    expect(failed).toHaveLength(1);
    expect(failed[0].failureReason).toBe('AlgorithmError: ExitCode 1');
    expect(failed[0].objective).toBeNull();
    expect((await world.store.getRun(world.runId))?.counters.jobsFailed).toBe(1);
  });

  it('a training job definition SageMaker rejects fails the run with its message', async () => {
    const world = await createWorld(tuningInput({ strategy: 'Random', maxJobs: 6 }), objective);
    world.backend.rejectWith = "1 validation error detected: Value 'ml.nope' at 'resourceConfig.instanceType' failed to satisfy constraint";
    await runToEnd(world);
    const run = await world.store.getRun(world.runId);
    expect(run?.status).toBe('Failed');
    expect(run?.statusReason).toContain("Value 'ml.nope'");
    expect(world.backend.createdJobs()).toHaveLength(0);
  });
});

describe('events and wake-ups', () => {
  it('a duplicated state-change event changes nothing', async () => {
    const world = await createWorld(tuningInput({ strategy: 'Random', maxJobs: 2, maxParallel: 2 }), objective);
    await tick(world.deps, world.runId);
    world.clock.ms += 10 * 9 * 1000;
    const [name] = world.backend.endedJobs();
    const first = await recordJobEvent(world.deps, name);
    const again = await recordJobEvent(world.deps, name);
    expect(first.kind).toBe('recorded');
    expect(again.kind).toBe('unchanged');
  });

  it('an event that lands between Tick and WaitForChange wakes the loop at once', async () => {
    const world = await createWorld(tuningInput({ strategy: 'Random', maxJobs: 2, maxParallel: 2 }), objective);
    const ticked = await tick(world.deps, world.runId);
    world.clock.ms += 10 * 9 * 1000;
    await deliverEvents(world); // no token stored yet: the event only bumps the version
    const outcome = await parkTaskToken(world.deps.store, world.deps.waker, { runId: world.runId, taskToken: 'token-1', version: ticked.version });
    expect(outcome).toBe('woken-immediately');
    expect(world.deps.waker.woken).toEqual(['token-1']);
  });

  it('a parked token is woken by the next job end, and only once', async () => {
    const world = await createWorld(tuningInput({ strategy: 'Random', maxJobs: 2, maxParallel: 2 }), objective);
    const ticked = await tick(world.deps, world.runId);
    expect(await parkTaskToken(world.deps.store, world.deps.waker, { runId: world.runId, taskToken: 'token-2', version: ticked.version })).toBe('parked');
    world.clock.ms += 10 * 9 * 1000;
    await deliverEvents(world);
    expect(world.deps.waker.woken).toEqual(['token-2']);
  });

  it('ignores events for jobs that are not this tuner’s', async () => {
    const world = await createWorld(tuningInput({ strategy: 'Random', maxJobs: 2 }), objective);
    expect((await recordJobEvent(world.deps, 'someone-elses-job')).kind).toBe('ignored');
  });
});

describe('stopping', () => {
  it('stopping a run stops every running job, and the loop then ends', async () => {
    const world = await createWorld(tuningInput({ strategy: 'Random', maxJobs: 10, maxParallel: 3 }), objective);
    await tick(world.deps, world.runId);
    expect(world.backend.runningJobs()).toHaveLength(3);
    const result = await stopRun(world.deps, world.runId, 'execution aborted');
    expect(result.stoppedJobs).toHaveLength(3);
    expect(world.backend.runningJobs()).toHaveLength(0);
    const after = await tick(world.deps, world.runId);
    expect(after.status).toBe('done');
    expect((await world.store.getRun(world.runId))?.status).toBe('Stopped');
    expect(world.backend.createdJobs()).toHaveLength(3);
  });

  it('a tick that loaded the run before a stop cannot commit over it', async () => {
    const world = await createWorld(tuningInput({ strategy: 'Random', maxJobs: 10, maxParallel: 3 }), objective);
    const load = world.store.loadTickView.bind(world.store);
    world.store.loadTickView = async (runId) => {
      const view = await load(runId);
      await stopRun(world.deps, world.runId, 'stop request');
      return view;
    };
    await expect(tick(world.deps, world.runId)).rejects.toThrow(/another tick committed/);
    world.store.loadTickView = load;
    expect(world.backend.createdJobs()).toHaveLength(0);
    expect((await tick(world.deps, world.runId)).status).toBe('done');
  });

  it('a completion criterion stops the remaining jobs and completes the run with the reason', async () => {
    const world = await createWorld(
      tuningInput({ strategy: 'Random', maxJobs: 30, maxParallel: 2, completion: { TargetObjectiveMetricValue: 0.2 } }),
      objective,
    );
    await runToEnd(world);
    const run = await world.store.getRun(world.runId);
    expect(run?.status).toBe('Completed');
    expect(run?.statusReason).toMatch(/^target objective reached/);
    expect(run?.best?.objective).toBeGreaterThanOrEqual(0.2);
    expect(world.backend.createdJobs().length).toBeLessThan(30);
    expect(world.backend.runningJobs()).toHaveLength(0);
  });

  it('finalize releases warm pools', async () => {
    const world = await createWorld(tuningInput({ strategy: 'Random', maxJobs: 3, keepAliveSeconds: 600 }), objective);
    await runToEnd(world);
    const outcome = await finalizeRun(world.store, world.backend, world.runId, world.deps.now());
    expect(outcome.WarmPoolsReleased).toBe(3);
    const jobs = await world.store.listJobs(world.runId);
    expect(jobs.every((j) => j.warmPoolStatus === 'Terminated')).toBe(true);
  });
});
