/**
 * The run-level status events, end to end through the local twin: the deployed bundles send
 * `HPO Tuning Run Status Change` with the real EventBridge client, under the template's IAM,
 * to the twin's EventBridge endpoint, which puts them on its bus. A completed run reports
 * Running then Completed with its best job; a stopped run Running then Stopped; a run whose
 * events cannot be sent still completes, and the function logs a classified warning.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { createRunStoreDocumentClient, DynamoDbRunStore } from '../../lambda/adapters/aws/dynamodb-run-store';
import type { RunStatusChangeDetail } from '../../core/orchestrator/run-events';
import type { EventBridgeEvent } from '../../local/eventbridge';
import { startFaultProxy, type FaultProxy } from '../../local/fault-proxy';
import { LocalTwin } from '../../local/twin';
import { LOCAL_ACCOUNT, LOCAL_JOB_NAME_PREFIX, LOCAL_REGION, LOCAL_TABLE_NAME } from '../../local/workspace';
import { tuningInput, type InputOptions } from '../helpers/inputs';
import { until } from '../helpers/until';

const TRAIN_SCRIPT = resolve(__dirname, '../fixtures/train-scripts/train.js');
const PATTERN = { source: ['hpo.tuner'], 'detail-type': ['HPO Tuning Run Status Change'] };

let workDir: string;
let logDir: string;
let twin: LocalTwin;
let store: DynamoDbRunStore;
let eventsProxy: FaultProxy;

function input(options: InputOptions & { sleepMs?: number }): Record<string, unknown> {
  const value = tuningInput({ roleArn: null, ...options }) as unknown as Record<string, unknown>;
  (value.TrainingJobDefinition as Record<string, unknown>).StaticHyperParameters = options.sleepMs === undefined ? {} : { sleep_ms: String(options.sleepMs) };
  value.LocalConfig = { Command: ['node', TRAIN_SCRIPT] };
  return value;
}

function eventsOf(runId: string): Array<EventBridgeEvent<RunStatusChangeDetail>> {
  return twin.bus.history(PATTERN).filter((e) => e.detail.runId === runId) as unknown as Array<EventBridgeEvent<RunStatusChangeDetail>>;
}

function functionLog(handler: string): string {
  const name = twin.functions.get(handler as never)?.config.name;
  return readFileSync(join(logDir, `${String(name)}.log`), 'utf8');
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'hpo-run-events-'));
  logDir = join(workDir, 'logs');
  twin = await LocalTwin.start({
    workDir,
    functionLogDir: logDir,
    pollIntervalMs: 1500,
    reconcileAfterSeconds: 1,
    stopGracePeriodMs: 300,
    // PutEvents goes through a fault proxy (behind IAM), for the run whose events fail.
    interpose: async (service, endpoint) => {
      if (service !== 'events') return endpoint;
      eventsProxy = await startFaultProxy(endpoint);
      return eventsProxy.endpoint;
    },
  });
  const client = new DynamoDBClient({ endpoint: twin.dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  store = new DynamoDbRunStore({ tableName: LOCAL_TABLE_NAME, client: createRunStoreDocumentClient(client) });
}, 60_000);

afterAll(async () => {
  await twin?.close();
  await eventsProxy?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('a completed run', () => {
  const runId = 'events-done';
  let output: { BestTrainingJob: { TrainingJobName: string; FinalHyperParameterTuningJobObjectiveMetric: { Value: number } }; StatusReason?: string };
  let executionArn: string;

  beforeAll(async () => {
    ({ executionArn } = twin.startRun(input({ name: runId, strategy: 'Random', maxJobs: 3, maxParallel: 2 }), { baseDir: workDir }));
    const result = await twin.waitForExecution(executionArn, 90_000);
    expect(result.status).toBe('SUCCEEDED');
    output = JSON.parse(String(result.output)) as typeof output;
    await twin.drainEvents();
  }, 120_000);

  it('sends Running, then Completed', () => {
    expect(eventsOf(runId).map((e) => e.detail.status)).toEqual(['Running', 'Completed']);
  });

  it('sends them as EventBridge delivers them: source, detail-type, account, region, the execution as resource', () => {
    for (const event of eventsOf(runId)) {
      expect(event).toMatchObject({
        version: '0',
        source: 'hpo.tuner',
        'detail-type': 'HPO Tuning Run Status Change',
        account: LOCAL_ACCOUNT,
        region: LOCAL_REGION,
        resources: [executionArn],
      });
      expect(event.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(event.detail).toMatchObject({ tuner: LOCAL_JOB_NAME_PREFIX, runId, executionArn, strategy: 'Random', objective: { type: 'Maximize', metricName: 'accuracy' } });
    }
  });

  it('started: no reason, no jobs yet', () => {
    const [started] = eventsOf(runId);
    expect(started.detail.reason).toBeUndefined();
    expect(started.detail.endedAt).toBeUndefined();
    expect(started.detail.trainingJobs).toEqual({ started: 0, completed: 0, failed: 0, stopped: 0, inProgress: 0, maxTrainingJobs: 3 });
  });

  it('completed: the best job as the execution output names it, the counts and the reason', async () => {
    const completed = eventsOf(runId)[1].detail;
    const run = await store.getRun(runId);
    expect(completed.bestTrainingJob).toEqual({
      trainingJobName: output.BestTrainingJob.TrainingJobName,
      trialId: run?.best?.trialId,
      resource: run?.best?.milestone,
      objectiveValue: output.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value,
    });
    expect(completed.trainingJobs).toEqual({ started: 3, completed: 3, failed: 0, stopped: 0, inProgress: 0, maxTrainingJobs: 3 });
    expect(completed.reason).toBe(output.StatusReason);
    expect(completed.endedAt).toBe(run?.endedAt);
  });

  it('counts the run and its jobs in the tuner\'s metrics (embedded metric format in the logs)', async () => {
    const emf = (handler: string, metric: string) =>
      functionLog(handler)
        .split('\n')
        .filter((line) => line.startsWith('{"_aws"'))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((m) => m[metric] !== undefined && m.Tuner === LOCAL_JOB_NAME_PREFIX);
    // The functions' log files are written asynchronously.
    await until(
      async () => emf('finalize', 'RunsCompleted').length > 0 && emf('tick', 'BestObjective').some((m) => m.Run === runId && m.TrainingJobsInProgress === 0),
      10_000,
      'RunsCompleted in the finalize log, the last gauges in the tick log',
    );
    expect(emf('init', 'RunsStarted').length).toBeGreaterThanOrEqual(1);
    expect(emf('finalize', 'RunsCompleted').length).toBeGreaterThanOrEqual(1);
    expect(emf('tick', 'TrainingJobsCompleted').reduce((n, m) => n + Number(m.TrainingJobsCompleted), 0)).toBe(3);
    // Per-run gauges after every tick: jobs in progress, and the best objective once there is one.
    const gauges = emf('tick', 'TrainingJobsInProgress').filter((m) => m.Run === runId);
    expect(gauges.length).toBeGreaterThanOrEqual(2);
    expect((gauges[0]._aws as { CloudWatchMetrics: Array<{ Dimensions: string[][] }> }).CloudWatchMetrics[0].Dimensions).toEqual([['Tuner', 'Run']]);
    expect(gauges.at(-1)).toMatchObject({ TrainingJobsInProgress: 0, BestObjective: output.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value });
    const [line] = emf('init', 'RunsStarted');
    expect(line._aws).toMatchObject({ CloudWatchMetrics: [{ Namespace: 'HpoTuner', Dimensions: [['Tuner']], Metrics: [{ Name: 'RunsStarted', Unit: 'Count' }] }] });
  });
});

describe('a stopped run', () => {
  const runId = 'events-stop';

  beforeAll(async () => {
    const { executionArn } = twin.startRun(input({ name: runId, strategy: 'Random', maxJobs: 2, maxParallel: 2, sleepMs: 5000 }), { baseDir: workDir });
    await until(async () => (await store.listJobs(runId)).some((j) => j.status === 'InProgress'), 60_000, 'a running job of events-stop');
    twin.stopExecution(executionArn, 'stopped by the test');
    await until(async () => eventsOf(runId).length >= 2, 60_000, 'the stopped event of events-stop');
    await twin.drainEvents();
  }, 120_000);

  it('sends Running, then Stopped, with the reason and the stopped jobs', () => {
    const events = eventsOf(runId);
    expect(events.map((e) => e.detail.status)).toEqual(['Running', 'Stopped']);
    const stopped = events[1].detail;
    expect(stopped.reason).toBe('execution aborted');
    expect(stopped.endedAt).toBeDefined();
    expect(stopped.trainingJobs.started).toBe(2);
    expect(stopped.bestTrainingJob).toBeUndefined();
  });
});

describe('events that cannot be sent', () => {
  const runId = 'events-denied';

  it('do not fail the run: the function logs a warning with the error\'s class', async () => {
    // Prepare: every PutEvents is refused (as a resource policy or an SCP would refuse it).
    eventsProxy.fail('PutEvents', 1000, { name: 'AccessDeniedException', message: 'User is not authorized to perform: events:PutEvents', status: 400 });
    try {
      // Act
      const { executionArn } = twin.startRun(input({ name: runId, strategy: 'Random', maxJobs: 1, maxParallel: 1 }), { baseDir: workDir });
      const result = await twin.waitForExecution(executionArn, 90_000);

      // Assess
      expect(result.status).toBe('SUCCEEDED');
      expect((await store.getRun(runId))?.status).toBe('Completed');
      expect(eventsOf(runId)).toEqual([]);
      for (const handler of ['init', 'finalize']) {
        const warningsNow = (): Array<Record<string, unknown>> =>
          functionLog(handler)
            .split('\n')
            .filter((line) => line.includes('run status event not published') && line.includes(runId))
            .map((line) => JSON.parse(line.slice(line.indexOf('{'))) as Record<string, unknown>);
        // The function's log file is written asynchronously.
        await until(async () => warningsNow().length > 0, 10_000, `the warning in the ${handler} log`);
        const warnings = warningsNow();
        expect(warnings[0]).toMatchObject({ level: 'WARN', errorClass: 'denied' });
        expect(String(warnings[0].error)).toMatch(/events:PutEvents on 'events-denied' was denied \(AccessDeniedException/);
      }
    } finally {
      eventsProxy.reset();
    }
  }, 120_000);
});

describe('the template\'s IAM on PutEvents', () => {
  /** An EventBridge client signing as a function's role, through the twin's authorizing proxy. */
  function clientOf(handler: 'init' | 'tick'): EventBridgeClient {
    const runtime = twin.functions.get(handler)!.config.runtimeEnvironment;
    return new EventBridgeClient({
      endpoint: runtime.AWS_ENDPOINT_URL_EVENTBRIDGE,
      region: LOCAL_REGION,
      credentials: { accessKeyId: runtime.AWS_ACCESS_KEY_ID, secretAccessKey: 'x', sessionToken: 'x' },
    });
  }
  const entry = { Source: 'hpo.tuner', DetailType: 'HPO Tuning Run Status Change', Detail: '{}' };

  it('allows the tuner\'s event on the default bus', async () => {
    await expect(clientOf('init').send(new PutEventsCommand({ Entries: [entry] }))).resolves.toMatchObject({ FailedEntryCount: 0 });
  });

  it.each([
    ['another source', { ...entry, Source: 'com.example' }],
    ['another detail-type', { ...entry, DetailType: 'Something Else' }],
    ['another bus', { ...entry, EventBusName: 'ops' }],
  ])('denies %s', async (_, other) => {
    await expect(clientOf('init').send(new PutEventsCommand({ Entries: [entry, other] }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });

  it('denies a function without the grant', async () => {
    await expect(clientOf('tick').send(new PutEventsCommand({ Entries: [entry] }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});

describe('the twin\'s EventBridge endpoint', () => {
  it('accepts PutEvents from the real client, answers per entry, and routes the events on the bus', async () => {
    // Prepare
    const client = new EventBridgeClient({ endpoint: twin.eventsEndpoint, region: LOCAL_REGION, credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
    const received = twin.bus.waitFor({ source: ['test.source'] }, 5_000);

    // Act
    const answer = await client.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'test.source', DetailType: 'Test', Detail: JSON.stringify({ n: 1 }), Resources: ['arn:aws:states:x'] },
          { Source: 'test.source', DetailType: 'Test', Detail: 'not json' },
          { Source: 'test.source', DetailType: 'Test', Detail: '{}', EventBusName: 'other-bus' },
        ],
      }),
    );

    // Assess
    expect(answer.FailedEntryCount).toBe(2);
    expect(answer.Entries?.[0].EventId).toEqual(expect.any(String));
    expect(answer.Entries?.[1]).toMatchObject({ ErrorCode: 'MalformedDetail' });
    expect(answer.Entries?.[2]).toMatchObject({ ErrorCode: 'InvalidArgument' });
    const event = await received;
    expect(event).toMatchObject({ id: answer.Entries?.[0].EventId, source: 'test.source', 'detail-type': 'Test', detail: { n: 1 }, resources: ['arn:aws:states:x'] });
  });
});
