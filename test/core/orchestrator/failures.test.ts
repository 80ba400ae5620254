/**
 * Failure semantics (core/orchestrator/failures.ts and their use in tick, finalize and
 * stop): stop early on systematic failure, capacity waits, foreign job names, warnings, and a
 * bounded, idempotent Finalize. Virtual time, in-memory store, simulated backend.
 */
import type { Objective } from '../../../lambda/adapters/local/simulated-backend';
import type { TuningInput } from '../../../core/input';
import type { CheckpointStore } from '../../../core/orchestrator/backend';
import { FinalizeIncomplete, PermissionDenied, RequestRejected } from '../../../core/orchestrator/errors';
import {
  checkCapacityWait,
  checkFailures,
  commonReason,
  DEFAULT_FAILURE_POLICY,
  noObjectiveReason,
  summarizeFailureReason,
} from '../../../core/orchestrator/failures';
import { finalizeRun } from '../../../core/orchestrator/finalize';
import { stopRun } from '../../../core/orchestrator/stop';
import { parseTrainingJobName, trainingJobName } from '../../../core/orchestrator/naming';
import { foreignJobReason, tick, tickOrFail } from '../../../core/orchestrator/tick';
import { tuningInput, type InputOptions } from '../../helpers/inputs';
import { createWorld, runToEnd } from '../../helpers/simulated-world';

const PYTHON_CRASH =
  'AlgorithmError: ExecuteUserScriptError:\nExitCode 1\nErrorMessage "Traceback (most recent call last):\n  File "/opt/ml/code/train.py", line 3, in <module>\n    import torchvision\nModuleNotFoundError: No module named \'torchvision\'\n"\nCommand "/opt/conda/bin/python3.10 train.py --epochs 1 --lr 0.01", exit code: 1';

const NODE_CRASH =
  'AlgorithmError: ExecuteUserScriptError:\nExitCode 1\nErrorMessage "/work/train.js:2\nthrow new Error(\'boom: cannot load the data\');\n^\n\nError: boom: cannot load the data\n    at Object.<anonymous> (/work/train.js:2:7)\n    at Module._compile (node:internal/modules/cjs/loader:1521:14)\n\nNode.js v20.20.2"\nCommand "node train.js --epochs 1", exit code: 1';

const good: Objective = (hp) => ({ kind: 'completed', metrics: { accuracy: Number(hp.lr) }, seconds: 10 });
const crash: Objective = () => ({ kind: 'failed', reason: PYTHON_CRASH, seconds: 5 });

function input(options: InputOptions & { failure?: Record<string, number> } = {}): TuningInput {
  const base = tuningInput({ strategy: 'Random', ...options }) as unknown as Record<string, unknown>;
  return (options.failure === undefined ? base : { ...base, FailureConfig: options.failure }) as unknown as TuningInput;
}

describe('summarizeFailureReason: one line out of SageMaker\'s FailureReason', () => {
  it('takes the error line of a Python traceback', () => {
    expect(summarizeFailureReason(PYTHON_CRASH)).toBe("AlgorithmError: ModuleNotFoundError: No module named 'torchvision'");
  });

  it('takes the error line of a Node.js crash, not the runtime banner', () => {
    expect(summarizeFailureReason(NODE_CRASH)).toBe('AlgorithmError: Error: boom: cannot load the data');
  });

  it('keeps a one-line reason (internal errors, a script\'s own failure file) as it is', () => {
    expect(summarizeFailureReason('InternalServerError: We encountered an internal error. Please try again.')).toBe(
      'InternalServerError: We encountered an internal error. Please try again.',
    );
    expect(summarizeFailureReason('AlgorithmError: loss diverged at epoch 3')).toBe('AlgorithmError: loss diverged at epoch 3');
  });

  it('without a line that names an error: the end of stderr, or the headline of any other reason', () => {
    expect(summarizeFailureReason('AlgorithmError: ExecuteUserScriptError:\nExitCode 137\nErrorMessage "loading data\nKilled by the OOM killer"\nCommand "python train.py", exit code: 137')).toBe(
      'AlgorithmError: Killed by the OOM killer',
    );
    expect(summarizeFailureReason('AlgorithmError: boom\nmore details')).toBe('AlgorithmError: boom');
  });

  it('shortens what is too long for a status line', () => {
    expect(summarizeFailureReason(`ClientError: ${'x'.repeat(500)}`)).toHaveLength(240);
  });
});

