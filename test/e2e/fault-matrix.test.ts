/**
 * The fault matrix, end to end (issue 8): one test per fault, each through the tuner's own state
 * machine in the local twin — the synthesized definition, the real handlers, the DynamoDB adapter
 * on dynalite, the real SDK clients over HTTP to the SageMaker emulator, and a real training
 * script (test/fixtures/train-scripts/train.js) that resumes from its checkpoint. Faults come
 * from the emulator (local/sagemaker/faults.ts) and from a proxy in front of DynamoDB, Step
 * Functions and SageMaker (local/fault-proxy.ts). No mocks.
 *
 * Every test checks the same invariants: the run ends in the expected status with a one-line
 * reason; each training job appears exactly once in DynamoDB, with SageMaker's final status;
 * the job cap is never exceeded; no job runs and no warm pool is left at the end.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListTrainingJobsCommand, SageMakerClient, type TrainingJobSummary } from '@aws-sdk/client-sagemaker';
import { createRunStoreDocumentClient, DynamoDbRunStore } from '../../lambda/adapters/aws/dynamodb-run-store';
import type { RunRecord } from '../../core/orchestrator/records';
import { startFaultProxy, type FaultProxy } from '../../local/fault-proxy';
import type { ExecutionResult } from '../../local/stepfunctions/runner';
import { LocalTwin } from '../../local/twin';
import { LOCAL_TABLE_NAME } from '../../local/workspace';
import { tuningInput, type InputOptions } from '../helpers/inputs';
import { until } from '../helpers/until';

const TRAIN_SCRIPT = resolve(__dirname, '../fixtures/train-scripts/train.js');
const INTERNAL_ERROR = 'InternalServerError: We encountered an internal error. Please try again.';

let workDir: string;
let twin: LocalTwin;
let store: DynamoDbRunStore;
let sagemaker: SageMakerClient;
let dynamodbProxy: FaultProxy;
let sfnProxy: FaultProxy;
let sagemakerProxy: FaultProxy;

interface LocalOptions extends InputOptions {
  readonly statics?: Record<string, string>;
  readonly definition?: Record<string, unknown>;
  readonly failure?: Record<string, number>;
}

/** An input whose jobs run the fixture script locally (Random: one job per trial, to `epochs`). */
function localInput(name: string, options: LocalOptions = {}): Record<string, unknown> {
  const input = tuningInput({ name, strategy: 'Random', maxJobs: 3, maxParallel: 3, roleArn: null, ...options }) as unknown as Record<string, unknown>;
  const definition = input.TrainingJobDefinition as Record<string, unknown>;
  definition.StaticHyperParameters = { epochs: '2', ...(options.statics ?? {}) };
  Object.assign(definition, options.definition ?? {});
  input.LocalConfig = { Command: ['node', TRAIN_SCRIPT] };
  if (options.failure !== undefined) input.FailureConfig = options.failure;
  return input;
}

async function run(input: Record<string, unknown>, timeoutMs = 90_000): Promise<{ result: ExecutionResult; executionArn: string }> {
  const { executionArn } = twin.startRun(input, { baseDir: workDir });
  const result = await twin.waitForExecution(executionArn, timeoutMs);
  return { result, executionArn };
}

async function emulatorJobs(runName: string): Promise<TrainingJobSummary[]> {
  const out: TrainingJobSummary[] = [];
  let token: string | undefined;
  do {
    const page = await sagemaker.send(new ListTrainingJobsCommand({ NameContains: `-${runName}-`, MaxResults: 100, NextToken: token }));
    out.push(...(page.TrainingJobSummaries ?? []));
    token = page.NextToken;
  } while (token !== undefined);
  return out;
}

const TERMINAL = ['Completed', 'Failed', 'Stopped'];

/**
 * The invariants of every fault: the run's status and one-line reason; each job once in
 * DynamoDB with SageMaker's final status; the cap; nothing left running or in a warm pool.
 */
