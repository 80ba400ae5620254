/**
 * The tuner's EventBridge side: the rules that wake the loop on training job state changes
 * and clean up after aborted, failed or timed-out runs, and the dead-letter queue of their
 * targets and of the event handlers.
 */
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * The dead-letter queue (`EventDeadLetterQueue`) of the event handlers: events EventBridge
 * could not deliver and events the handlers failed on (after retries) both land here.
 */
export function createEventDeadLetterQueue(scope: Construct): sqs.Queue {
  return new sqs.Queue(scope, 'EventDeadLetterQueue', {
    enforceSSL: true,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    retentionPeriod: Duration.days(14),
  });
}

/** What the rules watch and whom they call. */
export interface EventRulesOptions {
  readonly jobNamePrefix: string;
  readonly stateMachine: sfn.IStateMachine;
  readonly deadLetterQueue: sqs.IQueue;
  readonly onTrainingEvent: lambda.IFunction;
  readonly onExecutionEnd: lambda.IFunction;
}

/** The rules the tuner made. */
export interface EventRules {
  readonly trainingJobStateChange: events.Rule;
  readonly executionEnd: events.Rule;
}

export function createEventRules(scope: Construct, o: EventRulesOptions): EventRules {
  const target = (handler: lambda.IFunction): targets.LambdaFunction =>
    new targets.LambdaFunction(handler, {
      deadLetterQueue: o.deadLetterQueue,
      maxEventAge: Duration.hours(2),
      retryAttempts: 8,
    });

  const trainingJobStateChange = new events.Rule(scope, 'TrainingJobStateChangeRule', {
    description: 'SageMaker training job state changes of this tuner, to the on-training-event handler.',
    eventPattern: {
      source: ['aws.sagemaker'],
      detailType: ['SageMaker Training Job State Change'],
      detail: { TrainingJobName: [{ prefix: `${o.jobNamePrefix}-` }] },
    },
    targets: [target(o.onTrainingEvent)],
  });
  const executionEnd = new events.Rule(scope, 'ExecutionEndRule', {
    description: 'Aborted, failed or timed-out tuning runs, to the cleanup handler (stops training jobs).',
    eventPattern: {
      source: ['aws.states'],
      detailType: ['Step Functions Execution Status Change'],
      detail: {
        stateMachineArn: [o.stateMachine.stateMachineArn],
        status: ['ABORTED', 'FAILED', 'TIMED_OUT'],
      },
    },
    targets: [target(o.onExecutionEnd)],
  });
  return { trainingJobStateChange, executionEnd };
}