describe('checkFailures: the stop-early rule', () => {
  const f = (n: number) => Array.from({ length: n }, (_, i) => ({ jobName: `j${i}`, reason: 'ValueError: bad' }));

  it('fails when the first N finished jobs all failed (N = 3 by default)', () => {
    expect(checkFailures({ succeeded: 0, failed: 2 }, f(2), DEFAULT_FAILURE_POLICY).kind).toBe('continue');
    expect(checkFailures({ succeeded: 0, failed: 3 }, f(3), DEFAULT_FAILURE_POLICY)).toEqual({
      kind: 'fail',
      reason: 'the first 3 training jobs all failed (FailureConfig.MaxInitialFailures 3): all 3: "ValueError: bad" (e.g. j0)',
    });
  });

  it('does not fail on early failures once a job succeeded', () => {
    expect(checkFailures({ succeeded: 1, failed: 3 }, f(3), DEFAULT_FAILURE_POLICY).kind).toBe('continue');
  });

  it('fails when failed jobs pass the fraction, once the minimum number finished', () => {
    expect(checkFailures({ succeeded: 4, failed: 5 }, f(5), DEFAULT_FAILURE_POLICY).kind).toBe('continue');
    expect(checkFailures({ succeeded: 4, failed: 6 }, f(6), DEFAULT_FAILURE_POLICY)).toMatchObject({
      kind: 'fail',
      reason: expect.stringMatching(/^6 of 10 finished training jobs failed, more than FailureConfig.MaxFailedFraction 0.5: /),
    });
    expect(checkFailures({ succeeded: 5, failed: 5 }, f(5), DEFAULT_FAILURE_POLICY).kind).toBe('continue');
  });

  it('0 turns each rule off', () => {
    const off = { ...DEFAULT_FAILURE_POLICY, maxInitialFailures: 0, maxFailedFraction: 0 };
    expect(checkFailures({ succeeded: 0, failed: 50 }, f(50), off).kind).toBe('continue');
  });

  it('quotes the most common reason, with how many jobs share it', () => {
    expect(commonReason([{ jobName: 'a', reason: 'X' }, { jobName: 'b', reason: 'Y' }, { jobName: 'c', reason: 'Y' }])).toBe('2 of 3: "Y" (e.g. b)');
    expect(commonReason([{ jobName: 'a', reason: 'X' }])).toBe('"X" (e.g. a)');
  });
});

describe('checkCapacityWait', () => {
  const policy = { ...DEFAULT_FAILURE_POLICY, maxCapacityWaitSeconds: 600 };
  const t0 = new Date('2026-01-01T00:00:00Z');
  const at = (s: number) => new Date(t0.getTime() + s * 1000);

  it('starts the clock at the first refusal and fails after the maximum wait', () => {
    const first = checkCapacityWait({ jobName: 'j' }, 0, t0, policy, 'ResourceLimitExceeded: ...');
    expect(first).toEqual({ waitingSince: t0.toISOString() });
    expect(checkCapacityWait({ jobName: 'j', waitingSince: first.waitingSince }, 0, at(599), policy, 'r').failReason).toBeUndefined();
    expect(checkCapacityWait({ jobName: 'j', waitingSince: first.waitingSince }, 0, at(600), policy, 'ResourceLimitExceeded: in use').failReason).toBe(
      'training job j could not start for 600 s while no other job of the run was running (FailureConfig.MaxCapacityWaitInSeconds 600): ResourceLimitExceeded: in use',
    );
  });

  it('does not count waiting for the run\'s own jobs to free the quota', () => {
    expect(checkCapacityWait({ jobName: 'j', waitingSince: t0.toISOString() }, 2, at(5000), policy, 'r')).toEqual({ waitingSince: at(5000).toISOString() });
  });

  it('waits without limit with 0', () => {
    expect(checkCapacityWait({ jobName: 'j', waitingSince: t0.toISOString() }, 0, at(1e6), { ...policy, maxCapacityWaitSeconds: 0 }, 'r').failReason).toBeUndefined();
  });
});