async function expectSettled(runName: string, expected: { status: RunRecord['status']; reason?: RegExp | string; maxJobs: number }): Promise<RunRecord> {
  await twin.drainEvents();
  // Events (or the cleanup) may still be recording the last jobs' ends.
  await until(async () => (await store.listJobs(runName)).every((j) => TERMINAL.includes(j.status)), 30_000, `every job of ${runName} to be recorded as ended`);
  const run = await store.getRun(runName);
  expect(run?.status).toBe(expected.status);
  expect(run?.statusReason).toBeDefined();
  expect(run?.statusReason).not.toContain('\n');
  if (expected.reason !== undefined) expect(run?.statusReason).toMatch(expected.reason);

  const records = await store.listJobs(runName);
  const names = records.map((j) => j.jobName);
  expect(new Set(names).size).toBe(names.length);
  const inSageMaker = await emulatorJobs(runName);
  expect(inSageMaker.length).toBeLessThanOrEqual(expected.maxJobs);
  expect(records.length).toBeLessThanOrEqual(expected.maxJobs);
  for (const job of inSageMaker) {
    const record = records.find((r) => r.jobName === job.TrainingJobName);
    expect({ job: job.TrainingJobName, recorded: record?.status }).toEqual({ job: job.TrainingJobName, recorded: job.TrainingJobStatus });
    expect(TERMINAL).toContain(job.TrainingJobStatus);
    expect(['Available', 'InUse']).not.toContain(job.WarmPoolStatus ?? 'none');
  }
  // A record SageMaker does not know is a job that never started, and says so.
  for (const record of records.filter((r) => !inSageMaker.some((j) => j.TrainingJobName === r.jobName))) {
    expect(record.failureReason).toMatch(/^never started|^sagemaker rejected/);
  }
  expect(run?.counters.jobsStarted).toBeLessThanOrEqual(expected.maxJobs);
  return run as RunRecord;
}

function jobLog(jobName: string): string {
  return readFileSync(join(workDir, 'jobs', jobName, 'output', 'log.txt'), 'utf8');
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'hpo-faults-'));
  // The functions reach DynamoDB, Step Functions and SageMaker through fault proxies (behind IAM).
  twin = await LocalTwin.start({
    workDir,
    pollIntervalMs: 2000,
    reconcileAfterSeconds: 1,
    stopGracePeriodMs: 300,
    interpose: async (service, endpoint) => {
      // Run status events are best effort (test/e2e/run-events.test.ts injects their faults).
      if (service === 'events') return endpoint;
      const proxy = await startFaultProxy(endpoint);
      if (service === 'dynamodb') dynamodbProxy = proxy;
      else if (service === 'sfn') sfnProxy = proxy;
      else sagemakerProxy = proxy;
      return proxy.endpoint;
    },
  });
  const credentials = { accessKeyId: 'l', secretAccessKey: 'l' };
  const client = new DynamoDBClient({ endpoint: twin.dynamodbEndpoint, region: 'us-east-1', credentials });
  store = new DynamoDbRunStore({ tableName: LOCAL_TABLE_NAME, client: createRunStoreDocumentClient(client) });
  sagemaker = new SageMakerClient({ endpoint: twin.sagemakerEndpoint, region: 'us-east-1', credentials });
}, 60_000);

afterEach(() => {
  twin.sagemakerEmulator.faults.reset();
  dynamodbProxy.reset();
  sfnProxy.reset();
  sagemakerProxy.reset();
});

