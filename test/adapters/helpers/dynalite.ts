/**
 * dynalite for the adapter tests: the local twin's own launcher and results-table definition
 * (local/dynamodb), plus clients with dummy credentials that are destroyed on close.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTable, startDynamoDb } from '../../../local/dynamodb/dynalite';

/** A running dynalite. */
export interface TestDynamoDb {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** A client for `endpoint` with dummy credentials. */
  client(): DynamoDBClient;
  close(): Promise<void>;
}

/** Starts dynalite in memory on an ephemeral loopback port. */
export async function startTestDynamoDb(): Promise<TestDynamoDb> {
  const db = await startDynamoDb();
  const clients: DynamoDBClient[] = [];
  return {
    endpoint: db.endpoint,
    client() {
      const client = new DynamoDBClient({
        endpoint: db.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      });
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.destroy();
      await db.close();
    },
  };
}

/** Creates the results table (the construct's key schema) and waits until it is active. */
export async function createResultsTable(endpoint: string, tableName: string): Promise<void> {
  await createTable(endpoint, tableName);
}