describe('stop early, through the tick', () => {
  it('a script that crashes on import stops after the first 3 jobs, not after all of them', async () => {
    // Prepare
    const world = await createWorld(input({ maxJobs: 50, maxParallel: 1 }), crash);
    // Act
    await runToEnd(world);
    // Assess
    const run = await world.store.getRun(world.runId);
    expect(run?.status).toBe('Failed');
    expect(run?.statusReason).toBe(
      'the first 3 training jobs all failed (FailureConfig.MaxInitialFailures 3): all 3: "AlgorithmError: ModuleNotFoundError: No module named \'torchvision\'" (e.g. hpo-test-run-0000-r1)',
    );
    expect(world.backend.createdJobs()).toHaveLength(3);
  });

  it('with parallel jobs, the ones still running are stopped and the cap of first failures holds', async () => {
    const world = await createWorld(input({ maxJobs: 50, maxParallel: 4 }), crash);
    await runToEnd(world);
    const jobs = await world.store.listJobs(world.runId);
    expect((await world.store.getRun(world.runId))?.status).toBe('Failed');
    expect(jobs.length).toBeLessThanOrEqual(4);
    expect(jobs.every((j) => j.status === 'Failed' || j.status === 'Stopped')).toBe(true);
    expect(world.backend.runningJobs()).toEqual([]);
  });

  it('jobs still running when the run gives up are stopped, and the run still ends Failed (not Stopped)', async () => {
    const world = await createWorld(input({ maxJobs: 10, maxParallel: 3, failure: { MaxInitialFailures: 1 } }), (hp, name) =>
      name.includes('-0000-') ? { kind: 'failed', reason: 'AlgorithmError: bad', seconds: 3 } : { ...good(hp, name), seconds: 100 },
    );
    const results = await runToEnd(world);
    expect(results.length).toBeGreaterThan(2);
    const run = await world.store.getRun(world.runId);
    expect(run).toMatchObject({ status: 'Failed', statusReason: expect.stringMatching(/^the first 1 training jobs all failed/) });
    expect((await world.store.listJobs(world.runId)).map((j) => j.status)).toEqual(['Failed', 'Stopped', 'Stopped']);
  });

  it('a metric regex that matches nothing: completed jobs without the objective count as failed, as AMT counts them', async () => {
    // Prepare: the jobs report `loss`, never `accuracy`
    const world = await createWorld(input({ maxJobs: 20, maxParallel: 1 }), () => ({ kind: 'completed', metrics: { loss: 0.3 }, seconds: 10 }));
    // Act
    await runToEnd(world);
    // Assess
    const run = await world.store.getRun(world.runId);
    expect(run?.status).toBe('Failed');
    expect(run?.statusReason).toContain(`"${noObjectiveReason('accuracy')}"`);
    expect(run?.best).toBeUndefined();
    expect(run?.counters).toMatchObject({ jobsCompleted: 3, jobsWithoutObjective: 3, jobsFailed: 0 });
    const jobs = await world.store.listJobs(world.runId);
    expect(jobs.map((j) => [j.status, j.objectiveStatus])).toEqual([
      ['Completed', 'Failed'],
      ['Completed', 'Failed'],
      ['Completed', 'Failed'],
    ]);
  });

  it('fails when too many jobs fail later on (fraction after a minimum)', async () => {
    // Every job after the first fails: 1 of 10 succeeded
    const world = await createWorld(input({ maxJobs: 30, maxParallel: 1 }), (hp, name) =>
      name.includes('-0000-') ? good(hp, name) : { kind: 'failed', reason: 'AlgorithmError: CUDA out of memory', seconds: 5 },
    );
    await runToEnd(world);
    const run = await world.store.getRun(world.runId);
    expect(run?.status).toBe('Failed');
    expect(run?.statusReason).toBe(
      '9 of 10 finished training jobs failed, more than FailureConfig.MaxFailedFraction 0.5: all 9: "AlgorithmError: CUDA out of memory" (e.g. hpo-test-run-0001-r1)',
    );
    expect(world.backend.createdJobs()).toHaveLength(10);
  });

  it('FailureConfig with 0 turns both rules off: the budget is used', async () => {
    const world = await createWorld(input({ maxJobs: 6, maxParallel: 2, failure: { MaxInitialFailures: 0, MaxFailedFraction: 0 } }), crash);
    await runToEnd(world);
    expect((await world.store.getRun(world.runId))?.status).toBe('Completed');
    expect(world.backend.createdJobs()).toHaveLength(6);
  });

  it('a few failures among successes do not stop the run', async () => {
    const world = await createWorld(input({ maxJobs: 12, maxParallel: 2 }), (hp, name) =>
      name.includes('-0003-') || name.includes('-0007-') ? { kind: 'failed', reason: 'AlgorithmError: x', seconds: 5 } : good(hp, name),
    );
    await runToEnd(world);
    expect((await world.store.getRun(world.runId))?.status).toBe('Completed');
    expect(world.backend.createdJobs()).toHaveLength(12);
  });
});

