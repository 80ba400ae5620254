/**
 * The public types of the {@link HyperparameterTuner} construct besides the class itself: its
 * props, the log level of its functions and its alarms. Re-exported from `lib/index.ts`.
 */
import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';

/**
 * Log level of the tuner's Lambda functions (Powertools `POWERTOOLS_LOG_LEVEL`).
 *
 * @see https://docs.powertools.aws.dev/lambda/typescript/latest/core/logger/#log-levels
 */
export enum LogLevel {
  /** Most verbose: every step of every handler. */
  DEBUG = 'DEBUG',
  /** Decisions and state changes. */
  INFO = 'INFO',
  /** Unexpected but handled situations (duplicate events, throttling). */
  WARN = 'WARN',
  /** Failures only. */
  ERROR = 'ERROR',
  /** Failures that stop a run. */
  CRITICAL = 'CRITICAL',
  /** No logs at all. */
  SILENT = 'SILENT',
}

/**
 * Properties of a {@link HyperparameterTuner}.
 *
 * Every property is optional: `new HyperparameterTuner(this, 'Tuner')` deploys a complete tuner.
 */
export interface HyperparameterTunerProps {
  /**
   * Prefix of every SageMaker training job the tuner starts.
   *
   * Job names are `<prefix>-<run>-<trial>-<rung>` and SageMaker allows 63 characters: the run
   * name takes up to 32 (AMT's `HyperParameterTuningJobName` limit), the trial number and rung
   * up to 6 each, plus three hyphens, which leaves 16 for the prefix. The IAM permissions of
   * the tuner are scoped to `training-job/<prefix>-*`. Lowercase only, because SageMaker
   * lowercases job names in ARNs: 1-16 characters matching `^[a-z0-9](-*[a-z0-9])*$`.
   *
   * Two tuners in one account and region must not share a prefix.
   *
   * @default - `hpo-` followed by 8 hex characters of a hash of the construct path
   *   (deterministic, so it survives redeployments)
   */
  readonly jobNamePrefix?: string;

  /**
   * The roles the tuner may pass to SageMaker as training job execution roles.
   *
   * A tuning input's `TrainingJobDefinition.RoleArn` must be one of them; the tuner gets
   * `iam:PassRole` on exactly these roles, with the condition
   * `iam:PassedToService = sagemaker.amazonaws.com`. Bring your own when training reads data
   * from other buckets, pulls from specific ECR repositories, or runs in a VPC
   * (`ec2:CreateNetworkInterface` and friends).
   *
   * @see https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html
   * @default - one role is created (see `trainingRole`): read/write on the tuner's bucket,
   *   CloudWatch Logs in `/aws/sagemaker/TrainingJobs`, CloudWatch metrics in `/aws/sagemaker/*`
   *   namespaces, and ECR image pulls
   */
  readonly trainingRoles?: iam.IRole[];

  /**
   * How long `WaitForChange` waits for an event before the loop ticks anyway.
   *
   * Training job state-change events wake the loop at once; this timeout is the fallback that
   * reconciles lost events. Shorter intervals cost more state transitions and Lambda calls.
   * Between 10 seconds and 1 hour, whole seconds.
   *
   * @default Duration.minutes(5)
   */
  readonly pollInterval?: Duration;

  /**
   * How often running jobs are read while a run uses early stopping
   * (`TrainingJobEarlyStoppingType: Auto` with Random, Grid or Bayesian): the loop ticks at
   * least this often while such jobs run, reads what they printed since, and stops the ones the
   * median rule condemns. Shorter intervals stop poor jobs sooner and cost more ticks. Between
   * 10 seconds and `pollInterval`, whole seconds.
   *
   * @default Duration.minutes(1)
   */
  readonly earlyStoppingInterval?: Duration;

  /**
   * Ticks one execution runs before it continues as a new execution.
   *
   * A Standard workflow fails at 25,000 history events. One loop iteration
   * (Tick, CountTick, Done?, WaitForChange) adds 15 events, plus about 50 outside the loop:
   * 1,000 ticks use 15,050 events, leaving about 3,300 retry attempts of margin. At most 1,500.
   *
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html
   * @default 1000
   */
  readonly ticksBeforeContinueAsNew?: number;

  /**
   * Log level of the Lambda functions.
   *
   * @default LogLevel.INFO
   */
  readonly logLevel?: LogLevel;

  /**
   * How long the logs of the Lambda functions and the state machine are kept.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The DynamoDB table that stores runs, trials and training jobs.
   *
   * It must have partition key `pk` (String), sort key `sk` (String) and a global secondary
   * index `gsi1` with partition key `gsi1pk` (String) and sort key `gsi1sk` (String),
   * projecting all attributes. The schema is checked when the table is a `dynamodb.Table` of
   * the same app; an imported table cannot be checked. Import it with
   * `globalIndexes: ['gsi1']` so that grants cover the index.
   *
   * @default - a table is created: on-demand billing, point-in-time recovery, encryption with
   *   the AWS managed key (or `encryptionKey`), removal policy `removalPolicy`
   */
  readonly resultsTable?: dynamodb.ITable;

  /**
   * The S3 bucket for checkpoints (`checkpoints/<run>/<trial>/`) and training outputs.
   *
   * @default - a bucket is created: all public access blocked, TLS enforced, versioned,
   *   encrypted (S3 managed, or `encryptionKey`), checkpoints expire after `checkpointRetention`
   */
  readonly bucket?: s3.IBucket;

