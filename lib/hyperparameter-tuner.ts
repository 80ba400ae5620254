import { Annotations, ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { RUN_EVENT_SOURCE, RUN_STATUS_CHANGE_DETAIL_TYPE, TUNER_METRICS } from '../core/orchestrator/run-events';
import { buildDefinition, DEFAULT_TICKS_BEFORE_CONTINUE_AS_NEW, HandlerName } from './private/definition';
import { LAMBDA_HANDLER, lambdaBundles } from './private/lambda-bundles';
import { createAlarms, createDashboard, tunerMetric } from './private/monitoring';
import * as nag from './private/nag';
import * as perms from './private/perms';
import { validateTunerProps } from './validate-props';

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

/** Settings of one Lambda function. */
interface FunctionSpec {
  readonly id: string;
  readonly handler: HandlerName;
  readonly description: string;
  readonly timeout: Duration;
  readonly memorySize: number;
}

/**
 * A serverless hyperparameter tuner for Amazon SageMaker.
 *
 * A Step Functions state machine runs a reconciler loop (Validate, Init, then Tick and
 * WaitForChange until the run is done, then Finalize); Lambda functions propose trials,
 * start training jobs and apply Hyperband/ASHA promotion; DynamoDB records every run, trial
 * and training job; EventBridge rules wake the loop on training job state changes and stop
 * a run's training jobs when its execution is aborted, fails or times out.
 *
 * Start a run by starting an execution with the body of a SageMaker
 * `CreateHyperParameterTuningJob` request (plus this project's extensions) as input. The
 * execution's output names the best training job, its hyperparameters and objective value.
 *
 * Unit tests can skip esbuild bundling with the standard CDK context
 * `aws:cdk:bundling-stacks` set to `[]` (what `cdk synth --exclusively` does for other stacks).
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateHyperParameterTuningJob.html
 */
export class HyperparameterTuner extends Construct {
  /** The state machine; start an execution per tuning run. */
  public readonly stateMachine: sfn.StateMachine;

  /** The table with runs, trials and training jobs (created, or the one passed in). */
  public readonly resultsTable: dynamodb.ITable;

  /** The bucket for checkpoints and outputs (created, or the one passed in). */
  public readonly bucket: s3.IBucket;

  /**
   * The SageMaker execution role the construct created.
   *
   * @default - undefined when `trainingRoles` were passed in
   */
  public readonly trainingRole?: iam.IRole;

  /** The roles the tuner may pass to SageMaker. */
  public readonly trainingRoles: iam.IRole[];

  /** The prefix of every training job name. */
  public readonly jobNamePrefix: string;

  /**
   * Queue that keeps events the event handlers could not process (after retries).
   *
   * Alarm on it: an unprocessed cleanup event can leave training jobs running.
   */
  public readonly eventDeadLetterQueue: sqs.IQueue;

  /**
   * The alarms (see {@link TunerAlarms}); add actions with `addAlarmAction`.
   *
   * @default - undefined when `alarms` is false
   */
  public readonly alarms?: TunerAlarms;

  /**
   * The CloudWatch dashboard.
   *
   * @default - undefined unless `dashboard` is true
   */
  public readonly dashboard?: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: HyperparameterTunerProps = {}) {
    super(scope, id);

    const problems = validateTunerProps(props);
    if (problems.length > 0) {
      throw new Error(
        `HyperparameterTuner '${this.node.path}' has invalid props (${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}):\n- ${problems.join('\n- ')}`,
      );
    }

    const stack = Stack.of(this);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const tracing = props.tracing ?? true;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    this.jobNamePrefix = props.jobNamePrefix ?? `hpo-${this.node.addr.substring(2, 10)}`;

    if (props.encryptionKey && props.resultsTable && props.bucket) {
      Annotations.of(this).addWarningV2(
        '@hpo-tuner:unusedEncryptionKey',
        'encryptionKey is not used: it only encrypts the table and bucket the construct creates, and both were passed in',
      );
    }
    if (props.removalPolicy !== undefined && props.resultsTable && props.bucket) {
      Annotations.of(this).addWarningV2(
        '@hpo-tuner:unusedRemovalPolicy',
        'removalPolicy is not used: it only applies to the table and bucket the construct creates, and both were passed in',
      );
    }

    // --- Results table ------------------------------------------------------------------
    if (props.resultsTable) {
      this.resultsTable = props.resultsTable;
    } else {
      const table = new dynamodb.Table(this, 'ResultsTable', {
        partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
        sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: props.encryptionKey ? dynamodb.TableEncryption.CUSTOMER_MANAGED : dynamodb.TableEncryption.AWS_MANAGED,
        encryptionKey: props.encryptionKey,
        removalPolicy,
      });
      // Per-run leaderboard and run listing.
      table.addGlobalSecondaryIndex({
        indexName: 'gsi1',
        partitionKey: { name: 'gsi1pk', type: dynamodb.AttributeType.STRING },
        sortKey: { name: 'gsi1sk', type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
      this.resultsTable = table;
    }

    // --- Bucket -------------------------------------------------------------------------
    if (props.bucket) {
      this.bucket = props.bucket;
    } else {
      const retention = props.checkpointRetention ?? Duration.days(90);
      this.bucket = new s3.Bucket(this, 'Bucket', {
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        enforceSSL: true,
        minimumTLSVersion: 1.2,
        encryption: props.encryptionKey ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
        encryptionKey: props.encryptionKey,
        bucketKeyEnabled: props.encryptionKey ? true : undefined,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        // Versioned: checkpoints are overwritten in place at every rung; versions protect a
        // paused trial's checkpoint against an accidental overwrite or delete. Noncurrent
        // versions expire, so the cost stays bounded.
        versioned: true,
        serverAccessLogsBucket: props.serverAccessLogsBucket,
        serverAccessLogsPrefix: props.serverAccessLogsBucket ? 'hpo-tuner/' : undefined,
        lifecycleRules: [
          { id: 'ExpireCheckpoints', prefix: 'checkpoints/', expiration: retention },
          { id: 'ExpireNoncurrentVersions', noncurrentVersionExpiration: retention },
          { id: 'AbortIncompleteUploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
        ],
        removalPolicy,
      });
    }

    // --- Training roles -----------------------------------------------------------------
    if (props.trainingRoles) {
      this.trainingRoles = [...props.trainingRoles];
    } else {
      const role = this.createTrainingRole();
      this.trainingRole = role;
      this.trainingRoles = [role];
    }

    // --- Dead-letter queue of the event handlers ----------------------------------------
    // Events EventBridge could not deliver and events the handlers failed on (after
    // retries) both land here.
    this.eventDeadLetterQueue = new sqs.Queue(this, 'EventDeadLetterQueue', {
      enforceSSL: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      retentionPeriod: Duration.days(14),
    });

    // --- Lambda functions ---------------------------------------------------------------
    const environment: Record<string, string> = {
      // Stack traces point at the TypeScript sources (the bundles carry source maps).
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: 'hpo-tuner',
      POWERTOOLS_LOG_LEVEL: props.logLevel ?? LogLevel.INFO,
      TABLE_NAME: this.resultsTable.tableName,
      JOB_NAME_PREFIX: this.jobNamePrefix,
      BUCKET_NAME: this.bucket.bucketName,
      ALLOWED_TRAINING_ROLE_ARNS: this.trainingRoles.map((r) => r.roleArn).join(','),
      // The created role reaches only the tuner's bucket: Validate refuses S3 locations elsewhere.
      ...(this.trainingRole ? { OWN_TRAINING_ROLE_ARN: this.trainingRole.roleArn } : {}),
    };
    // The bundles' folders, by handler: built (or found in the cache) once for all functions.
    const bundles = lambdaBundles();
    const fn = (spec: FunctionSpec): lambda.Function =>
      this.createFunction(spec, environment, { bundleDir: bundles[spec.handler], logRetention, tracing, vpc: props.vpc, vpcSubnets: props.vpcSubnets });

    const validateFn = fn({ id: 'ValidateFunction', handler: 'validate', description: 'Validates an AMT-style tuning input.', timeout: Duration.seconds(30), memorySize: 256 });
    const initFn = fn({ id: 'InitFunction', handler: 'init', description: 'Creates the run record of a tuning run.', timeout: Duration.seconds(30), memorySize: 256 });
    const tickFn = fn({ id: 'TickFunction', handler: 'tick', description: 'One ask/tell step of a tuning run: records results, starts training jobs.', timeout: Duration.minutes(5), memorySize: 512 });
    const waitFn = fn({ id: 'WaitForChangeFunction', handler: 'wait-for-change', description: 'Stores the task token of the waiting tuning loop.', timeout: Duration.seconds(30), memorySize: 256 });
    const finalizeFn = fn({ id: 'FinalizeFunction', handler: 'finalize', description: 'Records the best trial and releases warm pools.', timeout: Duration.minutes(2), memorySize: 256 });
    const onTrainingEventFn = fn({ id: 'OnTrainingEventFunction', handler: 'on-training-event', description: 'Records a training job state change and wakes the tuning loop.', timeout: Duration.minutes(1), memorySize: 256 });
    const onExecutionEndFn = fn({ id: 'OnExecutionEndFunction', handler: 'on-execution-end', description: 'Stops the training jobs of an aborted, failed or timed-out run.', timeout: Duration.minutes(5), memorySize: 256 });

    // --- IAM per function ---------------------------------------------------------------
    const trainingJobArn = stack.formatArn({
      service: 'sagemaker',
      resource: 'training-job',
      resourceName: `${this.jobNamePrefix}-*`,
    });
    const sagemaker = (grantee: lambda.IFunction, actions: string[]): void => {
      grantee.addToRolePolicy(new iam.PolicyStatement({ actions, resources: [trainingJobArn] }));
    };

    // Every function gets exactly the calls it makes (lib/private/perms.ts, checked both ways
    // by the permissions ledger of the end-to-end tests: no call denied, no grant unused).
    const table = (grantee: lambda.Function, handler: HandlerName): void => {
      this.resultsTable.grant(grantee, ...perms.TABLE_ACTIONS[handler]);
      // A customer-managed key (created table with encryptionKey, or a table brought with one).
      this.resultsTable.encryptionKey?.grantEncryptDecrypt(grantee);
    };
    // validate: nothing AWS.
    // init: creates the run record (conditional write; reads it back to stay idempotent
    // when the same execution retries) and checks warm-start parents.
    table(initFn, 'init');
    // tick: run state; starts, describes and stops training jobs, passes a training role.
    table(tickFn, 'tick');
    sagemaker(tickFn, [...perms.SAGEMAKER_START_ACTIONS, ...perms.SAGEMAKER_DESCRIBE_ACTIONS, ...perms.SAGEMAKER_STOP_ACTIONS]);
    // tick: reads what running jobs print, for early stopping (the training jobs' log group only).
    const trainingLogGroupArn = this.trainingLogGroupArn();
    tickFn.addToRolePolicy(
      new iam.PolicyStatement({ actions: perms.TRAINING_LOG_READ_ACTIONS, resources: [`${trainingLogGroupArn}:*`] }),
    );
    // tick: how long WaitForChange waits after it (the poll interval, shorter while jobs are watched).
    const pollInterval = props.pollInterval ?? Duration.minutes(5);
    tickFn.addEnvironment('POLL_INTERVAL_SECONDS', String(pollInterval.toSeconds()));
    tickFn.addEnvironment('EARLY_STOPPING_INTERVAL_SECONDS', String((props.earlyStoppingInterval ?? Duration.minutes(1)).toSeconds()));
    // tick: lists a trial's checkpoint folder once per run (the warning about scripts that cannot resume).
    tickFn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: perms.CHECKPOINT_LIST_ACTIONS,
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': ['checkpoints/*'] } },
      }),
    );
    tickFn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: perms.PASS_ROLE_ACTIONS,
        resources: this.trainingRoles.map((r) => r.roleArn),
        conditions: { StringEquals: { 'iam:PassedToService': perms.SAGEMAKER_SERVICE_PRINCIPAL } },
      }),
    );
    // wait-for-change: stores the token (+ SendTaskSuccess, below, once the state machine exists).
    table(waitFn, 'wait-for-change');
    // finalize: records the best trial, releases warm pools.
    table(finalizeFn, 'finalize');
    sagemaker(finalizeFn, perms.SAGEMAKER_UPDATE_ACTIONS);
    // on-training-event: records the result (+ SendTaskSuccess, below).
    table(onTrainingEventFn, 'on-training-event');
    sagemaker(onTrainingEventFn, perms.SAGEMAKER_DESCRIBE_ACTIONS);
    // on-execution-end: stops in-flight jobs and releases warm pools of finished ones.
    table(onExecutionEndFn, 'on-execution-end');
    sagemaker(onExecutionEndFn, [...perms.SAGEMAKER_STOP_ACTIONS, ...perms.SAGEMAKER_UPDATE_ACTIONS]);
    // The run-level status event: Init (started), Finalize (completed, failed), the cleanup
    // (stopped, failed). Only on the default bus, and only this source and detail-type.
    // events:source and events:detail-type are multivalued keys (one value per entry of a
    // PutEvents call): a plain StringEquals never matches them, ForAllValues does, and the Null
    // checks keep ForAllValues from matching a request without the keys.
    const defaultBusArn = stack.formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' });
    for (const announcer of [initFn, finalizeFn, onExecutionEndFn]) {
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

    // --- State machine ------------------------------------------------------------------
    const stateMachineLogs = new logs.LogGroup(this, 'StateMachineLogs', { retention: logRetention });
    const definition = buildDefinition(
      new Construct(this, 'Definition'),
      { validate: validateFn, init: initFn, tick: tickFn, waitForChange: waitFn, finalize: finalizeFn },
      {
        pollInterval,
        ticksBeforeContinueAsNew: props.ticksBeforeContinueAsNew ?? DEFAULT_TICKS_BEFORE_CONTINUE_AS_NEW,
      },
    );
    this.stateMachine = new sfn.StateMachine(this, 'Resource', {
      stateMachineName: props.stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      timeout: props.executionTimeout,
      tracingEnabled: tracing,
      logs: {
        destination: stateMachineLogs,
        level: props.stateMachineLogLevel ?? sfn.LogLevel.ERROR,
        includeExecutionData: props.logExecutionData ?? false,
      },
    });

    // Permissions that refer to the state machine's own ARN. The state machine depends on
    // the functions it invokes and on its role's DefaultPolicy; a statement naming the
    // state machine's ARN in either of those would be a circular dependency. These go into
    // separately attached iam.Policy resources instead, which depend on the state machine
    // while nothing depends on them. (The alternative, a fixed state machine name and a
    // formatted ARN, would take CloudFormation-generated names away from users.)
    //  - ContinueAsNew: the state machine starts an execution of itself.
    //  - WaitForChange: the handler wakes its own task when the run changed meanwhile.
    new iam.Policy(this, 'ContinueAsNewPolicy', {
      roles: [this.stateMachine.role],
      statements: [
        new iam.PolicyStatement({ actions: perms.START_EXECUTION_ACTIONS, resources: [this.stateMachine.stateMachineArn] }),
      ],
    });
    new iam.Policy(this, 'WaitForChangeTaskResponsePolicy', {
      roles: [waitFn.role!],
      statements: [
        new iam.PolicyStatement({ actions: perms.TASK_RESPONSE_ACTIONS, resources: [this.stateMachine.stateMachineArn] }),
      ],
    });
    // The event handlers are not invoked by the state machine: no cycle, plain grants.
    for (const handler of [onTrainingEventFn, onExecutionEndFn]) {
      handler.addEnvironment('STATE_MACHINE_ARN', this.stateMachine.stateMachineArn);
    }
    onTrainingEventFn.addToRolePolicy(
      new iam.PolicyStatement({ actions: perms.TASK_RESPONSE_ACTIONS, resources: [this.stateMachine.stateMachineArn] }),
    );

    // --- EventBridge --------------------------------------------------------------------
    const target = (handler: lambda.IFunction): targets.LambdaFunction =>
      new targets.LambdaFunction(handler, {
        deadLetterQueue: this.eventDeadLetterQueue,
        maxEventAge: Duration.hours(2),
        retryAttempts: 8,
      });

    new events.Rule(this, 'TrainingJobStateChangeRule', {
      description: 'SageMaker training job state changes of this tuner, to the on-training-event handler.',
      eventPattern: {
        source: ['aws.sagemaker'],
        detailType: ['SageMaker Training Job State Change'],
        detail: { TrainingJobName: [{ prefix: `${this.jobNamePrefix}-` }] },
      },
      targets: [target(onTrainingEventFn)],
    });
    new events.Rule(this, 'ExecutionEndRule', {
      description: 'Aborted, failed or timed-out tuning runs, to the cleanup handler (stops training jobs).',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: {
          stateMachineArn: [this.stateMachine.stateMachineArn],
          status: ['ABORTED', 'FAILED', 'TIMED_OUT'],
        },
      },
      targets: [target(onExecutionEndFn)],
    });

    // --- Alarms and dashboard -----------------------------------------------------------
    const watched = {
      jobNamePrefix: this.jobNamePrefix,
      stateMachine: this.stateMachine,
      deadLetterQueue: this.eventDeadLetterQueue,
      functions: {
        validate: validateFn,
        init: initFn,
        tick: tickFn,
        'wait-for-change': waitFn,
        finalize: finalizeFn,
        'on-training-event': onTrainingEventFn,
        'on-execution-end': onExecutionEndFn,
      },
    };
    if (props.alarms ?? true) this.alarms = createAlarms(this, watched, props.alarmActions ?? []);
    if (props.dashboard ?? false) this.dashboard = createDashboard(this, watched, this.alarms, props.dashboardName);

    this.acknowledgeInherentFindings({
      all: [validateFn, initFn, tickFn, waitFn, finalizeFn, onTrainingEventFn, onExecutionEndFn],
      invokedByStateMachine: [validateFn, initFn, tickFn, waitFn, finalizeFn],
      withTableAccess: [initFn, tickFn, waitFn, finalizeFn, onTrainingEventFn, onExecutionEndFn],
      withTrainingJobAccess: [tickFn, finalizeFn, onTrainingEventFn, onExecutionEndFn],
      trainingJobArn,
      readsTrainingLogs: tickFn,
      tracing,
      inVpc: props.vpc !== undefined,
      stateMachineLogLevel: props.stateMachineLogLevel ?? sfn.LogLevel.ERROR,
    });
  }

  /**
   * Grant permission to start tuning runs (executions of the state machine).
   *
   * Actions: `states:StartExecution` on the state machine.
   */
  public grantStartExecution(grantee: iam.IGrantable): iam.Grant {
    return this.stateMachine.grantStartExecution(grantee);
  }

  /**
   * Grant permission to stop tuning runs (executions of the state machine).
   *
   * Stopping an execution makes the cleanup handler stop the run's training jobs.
   * Actions: `states:StopExecution` on the state machine's executions.
   */
  public grantStopExecution(grantee: iam.IGrantable): iam.Grant {
    return this.stateMachine.grantExecution(grantee, ...perms.STOP_EXECUTION_ACTIONS);
  }

  /**
   * Grant permission to read the tuning results (runs, trials, training jobs, leaderboards).
   *
   * Uses the table's `grantReadData`, so a customer-managed key is covered. Actions:
   * `dynamodb:BatchGetItem`, `dynamodb:GetRecords`, `dynamodb:GetShardIterator`,
   * `dynamodb:Query`, `dynamodb:GetItem`, `dynamodb:Scan`, `dynamodb:ConditionCheckItem`,
   * `dynamodb:DescribeTable` on the table and its indexes (plus `kms:Decrypt` and
   * `kms:DescribeKey` with a customer-managed key).
   */
  public grantReadResults(grantee: iam.IGrantable): iam.Grant {
    return this.resultsTable.grantReadData(grantee);
  }

  /**
   * An EventBridge rule on this tuner's run status events (default bus, source `hpo.tuner`,
   * detail-type `HPO Tuning Run Status Change`, `detail.tuner` = this tuner's job-name prefix).
   *
   * Narrow it with `eventPattern`, e.g. `{ detail: { status: ['Failed'] } }`; route it with
   * `target` (an SNS topic, a Lambda function, a pipeline).
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
   */
  public onRunStatusChange(id: string, options: events.OnEventOptions = {}): events.Rule {
    const rule = new events.Rule(this, id, options);
    rule.addTarget(options.target);
    rule.addEventPattern({
      source: [RUN_EVENT_SOURCE],
      detailType: [RUN_STATUS_CHANGE_DETAIL_TYPE],
      detail: { tuner: [this.jobNamePrefix] },
    });
    return rule;
  }

  /** Runs started (namespace `HpoTuner`, sum over 5 minutes). */
  public metricRunsStarted(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return tunerMetric(this.jobNamePrefix, TUNER_METRICS.runs.Running, props);
  }

  /** Runs that ended `Completed` (namespace `HpoTuner`, sum over 5 minutes). */
  public metricRunsCompleted(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return tunerMetric(this.jobNamePrefix, TUNER_METRICS.runs.Completed, props);
  }

  /** Runs that ended `Failed` (namespace `HpoTuner`, sum over 5 minutes). */
  public metricRunsFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return tunerMetric(this.jobNamePrefix, TUNER_METRICS.runs.Failed, props);
  }

  /** Runs that were stopped (namespace `HpoTuner`, sum over 5 minutes). */
  public metricRunsStopped(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return tunerMetric(this.jobNamePrefix, TUNER_METRICS.runs.Stopped, props);
  }

  /** Training jobs that completed (namespace `HpoTuner`, sum over 5 minutes). */
  public metricTrainingJobsCompleted(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return tunerMetric(this.jobNamePrefix, TUNER_METRICS.trainingJobs.Completed, props);
  }

  /** Training jobs that failed (namespace `HpoTuner`, sum over 5 minutes). */
  public metricTrainingJobsFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return tunerMetric(this.jobNamePrefix, TUNER_METRICS.trainingJobs.Failed, props);
  }

  /** Training jobs that were stopped (namespace `HpoTuner`, sum over 5 minutes). */
  public metricTrainingJobsStopped(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return tunerMetric(this.jobNamePrefix, TUNER_METRICS.trainingJobs.Stopped, props);
  }

  private createTrainingRole(): iam.Role {
    const role = new iam.Role(this, 'TrainingRole', {
      assumedBy: new iam.ServicePrincipal(perms.SAGEMAKER_SERVICE_PRINCIPAL),
      description: 'SageMaker execution role of the training jobs of a hyperparameter tuner.',
    });
    // Data, checkpoints and outputs: the tuner's bucket only (covers its KMS key).
    this.bucket.grantReadWrite(role);
    // Training logs go to the log group /aws/sagemaker/TrainingJobs.
    const logGroupArn = this.trainingLogGroupArn();
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

  private createFunction(
    spec: FunctionSpec,
    environment: Record<string, string>,
    options: { bundleDir: string; logRetention: logs.RetentionDays; tracing: boolean; vpc?: ec2.IVpc; vpcSubnets?: ec2.SubnetSelection },
  ): lambda.Function {
    const logGroup = new logs.LogGroup(this, `${spec.id}Logs`, { retention: options.logRetention });
    // An own role instead of AWSLambdaBasicExecutionRole: logs only to its own log group.
    const role = new iam.Role(this, `${spec.id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Role of the ${spec.handler} handler of a hyperparameter tuner.`,
    });
    logGroup.grantWrite(role);
    return new lambda.Function(this, spec.id, {
      // The bundle built by lib/private/lambda-bundles.ts (minified, names kept, source maps):
      // the same files the local twin runs.
      code: lambda.Code.fromAsset(options.bundleDir),
      handler: LAMBDA_HANDLER,
      description: spec.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: spec.memorySize,
      timeout: spec.timeout,
      role,
      logGroup,
      environment,
      tracing: options.tracing ? lambda.Tracing.ACTIVE : undefined,
      vpc: options.vpc,
      vpcSubnets: options.vpcSubnets,
      ...this.asyncInvokeOptions(spec.handler, this.eventDeadLetterQueue),
    });
  }

  /** The event handlers are invoked asynchronously: failed events go to the dead-letter queue. */
  private asyncInvokeOptions(handler: HandlerName, deadLetterQueue: sqs.IQueue): Partial<lambda.FunctionProps> {
    if (handler !== 'on-training-event' && handler !== 'on-execution-end') return {};
    return {
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new destinations.SqsDestination(deadLetterQueue),
    };
  }

  /**
   * Acknowledge the cdk-nag findings that follow from the design, each with its reason, so
   * that users of the construct only see findings about their own choices (for example
   * AwsSolutions-S1, server access logs). See lib/private/nag.ts.
   */
  private acknowledgeInherentFindings(f: {
    readonly all: lambda.Function[];
    readonly invokedByStateMachine: lambda.IFunction[];
    readonly withTableAccess: lambda.Function[];
    readonly withTrainingJobAccess: lambda.Function[];
    readonly trainingJobArn: string;
    readonly readsTrainingLogs: lambda.IFunction;
    readonly tracing: boolean;
    readonly inVpc: boolean;
    readonly stateMachineLogLevel: sfn.LogLevel;
  }): void {
    const indexFinding = nag.wildcardResourceFinding(this, `${this.resultsTable.tableArn}/index/*`);
    const trainingJobFinding = nag.wildcardResourceFinding(this, f.trainingJobArn);
    const star = nag.wildcardResourceFinding(this, '*');
    for (const handler of f.all) {
      nag.acknowledge(handler, {
        'AwsSolutions-L1': 'The design pins the Lambda runtime to Node.js 22 (NODEJS_22_X): it is the version the handlers, their pinned AWS SDK and the local twin are tested with.',
      });
      const findings: Record<string, string> = {};
      const starReasons: string[] = [];
      if (f.tracing) starReasons.push('X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions');
      if (starReasons.length > 0) findings[star] = `Resource '*' only where IAM requires it: ${starReasons.join('; ')}.`;
      if (f.withTableAccess.includes(handler)) {
        findings[indexFinding] = 'The handler queries the results table\'s index gsi1 (per-run leaderboard, run listing); the L2 table grant covers the table\'s indexes with index/*.';
      }
      if (f.withTrainingJobAccess.includes(handler)) {
        findings[trainingJobFinding] = `Training job names are generated at run time; access is scoped to the tuner's own job-name prefix '${this.jobNamePrefix}-'.`;
      }
      if (handler === f.readsTrainingLogs) {
        findings[nag.wildcardResourceFinding(this, `${this.trainingLogGroupArn()}:*`)] =
          'Early stopping reads what running training jobs print (logs:FilterLogEvents); AWS authorizes it on <log-group>:log-stream:, which only <log-group>:* covers. Scoped to the /aws/sagemaker/TrainingJobs group.';
      }
      if (f.inVpc) {
        findings['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]'] =
          'Lambda functions in a VPC need the network-interface permissions of the AWS managed AWSLambdaVPCAccessExecutionRole.';
      }
      // The role is a sibling of the function (created by the construct), not its child.
      if (handler.role) nag.acknowledge(handler.role, findings);
    }

    const stateMachineFindings: Record<string, string> = {
      [star]: 'CloudWatch Logs delivery (logs:CreateLogDelivery and related) and X-Ray tracing actions support no resource-level permissions.',
    };
    for (const invoked of f.invokedByStateMachine) {
      stateMachineFindings[nag.wildcardResourceFinding(this, `${invoked.functionArn}:*`)] =
        'The L2 Lambda task grants lambda:InvokeFunction on the function and its versions/aliases (<arn>:*).';
    }
    if (f.stateMachineLogLevel !== sfn.LogLevel.ALL) {
      stateMachineFindings['AwsSolutions-SF1'] =
        'The state machine logs errors only by default (stateMachineLogLevel): every event with execution data would put WaitForChange task tokens and tuning inputs (TrainingJobDefinition.Environment) into CloudWatch Logs. Every run, trial and training job is recorded in the results table instead.';
    }
    nag.acknowledge(this.stateMachine, stateMachineFindings);

    if (this.trainingRole) {
      const s3Reason = 'Training jobs read input data and read/write checkpoints and outputs anywhere in the tuner\'s own bucket (L2 bucket.grantReadWrite).';
      nag.acknowledge(this.trainingRole, {
        ...Object.fromEntries(['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map((a) => [nag.wildcardActionFinding(a), s3Reason])),
        [nag.wildcardResourceFinding(this, this.bucket.arnForObjects('*'))]: s3Reason,
        [nag.wildcardResourceFinding(this, `${this.trainingLogGroupArn()}:log-stream:*`)]: 'SageMaker writes one log stream per training job instance to /aws/sagemaker/TrainingJobs; stream names are generated.',
        [star]: 'ecr:GetAuthorizationToken and cloudwatch:PutMetricData support no resource-level permissions (PutMetricData is limited to /aws/sagemaker/* namespaces by condition); training images come from repositories named in the tuning input, including AWS-owned framework image accounts, so ECR pulls cannot be scoped at deploy time. Pass your own trainingRoles to narrow this.',
      });
    }

    nag.acknowledge(this.eventDeadLetterQueue, {
      'AwsSolutions-SQS3': 'This queue is itself the dead-letter queue of the EventBridge targets and the event handlers\' asynchronous invocations.',
    });
  }

  private trainingLogGroupArn(): string {
    return Stack.of(this).formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: perms.TRAINING_JOBS_NAMESPACE,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }
}