describe('capacity, through the tick', () => {
  it('a quota that can never fit a job fails the run at once, naming the quota; nothing starts', async () => {
    const world = await createWorld(input({ maxJobs: 10, maxParallel: 3 }), good);
    world.backend.overQuotaWith = "the account's SageMaker quota 'ml.g4dn.xlarge for training job usage' is 0 instances and one training job needs 1: request an increase";
    await runToEnd(world);
    const run = await world.store.getRun(world.runId);
    expect(run?.status).toBe('Failed');
    expect(run?.statusReason).toContain("quota 'ml.g4dn.xlarge for training job usage' is 0 instances");
    expect(world.backend.createdJobs()).toEqual([]);
    const jobs = await world.store.listJobs(world.runId);
    expect(jobs.filter((j) => j.status === 'Pending')).toEqual([]);
  });

  it('temporary refusals back off and the jobs start later', async () => {
    const world = await createWorld(input({ maxJobs: 4, maxParallel: 2 }), good);
    world.backend.noCapacityNext = 5;
    const results = await runToEnd(world);
    expect(results.some((r) => r.retryAfterSeconds > 0)).toBe(true);
    expect((await world.store.getRun(world.runId))?.status).toBe('Completed');
    expect(world.backend.createdJobs()).toHaveLength(4);
  });

  it('a run that cannot start any job for longer than MaxCapacityWaitInSeconds fails with the reason', async () => {
    const world = await createWorld(input({ maxJobs: 4, maxParallel: 2, failure: { MaxCapacityWaitInSeconds: 120 } }), good);
    world.backend.noCapacityNext = 1_000;
    await runToEnd(world);
    const run = await world.store.getRun(world.runId);
    expect(run?.status).toBe('Failed');
    expect(run?.statusReason).toMatch(/^training job hpo-test-run-0000-r1 could not start for \d+ s while no other job of the run was running \(FailureConfig.MaxCapacityWaitInSeconds 120\): ResourceLimitExceeded: no capacity$/);
    expect(world.backend.createdJobs()).toEqual([]);
  });

  it('waiting for the run\'s own jobs to free the quota never fails the run', async () => {
    // One job fits at a time; the second waits for 100 s jobs, much longer than the limit.
    const world = await createWorld(input({ maxJobs: 4, maxParallel: 2, failure: { MaxCapacityWaitInSeconds: 30 } }), (hp) => ({
      kind: 'completed',
      metrics: { accuracy: Number(hp.lr) },
      seconds: 100,
    }));
    const create = world.backend.createJob.bind(world.backend);
    world.backend.createJob = async (request) =>
      world.backend.runningJobs().length >= 1 ? { kind: 'retry', reason: 'ResourceLimitExceeded: quota in use', cause: 'capacity' } : create(request);
    await runToEnd(world);
    expect((await world.store.getRun(world.runId))?.status).toBe('Completed');
    expect(world.backend.createdJobs()).toHaveLength(4);
  });
});

