/**
 * Least privilege, proven both ways: the twin runs the deployed bundles under the template's
 * IAM policies through scenarios that exercise every AWS call the tuner makes, and then
 *
 * - no call was denied (a missing permission fails the run in AWS), and
 * - no granted action of DynamoDB, SageMaker, Step Functions, IAM or S3 went unused, unless
 *   listed below with the reason it is needed.
 *
 * It also keeps docs/permissions.md (each function's permissions and the calls that used
 * them) in step with what the scenarios record: `HPO_UPDATE_DOCS=1 npx jest test/e2e/permissions`.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createRunStoreDocumentClient, DynamoDbRunStore } from '../../lambda/adapters/aws/dynamodb-run-store';
import { renderPermissionsMarkdown, unusedGrants, type Principal } from '../../local/iam';
import { LocalTwin } from '../../local/twin';
import { LOCAL_TABLE_NAME } from '../../local/workspace';
import { tuningInput, type InputOptions } from '../helpers/inputs';
import { until } from '../helpers/until';

const ROOT = resolve(__dirname, '../..');
const TRAIN_SCRIPT = resolve(ROOT, 'test/fixtures/train-scripts/train.js');
const DOC = join(ROOT, 'docs/permissions.md');
/** The services whose calls go through the twin (logs and X-Ray grants never do). */
const SERVICES = ['dynamodb', 'sagemaker', 'states', 'iam', 's3', 'events'];

/**
 * Grants no scenario uses, each with the reason it stays. Keys: `<principal> <action>`.
 */
const JUSTIFIED_UNUSED: Readonly<Record<string, string>> = {};

let workDir: string;
let twin: LocalTwin;
let store: DynamoDbRunStore;
let dynamo: ReturnType<typeof createRunStoreDocumentClient>;

function input(options: InputOptions & { sleepMs?: number }): Record<string, unknown> {
  const value = tuningInput({ roleArn: null, ...options }) as unknown as Record<string, unknown>;
  (value.TrainingJobDefinition as Record<string, unknown>).StaticHyperParameters = options.sleepMs === undefined ? {} : { sleep_ms: String(options.sleepMs) };
  value.LocalConfig = { Command: ['node', TRAIN_SCRIPT] };
  return value;
}