afterAll(async () => {
  await twin?.close();
  await dynamodbProxy?.close();
  await sfnProxy?.close();
  await sagemakerProxy?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('throttling never kills a run', () => {
  it('CreateTrainingJob throttled past the SDK retries: the jobs wait (Backoff) and start', async () => {
    twin.sagemakerEmulator.faults.throttle('CreateTrainingJob', 4);
    const { result } = await run(localInput('fm-throttle-create'));
    expect(result.status).toBe('SUCCEEDED');
    expect(twin.sagemakerEmulator.faults.remainingThrottles('CreateTrainingJob')).toBe(0);
    await expectSettled('fm-throttle-create', { status: 'Completed', maxJobs: 3 });
    expect(await emulatorJobs('fm-throttle-create')).toHaveLength(3);
    expect((await store.listJobs('fm-throttle-create')).some((j) => j.startAttempts > 0)).toBe(true);
  }, 120_000);

  it('DescribeTrainingJob throttled (events and reconciliation): the tick is retried, the run completes', async () => {
    twin.sagemakerEmulator.faults.throttle('DescribeTrainingJob', 12);
    const { result } = await run(localInput('fm-throttle-describe'));
    expect(result.status).toBe('SUCCEEDED');
    expect(twin.sagemakerEmulator.faults.remainingThrottles('DescribeTrainingJob')).toBe(0);
    await expectSettled('fm-throttle-describe', { status: 'Completed', maxJobs: 3 });
    expect((await store.listJobs('fm-throttle-describe')).every((j) => typeof j.objective === 'number')).toBe(true);
  }, 120_000);

  it('StopTrainingJob throttled while a failing run stops its jobs: retried, every job stopped', async () => {
    // The first job fails at once; the others train slowly and are stopped by the stop-early rule.
    const name = 'fm-throttle-stop';
    twin.sagemakerEmulator.faults.failJobs(new RegExp(`-${name}-0000-`), 'AlgorithmError: ValueError: bad data', 1);
    twin.sagemakerEmulator.faults.throttle('StopTrainingJob', 4);
    const { result } = await run(localInput(name, { statics: { epochs: '40', sleep_ms: '250' }, failure: { MaxInitialFailures: 1 } }));
    expect(result.status).toBe('SUCCEEDED');
    await expectSettled(name, { status: 'Failed', reason: /^the first 1 training jobs all failed .*"AlgorithmError: ValueError: bad data"/, maxJobs: 3 });
    expect(twin.sagemakerEmulator.faults.remainingThrottles('StopTrainingJob')).toBe(0);
    expect((await emulatorJobs(name)).map((j) => j.TrainingJobStatus).sort()).toEqual(['Failed', 'Stopped', 'Stopped']);
  }, 120_000);

  it('UpdateTrainingJob throttled while Finalize releases warm pools: retried, no pool left', async () => {
    twin.sagemakerEmulator.faults.throttle('UpdateTrainingJob', 4);
    const { result } = await run(localInput('fm-throttle-update', { maxJobs: 2, maxParallel: 2, keepAliveSeconds: 600 }));
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(String(result.output))).toMatchObject({ HyperParameterTuningJobStatus: 'Completed', WarmPoolsReleased: 2 });
    expect(twin.sagemakerEmulator.faults.remainingThrottles('UpdateTrainingJob')).toBe(0);
    await expectSettled('fm-throttle-update', { status: 'Completed', maxJobs: 2 });
  }, 120_000);

  it('DynamoDB throttled past the SDK retries: the steps are retried, the run completes', async () => {
    dynamodbProxy.fail('UpdateItem', 4, { name: 'ProvisionedThroughputExceededException', message: 'The level of configured provisioned throughput for the table was exceeded.' });
    dynamodbProxy.fail('Query', 4, { name: 'ThrottlingException', message: 'Throughput exceeds the current capacity of your table or index.' });
    const { result } = await run(localInput('fm-throttle-dynamodb'));
    expect(result.status).toBe('SUCCEEDED');
    expect(dynamodbProxy.injected.UpdateItem).toBe(4);
    await expectSettled('fm-throttle-dynamodb', { status: 'Completed', maxJobs: 3 });
  }, 120_000);
});

describe('capacity', () => {
  it('ResourceLimitExceeded, temporary (the quota is in use): the jobs back off and start', async () => {
    twin.sagemakerEmulator.faults.exceedResourceLimit(3);
    const { result } = await run(localInput('fm-quota-temporary'));
    expect(result.status).toBe('SUCCEEDED');
    await expectSettled('fm-quota-temporary', { status: 'Completed', maxJobs: 3 });
    expect(await emulatorJobs('fm-quota-temporary')).toHaveLength(3);
  }, 120_000);

  it('ResourceLimitExceeded, permanent (a quota of 0): the run fails at once and names the quota to raise', async () => {
    twin.sagemakerEmulator.faults.exceedResourceLimit(100, { limit: 0 });
    const { result } = await run(localInput('fm-quota-zero'));
    expect(result.status).toBe('SUCCEEDED');
    await expectSettled('fm-quota-zero', {
      status: 'Failed',
      reason: "the account's SageMaker quota 'ml.g4dn.xlarge for training job usage' is 0 instances and one training job needs 1: request an increase of 'ml.g4dn.xlarge for training job usage' in Service Quotas (service Amazon SageMaker), or choose another instance type",
      maxJobs: 3,
    });
    expect(await emulatorJobs('fm-quota-zero')).toEqual([]);
  }, 60_000);
});

describe('training jobs that fail', () => {
  it('an algorithm error in every job: the run stops after the first 3, quoting the error line', async () => {
    const name = 'fm-algorithm-error';
    const { result } = await run(localInput(name, { maxJobs: 20, maxParallel: 1, statics: { fail_at: '1' } }));
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(String(result.output))).toMatchObject({ HyperParameterTuningJobStatus: 'Failed' });
    await expectSettled(name, {
      status: 'Failed',
      reason: `the first 3 training jobs all failed (FailureConfig.MaxInitialFailures 3): all 3: "AlgorithmError: ValueError: loss diverged at epoch 1" (e.g. hpo-${name}-0000-r1)`,
      maxJobs: 20,
    });
    expect(await emulatorJobs(name)).toHaveLength(3);
  }, 120_000);

  it('an internal error without RetryStrategy: the tuner retries the rung as attempt 2, within the cap', async () => {
    const name = 'fm-internal-error';
    twin.sagemakerEmulator.faults.failJobs(new RegExp(`-${name}-0001-`), INTERNAL_ERROR, 1);
    // One job at a time: the failure is told while the budget has room for the retry (with two at
    // once, a loaded machine could start the last jobs first, and a spent budget allows no retry).
    const { result } = await run(localInput(name, { maxJobs: 4, maxParallel: 1 }));
    expect(result.status).toBe('SUCCEEDED');
    await expectSettled(name, { status: 'Completed', maxJobs: 4 });
    const jobs = await store.listJobs(name);
    expect(jobs.find((j) => j.jobName.endsWith('-0001-r1'))).toMatchObject({ status: 'Failed', retriedAs: `hpo-${name}-0001-r1a2` });
    expect(jobs.find((j) => j.jobName.endsWith('-0001-r1a2'))).toMatchObject({ status: 'Completed', attempt: 2 });
    expect(jobs).toHaveLength(4);
  }, 120_000);

  it('an internal error with a RetryStrategy: SageMaker restarts the job in place; one job per trial', async () => {
    const name = 'fm-internal-retry-strategy';
    twin.sagemakerEmulator.faults.failJobs(new RegExp(`-${name}-0001-`), INTERNAL_ERROR, 1);
    const { result } = await run(localInput(name, { definition: { RetryStrategy: { MaximumRetryAttempts: 2 } } }));
    expect(result.status).toBe('SUCCEEDED');
    await expectSettled(name, { status: 'Completed', maxJobs: 3 });
    const jobs = await store.listJobs(name);
    expect(jobs.map((j) => [j.jobName.slice(-7), j.status])).toEqual([
      ['0000-r1', 'Completed'],
      ['0001-r1', 'Completed'],
      ['0002-r1', 'Completed'],
    ]);
  }, 120_000);
});

