/**
 * The tuner's Lambda functions: one per handler, each with its own log group and role, the
 * shared environment, and the dead-letter settings of the asynchronously invoked event handlers.
 * Their permissions are granted in iam.ts.
 */
import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { LogLevel } from '../tuner-props';
import type { HandlerName } from './definition';
import { LAMBDA_HANDLER, lambdaBundles } from './lambda-bundles';

/** Settings of one Lambda function. */
interface FunctionSpec {
  readonly id: string;
  readonly handler: HandlerName;
  readonly description: string;
  readonly timeout: Duration;
  readonly memorySize: number;
}

/** The functions, in the order they are created (construct IDs and so logical IDs depend on `id`). */
const FUNCTION_SPECS: readonly FunctionSpec[] = [
  { id: 'ValidateFunction', handler: 'validate', description: 'Validates an AMT-style tuning input.', timeout: Duration.seconds(30), memorySize: 256 },
  { id: 'InitFunction', handler: 'init', description: 'Creates the run record of a tuning run.', timeout: Duration.seconds(30), memorySize: 256 },
  { id: 'TickFunction', handler: 'tick', description: 'One ask/tell step of a tuning run: records results, starts training jobs.', timeout: Duration.minutes(5), memorySize: 512 },
  { id: 'WaitForChangeFunction', handler: 'wait-for-change', description: 'Stores the task token of the waiting tuning loop.', timeout: Duration.seconds(30), memorySize: 256 },
  { id: 'FinalizeFunction', handler: 'finalize', description: 'Records the best trial and releases warm pools.', timeout: Duration.minutes(2), memorySize: 256 },
  { id: 'OnTrainingEventFunction', handler: 'on-training-event', description: 'Records a training job state change and wakes the tuning loop.', timeout: Duration.minutes(1), memorySize: 256 },
  { id: 'OnExecutionEndFunction', handler: 'on-execution-end', description: 'Stops the training jobs of an aborted, failed or timed-out run.', timeout: Duration.minutes(5), memorySize: 256 },
];

/** The tuner's functions, by handler (in creation order). */
export type TunerFunctions = Readonly<Record<HandlerName, lambda.Function>>;

/** What the functions are configured with. */
export interface FunctionsOptions {
  readonly resultsTable: dynamodb.ITable;
  readonly bucket: s3.IBucket;
  readonly jobNamePrefix: string;
  readonly trainingRoles: readonly iam.IRole[];
  /** The training role the construct created, if it did. */
  readonly ownTrainingRole?: iam.IRole;
  readonly deadLetterQueue: sqs.IQueue;
  readonly logLevel?: LogLevel;
  readonly logRetention: logs.RetentionDays;
  readonly tracing: boolean;
  readonly vpc?: ec2.IVpc;
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** How long WaitForChange waits after a tick (Tick's environment). */
  readonly pollInterval: Duration;
  readonly earlyStoppingInterval?: Duration;
}

/** Every function, with the environment it needs before the state machine exists. */
export function createFunctions(scope: Construct, o: FunctionsOptions): TunerFunctions {
  const environment: Record<string, string> = {
    // Stack traces point at the TypeScript sources (the bundles carry source maps).
    NODE_OPTIONS: '--enable-source-maps',
    POWERTOOLS_SERVICE_NAME: 'hpo-tuner',
    POWERTOOLS_LOG_LEVEL: o.logLevel ?? LogLevel.INFO,
    TABLE_NAME: o.resultsTable.tableName,
    JOB_NAME_PREFIX: o.jobNamePrefix,
    BUCKET_NAME: o.bucket.bucketName,
    ALLOWED_TRAINING_ROLE_ARNS: o.trainingRoles.map((r) => r.roleArn).join(','),
    // The created role reaches only the tuner's bucket: Validate refuses S3 locations elsewhere.
    ...(o.ownTrainingRole ? { OWN_TRAINING_ROLE_ARN: o.ownTrainingRole.roleArn } : {}),
  };
  // The bundles' folders, by handler: built (or found in the cache) once for all functions.
  const bundles = lambdaBundles();
  const functions = Object.fromEntries(
    FUNCTION_SPECS.map((spec) => [spec.handler, createFunction(scope, spec, environment, bundles[spec.handler], o)]),
  ) as Record<HandlerName, lambda.Function>;

  // tick: how long WaitForChange waits after it (the poll interval, shorter while jobs are watched).
  functions.tick.addEnvironment('POLL_INTERVAL_SECONDS', String(o.pollInterval.toSeconds()));
  functions.tick.addEnvironment('EARLY_STOPPING_INTERVAL_SECONDS', String((o.earlyStoppingInterval ?? Duration.minutes(1)).toSeconds()));
  return functions;
}

/**
 * Tell the event handlers the state machine's ARN. They are not invoked by the state machine,
 * so referring to it causes no dependency cycle.
 */
export function addStateMachineArn(functions: TunerFunctions, stateMachineArn: string): void {
  for (const handler of [functions['on-training-event'], functions['on-execution-end']]) {
    handler.addEnvironment('STATE_MACHINE_ARN', stateMachineArn);
  }
}

function createFunction(scope: Construct, spec: FunctionSpec, environment: Record<string, string>, bundleDir: string, o: FunctionsOptions): lambda.Function {
  const logGroup = new logs.LogGroup(scope, `${spec.id}Logs`, { retention: o.logRetention });
  // An own role instead of AWSLambdaBasicExecutionRole: logs only to its own log group.
  const role = new iam.Role(scope, `${spec.id}Role`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `Role of the ${spec.handler} handler of a hyperparameter tuner.`,
  });
  logGroup.grantWrite(role);
  return new lambda.Function(scope, spec.id, {
    // The bundle built by lib/private/lambda-bundles.ts (minified, names kept, source maps):
    // the same files the local twin runs.
    code: lambda.Code.fromAsset(bundleDir),
    handler: LAMBDA_HANDLER,
    description: spec.description,
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: spec.memorySize,
    timeout: spec.timeout,
    role,
    logGroup,
    environment,
    tracing: o.tracing ? lambda.Tracing.ACTIVE : undefined,
    vpc: o.vpc,
    vpcSubnets: o.vpcSubnets,
    ...asyncInvokeOptions(spec.handler, o.deadLetterQueue),
  });
}

/** The event handlers are invoked asynchronously: failed events go to the dead-letter queue. */
function asyncInvokeOptions(handler: HandlerName, deadLetterQueue: sqs.IQueue): Partial<lambda.FunctionProps> {
  if (handler !== 'on-training-event' && handler !== 'on-execution-end') return {};
  return {
    retryAttempts: 2,
    maxEventAge: Duration.hours(6),
    onFailure: new destinations.SqsDestination(deadLetterQueue),
  };
}