/** A grid of two short (50 ms an epoch) and two long (8 s an epoch) jobs, all four at once. */
function timedGrid(name: string, completion?: Record<string, unknown>): Record<string, unknown> {
  const value = input({ name, strategy: 'Grid', maxJobs: 4, maxParallel: 4, ...(completion === undefined ? {} : { completion }) });
  (value.HyperParameterTuningJobConfig as Record<string, unknown>).ParameterRanges = {
    CategoricalParameterRanges: [
      { Name: 'sleep_ms', Values: ['50', '8000'] },
      { Name: 'optimizer', Values: ['sgd', 'adam'] },
    ],
  };
  return value;
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'hpo-permissions-'));
  // Short poll and reconcile intervals, so Tick also reads in-flight jobs from SageMaker.
  twin = await LocalTwin.start({ workDir, pollIntervalMs: 1500, reconcileAfterSeconds: 1, stopGracePeriodMs: 500 });
  const client = new DynamoDBClient({ endpoint: twin.dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  dynamo = createRunStoreDocumentClient(client);
  store = new DynamoDbRunStore({ tableName: LOCAL_TABLE_NAME, client: dynamo });

  // 1. A Hyperband run with warm pools: create, describe, promote, finalize releases the pools.
  const hyperband = twin.startRun(input({ name: 'perm-hb', strategy: 'Hyperband', mode: 'Synchronous', maxJobs: 8, maxParallel: 3, keepAliveSeconds: 60, sleepMs: 300 }), { baseDir: workDir });
  // 2. A run that reaches its target while jobs are still running: Tick stops them. A grid
  //    over the training time: the short jobs end (and reach the target) while the long train.
  const target = twin.startRun(timedGrid('perm-target', { TargetObjectiveMetricValue: 0.1 }), { baseDir: workDir });
  // 3. A run aborted mid-run: the cleanup stops the long job and releases the short one's warm pool.
  const abortInput = timedGrid('perm-abort');
  ((abortInput.TrainingJobDefinition as Record<string, unknown>).ResourceConfig as Record<string, unknown>).KeepAlivePeriodInSeconds = 60;
  const aborted = twin.startRun(abortInput, { baseDir: workDir });
  await until(
    async () => {
      const jobs = await store.listJobs('perm-abort');
      return jobs.some((j) => j.status === 'Completed') && jobs.some((j) => j.status === 'InProgress');
    },
    90_000,
    'a finished and a running job of perm-abort',
  );
  twin.stopExecution(aborted.executionArn, 'permissions test');

  // 4. WaitForChange wakes itself when the run changed before it parked its token.
  //    With early stopping: Tick reads the running job's log (CloudWatch Logs) between ticks.
  const wakeInput = input({ name: 'perm-wake', strategy: 'Random', maxJobs: 2, maxParallel: 1, sleepMs: 2000 });
  (wakeInput.HyperParameterTuningJobConfig as Record<string, unknown>).TrainingJobEarlyStoppingType = 'Auto';
  const woken = twin.startRun(wakeInput, { baseDir: workDir });
  let token: string | undefined;
  await until(
    async () => {
      token = (await dynamo.send(new GetCommand({ TableName: LOCAL_TABLE_NAME, Key: { pk: 'RUN#perm-wake', sk: 'RUN' } }))).Item?.taskToken as string | undefined;
      return token !== undefined;
    },
    30_000,
    'a parked token',
  );
  await twin.functions.get('wait-for-change')?.invoke({ runId: 'perm-wake', taskToken: token, version: -1 });

  // 5. A second execution that asks for a run name already taken: Init reads the run, refuses.
  const taken = twin.startRun(input({ name: 'perm-wake', strategy: 'Random', maxJobs: 1, maxParallel: 1 }), { baseDir: workDir, executionName: 'perm-wake-again' });
  expect((await twin.waitForExecution(taken.executionArn, 60_000)).error).toBe('RunAlreadyExists');

  for (const execution of [hyperband, target, woken]) {
    const result = await twin.waitForExecution(execution.executionArn, 120_000);
    if (result.status !== 'SUCCEEDED') throw new Error(`${execution.executionArn}: ${result.status} ${result.error ?? ''} ${result.cause ?? ''}`);
  }
  // 6. Warm start from a finished run: Init checks the parent, Tick reads its trials.
  const warm = input({ name: 'perm-warm', strategy: 'Bayesian', maxJobs: 2, maxParallel: 1 });
  warm.WarmStartConfig = { ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: 'perm-target' }], WarmStartType: 'IdenticalDataAndAlgorithm' };
  const warmResult = await twin.waitForExecution(twin.startRun(warm, { baseDir: workDir }).executionArn, 120_000);
  if (warmResult.status !== 'SUCCEEDED') throw new Error(`perm-warm: ${warmResult.status} ${warmResult.error ?? ''} ${warmResult.cause ?? ''}`);
  await until(async () => (await store.getRun('perm-abort'))?.status === 'Stopped', 30_000, 'perm-abort stopped');
  await twin.drainEvents();
}, 300_000);

