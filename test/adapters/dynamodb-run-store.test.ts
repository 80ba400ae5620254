/**
 * The RunStore contract against the DynamoDB adapter, through the real SDK over HTTP to an
 * in-process dynalite (no mocks), plus the item layout and the endpoint configuration.
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  DynamoDbRunStore,
  createRunStoreDocumentClient,
} from '../../lambda/adapters/aws/dynamodb-run-store';
import { decodeRank } from '../../lambda/adapters/aws/dynamodb-keys';
import { describeRunStoreContract, makeJob, makeRun, makeTrial } from '../contracts/run-store.contract';
import { createResultsTable, startTestDynamoDb, type TestDynamoDb } from './helpers/dynalite';
import type { SchedulerState } from '../../core/ports';

let db: TestDynamoDb;
let tables = 0;

beforeAll(async () => {
  db = await startTestDynamoDb();
});

afterAll(async () => {
  await db.close();
});

async function newTable(): Promise<{ tableName: string; client: DynamoDBClient }> {
  const client = db.client();
  const tableName = `results-${++tables}`;
  await createResultsTable(db.endpoint, tableName);
  return { tableName, client };
}

describeRunStoreContract('DynamoDbRunStore (dynalite)', async (options) => {
  const { tableName, client } = await newTable();
  return {
    store: new DynamoDbRunStore({ tableName, client: createRunStoreDocumentClient(client), faults: options?.faults }),
    cleanup: async () => undefined,
  };
});

const scheduler = (): SchedulerState => ({
  settings: makeRun('x').spec.scheduler,
  global: { jobsStarted: 0, nextTrialId: 0 },
  trials: {},
});

describe('DynamoDbRunStore item layout', () => {
  it('stores run, trial and job items under the documented keys', async () => {
    // Prepare
    const { tableName, client } = await newTable();
    const store = new DynamoDbRunStore({ tableName, client: createRunStoreDocumentClient(client) });
    await store.createRun(makeRun('r1'), scheduler());
    // Act
    await store.commitTick('r1', 0, {
      run: {},
      schedulerGlobal: { jobsStarted: 1, nextTrialId: 8 },
      trials: [makeTrial('r1', 7, { rank: -2.5 }), makeTrial('r1', 8)],
      jobs: [makeJob('r1', 7, 1)],
    });
    const { Items } = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: 'RUN#r1' } },
        ConsistentRead: true,
      }),
    );
    const items = (Items ?? []).map((i) => unmarshall(i));
    // Assess
    expect(items.map((i) => i.sk)).toEqual(['JOB#hpo-r1-7-1', 'RUN', 'TRIAL#000007', 'TRIAL#000008']);
    const [job, run, ranked, unranked] = items;
    expect(run).toMatchObject({ entity: 'run', gsi1pk: 'RUNS', gsi1sk: `${makeRun('r1').createdAt}#r1`, tickSeq: 1, version: 0 });
    expect(run).not.toHaveProperty('pending');
    expect(run).not.toHaveProperty('pendingSeq');
    expect(run!.input).toBeInstanceOf(Uint8Array);
    expect(JSON.parse(run!.schedulerGlobal as string)).toEqual({ jobsStarted: 1, nextTrialId: 8 });
    expect(ranked).toMatchObject({ entity: 'trial', gsi1pk: 'LB#r1', wseq: 1, trialId: 7 });
    expect(decodeRank((ranked!.gsi1sk as string).split('#')[0]!)).toBe(-2.5);
    expect((ranked!.gsi1sk as string).endsWith('#000007')).toBe(true);
    expect(unranked).not.toHaveProperty('gsi1pk');
    expect(job).toMatchObject({ entity: 'job', jobName: 'hpo-r1-7-1', status: 'Pending', rev: 1, wseq: 1 });
  });

  it('keeps the run item small however many trials the run has', async () => {
    // Prepare
    const { tableName, client } = await newTable();
    const store = new DynamoDbRunStore({ tableName, client: createRunStoreDocumentClient(client) });
    await store.createRun(makeRun('r1'), scheduler());
    const runItemBytes = async (): Promise<number> => {
      const { Item } = await client.send(
        new GetItemCommand({ TableName: tableName, Key: { pk: { S: 'RUN#r1' }, sk: { S: 'RUN' } }, ConsistentRead: true }),
      );
      return JSON.stringify(Item).length;
    };
    const before = await runItemBytes();
    // Act
    let seq = 0;
    for (let batch = 0; batch < 3; batch++) {
      const trials = Array.from({ length: 100 }, (_, i) => makeTrial('r1', batch * 100 + i));
      seq = await store.commitTick('r1', seq, { run: {}, schedulerGlobal: { jobsStarted: 0, nextTrialId: 0 }, trials, jobs: [] });
    }
    // Assess
    expect(await runItemBytes()).toBeLessThan(before + 100);
  });

  it('refuses a commit whose write-ahead log would not fit in the run item', async () => {
    // Prepare
    const { tableName, client } = await newTable();
    const store = new DynamoDbRunStore({ tableName, client: createRunStoreDocumentClient(client) });
    await store.createRun(makeRun('r1'), scheduler());
    const trials = Array.from({ length: 200 }, (_, i) =>
      makeTrial('r1', i, { config: { lr: i, opt: randomBytes(2000).toString('hex') } }),
    );
    // Act
    const commit = store.commitTick('r1', 0, { run: {}, schedulerGlobal: { jobsStarted: 0, nextTrialId: 0 }, trials, jobs: [] });
    // Assess
    await expect(commit).rejects.toThrow(/tick commit too large: 200 trials and 0 jobs take \d+ bytes gzip'd, at most 300000 allowed/);
    expect((await store.getRun('r1'))?.tickSeq).toBe(0);
  });
});

describe('DynamoDB endpoint from the environment', () => {
  const saved = process.env.AWS_ENDPOINT_URL_DYNAMODB;
  afterEach(() => {
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
    else process.env.AWS_ENDPOINT_URL_DYNAMODB = saved;
  });

  it('reaches the endpoint in AWS_ENDPOINT_URL_DYNAMODB when the client sets none', async () => {
    // Prepare
    const { tableName } = await newTable();
    process.env.AWS_ENDPOINT_URL_DYNAMODB = db.endpoint;
    const client = new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const store = new DynamoDbRunStore({ tableName, client: createRunStoreDocumentClient(client) });
    // Act
    await store.createRun(makeRun('env'), scheduler());
    // Assess
    expect((await store.getRun('env'))?.runId).toBe('env');
    client.destroy();
  });
});