describe('managed spot', () => {
  const spot = (name: string, options: LocalOptions = {}) =>
    localInput(name, {
      maxJobs: 3,
      maxParallel: 1,
      statics: { epochs: '6', sleep_ms: '200' },
      definition: {
        EnableManagedSpotTraining: true,
        StoppingCondition: { MaxRuntimeInSeconds: 600, MaxWaitTimeInSeconds: 1200 },
        CheckpointConfig: { S3Uri: 's3://hpo-local/spot-checkpoints' },
      },
      ...options,
    });

  it('a spot interruption: the job restarts in place and the trial resumes from its checkpoint', async () => {
    const name = 'fm-spot-interrupted';
    twin.sagemakerEmulator.faults.interruptJobs({ namePattern: new RegExp(`-${name}-0000-`), afterMs: 700 });
    const { result } = await run(spot(name));
    expect(result.status).toBe('SUCCEEDED');
    await expectSettled(name, { status: 'Completed', maxJobs: 3 });
    const log = jobLog(`hpo-${name}-0000-r1`);
    expect(log).toMatch(/resuming from checkpoint at epoch [1-5]\b/);
    expect(log).toMatch(/^epoch=6 /m);
    expect(await emulatorJobs(name)).toHaveLength(3);
  }, 120_000);

  it('MaxWaitTimeExceeded: the trial resumes from its checkpoint in a new job', async () => {
    const name = 'fm-spot-max-wait';
    twin.sagemakerEmulator.faults.interruptJobs({ namePattern: new RegExp(`-${name}-0000-r1$`), afterMs: 700, outcome: 'max-wait' });
    const { result } = await run(spot(name, { maxJobs: 4 }));
    expect(result.status).toBe('SUCCEEDED');
    await expectSettled(name, { status: 'Completed', maxJobs: 4 });
    const jobs = await store.listJobs(name);
    expect(jobs.find((j) => j.jobName.endsWith('-0000-r1'))).toMatchObject({ status: 'Stopped', secondaryStatus: 'MaxWaitTimeExceeded', retriedAs: `hpo-${name}-0000-r1a2` });
    const retry = jobLog(`hpo-${name}-0000-r1a2`);
    expect(retry).toMatch(/^resuming from checkpoint at epoch [1-5]$/m);
    expect(retry).toMatch(/^epoch=6 /m);
  }, 120_000);
});