describe('job names that already exist', () => {
  it('a job of an earlier run with the same name is never adopted: the run fails with the reason', async () => {
    // Prepare: an old run of the same name left `hpo-test-run-0000-r1`, with a great objective
    const world = await createWorld(input({ maxJobs: 5, maxParallel: 1 }), good);
    world.backend.addForeignJob('hpo-test-run-0000-r1', Date.parse('2025-06-01T00:00:00Z'), { lr: '0.5' });
    // Act
    await runToEnd(world);
    // Assess
    const run = await world.store.getRun(world.runId);
    expect(run?.status).toBe('Failed');
    expect(run?.statusReason).toMatch(/^training job name 'hpo-test-run-0000-r1' is taken by an older job \(created 2025-06-01T00:00:00.000Z, before this run decided it at 2026-01-01T00:00:00.000Z, with other hyperparameters\)/);
    expect(run?.statusReason).toContain('another HyperParameterTuningJobName');
    expect(run?.best).toBeUndefined();
    const [job] = await world.store.listJobs(world.runId);
    expect(job).toMatchObject({ status: 'Failed', failureReason: 'never started: the name belongs to an older training job' });
    expect(job.finalMetrics).toBeUndefined();
  });

  it('the ownership check: same hyperparameters and created after the decision is ours; anything else is not', () => {
    const job = { jobName: 'j', createdAt: '2026-01-01T00:00:00.000Z', hyperParameters: { lr: '0.1' } };
    expect(foreignJobReason(job, { createdAt: '2026-01-01T00:00:02.000Z', hyperParameters: { lr: '0.1' } })).toBeUndefined();
    expect(foreignJobReason(job, { createdAt: '2025-12-31T23:58:00.000Z', hyperParameters: { lr: '0.1' } })).toBeUndefined(); // clock skew
    expect(foreignJobReason(job, { createdAt: '2026-01-01T00:00:02.000Z', hyperParameters: { lr: '0.2' } })).toContain('with other hyperparameters');
    expect(foreignJobReason(job, { createdAt: '2025-12-01T00:00:00.000Z', hyperParameters: { lr: '0.1' } })).toContain('created 2025-12-01');
  });

  it('a tick that crashed after CreateTrainingJob, before recording, adopts its own job on retry: each job once', async () => {
    const world = await createWorld(input({ maxJobs: 3, maxParallel: 3 }), good);
    const create = world.backend.createJob.bind(world.backend);
    let crashed = false;
    world.backend.createJob = async (request) => {
      const result = await create(request);
      if (!crashed) {
        crashed = true;
        throw new Error('lambda timed out after CreateTrainingJob');
      }
      return result;
    };
    await expect(tick(world.deps, world.runId)).rejects.toThrow('lambda timed out');
    await runToEnd(world);
    expect((await world.store.getRun(world.runId))?.status).toBe('Completed');
    expect(world.backend.createdJobs()).toHaveLength(3);
    const jobs = await world.store.listJobs(world.runId);
    expect(jobs.map((j) => j.status)).toEqual(['Completed', 'Completed', 'Completed']);
  });
});