afterAll(async () => {
  await twin?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

function functionPrincipals(): Principal[] {
  const names = new Set([...twin.functions.values()].map((f) => f.config.name));
  return [...twin.principals.values()].filter((p) => names.has(p.name)).sort((a, b) => a.name.localeCompare(b.name));
}

describe('the template\'s IAM, as the twin enforces it', () => {
  it('denied no call of any scenario', () => {
    // The tally, for the record (CI keeps test-output/).
    const entries = twin.ledger.entries();
    mkdirSync(join(ROOT, 'test-output'), { recursive: true });
    writeFileSync(
      join(ROOT, 'test-output', 'permissions-summary.json'),
      JSON.stringify({
        callsAuthorized: entries.filter((e) => e.allowed).reduce((n, e) => n + e.count, 0),
        distinctCalls: entries.length,
        callsDenied: entries.filter((e) => !e.allowed).reduce((n, e) => n + e.count, 0),
      }),
    );
    expect(twin.ledger.problems()).toEqual([]);
    expect(twin.ledger.denied().map((e) => `${e.principal}: ${e.action} on ${e.resource}`)).toEqual([]);
  });

  it('exercised the calls each scenario is there for', () => {

    const used = new Set(twin.ledger.entries().map((e) => `${e.principal} ${e.action}`));
    for (const call of [
      'tick sagemaker:CreateTrainingJob',
      'tick iam:PassRole',
      'tick sagemaker:StopTrainingJob',
      'finalize sagemaker:UpdateTrainingJob',
      'on-execution-end sagemaker:StopTrainingJob',
      'wait-for-change states:SendTaskSuccess',
      'on-training-event states:SendTaskSuccess',
      'tick logs:FilterLogEvents',
      // The run status events: started, completed (and failed), stopped.
      'init events:PutEvents',
      'finalize events:PutEvents',
      'on-execution-end events:PutEvents',
    ]) {
      expect(used).toContain(call);
    }
  });

  it('granted each function no action it did not use (or says why)', async () => {
    const unused = await unusedGrants(functionPrincipals(), twin.ledger.entries(), { services: SERVICES });
    const unjustified = unused.flatMap((u) => u.actions.map((a) => `${u.principal} ${a}`)).filter((key) => JUSTIFIED_UNUSED[key] === undefined);
    expect(unjustified).toEqual([]);
  });

  it('the training role allowed what the jobs did with the tuner\'s bucket', () => {
    const training = twin.ledger.entries().filter((e) => e.action.startsWith('s3:'));
    expect(new Set(training.map((e) => e.action))).toEqual(new Set(['s3:ListBucket', 's3:GetObject', 's3:PutObject']));
    expect(training.every((e) => e.allowed && e.resource.startsWith('arn:aws:s3:::hpo-local'))).toBe(true);
  });

  it('docs/permissions.md lists each function\'s permissions and the calls that need them', async () => {
    const rendered = await renderPermissionsMarkdown(functionPrincipals(), twin.ledger.entries(), {
      services: SERVICES,
      headingLevel: 2,
      formatResource: (r) => r.replace(/\b000000000000\b/g, '<account>').replace(/us-east-1/g, '<region>'),
    });
    const page = `${HEADER}\n${rendered.replace(/ ×\d+/g, '')}`;
    if (process.env.HPO_UPDATE_DOCS === '1') writeFileSync(DOC, page);
    expect(readFileSync(DOC, 'utf8')).toBe(page);
  });
});

const HEADER = `# Permissions of the tuner's functions

Generated by \`test/e2e/permissions.test.ts\` (\`HPO_UPDATE_DOCS=1 npx jest test/e2e/permissions\`)
from what the local twin recorded while it ran the deployed bundles under the synthesized
template's IAM policies: every permission of DynamoDB, SageMaker, Step Functions, IAM and
EventBridge each function has, the resource pattern that grants it, and the API operations that
used it. The test fails when a call is denied or a granted action goes unused.

Not listed: CloudWatch Logs, where each function writes only to its own log group and Tick reads
the training jobs' log group \`/aws/sagemaker/TrainingJobs\` (\`logs:FilterLogEvents\`, early
stopping; the twin authorizes that read too and this test checks it is used), and X-Ray
(\`PutTraceSegments\`, \`PutTelemetryRecords\`; no resource-level permissions), which do not go
through the twin. Resources show the twin's names (table \`hpo-results\`, bucket \`hpo-local\`,
job-name prefix \`hpo\`); in AWS they are the deployed table, bucket and prefix.
`;
