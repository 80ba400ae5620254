/**
 * Early stopping end to end (`TrainingJobEarlyStoppingType: Auto`): the deployed bundles on the
 * twin, under the template's IAM. Training scripts print `{'eval_accuracy': ...}` after every
 * epoch; the emulator puts those lines in CloudWatch Logs (`/aws/sagemaker/TrainingJobs`); Tick
 * reads them with FilterLogEvents between job ends (WaitForChange waits the early-stopping
 * interval while jobs run) and stops the jobs the median rule condemns.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createRunStoreDocumentClient, DynamoDbRunStore } from '../../lambda/adapters/aws/dynamodb-run-store';
import { LocalTwin } from '../../local/twin';
import { LOCAL_TABLE_NAME } from '../../local/workspace';
import { tuningInput } from '../helpers/inputs';

const TRAIN_SCRIPT = resolve(__dirname, '../fixtures/train-scripts/train.js');

let workDir: string;
let twin: LocalTwin;
let store: DynamoDbRunStore;

/**
 * Random search over four learning rates of train.js: 0.001 learns slowly (accuracy 0.50, 0.75,
 * 0.83, ... after each epoch), 2, 3 and 4 fast (0.83 to 0.90 after the first). Ten 6-epoch jobs of
 * 1.5 s an epoch, four at a time: most jobs learn fast, so a slow one is worse than the median.
 */
function input(name: string, earlyStopping: 'Auto' | 'Off'): Record<string, unknown> {
  const value = tuningInput({ name, strategy: 'Random', maxJobs: 10, maxParallel: 4, roleArn: null }) as unknown as {
    HyperParameterTuningJobConfig: Record<string, unknown>;
    TrainingJobDefinition: Record<string, unknown>;
  } & Record<string, unknown>;
  value.HyperParameterTuningJobConfig.TrainingJobEarlyStoppingType = earlyStopping;
  value.HyperParameterTuningJobConfig.ParameterRanges = { CategoricalParameterRanges: [{ Name: 'lr', Values: ['0.001', '2', '3', '4'] }] };
  value.TrainingJobDefinition.StaticHyperParameters = { epochs: '6', sleep_ms: '1500' };
  value.LocalConfig = { Command: ['node', TRAIN_SCRIPT] };
  return value;
}

/** ASHA's stopping variant over the same two learning rates: one job per trial, asked for 6 epochs; rungs at 1, 2 and 4. */
function ashaStopping(name: string): Record<string, unknown> {
  const value = tuningInput({ name, strategy: 'ASHA', maxJobs: 8, maxParallel: 4, minResource: 1, maxResource: 6, eta: 2, roleArn: null }) as unknown as {
    HyperParameterTuningJobConfig: Record<string, unknown> & { StrategyConfig: { HyperbandStrategyConfig: Record<string, unknown> } };
    TrainingJobDefinition: Record<string, unknown>;
  } & Record<string, unknown>;
  value.HyperParameterTuningJobConfig.StrategyConfig.HyperbandStrategyConfig.Mode = 'Stopping';
  value.HyperParameterTuningJobConfig.ParameterRanges = { CategoricalParameterRanges: [{ Name: 'lr', Values: ['0.001', '3'] }] };
  value.TrainingJobDefinition.StaticHyperParameters = { sleep_ms: '1500' };
  value.LocalConfig = { Command: ['node', TRAIN_SCRIPT] };
  return value;
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'hpo-early-stopping-'));
  // WaitForChange times out every second: Tick reads the running jobs' logs that often.
  twin = await LocalTwin.start({ workDir, pollIntervalMs: 1000, stopGracePeriodMs: 500 });
  const client = new DynamoDBClient({ endpoint: twin.dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  store = new DynamoDbRunStore({ tableName: LOCAL_TABLE_NAME, client: createRunStoreDocumentClient(client) });
  const runs = [
    twin.startRun(input('es-auto', 'Auto'), { baseDir: workDir }),
    twin.startRun(input('es-off', 'Off'), { baseDir: workDir }),
    twin.startRun(ashaStopping('es-asha'), { baseDir: workDir }),
  ];
  for (const run of runs) {
    const result = await twin.waitForExecution(run.executionArn, 180_000);
    if (result.status !== 'SUCCEEDED') throw new Error(`${run.executionArn}: ${result.status} ${result.error ?? ''} ${result.cause ?? ''}`);
  }
  await twin.drainEvents();
}, 240_000);

