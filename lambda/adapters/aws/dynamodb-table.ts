/**
 * The results table as the DynamoDB run store reaches it: one document client, every command's
 * errors classified (./aws-errors.ts) except the conditional-check failures its callers give a
 * meaning to, and paged queries. Layout and protocol: ./dynamodb-run-store.ts.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type GetCommandOutput,
  type PutCommandOutput,
  type QueryCommandInput,
  type QueryCommandOutput,
  type UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { toTunerError } from './aws-errors';
import { RUN_SK, runPk } from './dynamodb-keys';

/** One item, as the document client reads and writes it. */
export type Item = Record<string, unknown>;

/** Name of the results table's GSI. */
export const GSI1 = 'gsi1';

/** The table's commands, sent with the store's error classification. */
export class RunTable {
  constructor(
    /** The table's name. */
    readonly name: string,
    private readonly client: DynamoDBDocumentClient,
  ) {}

  async getRunItem(runId: string): Promise<Item | undefined> {
    const result = await this.send(
      new GetCommand({ TableName: this.name, Key: { pk: runPk(runId), sk: RUN_SK }, ConsistentRead: true }),
    );
    return result.Item;
  }

  /** Every page of a query (or the first `limit` items). */
  async queryAll(input: QueryCommandInput, limit = Number.POSITIVE_INFINITY): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.send(new QueryCommand(startKey === undefined ? input : { ...input, ExclusiveStartKey: startKey }));
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined && items.length < limit);
    return items.slice(0, limit);
  }

  /**
   * Sends a command. `ConditionalCheckFailedException` is passed through (the callers give it
   * its meaning); every other error is classified (./aws-errors.ts) into `TransientError`,
   * `PermissionDenied` or `RequestRejected`, naming the operation and the table.
   */
  send(command: GetCommand): Promise<GetCommandOutput>;
  send(command: PutCommand): Promise<PutCommandOutput>;
  send(command: UpdateCommand): Promise<UpdateCommandOutput>;
  send(command: QueryCommand): Promise<QueryCommandOutput>;
  async send(command: StoreCommand): Promise<StoreCommandOutput> {
    try {
      if (command instanceof GetCommand) return await this.client.send(command);
      if (command instanceof PutCommand) return await this.client.send(command);
      if (command instanceof UpdateCommand) return await this.client.send(command);
      return await this.client.send(command);
    } catch (err) {
      if (isConditionFailed(err)) throw err;
      throw toTunerError({ service: 'dynamodb', operation: operationOf(command), target: this.name }, err);
    }
  }
}

/** The DynamoDB operation of a command (explicit: a minified bundle renames the classes). */
function operationOf(command: StoreCommand): string {
  if (command instanceof GetCommand) return 'GetItem';
  if (command instanceof PutCommand) return 'PutItem';
  if (command instanceof UpdateCommand) return 'UpdateItem';
  return 'Query';
}

type StoreCommand = GetCommand | PutCommand | UpdateCommand | QueryCommand;
type StoreCommandOutput = GetCommandOutput | PutCommandOutput | UpdateCommandOutput | QueryCommandOutput;

/** Whether a write failed its condition expression (the callers decide what that means). */
export function isConditionFailed(err: unknown): boolean {
  return err instanceof Error && err.name === 'ConditionalCheckFailedException';
}

/** A `limit` argument: a non-negative integer. */
export function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 0) {
    throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
  }
}

