import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConditionalCheckFailedException,
  DescribeTableCommand,
  DynamoDBClient,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { createTable, type LocalDynamoDb, startDynamoDb } from '../../../local/dynamodb/dynalite';

const TABLE = 'HpoResults';

function clientFor(endpoint: string): { raw: DynamoDBClient; doc: DynamoDBDocumentClient } {
  const raw = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  return { raw, doc: DynamoDBDocumentClient.from(raw) };
}

function portIsClosed(endpoint: string): Promise<boolean> {
  const { hostname, port } = new URL(endpoint);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('local DynamoDB (dynalite) in memory', () => {
  let db: LocalDynamoDb;
  let raw: DynamoDBClient;
  let doc: DynamoDBDocumentClient;

  beforeAll(async () => {
    db = await startDynamoDb();
    await createTable(db.endpoint, TABLE);
    ({ raw, doc } = clientFor(db.endpoint));
  });

  afterAll(async () => {
    raw.destroy();
    await db.close();
    expect(await portIsClosed(db.endpoint)).toBe(true);
  });

  it('listens on loopback and creates the results table with the construct key schema', async () => {
    expect(db.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const { Table } = await raw.send(new DescribeTableCommand({ TableName: TABLE }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(Table?.GlobalSecondaryIndexes?.[0]).toMatchObject({
      IndexName: 'gsi1',
      IndexStatus: 'ACTIVE',
      Projection: { ProjectionType: 'ALL' },
      KeySchema: [
        { AttributeName: 'gsi1pk', KeyType: 'HASH' },
        { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
      ],
    });
  });

  it('createTable is idempotent', async () => {
    await expect(createTable(db.endpoint, TABLE)).resolves.toBeUndefined();
  });

  it('puts, gets and queries by key and on the GSI', async () => {
    // Prepare
    const items = [
      { pk: 'RUN#r1', sk: 'TRIAL#0001', gsi1pk: 'STATUS#RUNNING', gsi1sk: 'r1#0001', lr: 0.1 },
      { pk: 'RUN#r1', sk: 'TRIAL#0002', gsi1pk: 'STATUS#PAUSED', gsi1sk: 'r1#0002', lr: 0.2 },
      { pk: 'RUN#r1', sk: 'TRIAL#0003', gsi1pk: 'STATUS#RUNNING', gsi1sk: 'r1#0003', lr: 0.3 },
      { pk: 'RUN#r2', sk: 'TRIAL#0001', gsi1pk: 'STATUS#RUNNING', gsi1sk: 'r2#0001', lr: 0.4 },
    ];
    for (const Item of items) await doc.send(new PutCommand({ TableName: TABLE, Item }));

    // Act
    const got = await doc.send(new GetCommand({ TableName: TABLE, Key: { pk: 'RUN#r1', sk: 'TRIAL#0002' } }));
    const trials = await doc.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :t)',
        ExpressionAttributeValues: { ':pk': 'RUN#r1', ':t': 'TRIAL#' },
      }),
    );
    const running = await doc.send(
      new QueryCommand({
        TableName: TABLE,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :s AND begins_with(gsi1sk, :r)',
        ExpressionAttributeValues: { ':s': 'STATUS#RUNNING', ':r': 'r1#' },
      }),
    );

    // Assess
    expect(got.Item).toEqual(items[1]);
    expect(trials.Items?.map((i) => i.sk)).toEqual(['TRIAL#0001', 'TRIAL#0002', 'TRIAL#0003']);
    expect(running.Items?.map((i) => i.sk)).toEqual(['TRIAL#0001', 'TRIAL#0003']);
  });

  it('fails a conditional put with ConditionalCheckFailedException', async () => {
    const put = () =>
      doc.send(
        new PutCommand({
          TableName: TABLE,
          Item: { pk: 'RUN#c', sk: 'PROMOTION#0001#1' },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    await put();
    const err = await put().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConditionalCheckFailedException);
    expect((err as Error).name).toBe('ConditionalCheckFailedException');
  });

  it('updates counters with ADD and returns the new values', async () => {
    const add = () =>
      doc.send(
        new UpdateCommand({
          TableName: TABLE,
          Key: { pk: 'RUN#u', sk: 'META' },
          UpdateExpression: 'ADD jobsStarted :one, version :one SET #s = :s',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':one': 1, ':s': 'RUNNING' },
          ReturnValues: 'ALL_NEW',
        }),
      );
    await add();
    const second = await add();
    expect(second.Attributes).toEqual({ pk: 'RUN#u', sk: 'META', jobsStarted: 2, version: 2, status: 'RUNNING' });
  });

  it('batch-writes puts and deletes', async () => {
    const Items = Array.from({ length: 25 }, (_, i) => ({ pk: 'RUN#b', sk: `JOB#${String(i).padStart(3, '0')}` }));
    const res = await doc.send(
      new BatchWriteCommand({ RequestItems: { [TABLE]: Items.map((Item) => ({ PutRequest: { Item } })) } }),
    );
    expect(res.UnprocessedItems ?? {}).toEqual({});
    await doc.send(
      new BatchWriteCommand({ RequestItems: { [TABLE]: [{ DeleteRequest: { Key: { pk: 'RUN#b', sk: 'JOB#000' } } }] } }),
    );
    const q = await doc.send(
      new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'RUN#b' }, Select: 'COUNT' }),
    );
    expect(q.Count).toBe(24);
  });
});

describe('local DynamoDB (dynalite) on disk', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hpo-dynalite-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps tables and items across a restart with the same path', async () => {
    // Prepare
    const first = await startDynamoDb({ path: dir });
    await createTable(first.endpoint, TABLE);
    const a = clientFor(first.endpoint);
    await a.doc.send(new PutCommand({ TableName: TABLE, Item: { pk: 'RUN#p', sk: 'META', best: 0.93 } }));
    a.raw.destroy();
    await first.close();
    expect(await portIsClosed(first.endpoint)).toBe(true);

    // Act
    const second = await startDynamoDb({ path: dir });
    const b = clientFor(second.endpoint);
    try {
      await createTable(second.endpoint, TABLE);
      const got = await b.doc.send(new GetCommand({ TableName: TABLE, Key: { pk: 'RUN#p', sk: 'META' } }));

      // Assess
      expect(got.Item).toEqual({ pk: 'RUN#p', sk: 'META', best: 0.93 });
    } finally {
      b.raw.destroy();
      await second.close();
    }
  });
});

describe('local DynamoDB (dynalite) limitations', () => {
  it('has no transactions: TransactWriteItems answers UnknownOperationException', async () => {
    const db = await startDynamoDb();
    const { raw } = clientFor(db.endpoint);
    try {
      await createTable(db.endpoint, TABLE);
      const err = await raw
        .send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: TABLE, Item: { pk: { S: 'a' }, sk: { S: 'b' } } } }] }))
        .catch((e: unknown) => e as Error);
      expect(err).toMatchObject({ name: 'UnknownOperationException' });
    } finally {
      raw.destroy();
      await db.close();
    }
  });
});
