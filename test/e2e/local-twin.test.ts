/**
 * End to end through the local twin: the synthesized state machine, the real handlers, the
 * DynamoDB adapter on dynalite, the real SageMaker client against the emulator, and a real
 * training script (test/fixtures/train-scripts/train.js) that resumes from its checkpoint.
 * No mocks.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ListTrainingJobsCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createRunStoreDocumentClient, DynamoDbRunStore } from '../../lambda/adapters/aws/dynamodb-run-store';
import { toTuningSpec } from '../../core/input';
import { planRun } from '../../core/plan';
import { LocalTwin } from '../../local/twin';
import { LOCAL_TABLE_NAME } from '../../local/workspace';
import { tuningInput, type InputOptions } from '../helpers/inputs';
import { until } from '../helpers/until';

const TRAIN_SCRIPT = resolve(__dirname, '../fixtures/train-scripts/train.js');

let workDir: string;
let twin: LocalTwin;
let store: DynamoDbRunStore;
let sagemaker: SageMakerClient;

/** A Hyperband input whose jobs run the fixture script locally. */
function localInput(options: InputOptions & { staticHyperParameters?: Record<string, string> } = {}): Record<string, unknown> {
  // roleArn: null: the tuner's own training role (the default), as local runs leave it out.
  const input = tuningInput({ minResource: 1, maxResource: 9, eta: 3, roleArn: null, ...options }) as unknown as Record<string, unknown>;
  const definition = input.TrainingJobDefinition as Record<string, unknown>;
  definition.StaticHyperParameters = { ...(options.staticHyperParameters ?? {}) };
  input.LocalConfig = { Command: ['node', TRAIN_SCRIPT] };
  return input;
}

async function jobsInEmulator(runName: string): Promise<{ name: string; status: string }[]> {
  const out = await sagemaker.send(new ListTrainingJobsCommand({ NameContains: `-${runName}-`, MaxResults: 100 }));
  return (out.TrainingJobSummaries ?? []).map((j) => ({ name: String(j.TrainingJobName), status: String(j.TrainingJobStatus) }));
}

function jobLog(jobName: string): string {
  return readFileSync(join(workDir, 'jobs', jobName, 'output', 'log.txt'), 'utf8');
}


beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'hpo-e2e-'));
  twin = await LocalTwin.start({ workDir, pollIntervalMs: 3000, reconcileAfterSeconds: 1, stopGracePeriodMs: 500 });
  const client = new DynamoDBClient({ endpoint: twin.dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  store = new DynamoDbRunStore({ tableName: LOCAL_TABLE_NAME, client: createRunStoreDocumentClient(client) });
  sagemaker = new SageMakerClient({ endpoint: twin.sagemakerEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
}, 60_000);

afterAll(async () => {
  await twin?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('a Synchronous Hyperband run through the local twin', () => {
  const runName = 'e2e-hyperband';
  let output: Record<string, unknown>;
  let plannedJobs: number;

  beforeAll(async () => {
    const input = localInput({ name: runName, strategy: 'Hyperband', mode: 'Synchronous', maxJobs: 19, maxParallel: 3 });
    const spec = toTuningSpec(input as never);
    plannedJobs = planRun(spec.scheduler, { maxParallelTrainingJobs: spec.maxParallelTrainingJobs }).trainingJobs;
    const { executionArn } = twin.startRun(input, { baseDir: workDir });
    const result = await twin.waitForExecution(executionArn, 90_000);
    expect(result.status).toBe('SUCCEEDED');
    // Like DescribeExecution, the output is JSON text.
    output = JSON.parse(String(result.output)) as Record<string, unknown>;
  }, 120_000);

  it('starts exactly the training jobs `hpo plan` announces', async () => {
    expect(plannedJobs).toBe(19);
    expect(await store.listJobs(runName)).toHaveLength(plannedJobs);
    const inEmulator = await jobsInEmulator(runName);
    expect(inEmulator).toHaveLength(plannedJobs);
    expect(inEmulator.every((j) => j.status === 'Completed')).toBe(true);
  });

  it('records every job with its FinalMetricDataList, times and billable seconds', async () => {
    for (const job of await store.listJobs(runName)) {
      expect(job.status).toBe('Completed');
      expect(job.finalMetrics?.map((m) => m.name).sort()).toEqual(['accuracy']);
      expect(typeof job.objective).toBe('number');
      expect(job.billableSeconds).toBeGreaterThanOrEqual(1);
      expect(job.startedAt).toBeDefined();
      expect(job.endedAt).toBeDefined();
    }
    const run = await store.getRun(runName);
    expect(run?.status).toBe('Completed');
    expect(run?.counters).toMatchObject({ jobsStarted: 19, jobsCompleted: 19, jobsFailed: 0, jobsStopped: 0 });
  });

  it('resumes promoted trials from their checkpoint: no epoch is trained twice', async () => {
    const jobs = await store.listJobs(runName);
    const resumed = jobs.filter((j) => j.fromMilestone > 0);
    expect(resumed.length).toBeGreaterThan(0);
    const byTrial = new Map<number, number[]>();
    for (const job of jobs.sort((a, b) => a.milestone - b.milestone)) {
      const log = jobLog(job.jobName);
      const epochs = [...log.matchAll(/^epoch=(\d+) /gm)].map((m) => Number(m[1]));
      // The script trains from its checkpoint up to the milestone it was given.
      expect(epochs).toEqual(Array.from({ length: job.milestone - job.fromMilestone }, (_, i) => job.fromMilestone + i + 1));
      if (job.fromMilestone > 0) expect(log).toContain(`resuming from checkpoint at epoch ${job.fromMilestone}`);
      byTrial.set(job.trialId, [...(byTrial.get(job.trialId) ?? []), ...epochs]);
    }
    for (const epochs of byTrial.values()) expect(new Set(epochs).size).toBe(epochs.length);
  });

  it('names the best training job, its hyperparameters and objective in the execution output', async () => {
    const jobs = await store.listJobs(runName);
    const best = jobs.reduce((a, b) => ((b.objective ?? -Infinity) > (a.objective ?? -Infinity) ? b : a));
    expect(output).toMatchObject({
      HyperParameterTuningJobName: runName,
      HyperParameterTuningJobStatus: 'Completed',
      BestTrainingJob: {
        TrainingJobName: best.jobName,
        FinalHyperParameterTuningJobObjectiveMetric: { Type: 'Maximize', MetricName: 'accuracy', Value: best.objective },
      },
      TrainingJobStatusCounters: { Completed: 19, InProgress: 0, Stopped: 0, Failed: 0 },
    });
    const tuned = (output.BestTrainingJob as { TunedHyperParameters: Record<string, string> }).TunedHyperParameters;
    expect(Object.keys(tuned).sort()).toEqual(['layers', 'lr', 'optimizer']);
  });
});

describe('invalid input', () => {
  it('fails the execution with the field-level message and starts no job', async () => {
    const input = localInput({ name: 'e2e-invalid', maxJobs: 5, maxParallel: 10 });
    const { executionArn } = twin.startRun(input, { baseDir: workDir });
    const result = await twin.waitForExecution(executionArn, 30_000);
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('InvalidTuningInput');
    expect(result.cause).toContain('MaxParallelTrainingJobs');
    expect(await jobsInEmulator('e2e-invalid')).toEqual([]);
    expect(await store.getRun('e2e-invalid')).toBeUndefined();
  });

  it('refuses a second run with a name already used, and leaves the first run alone', async () => {
    const input = localInput({ name: 'e2e-twice', strategy: 'Random', maxJobs: 1, maxParallel: 1 });
    const first = twin.startRun(input, { baseDir: workDir });
    expect((await twin.waitForExecution(first.executionArn, 30_000)).status).toBe('SUCCEEDED');
    const second = twin.startRun(input, { baseDir: workDir, executionName: 'e2e-twice-again' });
    const result = await twin.waitForExecution(second.executionArn, 30_000);
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('RunAlreadyExists');
    await twin.drainEvents();
    expect((await store.getRun('e2e-twice'))?.status).toBe('Completed');
    expect(await store.listJobs('e2e-twice')).toHaveLength(1);
  });
});

describe('stopping', () => {
  it('aborting the execution mid-run stops every training job', async () => {
    const runName = 'e2e-abort';
    const input = localInput({ name: runName, strategy: 'Random', maxJobs: 6, maxParallel: 3, staticHyperParameters: { sleep_ms: '1000' } });
    const { executionArn } = twin.startRun(input, { baseDir: workDir });
    await until(async () => (await jobsInEmulator(runName)).filter((j) => j.status === 'InProgress').length === 3, 20_000, 'three running jobs');

    twin.stopExecution(executionArn, 'user abort');

    await until(async () => (await jobsInEmulator(runName)).every((j) => j.status === 'Stopped'), 20_000, 'the jobs to stop');
    await twin.drainEvents();
    const jobs = await jobsInEmulator(runName);
    expect(jobs).toHaveLength(3);
    expect(jobs.filter((j) => j.status === 'InProgress')).toEqual([]);
    const run = await store.getRun(runName);
    expect(run?.status).toBe('Stopped');
    expect(run?.statusReason).toMatch(/execution aborted/);
    await until(async () => (await store.listJobs(runName)).every((j) => j.status === 'Stopped'), 10_000, 'the stops to be recorded');
  });
});

describe('events', () => {
  it('a duplicated state-change event changes nothing', async () => {
    const runName = 'e2e-duplicates';
    twin.sagemakerEmulator.faults.duplicateEvents({ namePattern: new RegExp(`-${runName}-`) });
    const input = localInput({ name: runName, strategy: 'ASHA', maxJobs: 8, maxParallel: 2 });
    const { executionArn } = twin.startRun(input, { baseDir: workDir });
    const result = await twin.waitForExecution(executionArn, 60_000);
    expect(result.status).toBe('SUCCEEDED');
    const run = await store.getRun(runName);
    expect(run?.counters).toMatchObject({ jobsStarted: 8, jobsCompleted: 8 });
    expect(await store.listJobs(runName)).toHaveLength(8);
    expect(await jobsInEmulator(runName)).toHaveLength(8);
    expect(twin.deliveryErrors).toEqual([]);
  });

  it('lost state-change events are reconciled by the poll: the run still finishes', async () => {
    const runName = 'e2e-lost-events';
    twin.sagemakerEmulator.faults.dropEvents({ namePattern: new RegExp(`-${runName}-`) });
    const input = localInput({ name: runName, strategy: 'Random', maxJobs: 3, maxParallel: 3 });
    const { executionArn } = twin.startRun(input, { baseDir: workDir });
    const result = await twin.waitForExecution(executionArn, 60_000);
    expect(result.status).toBe('SUCCEEDED');
    expect((await store.listJobs(runName)).every((j) => j.status === 'Completed' && typeof j.objective === 'number')).toBe(true);
  });
});

describe('IAM as deployed', () => {
  it('denied none of the calls the scenarios above made', () => {
    expect(twin.ledger.problems()).toEqual([]);
    expect(twin.ledger.denied().map((e) => `${e.principal}: ${e.action} on ${e.resource}`)).toEqual([]);
    expect(twin.ledger.entries().length).toBeGreaterThan(10);
  });
});
