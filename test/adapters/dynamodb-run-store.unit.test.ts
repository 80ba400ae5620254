/**
 * Unit tests of the DynamoDB adapter's error mapping and retries, with a mocked SDK
 * (aws-sdk-client-mock). The behaviour against a real endpoint is in the contract suite.
 */
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbRunStore } from '../../lambda/adapters/aws/dynamodb-run-store';
import {
  ConcurrentTick,
  RunAlreadyExists,
  RunNotFound,
  PermissionDenied,
  RequestRejected,
  TransientError,
} from '../../core/orchestrator/errors';
import type { JobRecord } from '../../core/orchestrator/records';
import { makeJob, makeRun, makeTrial } from '../contracts/run-store.contract';

const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const ddb = mockClient(documentClient);
const store = (): DynamoDbRunStore => new DynamoDbRunStore({ tableName: 'results', client: documentClient });

const conditionFailed = (): ConditionalCheckFailedException =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

const jobItem = (job: JobRecord, rev: number): Record<string, unknown> => ({
  pk: 'RUN#r1',
  sk: `JOB#${job.jobName}`,
  data: JSON.stringify(job),
  rev,
  wseq: 1,
});

const emptyCommit = { run: {}, schedulerGlobal: { jobsStarted: 0, nextTrialId: 0 }, trials: [], jobs: [] };

beforeEach(() => {
  ddb.reset();
});

describe('error mapping', () => {
  it('maps a failed attribute_not_exists on the run put to RunAlreadyExists', async () => {
    // Prepare
    ddb.on(PutCommand).rejects(conditionFailed());
    // Act
    const create = store().createRun(makeRun('r1'), { settings: makeRun('r1').spec.scheduler, global: { jobsStarted: 0, nextTrialId: 0 }, trials: {} });
    // Assess
    await expect(create).rejects.toBeInstanceOf(RunAlreadyExists);
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input.ConditionExpression).toBe('attribute_not_exists(pk)');
  });

  it('maps a failed tickSeq condition to ConcurrentTick and writes no items', async () => {
    // Prepare
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: { pk: 'RUN#r1', sk: 'RUN', status: 'Running', tickSeq: 4 } });
    // Act
    const commit = store().commitTick('r1', 3, { ...emptyCommit, trials: [makeTrial('r1', 0)] });
    // Assess
    await expect(commit).rejects.toBeInstanceOf(ConcurrentTick);
    await expect(commit).rejects.toThrow("run 'r1': another tick committed after tick 3; retry");
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    const update = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(update.ConditionExpression).toMatch(/#tickSeq = :v\d+/);
  });

  it('maps a failed condition on a missing run to RunNotFound', async () => {
    // Prepare
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({});
    // Act / Assess
    await expect(store().commitTick('r1', 0, emptyCommit)).rejects.toBeInstanceOf(RunNotFound);
    await expect(store().storeTaskToken('r1', 't', 0)).rejects.toBeInstanceOf(RunNotFound);
  });

  it('turns throttling left after the SDK retries into TransientError', async () => {
    // Prepare
    ddb.on(GetCommand).rejects(
      new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }),
    );
    // Act
    const load = store().loadSnapshot('r1');
    // Assess
    await expect(load).rejects.toBeInstanceOf(TransientError);
    await expect(load).rejects.toThrow(
      "dynamodb:GetItem on 'results' failed after the SDK's retries (ProvisionedThroughputExceededException: slow down); the step is retried",
    );
  });

  it('turns a validation error into RequestRejected naming the operation and the table', async () => {
    // Prepare
    const error = Object.assign(new Error('Item size has exceeded the maximum allowed size'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    ddb.on(GetCommand).rejects(error);
    // Act
    const get = store().getRun('r1');
    // Assess
    await expect(get).rejects.toBeInstanceOf(RequestRejected);
    await expect(get).rejects.toThrow("dynamodb:GetItem on 'results' was rejected (ValidationException: Item size has exceeded the maximum allowed size)");
  });

  it('turns a denial into PermissionDenied naming the missing permission', async () => {
    // Prepare
    const error = Object.assign(
      new Error('User: arn:aws:sts::123456789012:assumed-role/tick/x is not authorized to perform: dynamodb:UpdateItem on resource: arn:aws:dynamodb:us-east-1:123456789012:table/results'),
      { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } },
    );
    ddb.on(UpdateCommand).rejects(error);
    // Act
    const park = store().storeTaskToken('r1', 't', 0);
    // Assess
    await expect(park).rejects.toBeInstanceOf(PermissionDenied);
    await expect(park).rejects.toThrow(/dynamodb:UpdateItem on 'results' was denied .*; allow 'dynamodb:UpdateItem' for the tuner's functions/);
  });
});