afterAll(async () => {
  await twin?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('TrainingJobEarlyStoppingType Auto on the twin', () => {
  it('stops slow learners early and records them as stopped early with their last value', async () => {
    const run = await store.getRun('es-auto');
    const jobs = await store.listJobs('es-auto');
    expect(run?.status).toBe('Completed');
    expect(jobs).toHaveLength(10);
    // A job marked to stop that ended before the stop landed is Completed like any other.
    const early = jobs.filter((j) => j.stoppedEarly !== undefined && j.status === 'Stopped');
    expect(early.length).toBeGreaterThan(0);
    expect(run?.counters.jobsStoppedEarly).toBe(early.length);
    for (const job of early) {
      expect(job.hyperParameters.lr).not.toBe('4');
      expect(job.status).toBe('Stopped');
      expect(job.objectiveStatus).toBe('Succeeded');
      // The last value it printed: 1 - 1 / (2 e (1 + lr)) at the epoch it got to.
      const epochs = job.curve?.length ?? 0;
      expect(epochs).toBeGreaterThanOrEqual(2);
      expect(epochs).toBeLessThan(6);
      expect(job.objective).toBeCloseTo(job.curve?.[job.curve.length - 1] ?? Number.NaN, 4);
      expect(job.stoppedEarly?.reason).toMatch(/worse than the median/);
    }
    // The fastest learners train to the end, and the best is one of them.
    for (const job of jobs.filter((j) => j.hyperParameters.lr === '4')) expect(job.status).toBe('Completed');
    expect(run?.best?.hyperParameters.lr).toBe('4');
  });

  it('spends less training time than the same run with Off, which trains every job to the end', async () => {
    const auto = await store.listJobs('es-auto');
    const off = await store.listJobs('es-off');
    expect(off.every((j) => j.status === 'Completed' && j.stoppedEarly === undefined)).toBe(true);
    // The same seed draws the same learning rates in both runs.
    expect(auto.map((j) => j.hyperParameters.lr)).toEqual(off.map((j) => j.hyperParameters.lr));
    const epochs = (jobs: typeof auto) => jobs.reduce((n, j) => n + (j.curve?.length ?? 6), 0);
    expect(epochs(off)).toBe(60);
    expect(epochs(auto)).toBeLessThan(60);
  });

  it('ASHA\'s stopping variant: one job per trial to R, slow learners stopped at a rung milestone', async () => {
    const run = await store.getRun('es-asha');
    const jobs = await store.listJobs('es-asha');
    expect(run?.status).toBe('Completed');
    expect(jobs).toHaveLength(8);
    expect(jobs.every((j) => j.hyperParameters.epochs === '6')).toBe(true);
    const early = jobs.filter((j) => j.stoppedEarly !== undefined && j.status === 'Stopped');
    expect(early.length).toBeGreaterThan(0);
    for (const job of early) {
      expect([1, 2, 4]).toContain(job.stoppedEarly?.epoch);
      expect(job.stoppedEarly?.reason).toMatch(/outside the top/);
    }
    for (const job of jobs.filter((j) => j.status === 'Completed')) expect(job.curve).toHaveLength(6);
    expect(run?.best?.hyperParameters.lr).toBe('3');
  });

  it('read the logs through CloudWatch Logs under the Tick role, never denied', () => {
    const reads = twin.ledger.entries().filter((e) => e.action === 'logs:FilterLogEvents');
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((e) => e.allowed && e.principal === 'tick' && e.resource === 'arn:aws:logs:us-east-1:000000000000:log-group:/aws/sagemaker/TrainingJobs:log-stream:')).toBe(true);
    expect(twin.ledger.denied()).toEqual([]);
  });
});
