/**
 * Per-function bundles (issue 9): each function's bundle holds the AWS SDK clients it calls and
 * no other, so a cold start loads only code the function runs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lambdaBundles } from '../../lib/private/lambda-bundles';
import type { HandlerName } from '../../lib/private/definition';

/** Each SDK client's class, by the name `keepNames` keeps (`<helper>(this,"SageMakerClient")`). */
const CLIENTS = {
  dynamodb: /\(this,"DynamoDBClient"\)/,
  sagemaker: /\(this,"SageMakerClient"\)/,
  sfn: /\(this,"SFNClient"\)/,
  s3: /\(this,"S3Client"\)/,
} as const;

const USES: Record<HandlerName, readonly (keyof typeof CLIENTS)[]> = {
  validate: [],
  init: ['dynamodb'],
  tick: ['dynamodb', 'sagemaker', 's3'],
  'wait-for-change': ['dynamodb', 'sfn'],
  finalize: ['dynamodb', 'sagemaker'],
  'on-training-event': ['dynamodb', 'sagemaker', 'sfn'],
  'on-execution-end': ['dynamodb', 'sagemaker'],
};

describe('per-function bundles', () => {
  const dirs = lambdaBundles();
  it.each(Object.entries(USES))('%s bundles exactly the clients it calls', (handler, uses) => {
    const code = readFileSync(join(dirs[handler as HandlerName], 'index.js'), 'utf8');
    for (const [client, pattern] of Object.entries(CLIENTS)) {
      expect([client, pattern.test(code)]).toEqual([client, uses.includes(client as keyof typeof CLIENTS)]);
    }
  });
});
