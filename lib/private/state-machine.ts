/**
 * The tuner's state machine (`Resource`, the construct's default child): the reconciler
 * loop built by definition.ts, with its log group and its logging and tracing settings.
 */
import type { Duration } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { HyperparameterTunerProps } from '../tuner-props';
import { buildDefinition, DEFAULT_TICKS_BEFORE_CONTINUE_AS_NEW } from './definition';
import type { TunerFunctions } from './functions';

/** What the state machine is built with, besides the props it reads directly. */
export interface StateMachineOptions {
  readonly logRetention: logs.RetentionDays;
  readonly tracing: boolean;
  /** Timeout of WaitForChange: the fallback poll for lost events. */
  readonly pollInterval: Duration;
}

export function createStateMachine(scope: Construct, functions: TunerFunctions, props: HyperparameterTunerProps, o: StateMachineOptions): sfn.StateMachine {
  const stateMachineLogs = new logs.LogGroup(scope, 'StateMachineLogs', { retention: o.logRetention });
  const definition = buildDefinition(
    new Construct(scope, 'Definition'),
    { validate: functions.validate, init: functions.init, tick: functions.tick, waitForChange: functions['wait-for-change'], finalize: functions.finalize },
    {
      pollInterval: o.pollInterval,
      ticksBeforeContinueAsNew: props.ticksBeforeContinueAsNew ?? DEFAULT_TICKS_BEFORE_CONTINUE_AS_NEW,
    },
  );
  return new sfn.StateMachine(scope, 'Resource', {
    stateMachineName: props.stateMachineName,
    stateMachineType: sfn.StateMachineType.STANDARD,
    definitionBody: sfn.DefinitionBody.fromChainable(definition),
    timeout: props.executionTimeout,
    tracingEnabled: o.tracing,
    logs: {
      destination: stateMachineLogs,
      level: props.stateMachineLogLevel ?? sfn.LogLevel.ERROR,
      includeExecutionData: props.logExecutionData ?? false,
    },
  });
}