describe('jobs that end through no fault of the script are retried from the trial\'s checkpoint', () => {
  it('an internal error (no RetryStrategy): the rung runs again as attempt 2, within the budget', async () => {
    let failedOnce = false;
    const world = await createWorld(input({ maxJobs: 4, maxParallel: 1 }), (hp, name) => {
      if (name === 'hpo-test-run-0000-r1' && !failedOnce) {
        failedOnce = true;
        return { kind: 'failed', reason: 'InternalServerError: We encountered an internal error. Please try again.', seconds: 3 };
      }
      return good(hp, name);
    });
    await runToEnd(world);
    const jobs = await world.store.listJobs(world.runId);
    expect(jobs.map((j) => [j.jobName, j.status, j.retriedAs ?? '', j.attempt ?? 1])).toEqual([
      ['hpo-test-run-0000-r1', 'Failed', 'hpo-test-run-0000-r1a2', 1],
      ['hpo-test-run-0000-r1a2', 'Completed', '', 2],
      ['hpo-test-run-0001-r1', 'Completed', '', 1],
      ['hpo-test-run-0002-r1', 'Completed', '', 1],
    ]);
    expect(world.backend.createdJobs()).toHaveLength(4);
    const run = await world.store.getRun(world.runId);
    expect(run).toMatchObject({ status: 'Completed', counters: { jobsStarted: 4, jobsCompleted: 3, jobsFailed: 1 } });
    // The retried failure is no failure of the trial: it has its result.
    expect((await world.store.listTrials(world.runId)).find((t) => t.trialId === 0)?.status).toBe('Completed');
  });

  it('MaxWaitTimeExceeded (managed spot): the trial resumes in a new job; a trial gets at most 3 attempts', async () => {
    const world = await createWorld(input({ maxJobs: 6, maxParallel: 1 }), (hp, name) =>
      name.includes('-0000-') ? { kind: 'max-wait-exceeded', seconds: 30 } : good(hp, name),
    );
    await runToEnd(world);
    const trial0 = (await world.store.listJobs(world.runId)).filter((j) => j.trialId === 0);
    expect(trial0.map((j) => [j.jobName, j.status, j.secondaryStatus])).toEqual([
      ['hpo-test-run-0000-r1', 'Stopped', 'MaxWaitTimeExceeded'],
      ['hpo-test-run-0000-r1a2', 'Stopped', 'MaxWaitTimeExceeded'],
      ['hpo-test-run-0000-r1a3', 'Stopped', 'MaxWaitTimeExceeded'],
    ]);
    expect(world.backend.createdJobs()).toHaveLength(6);
    expect((await world.store.getRun(world.runId))?.status).toBe('Completed');
  });

  it('the last job of the budget is not retried: the cap is never exceeded', async () => {
    const world = await createWorld(input({ maxJobs: 2, maxParallel: 2 }), () => ({ kind: 'failed', reason: 'InternalServerError: x', seconds: 3 }));
    await runToEnd(world);
    expect(world.backend.createdJobs()).toHaveLength(2);
  });
});

describe('AWS errors that fail the run', () => {
  it('CreateTrainingJob denied: the run fails at once with the permission to grant', async () => {
    const world = await createWorld(input({ maxJobs: 5 }), good);
    world.backend.createJob = async () => {
      throw new PermissionDenied("sagemaker:CreateTrainingJob on 'x' was denied (AccessDeniedException: ...); allow 'iam:PassRole' for the tuner's functions", 'sagemaker:CreateTrainingJob', 'iam:PassRole');
    };
    await runToEnd(world);
    const run = await world.store.getRun(world.runId);
    expect(run?.status).toBe('Failed');
    expect(run?.statusReason).toContain("allow 'iam:PassRole'");
  });

  it('tickOrFail: a denial anywhere in the tick fails the run instead of the execution, once', async () => {
    const world = await createWorld(input({ maxJobs: 5, maxParallel: 2 }), good);
    await tick(world.deps, world.runId);
    const load = world.store.loadTickView.bind(world.store);
    const denied = new RequestRejected("dynamodb:Query on 'results' was rejected (ResourceNotFoundException: Requested resource not found)", 'dynamodb:Query');
    world.store.loadTickView = async () => {
      throw denied;
    };
    // First: the run is marked failing and the loop goes on (to stop its jobs).
    const result = await tickOrFail(world.deps, world.runId);
    expect(result).toMatchObject({ status: 'running', retryAfterSeconds: 1 });
    expect(await world.store.getRun(world.runId)).toMatchObject({ status: 'Stopping', endStatus: 'Failed', statusReason: denied.message });
    // Again: the run is failing already, so the error goes to the state machine (RunFailed).
    await expect(tickOrFail(world.deps, world.runId)).rejects.toBe(denied);
    world.store.loadTickView = load;
    await runToEnd(world);
    expect((await world.store.getRun(world.runId))?.status).toBe('Failed');
    expect(world.backend.runningJobs()).toEqual([]);
  });
});