  /**
   * Customer-managed KMS key for the table and the bucket the construct creates.
   *
   * @default - the table uses the AWS managed key `aws/dynamodb`, the bucket S3-managed keys
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * How long checkpoints (`checkpoints/` in the created bucket) and noncurrent object
   * versions are kept.
   *
   * A paused trial can only be resumed while its checkpoint exists: keep this longer than
   * your longest run. Whole days. Only for the bucket the construct creates.
   *
   * @default Duration.days(90)
   */
  readonly checkpointRetention?: Duration;

  /**
   * Bucket that receives the server access logs of the created bucket.
   *
   * @default - no server access logs
   */
  readonly serverAccessLogsBucket?: s3.IBucket;

  /**
   * Removal policy of the table and the bucket the construct creates.
   *
   * `RETAIN` keeps every run's results and checkpoints when the stack is deleted or the
   * resources are replaced, at the price of deleting them by hand. `DESTROY` deletes the table
   * with the stack; a bucket that still holds objects cannot be deleted and fails the deletion.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Run the Lambda functions in this VPC.
   *
   * The subnets need a route to DynamoDB, SageMaker, Step Functions and CloudWatch Logs
   * (NAT or VPC endpoints). Training jobs run where their `VpcConfig` (tuning input) says.
   *
   * @default - the functions do not run in a VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Where in `vpc` to place the Lambda functions.
   *
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Name of the state machine.
   *
   * @default - a name generated by CloudFormation
   */
  readonly stateMachineName?: string;

  /**
   * Trace the state machine and the Lambda functions with AWS X-Ray.
   *
   * @default true
   */
  readonly tracing?: boolean;

  /**
   * Maximum duration of one execution of the state machine.
   *
   * Applies to each execution separately: a run that continues as new starts a new
   * execution with a new timeout. The run's own limit is the tuning input's
   * `ResourceLimits.MaxRuntimeInSeconds`. At most 365 days.
   *
   * @default - no timeout (Standard workflows stop after one year)
   */
  readonly executionTimeout?: Duration;

  /**
   * What the state machine writes to its CloudWatch Logs log group.
   *
   * `ERROR` logs failed states and executions; `ALL` logs every state transition (one log
   * event per history event, billed as CloudWatch Logs ingestion).
   *
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html
   * @default sfn.LogLevel.ERROR
   */
  readonly stateMachineLogLevel?: sfn.LogLevel;

  /**
   * Include execution data (state inputs and outputs) in the state machine's logs.
   *
   * Off by default because execution data contains what users rarely want in logs: every
   * `WaitForChange` task token (anyone who can read it can complete the task) and the whole
   * tuning input, including `TrainingJobDefinition.Environment`, where training scripts often
   * get credentials. Turn it on to debug a run, preferably with a short `logRetention`.
   *
   * @default false
   */
  readonly logExecutionData?: boolean;

  /**
   * Create a CloudWatch dashboard for the tuner.
   *
   * Runs started, completed, failed and stopped; training jobs by status and in progress; the
   * best objective of each run over time; state machine executions; errors, throttles and
   * duration of every function; the dead-letter queue's depth; the alarms' states. Off by default because a dashboard is billed per month beyond the free
   * three per account, and many teams keep their own; `metricRuns*`, `metricTrainingJobs*` and
   * the L2 resources' metrics build any other.
   *
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Dashboards.html
   * @default false
   */
  readonly dashboard?: boolean;

  /**
   * Name of the dashboard (only with `dashboard: true`).
   *
   * @default - a name generated by CloudFormation
   */
  readonly dashboardName?: string;

  /**
   * Create the tuner's alarms (exposed as `alarms`, see {@link TunerAlarms}): a failed run, a
   * failed training job, events in the dead-letter queue.
   *
   * On by default: the dead-letter alarm is the only sign that a stopped run's cleanup did not
   * happen (its training jobs may still be billing). Three standard alarms cost a few cents a
   * month. They have no actions unless `alarmActions` gives some.
   *
   * @default true
   */
  readonly alarms?: boolean;

  /**
   * Actions of every alarm when it goes into ALARM, e.g. `new cloudwatch_actions.SnsAction(topic)`.
   *
   * @default - no actions; add them later with `tuner.alarms.runFailed.addAlarmAction(...)`
   */
  readonly alarmActions?: cloudwatch.IAlarmAction[];
}

/**
 * The alarms of a {@link HyperparameterTuner}. Each alarms at 1 or more in a 5-minute period
 * and treats missing data as not breaching.
 */
export interface TunerAlarms {
  /**
   * A run failed: its execution failed or timed out (AWS/States `ExecutionsFailed`,
   * `ExecutionsTimedOut`), or the run ended `Failed` (`HpoTuner` `RunsFailed`, e.g. its first
   * training jobs all failed). Aborted executions (`hpo stop`) do not count.
   */
  readonly runFailed: cloudwatch.Alarm;
  /** A training job of the tuner failed (`HpoTuner` `TrainingJobsFailed`). */
  readonly trainingJobsFailed: cloudwatch.Alarm;
  /** The dead-letter queue holds messages (AWS/SQS `ApproximateNumberOfMessagesVisible`, maximum). */
  readonly deadLetters: cloudwatch.Alarm;
}
