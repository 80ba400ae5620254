/** The run store (DynamoDB), once per configuration. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createRunStoreDocumentClient, DynamoDbRunStore } from '../../adapters/aws/dynamodb-run-store';
import type { RunStore } from '../../../core/orchestrator/records';
import { cachedBy, SDK_VARS } from '../config';
import { requiredEnv } from '../env';

let env: NodeJS.ProcessEnv = process.env;
const build = cachedBy([...SDK_VARS, 'AWS_ENDPOINT_URL_DYNAMODB', 'TABLE_NAME'], () => new DynamoDbRunStore({ tableName: requiredEnv('TABLE_NAME', env), client: createRunStoreDocumentClient(new DynamoDBClient({})) }));

export function runStore(from: NodeJS.ProcessEnv = process.env): RunStore {
  env = from;
  return build(from);
}