describe('scripts that cannot resume', () => {
  function store(answer: 'yes' | 'no' | 'unknown'): CheckpointStore & { asked: string[] } {
    const asked: string[] = [];
    return {
      asked,
      hasCheckpoint: async (uri) => {
        asked.push(uri);
        return answer;
      },
    };
  }

  it('an empty checkpoint folder after a rung is recorded as a warning, once per run', async () => {
    const checkpoints = store('no');
    const world = await createWorld(tuningInput({ strategy: 'ASHA', maxJobs: 12, maxParallel: 2 }), (hp) => ({
      kind: 'completed',
      metrics: { accuracy: Number(hp.lr) * Number(hp.epochs) },
      seconds: 10,
    }), { checkpoints });
    await runToEnd(world);
    const run = await world.store.getRun(world.runId);
    expect(checkpoints.asked).toEqual(['s3://bucket/checkpoints/test-run/0000/']);
    expect(run?.checkpoints).toBe('missing');
    expect(run?.warnings).toEqual([
      "training job hpo-test-run-0000-r1 ended and its trial's checkpoint folder s3://bucket/checkpoints/test-run/0000/ is empty: the script saves no checkpoint, so promoted trials will retrain from scratch (write checkpoints to SM_CHECKPOINT_DIR, /opt/ml/checkpoints in the cloud, and resume from them)",
    ]);
    const outcome = await finalizeRun(world.store, world.backend, world.runId, world.deps.now());
    expect(outcome.Warnings).toEqual(run?.warnings);
  });

  it('no warning when the folder holds a checkpoint, nor when it cannot be read; FIFO runs are not checked', async () => {
    for (const answer of ['yes', 'unknown'] as const) {
      const checkpoints = store(answer);
      const world = await createWorld(tuningInput({ strategy: 'ASHA', maxJobs: 6 }), good, { checkpoints });
      await runToEnd(world);
      const run = await world.store.getRun(world.runId);
      expect(run?.warnings ?? []).toEqual([]);
      expect(checkpoints.asked).toHaveLength(1);
    }
    const fifo = store('no');
    const world = await createWorld(input({ maxJobs: 3 }), good, { checkpoints: fifo });
    await runToEnd(world);
    expect(fifo.asked).toEqual([]);
  });
});

