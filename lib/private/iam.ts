/**
 * The tuner's IAM: the SageMaker execution role it creates, each function's grants (exactly
 * the calls it makes; the action lists are in perms.ts) and the policies that name the state
 * machine's own ARN.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { RUN_EVENT_SOURCE, RUN_STATUS_CHANGE_DETAIL_TYPE } from '../../core/orchestrator/run-events';
import type { HandlerName } from './definition';
import type { TunerFunctions } from './functions';
import * as perms from './perms';

/** The ARN of the log group SageMaker training jobs write to (`/aws/sagemaker/TrainingJobs`). */
export function trainingLogGroupArn(scope: Construct): string {
  return Stack.of(scope).formatArn({
    service: 'logs',
    resource: 'log-group',
    resourceName: perms.TRAINING_JOBS_NAMESPACE,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/** The ARN pattern of the tuner's training jobs (`training-job/<prefix>-*`). */
export function trainingJobArn(scope: Construct, jobNamePrefix: string): string {
  return Stack.of(scope).formatArn({
    service: 'sagemaker',
    resource: 'training-job',
    resourceName: `${jobNamePrefix}-*`,
  });
}

/** The SageMaker execution role (`TrainingRole`) of the training jobs, when none is passed in. */
export function createTrainingRole(scope: Construct, bucket: s3.IBucket): iam.Role {
  const role = new iam.Role(scope, 'TrainingRole', {
    assumedBy: new iam.ServicePrincipal(perms.SAGEMAKER_SERVICE_PRINCIPAL),
    description: 'SageMaker execution role of the training jobs of a hyperparameter tuner.',
  });
  // Data, checkpoints and outputs: the tuner's bucket only (covers its KMS key).
  bucket.grantReadWrite(role);
  // Training logs go to the log group /aws/sagemaker/TrainingJobs.
  const logGroupArn = trainingLogGroupArn(scope);
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: perms.TRAINING_LOGS_ACTIONS,
      resources: [logGroupArn, `${logGroupArn}:log-stream:*`],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: perms.TRAINING_METRICS_ACTIONS,
      // PutMetricData has no resource-level permissions; the namespace condition scopes it.
      resources: ['*'],
      conditions: { StringLike: { 'cloudwatch:namespace': '/aws/sagemaker/*' } },
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: perms.ECR_AUTH_ACTIONS,
      // GetAuthorizationToken has no resource-level permissions: '*' is required.
      resources: ['*'],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: perms.ECR_PULL_ACTIONS,
      // Training images live in repositories that are not known at deploy time (the
      // tuning input names them; AWS framework images live in AWS-owned accounts that
      // differ per region). Bring your own trainingRoles to scope this down.
      resources: ['*'],
    }),
  );
  return role;
}

/** What the functions' grants refer to. */
export interface FunctionGrantsOptions {
  readonly resultsTable: dynamodb.ITable;
  readonly bucket: s3.IBucket;
  readonly trainingRoles: readonly iam.IRole[];
  readonly jobNamePrefix: string;
}

/**
 * Every function gets exactly the calls it makes (perms.ts, checked both ways by the
 * permissions ledger of the end-to-end tests: no call denied, no grant unused), except those
 * naming the state machine (see {@link grantStateMachineSelfReferences}).
 */