describe('events', () => {
  it('duplicate events change nothing', async () => {
    twin.sagemakerEmulator.faults.duplicateEvents({ namePattern: /-fm-duplicate-events-/ });
    const { result } = await run(localInput('fm-duplicate-events'));
    expect(result.status).toBe('SUCCEEDED');
    const run_ = await expectSettled('fm-duplicate-events', { status: 'Completed', maxJobs: 3 });
    expect(run_.counters).toMatchObject({ jobsStarted: 3, jobsCompleted: 3 });
  }, 120_000);

  it('late events change nothing (the poll reconciled first)', async () => {
    twin.sagemakerEmulator.faults.delayEvents({ namePattern: /-fm-late-events-/, statuses: ['Completed'], delayMs: 2500 });
    const { result } = await run(localInput('fm-late-events'));
    expect(result.status).toBe('SUCCEEDED');
    await new Promise((r) => setTimeout(r, 2600));
    const run_ = await expectSettled('fm-late-events', { status: 'Completed', maxJobs: 3 });
    expect(run_.counters).toMatchObject({ jobsStarted: 3, jobsCompleted: 3 });
  }, 120_000);

  it('lost events: the poll reconciles every job', async () => {
    twin.sagemakerEmulator.faults.dropEvents({ namePattern: /-fm-lost-events-/ });
    const { result } = await run(localInput('fm-lost-events'));
    expect(result.status).toBe('SUCCEEDED');
    await expectSettled('fm-lost-events', { status: 'Completed', maxJobs: 3 });
  }, 120_000);
});