describe('Finalize: bounded and idempotent', () => {
  it('releases warm pools across invocations when one runs out of time, never one twice', async () => {
    // Prepare: 9 finished jobs with warm pools
    const world = await createWorld(input({ maxJobs: 9, maxParallel: 3, keepAliveSeconds: 600 }), good);
    await runToEnd(world);
    let now = 0;
    const clock = () => now;
    const slow = world.backend.releaseWarmPool.bind(world.backend);
    world.backend.releaseWarmPool = async (name) => {
      now += 10; // each release takes 10 ms of the invocation's time
      return slow(name);
    };
    // Act: the first invocation has time for about 4 releases, one at a time
    const first = finalizeRun(world.store, world.backend, world.runId, world.deps.now(), { deadlineMs: 35, clock, concurrency: 1 });
    await expect(first).rejects.toBeInstanceOf(FinalizeIncomplete);
    await expect(first).rejects.toThrow(/5 warm pools still to release/);
    now = 0;
    const outcome = await finalizeRun(world.store, world.backend, world.runId, world.deps.now(), { deadlineMs: 1000, clock });
    // Assess
    expect(outcome.WarmPoolsReleased).toBe(9);
    expect(new Set(world.backend.releasedWarmPools).size).toBe(9);
    expect(world.backend.releasedWarmPools).toHaveLength(9);
    // A third invocation (a retry after a timeout) does nothing again.
    const again = await finalizeRun(world.store, world.backend, world.runId, world.deps.now());
    expect(again.WarmPoolsReleased).toBe(9);
    expect(world.backend.releasedWarmPools).toHaveLength(9);
  });

  it('releases concurrently', async () => {
    const world = await createWorld(input({ maxJobs: 8, maxParallel: 4, keepAliveSeconds: 600 }), good);
    await runToEnd(world);
    let inFlight = 0;
    let most = 0;
    const release = world.backend.releaseWarmPool.bind(world.backend);
    world.backend.releaseWarmPool = async (name) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight -= 1;
      return release(name);
    };
    const outcome = await finalizeRun(world.store, world.backend, world.runId, world.deps.now(), { concurrency: 4 });
    expect(outcome.WarmPoolsReleased).toBe(8);
    expect(most).toBe(4);
  });

  it('a denied release is reported, not retried forever', async () => {
    const world = await createWorld(input({ maxJobs: 2, maxParallel: 2, keepAliveSeconds: 600 }), good);
    await runToEnd(world);
    world.backend.releaseWarmPool = async () => {
      throw new PermissionDenied('sagemaker:UpdateTrainingJob was denied', 'sagemaker:UpdateTrainingJob');
    };
    const outcome = await finalizeRun(world.store, world.backend, world.runId, world.deps.now());
    expect(outcome.WarmPoolsReleased).toBe(0);
    expect(outcome.Warnings).toHaveLength(2);
    expect(outcome.Warnings?.[0]).toMatch(/^the warm pool of hpo-test-run-000\d-r1 was not released \(sagemaker:UpdateTrainingJob was denied\)/);
  });

  it('the cleanup of a stopped run sets the keep-alive of running jobs to 0 before stopping them', async () => {
    const world = await createWorld(input({ maxJobs: 6, maxParallel: 3, keepAliveSeconds: 600 }), good);
    await tick(world.deps, world.runId);
    const result = await stopRun(world.deps, world.runId, 'execution aborted');
    expect(result.stoppedJobs).toHaveLength(3);
    expect([...world.backend.releasedWarmPools].sort()).toEqual([...result.stoppedJobs].sort());
  });

  it('an execution that failed fails its run', async () => {
    const world = await createWorld(input({ maxJobs: 6, maxParallel: 3 }), good);
    await tick(world.deps, world.runId);
    await stopRun(world.deps, world.runId, 'execution failed: PermissionDenied: ...', 'Failed');
    expect((await world.store.getRun(world.runId))?.status).toBe('Failed');
  });
});

describe('job names of retries', () => {
  it('add the attempt to the rung; the event handler and the twin parse both forms', () => {
    expect(trainingJobName('hpo', 'run-a', 7, 9)).toBe('hpo-run-a-0007-r9');
    expect(trainingJobName('hpo', 'run-a', 7, 9, 2)).toBe('hpo-run-a-0007-r9a2');
    expect(parseTrainingJobName('hpo', 'hpo-run-a-0007-r9')).toEqual({ runId: 'run-a', trialId: 7, milestone: 9, attempt: 1 });
    expect(parseTrainingJobName('hpo', 'hpo-run-a-0007-r9a2')).toEqual({ runId: 'run-a', trialId: 7, milestone: 9, attempt: 2 });
    expect(parseTrainingJobName('hpo', 'hpo-run-a-0007-r9b2')).toBeUndefined();
  });
});
