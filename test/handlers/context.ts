/** One Lambda `Context` for every handler test (Powertools' packages/testing/src/context.ts idea). */
import type { Context } from 'aws-lambda';

export const context: Context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'hpo-tuner-test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:hpo-tuner-test',
  memoryLimitInMB: '256',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: '/aws/lambda/hpo-tuner-test',
  logStreamName: '2026/01/01/[$LATEST]abcdef',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};
