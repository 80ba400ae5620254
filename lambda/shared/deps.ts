/**
 * The adapters every handler uses, built from the environment. SDK clients are created once
 * per configuration and reused across invocations (Powertools' commons/clients pattern).
 * Endpoints come from the SDK's own configuration (`AWS_ENDPOINT_URL_DYNAMODB`,
 * `AWS_ENDPOINT_URL_SAGEMAKER`, `AWS_ENDPOINT_URL_SFN`, `AWS_ENDPOINT_URL_S3`,
 * `AWS_ENDPOINT_URL_CLOUDWATCH_LOGS`, `AWS_ENDPOINT_URL_EVENTBRIDGE`), which is how the local twin points
 * the same code at its services.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CloudWatchTrainingLogs } from '../adapters/aws/cloudwatch-training-logs';
import { DynamoDbRunStore } from '../adapters/aws/dynamodb-run-store';
import { EventBridgeRunEventPublisher } from '../adapters/aws/eventbridge-run-events';
import { S3CheckpointStore } from '../adapters/aws/s3-checkpoint-store';
import { SageMakerBackend } from '../adapters/aws/sagemaker-backend';
import { StepFunctionsWaker } from '../adapters/aws/sfn-waker';
import type { RunEventPublisher } from '../core/orchestrator/run-events';
import type { OrchestratorDeps } from '../core/orchestrator/tick';
import type { TaskWaker } from '../core/orchestrator/waker';
import { numberEnv, optionalEnv, requiredEnv } from './env';

export interface HandlerDeps extends OrchestratorDeps {
  readonly waker: TaskWaker;
  /** The run-level status events (EventBridge, default bus). */
  readonly runEvents: RunEventPublisher;
  /** Roles a run may pass to SageMaker; empty means "not restricted by the tuner". */
  readonly allowedTrainingRoleArns: readonly string[];
  /** The training role the construct created (it reaches only the tuner's bucket), if it did. */
  readonly ownTrainingRoleArn?: string;
  /** The tuner's bucket (checkpoints and outputs by default). */
  readonly bucketName: string;
}

const CONFIG_VARS = [
  'TABLE_NAME',
  'JOB_NAME_PREFIX',
  'BUCKET_NAME',
  'ALLOWED_TRAINING_ROLE_ARNS',
  'OWN_TRAINING_ROLE_ARN',
  'RECONCILE_AFTER_SECONDS',
  'AWS_REGION',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_DYNAMODB',
  'AWS_ENDPOINT_URL_SAGEMAKER',
  'AWS_ENDPOINT_URL_SFN',
  'AWS_ENDPOINT_URL_S3',
  'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS',
  'AWS_ENDPOINT_URL_EVENTBRIDGE',
];

let cached: { key: string; deps: HandlerDeps } | undefined;

/** The handler dependencies for the current environment (built on first use, then reused). */
export function handlerDeps(env: NodeJS.ProcessEnv = process.env): HandlerDeps {
  const key = CONFIG_VARS.map((name) => `${name}=${env[name] ?? ''}`).join('\n');
  if (cached?.key === key) return cached.deps;
  const bucket = requiredEnv('BUCKET_NAME', env);
  const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  const deps: HandlerDeps = {
    store: new DynamoDbRunStore({ tableName: requiredEnv('TABLE_NAME', env), client: dynamo }),
    backend: new SageMakerBackend(new SageMakerClient({})),
    waker: new StepFunctionsWaker(new SFNClient({})),
    // Bounded: a hanging PutEvents must not eat Finalize's time (3 attempts of at most 5 s).
    runEvents: new EventBridgeRunEventPublisher(new EventBridgeClient({ maxAttempts: 3, requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000 } })),
    // A custom endpoint (the local twin's) is reached path-style: http://127.0.0.1:port/bucket.
    checkpoints: new S3CheckpointStore(new S3Client({ forcePathStyle: optionalEnv('AWS_ENDPOINT_URL_S3', env) !== undefined })),
    // Training jobs' logs, read only by Tick and only for runs with early stopping.
    logs: new CloudWatchTrainingLogs(new CloudWatchLogsClient({})),
    now: () => new Date(),
    jobNamePrefix: requiredEnv('JOB_NAME_PREFIX', env),
    storage: { checkpointBase: `s3://${bucket}/checkpoints`, outputBase: `s3://${bucket}/output` },
    reconcileAfterSeconds: numberEnv('RECONCILE_AFTER_SECONDS', 120, env),
    bucketName: bucket,
    ...(optionalEnv('OWN_TRAINING_ROLE_ARN', env) ? { ownTrainingRoleArn: optionalEnv('OWN_TRAINING_ROLE_ARN', env) } : {}),
    allowedTrainingRoleArns: (optionalEnv('ALLOWED_TRAINING_ROLE_ARNS', env) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  };
  cached = { key, deps };
  return deps;
}