export function grantFunctionPermissions(scope: Construct, functions: TunerFunctions, o: FunctionGrantsOptions): void {
  const jobs = trainingJobArn(scope, o.jobNamePrefix);
  const sagemaker = (grantee: lambda.IFunction, actions: string[]): void => {
    grantee.addToRolePolicy(new iam.PolicyStatement({ actions, resources: [jobs] }));
  };
  const table = (handler: HandlerName): void => {
    const grantee = functions[handler];
    o.resultsTable.grant(grantee, ...perms.TABLE_ACTIONS[handler]);
    // A customer-managed key (created table with encryptionKey, or a table brought with one).
    o.resultsTable.encryptionKey?.grantEncryptDecrypt(grantee);
  };
  const tick = functions.tick;

  // validate: nothing AWS.
  // init: creates the run record (conditional write; reads it back to stay idempotent
  // when the same execution retries) and checks warm-start parents.
  table('init');
  // tick: run state; starts, describes and stops training jobs, passes a training role.
  table('tick');
  sagemaker(tick, [...perms.SAGEMAKER_START_ACTIONS, ...perms.SAGEMAKER_DESCRIBE_ACTIONS, ...perms.SAGEMAKER_STOP_ACTIONS]);
  // tick: reads what running jobs print, for early stopping (the training jobs' log group only).
  tick.addToRolePolicy(
    new iam.PolicyStatement({ actions: perms.TRAINING_LOG_READ_ACTIONS, resources: [`${trainingLogGroupArn(scope)}:*`] }),
  );
  // tick: lists a trial's checkpoint folder once per run (the warning about scripts that cannot resume).
  tick.addToRolePolicy(
    new iam.PolicyStatement({
      actions: perms.CHECKPOINT_LIST_ACTIONS,
      resources: [o.bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': ['checkpoints/*'] } },
    }),
  );
  tick.addToRolePolicy(
    new iam.PolicyStatement({
      actions: perms.PASS_ROLE_ACTIONS,
      resources: o.trainingRoles.map((r) => r.roleArn),
      conditions: { StringEquals: { 'iam:PassedToService': perms.SAGEMAKER_SERVICE_PRINCIPAL } },
    }),
  );
  // wait-for-change: stores the token (+ SendTaskSuccess, once the state machine exists).
  table('wait-for-change');
  // finalize: records the best trial, releases warm pools.
  table('finalize');
  sagemaker(functions.finalize, perms.SAGEMAKER_UPDATE_ACTIONS);
  // on-training-event: records the result (+ SendTaskSuccess, once the state machine exists).
  table('on-training-event');
  sagemaker(functions['on-training-event'], perms.SAGEMAKER_DESCRIBE_ACTIONS);
  // on-execution-end: stops in-flight jobs and releases warm pools of finished ones.
  table('on-execution-end');
  sagemaker(functions['on-execution-end'], [...perms.SAGEMAKER_STOP_ACTIONS, ...perms.SAGEMAKER_UPDATE_ACTIONS]);
  // The run-level status event: Init (started), Finalize (completed, failed), the cleanup
  // (stopped, failed). Only on the default bus, and only this source and detail-type.
  // events:source and events:detail-type are multivalued keys (one value per entry of a
  // PutEvents call): a plain StringEquals never matches them, ForAllValues does, and the Null
  // checks keep ForAllValues from matching a request without the keys.
  const defaultBusArn = Stack.of(scope).formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' });
  for (const announcer of [functions.init, functions.finalize, functions['on-execution-end']]) {
    announcer.addToRolePolicy(
      new iam.PolicyStatement({
        actions: perms.RUN_EVENTS_ACTIONS,
        resources: [defaultBusArn],
        conditions: {
          'ForAllValues:StringEquals': { 'events:source': [RUN_EVENT_SOURCE], 'events:detail-type': [RUN_STATUS_CHANGE_DETAIL_TYPE] },
          Null: { 'events:source': 'false', 'events:detail-type': 'false' },
        },
      }),
    );
  }
}

/**
 * Permissions that refer to the state machine's own ARN.
 *
 * The state machine depends on the functions it invokes and on its role's DefaultPolicy; a
 * statement naming the state machine's ARN in either of those would be a circular dependency.
 * These go into separately attached iam.Policy resources instead, which depend on the state
 * machine while nothing depends on them. (The alternative, a fixed state machine name and a
 * formatted ARN, would take CloudFormation-generated names away from users.)
 *  - ContinueAsNew: the state machine starts an execution of itself.
 *  - WaitForChange: the handler wakes its own task when the run changed meanwhile.
 * The event handlers are not invoked by the state machine: no cycle, plain grants.
 */
export function grantStateMachineSelfReferences(scope: Construct, stateMachine: sfn.StateMachine, functions: TunerFunctions): void {
  new iam.Policy(scope, 'ContinueAsNewPolicy', {
    roles: [stateMachine.role],
    statements: [
      new iam.PolicyStatement({ actions: perms.START_EXECUTION_ACTIONS, resources: [stateMachine.stateMachineArn] }),
    ],
  });
  new iam.Policy(scope, 'WaitForChangeTaskResponsePolicy', {
    roles: [functions['wait-for-change'].role!],
    statements: [
      new iam.PolicyStatement({ actions: perms.TASK_RESPONSE_ACTIONS, resources: [stateMachine.stateMachineArn] }),
    ],
  });
  functions['on-training-event'].addToRolePolicy(
    new iam.PolicyStatement({ actions: perms.TASK_RESPONSE_ACTIONS, resources: [stateMachine.stateMachineArn] }),
  );
}
