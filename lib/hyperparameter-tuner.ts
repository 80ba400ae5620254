/**
 * The {@link HyperparameterTuner} construct. It reads as a table of contents: its props are in
 * tuner-props.ts, and each part it builds comes from a builder under private/ (storage, IAM,
 * functions, state machine, EventBridge rules, monitoring, cdk-nag acknowledgements).
 */
import { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { RUN_EVENT_SOURCE, RUN_STATUS_CHANGE_DETAIL_TYPE, TUNER_METRICS } from '../core/orchestrator/run-events';
import { addStateMachineArn, createFunctions } from './private/functions';
import { createTrainingRole, grantFunctionPermissions, grantStateMachineSelfReferences } from './private/iam';
import { createAlarms, createDashboard, tunerMetric } from './private/monitoring';
import { acknowledgeInherentFindings } from './private/nag';
import * as perms from './private/perms';
import { createEventDeadLetterQueue, createEventRules } from './private/rules';
import { createStateMachine } from './private/state-machine';
import { createBucket, createResultsTable, warnAboutUnusedStorageProps } from './private/storage';
import type { HyperparameterTunerProps, TunerAlarms } from './tuner-props';
import { validateTunerProps } from './validate-props';

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
    const tracing = props.tracing ?? true;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const pollInterval = props.pollInterval ?? Duration.minutes(5);
    this.jobNamePrefix = props.jobNamePrefix ?? `hpo-${this.node.addr.substring(2, 10)}`;

    // Storage: the table and the bucket, created unless passed in.
    warnAboutUnusedStorageProps(this, props);
    this.resultsTable = props.resultsTable ?? createResultsTable(this, props);
    this.bucket = props.bucket ?? createBucket(this, props);

    // The SageMaker execution roles, one created unless some are passed in.
    if (props.trainingRoles) {
      this.trainingRoles = [...props.trainingRoles];
    } else {
      this.trainingRole = createTrainingRole(this, this.bucket);
      this.trainingRoles = [this.trainingRole];
    }

    // The dead-letter queue of the event handlers, then the functions and their grants.
    this.eventDeadLetterQueue = createEventDeadLetterQueue(this);
    const functions = createFunctions(this, {
      resultsTable: this.resultsTable,
      bucket: this.bucket,
      jobNamePrefix: this.jobNamePrefix,
      trainingRoles: this.trainingRoles,
      ownTrainingRole: this.trainingRole,
      deadLetterQueue: this.eventDeadLetterQueue,
      logLevel: props.logLevel,
      logRetention,
      tracing,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      pollInterval,
      earlyStoppingInterval: props.earlyStoppingInterval,
    });
    grantFunctionPermissions(this, functions, {
      resultsTable: this.resultsTable,
      bucket: this.bucket,
      trainingRoles: this.trainingRoles,
      jobNamePrefix: this.jobNamePrefix,
    });

    // The state machine, and what refers to its ARN.
    this.stateMachine = createStateMachine(this, functions, props, { logRetention, tracing, pollInterval });
    grantStateMachineSelfReferences(this, this.stateMachine, functions);
    addStateMachineArn(functions, this.stateMachine.stateMachineArn);

    // EventBridge: training job state changes and ended executions, to the event handlers.
    createEventRules(this, {
      jobNamePrefix: this.jobNamePrefix,
      stateMachine: this.stateMachine,
      deadLetterQueue: this.eventDeadLetterQueue,
      onTrainingEvent: functions['on-training-event'],
      onExecutionEnd: functions['on-execution-end'],
    });

    // Alarms and dashboard.
    const watched = {
      jobNamePrefix: this.jobNamePrefix,
      stateMachine: this.stateMachine,
      deadLetterQueue: this.eventDeadLetterQueue,
      functions,
    };
    if (props.alarms ?? true) this.alarms = createAlarms(this, watched, props.alarmActions ?? []);
    if (props.dashboard ?? false) this.dashboard = createDashboard(this, watched, this.alarms, props.dashboardName);

    // cdk-nag: acknowledge the findings that follow from the design (lib/private/nag.ts).
    acknowledgeInherentFindings(this, {
      functions,
      stateMachine: this.stateMachine,
      resultsTable: this.resultsTable,
      bucket: this.bucket,
      trainingRole: this.trainingRole,
      deadLetterQueue: this.eventDeadLetterQueue,
      jobNamePrefix: this.jobNamePrefix,
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
}