describe('conditional item writes', () => {
  it('re-reads and retries a job write when another writer changed the job in between', async () => {
    // Prepare: the first put loses the race against an event that recorded InProgress
    const job = makeJob('r1', 0, 1);
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: jobItem(job, 1) })
      .resolvesOnce({ Item: jobItem({ ...job, status: 'InProgress' }, 2) });
    ddb.on(PutCommand).rejectsOnce(conditionFailed()).resolves({});
    ddb.on(UpdateCommand).resolves({ Attributes: { version: 6, taskToken: 'token' } });
    // Act
    const result = await store().recordObservation('r1', { jobName: job.jobName, status: 'Completed' }, '2025-01-01T00:00:00.000Z');
    // Assess
    expect(result).toStrictEqual({ kind: 'changed', version: 7, taskToken: 'token' });
    const puts = ddb.commandCalls(PutCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => p.ExpressionAttributeValues?.[':rev'])).toEqual([1, 2]);
    expect(puts.map((p) => p.Item?.rev)).toEqual([2, 3]);
    expect(JSON.parse(puts[1]!.Item!.data as string)).toMatchObject({ status: 'Completed' });
    // the job joins the run's changed-jobs set, then the run's version moves
    const [mark, bump] = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(mark.Key).toEqual({ pk: 'RUN#r1', sk: 'CHANGED' });
    expect(mark.UpdateExpression).toBe('ADD #jobs :name');
    expect(mark.ExpressionAttributeValues?.[':name']).toEqual(new Set([job.jobName]));
    expect(bump.UpdateExpression).toBe('ADD #version :one REMOVE #taskToken');
    expect(bump.ReturnValues).toBe('UPDATED_OLD');
  });

  it('gives up with TransientError when the job keeps changing', async () => {
    // Prepare
    const job = makeJob('r1', 0, 1);
    ddb.on(GetCommand).resolves({ Item: jobItem(job, 1) });
    ddb.on(PutCommand).rejects(conditionFailed());
    // Act
    const update = store().updateJob('r1', job.jobName, { startAttempts: 1 });
    // Assess
    await expect(update).rejects.toBeInstanceOf(TransientError);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(10);
  });

  it('skips a trial that a later commit already wrote, and finishes the commit', async () => {
    // Prepare
    ddb.on(UpdateCommand).resolves({});
    ddb.on(PutCommand).rejects(conditionFailed());
    // Act
    const seq = await store().commitTick('r1', 0, { ...emptyCommit, trials: [makeTrial('r1', 0), makeTrial('r1', 1)] });
    // Assess
    expect(seq).toBe(1);
    const puts = ddb.commandCalls(PutCommand).map((c) => c.args[0].input);
    expect(puts).toHaveLength(2);
    expect(puts[0]!.ConditionExpression).toBe('attribute_not_exists(pk) OR wseq < :seq');
    expect(puts[0]!.ExpressionAttributeValues).toEqual({ ':seq': 1 });
    const removal = ddb.commandCalls(UpdateCommand)[1]!.args[0].input;
    expect(removal.UpdateExpression).toBe('REMOVE #pending, #pendingSeq');
  });
});
