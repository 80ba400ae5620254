/**
 * IAM action lists used by the HyperparameterTuner construct, kept in one place (as
 * aws-dynamodb/lib/perms.ts does) so grants and tests agree on them.
 *
 * DynamoDB and S3 data-plane permissions are not listed here: they come from the L2 grant
 * methods (`table.grantReadData`, `bucket.grantReadWrite`, ...) so that a customer-managed
 * KMS key is covered as well.
 */

import type { HandlerName } from './definition';

/**
 * The results-table actions each function calls (on the table and its index `gsi1`), exactly:
 * the end-to-end tests' permissions ledger fails on a call denied and on a grant unused.
 */
export const TABLE_ACTIONS: Readonly<Record<HandlerName, readonly string[]>> = {
  validate: [],
  // createRun; getRun when the name is taken (idempotent retry) and for warm-start parents.
  init: ['dynamodb:GetItem', 'dynamodb:PutItem'],
  // the run, its active jobs and trials; the commit (run update, trial and job items).
  tick: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
  // parks the task token on the run (a conditional update).
  'wait-for-change': ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
  // reads the run and its jobs, records released warm pools.
  finalize: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
  // records the job's observation, bumps the run's version and claims its token.
  'on-training-event': ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  // marks the run stopped, lists its jobs, records them stopping.
  'on-execution-end': ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
};

/** Start a tuning run (an execution of the tuner's state machine). */
export const START_EXECUTION_ACTIONS = ['states:StartExecution'];

/** Stop a tuning run. Stopping an execution makes the cleanup rule stop the run's training jobs. */
export const STOP_EXECUTION_ACTIONS = ['states:StopExecution'];

/** Report the result of a `.waitForTaskToken` task (wake the reconciler loop). */
export const TASK_RESPONSE_ACTIONS = ['states:SendTaskSuccess'];

/**
 * `sagemaker:CreateTrainingJob` plus `sagemaker:AddTags`: CreateTrainingJob with `Tags` is
 * authorized against AddTags as well.
 */
export const SAGEMAKER_START_ACTIONS = ['sagemaker:CreateTrainingJob', 'sagemaker:AddTags'];

/** Read one training job (status, FinalMetricDataList). */
export const SAGEMAKER_DESCRIBE_ACTIONS = ['sagemaker:DescribeTrainingJob'];

/** Stop an in-flight training job. */
export const SAGEMAKER_STOP_ACTIONS = ['sagemaker:StopTrainingJob'];

/**
 * Read what running training jobs print (log group `/aws/sagemaker/TrainingJobs`): the tick's
 * early stopping (`TrainingJobEarlyStoppingType: Auto`) reads each epoch's objective from it.
 */
export const TRAINING_LOG_READ_ACTIONS = ['logs:FilterLogEvents'];

/** Release a warm pool (`ResourceConfig.KeepAlivePeriodInSeconds` = 0). */
export const SAGEMAKER_UPDATE_ACTIONS = ['sagemaker:UpdateTrainingJob'];

/**
 * List a trial's checkpoint folder (ListObjectsV2), scoped to the `checkpoints/` prefix: the
 * tick warns once per run when a rung left it empty (a script that cannot resume).
 */
export const CHECKPOINT_LIST_ACTIONS = ['s3:ListBucket'];

/** Pass a training role to SageMaker (always with the `iam:PassedToService` condition). */
export const PASS_ROLE_ACTIONS = ['iam:PassRole'];

/** The service principal a training role is passed to and trusted by. */
export const SAGEMAKER_SERVICE_PRINCIPAL = 'sagemaker.amazonaws.com';

/** What a training job's own role needs for CloudWatch Logs (log group `/aws/sagemaker/TrainingJobs`). */
export const TRAINING_LOGS_ACTIONS = [
  'logs:CreateLogGroup',
  'logs:CreateLogStream',
  'logs:DescribeLogStreams',
  'logs:PutLogEvents',
];

/** What a training job's own role needs to publish its metrics (namespace-conditioned). */
export const TRAINING_METRICS_ACTIONS = ['cloudwatch:PutMetricData'];

/** The CloudWatch namespace and log group SageMaker training jobs write to. */
export const TRAINING_JOBS_NAMESPACE = '/aws/sagemaker/TrainingJobs';

/** ECR registry login; `GetAuthorizationToken` has no resource-level permissions. */
export const ECR_AUTH_ACTIONS = ['ecr:GetAuthorizationToken'];

/** ECR image pull. */
export const ECR_PULL_ACTIONS = [
  'ecr:BatchCheckLayerAvailability',
  'ecr:BatchGetImage',
  'ecr:GetDownloadUrlForLayer',
];

/**
 * Send the run-level status event (on the default bus only, conditioned on the tuner's
 * `events:source` and `events:detail-type`).
 */
export const RUN_EVENTS_ACTIONS = ['events:PutEvents'];