describe('crashes between steps', () => {
  it('Tick fails after CreateTrainingJob, before recording: its retry adopts its own job, each job once', async () => {
    const name = 'fm-crash-after-create';
    let armed = true;
    twin.sagemakerEmulator.faults.onCreate((jobName) => {
      if (!armed || !jobName.includes(`-${name}-`)) return;
      armed = false;
      // Every DynamoDB call fails for a while: recording the new job fails after the SDK's retries.
      dynamodbProxy.fail('*', 8, { name: 'ProvisionedThroughputExceededException', message: 'throughput exceeded' });
    });
    const { result } = await run(localInput(name, { maxJobs: 2, maxParallel: 1 }));
    expect(result.status).toBe('SUCCEEDED');
    expect(armed).toBe(false);
    await expectSettled(name, { status: 'Completed', maxJobs: 2 });
    expect((await emulatorJobs(name)).map((j) => j.TrainingJobName).sort()).toEqual([`hpo-${name}-0000-r1`, `hpo-${name}-0001-r1`]);
  }, 120_000);

  it('SendTaskSuccess fails: the loop wakes by its poll instead, the run completes', async () => {
    sfnProxy.fail('SendTaskSuccess', 30);
    const { result } = await run(localInput('fm-send-task-success'));
    expect(result.status).toBe('SUCCEEDED');
    expect(sfnProxy.injected.SendTaskSuccess).toBeGreaterThan(0);
    await expectSettled('fm-send-task-success', { status: 'Completed', maxJobs: 3 });
  }, 120_000);

  it('an abort during CreateTrainingJob: the run stops and the job just created is stopped', async () => {
    const name = 'fm-abort-during-create';
    let executionArn = '';
    twin.sagemakerEmulator.faults.onCreate((jobName) => {
      if (jobName.includes(`-${name}-`) && executionArn !== '') {
        twin.stopExecution(executionArn, 'user abort');
        executionArn = '';
      }
    });
    const started = twin.startRun(localInput(name, { maxJobs: 3, maxParallel: 1, statics: { epochs: '30', sleep_ms: '200' } }), { baseDir: workDir });
    executionArn = started.executionArn;
    const result = await twin.waitForExecution(started.executionArn, 60_000);
    expect(result.status).toBe('ABORTED');
    await until(async () => (await emulatorJobs(name)).every((j) => j.TrainingJobStatus === 'Stopped'), 20_000, 'the job to stop');
    await expectSettled(name, { status: 'Stopped', reason: /^execution aborted/, maxJobs: 3 });
    expect(await emulatorJobs(name)).toHaveLength(1);
  }, 120_000);
});

describe('scripts that cannot resume', () => {
  it('a Hyperband rung that leaves its checkpoint folder empty: one warning for the run, in the record and the output', async () => {
    const name = 'fm-no-checkpoint';
    const input = localInput(name, { strategy: 'ASHA', maxJobs: 8, maxParallel: 2, minResource: 1, maxResource: 9, eta: 3, statics: { no_checkpoint: 'True' } });
    delete ((input.TrainingJobDefinition as Record<string, unknown>).StaticHyperParameters as Record<string, string>).epochs;
    const { result } = await run(input);
    expect(result.status).toBe('SUCCEEDED');
    const run_ = await expectSettled(name, { status: 'Completed', maxJobs: 8 });
    expect(run_.checkpoints).toBe('missing');
    expect(run_.warnings).toHaveLength(1);
    expect(run_.warnings?.[0]).toMatch(/^training job hpo-fm-no-checkpoint-\d{4}-r1 ended and its trial's checkpoint folder s3:\/\/.*\/fm-no-checkpoint\/\d{4}\/ is empty: .* promoted trials will retrain from scratch/);
    expect(JSON.parse(String(result.output)).Warnings).toEqual(run_.warnings);
  }, 120_000);

  it('no warning for a script that checkpoints', async () => {
    const name = 'fm-checkpoint';
    const input = localInput(name, { strategy: 'ASHA', maxJobs: 6, maxParallel: 2, minResource: 1, maxResource: 9, eta: 3 });
    delete ((input.TrainingJobDefinition as Record<string, unknown>).StaticHyperParameters as Record<string, string>).epochs;
    const { result } = await run(input);
    expect(result.status).toBe('SUCCEEDED');
    const run_ = await expectSettled(name, { status: 'Completed', maxJobs: 6 });
    expect(run_.checkpoints).toBe('found');
    expect(run_.warnings ?? []).toEqual([]);
  }, 120_000);
});

describe('AWS errors that no retry fixes', () => {
  it('access denied on CreateTrainingJob fails the run at once, naming the permission', async () => {
    sagemakerProxy.fail('CreateTrainingJob', 1, {
      name: 'AccessDeniedException',
      message:
        'User: arn:aws:sts::000000000000:assumed-role/tick/tick is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/SageMakerTrainingRole',
    });
    const { result } = await run(localInput('fm-access-denied'));
    expect(result.status).toBe('SUCCEEDED');
    await expectSettled('fm-access-denied', { status: 'Failed', reason: /^sagemaker:CreateTrainingJob on '.*' was denied \(AccessDeniedException: .*\); allow 'iam:PassRole' for the tuner's functions/, maxJobs: 3 });
    expect(await emulatorJobs('fm-access-denied')).toEqual([]);
  }, 60_000);
});
