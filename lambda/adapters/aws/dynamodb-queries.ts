/**
 * The results table's listing queries: the records of one run by kind (strongly consistent),
 * a run's leaderboard and the list of runs (`gsi1`, eventually consistent on DynamoDB).
 */
import type { RunSummary, TrialRecord } from '../../../core/orchestrator/records';
import { parseJson } from './dynamodb-codec';
import { leaderboardPk, runPk, RUNS_GSI_PK } from './dynamodb-keys';
import { checkLimit, GSI1, type RunTable } from './dynamodb-table';

/** The `data` of every item of a run whose sort key starts with `prefix` (strongly consistent). */
export async function queryRecords(table: RunTable, runId: string, prefix: string, what: string): Promise<unknown[]> {
  const items = await table.queryAll({
    TableName: table.name,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': runPk(runId), ':prefix': prefix },
    ExpressionAttributeNames: { '#data': 'data' },
    ProjectionExpression: '#data',
    ConsistentRead: true,
  });
  return items.map((item) => parseJson(item.data, what));
}

/** Eventually consistent on DynamoDB (a GSI query). */
export async function queryLeaderboard(table: RunTable, runId: string, limit: number): Promise<TrialRecord[]> {
  checkLimit(limit);
  if (limit === 0) return [];
  const items = await table.queryAll(
    {
      TableName: table.name,
      IndexName: GSI1,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': leaderboardPk(runId) },
      ExpressionAttributeNames: { '#data': 'data' },
      ProjectionExpression: '#data',
      ScanIndexForward: true,
      Limit: limit,
    },
    limit,
  );
  return items.map((item) => parseJson(item.data, 'trial data') as TrialRecord);
}

/** Eventually consistent on DynamoDB (a GSI query). */
export async function queryRunList(table: RunTable, limit: number): Promise<RunSummary[]> {
  checkLimit(limit);
  if (limit === 0) return [];
  const items = await table.queryAll(
    {
      TableName: table.name,
      IndexName: GSI1,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': RUNS_GSI_PK },
      ExpressionAttributeNames: {
        '#runId': 'runId',
        '#status': 'status',
        '#createdAt': 'createdAt',
        '#endedAt': 'endedAt',
        '#best': 'best',
        '#counters': 'counters',
        '#strategy': 'strategy',
      },
      ProjectionExpression: '#runId, #status, #createdAt, #endedAt, #best, #counters, #strategy',
      ScanIndexForward: false,
      Limit: limit,
    },
    limit,
  );
  return items.map((item) => {
    const summary: Record<string, unknown> = {
      runId: item.runId,
      status: item.status,
      createdAt: item.createdAt,
      counters: parseJson(item.counters, 'counters'),
      strategy: item.strategy,
    };
    if (typeof item.endedAt === 'string') summary.endedAt = item.endedAt;
    if (item.best !== undefined) summary.best = parseJson(item.best, 'best');
    return summary as unknown as RunSummary;
  });
}
