/**
 * DynamoDB for the local twin: dynalite, in-process, on a loopback port.
 *
 * dynalite 4.0.0 implements the DynamoDB JSON 1.0 API on LevelDB (`memory-level` in memory,
 * `level`/`classic-level` on disk). What it serves, read from `node_modules/dynalite/index.js`
 * (`validOperations`): BatchGetItem, BatchWriteItem, CreateTable, DeleteItem, DeleteTable,
 * DescribeTable, DescribeTimeToLive, GetItem, ListTables, PutItem, Query, Scan, TagResource,
 * UntagResource, ListTagsOfResource, UpdateItem, UpdateTable. Any other operation answers
 * `UnknownOperationException`.
 *
 * Limitations the data layer must respect (so code that passes here also runs on DynamoDB):
 * - no transactions (`TransactWriteItems`, `TransactGetItems`);
 * - no TTL (`UpdateTimeToLive` is absent; items never expire);
 * - no PartiQL (`ExecuteStatement`, `BatchExecuteStatement`);
 * - no Streams, backups or point-in-time recovery;
 * - `ReturnValuesOnConditionCheckFailure` is not validated nor honoured: a failed condition
 *   returns `ConditionalCheckFailedException` without the item;
 * - no throughput or throttling: `ProvisionedThroughputExceededException` never happens.
 * Conditional writes, `UpdateItem` (SET/REMOVE/ADD/DELETE), queries (also on GSIs) and batch
 * writes behave like the service, including the 400 KB item limit.
 *
 * Options: `createTableMs`, `deleteTableMs`, `updateTableMs` (each 500 ms by default, set to 0
 * here so tables are ACTIVE at once), `maxItemSizeKb` (400), `path` (LevelDB folder).
 */
import { createRequire } from 'node:module';
import dynalite from 'dynalite';
import { listenOnLoopback } from '../loopback';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';

/** Options for {@link startDynamoDb}. */
export interface StartDynamoDbOptions {
  /**
   * Folder of the on-disk store (local mode). The data survives a restart with the same folder.
   *
   * @default - in memory, gone when closed
   */
  readonly path?: string;
}

/** A running local DynamoDB. */
export interface LocalDynamoDb {
  /** Endpoint for `new DynamoDBClient({ endpoint })`, e.g. `http://127.0.0.1:41234`. */
  readonly endpoint: string;
  /** Stops listening and closes the store (flushes it to disk when on disk). */
  close(): Promise<void>;
}

/**
 * Starts dynalite in this process on 127.0.0.1, on an ephemeral port.
 *
 * Table creation, update and deletion take no time (`createTableMs` etc. are 0).
 */
export async function startDynamoDb(options: StartDynamoDbOptions = {}): Promise<LocalDynamoDb> {
  // dynalite would crash on its first request (an uncaught error) if another process holds the
  // on-disk store: refuse up front with an error the caller can explain.
  if (options.path !== undefined && (await isStoreLocked(options.path))) throw new StoreLockedError(options.path);
  const server = dynalite({
    path: options.path,
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  // dynalite's close stops the HTTP server, then closes LevelDB: let requests in flight
  // finish, drop only idle keep-alive sockets (they would hold `close` open).
  return listenOnLoopback(server, 0, 'idle');
}

/**
 * The results table's definition, with the key schema the CDK construct uses:
 * partition key `pk` (S), sort key `sk` (S), GSI `gsi1` (`gsi1pk` S, `gsi1sk` S, projection ALL),
 * on-demand billing.
 */
export function resultsTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'gsi1pk', AttributeType: 'S' },
      { AttributeName: 'gsi1sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: 'gsi1',
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  };
}

/**
 * Creates a table (by default the results table, see {@link resultsTableDefinition}) and waits
 * until it is ACTIVE.
 *
 * Idempotent: when the table already exists (an on-disk store reopened in local mode), it only
 * waits for ACTIVE. The existing table's schema is not compared with the definition.
 *
 * @param endpoint the local DynamoDB endpoint from {@link startDynamoDb}
 * @param tableDefinition a `CreateTable` request, or a table name for the results table
 * @param timeoutMs how long to wait for ACTIVE
 */
export async function createTable(
  endpoint: string,
  tableDefinition: CreateTableCommandInput | string,
  timeoutMs = 5000,
): Promise<void> {
  const definition =
    typeof tableDefinition === 'string' ? resultsTableDefinition(tableDefinition) : tableDefinition;
  const client = new DynamoDBClient({
    endpoint,
    region: process.env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    try {
      await client.send(new CreateTableCommand(definition));
    } catch (err) {
      if (!(err instanceof ResourceInUseException)) throw err;
    }
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: definition.TableName }));
      const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
      if (Table?.TableStatus === 'ACTIVE' && indexesActive) return;
      if (Date.now() > deadline) {
        throw new Error(
          `table ${definition.TableName} is not active after ${timeoutMs} ms (status ${Table?.TableStatus ?? 'unknown'})`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    client.destroy();
  }
}

/** The on-disk store is held by another process (LevelDB's lock). */
export class StoreLockedError extends Error {
  constructor(readonly path: string) {
    super(`the results store ${path} is open in another process`);
    this.name = 'StoreLockedError';
  }
}

interface LevelLike {
  open(): Promise<void>;
  close(): Promise<void>;
}
type LevelConstructor = new (location: string) => LevelLike;

/**
 * Whether the LevelDB under `path` is locked by another process (or another store in this
 * one). Opens it with the `level` package dynalite itself uses; when that cannot be loaded,
 * says "not locked" and leaves the outcome to dynalite.
 */
export async function isStoreLocked(path: string): Promise<boolean> {
  let Level: LevelConstructor;
  try {
    const fromDynalite = createRequire(require.resolve('dynalite'));
    Level = (fromDynalite('level') as { Level: LevelConstructor }).Level;
  } catch {
    return false;
  }
  const db = new Level(path);
  try {
    await db.open();
    await db.close();
    return false;
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown } }).cause;
    return cause?.code === 'LEVEL_LOCKED';
  }
}
