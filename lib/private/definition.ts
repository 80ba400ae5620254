/**
 * The tuner's state machine: a reconciler loop woken by events (DESIGN.md "Orchestration").
 *
 * ```
 * IsContinuation? --no--> Validate --> Init --+
 *        |                  |            |    |
 *        |            InvalidInput  RunAlreadyExists (Fail)
 *        '--yes--> ResumeRun -----------------+
 *                                             v
 *               +-----------------------> Tick --> CountTick --> Done?
 *               |                                                 |-- $.status == 'done' --> Finalize --> Succeeded
 *               |                                                 |-- $.ticks >= N ---------> ContinueAsNew --> Continued
 *               '----- WaitForChange (.waitForTaskToken) <--------'   (otherwise)
 *                      (success, or States.Timeout after $.waitSeconds: the pollInterval, or
 *                       the earlyStoppingInterval while Tick watches running jobs)
 * ```
 *
 * Errors (docs/design.md "Failure semantics"): Init, Tick, WaitForChange and Finalize retry
 * `TransientError` (and Lambda timeouts) with jittered backoff; once those retries are spent,
 * Tick and Finalize go to `RetryLater` (a counted tick, then Backoff), WaitForChange to Tick —
 * a temporary error never fails a run. `PermissionDenied`/`RequestRejected` that a handler
 * could not turn into the run's status go to `RunFailed` (the cleanup then stops the jobs).
 * Finalize retries `FinalizeIncomplete` at once: a large run releases its warm pools over
 * several invocations.
 *
 * JSONPath only (no JSONata): the local twin (aws-local-stepfunctions) ignores JSONata.
 * Task states are overridden by name in the local twin, so the state names below are a
 * contract: see {@link STATE_NAMES} and {@link TASK_STATE_HANDLERS}.
 *
 * The state payload between loop iterations is always exactly
 * `{ runId, generation, ticks, status, version, retryAfterSeconds, waitSeconds }` (a few hundred bytes): the run's state
 * lives in DynamoDB, and every task result is reduced with ResultSelector/ResultPath.
 *
 * Not exported from lib/index.ts: internal to the construct, its tests and the local twin.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';

/** The Lambda handlers (file names under lambda/handlers/, without `.ts`). */
export const HANDLER_NAMES = [
  'validate',
  'init',
  'tick',
  'wait-for-change',
  'on-training-event',
  'on-execution-end',
  'finalize',
] as const;

/** One of {@link HANDLER_NAMES}. */
export type HandlerName = (typeof HANDLER_NAMES)[number];

/** The state names (a contract with the local twin, which overrides Task states by name). */
export const STATE_NAMES = {
  isContinuation: 'IsContinuation?',
  resumeRun: 'ResumeRun',
  validate: 'Validate',
  invalidInput: 'InvalidInput',
  init: 'Init',
  runAlreadyExists: 'RunAlreadyExists',
  tick: 'Tick',
  countTick: 'CountTick',
  done: 'Done?',
  finalize: 'Finalize',
  succeeded: 'Succeeded',
  continueAsNew: 'ContinueAsNew',
  continued: 'Continued',
  waitForChange: 'WaitForChange',
  backoff: 'Backoff',
  retryLater: 'RetryLater',
  runFailed: 'RunFailed',
} as const;

/** Which handler each Lambda Task state invokes. */
export const TASK_STATE_HANDLERS: Readonly<Record<string, HandlerName>> = {
  [STATE_NAMES.validate]: 'validate',
  [STATE_NAMES.init]: 'init',
  [STATE_NAMES.tick]: 'tick',
  [STATE_NAMES.waitForChange]: 'wait-for-change',
  [STATE_NAMES.finalize]: 'finalize',
};

/** Task states that call an AWS service instead of a Lambda function (service:action). */
export const SERVICE_TASK_STATES: Readonly<Record<string, string>> = {
  [STATE_NAMES.continueAsNew]: 'states:startExecution',
};

/** Error names thrown by handlers and caught by the state machine. */
export const ERROR_NAMES = {
  /** Thrown by `validate`; the message lists every problem. */
  invalidTuningInput: 'InvalidTuningInput',
  /** Thrown by `init` when another execution already owns the run name. */
  runAlreadyExists: 'RunAlreadyExists',
  /** Thrown by `tick` for a failure worth retrying (throttling, capacity). */
  transientError: 'TransientError',
  /** Thrown by `tick` when another (retried or overlapping) tick committed first; safe to retry. */
  concurrentTick: 'ConcurrentTick',
  /** An AWS call was denied (any handler): the run fails at once, the message names the permission. */
  permissionDenied: 'PermissionDenied',
  /** AWS refused a request for good (validation, missing table): the run fails at once. */
  requestRejected: 'RequestRejected',
  /** Thrown by `finalize` when its invocation ran out of time with warm pools left: invoke it again. */
  finalizeIncomplete: 'FinalizeIncomplete',
  /** Lambda's error for an invocation that hit the function's timeout (idempotent steps retry it). */
  lambdaTimeout: 'Sandbox.Timedout',
} as const;

/** Errors that end the run at once (every handler's AWS errors are classified: lambda/adapters/aws/aws-errors.ts). */
export const RUN_FAILURE_ERRORS = [ERROR_NAMES.permissionDenied, ERROR_NAMES.requestRejected];

/** Errors that pass: the state machine retries them with jittered backoff and never fails the run. */
export const TRANSIENT_ERRORS = [ERROR_NAMES.transientError, ERROR_NAMES.lambdaTimeout];

/** Seconds `RetryLater` waits before the loop ticks again, once a step's retries are spent. */
export const RETRY_LATER_SECONDS = 60;

/**
 * Lambda service errors worth retrying: the L2 `LambdaInvoke` defaults plus
 * `Lambda.TooManyRequestsException` (throttled invocations).
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html
 */
export const LAMBDA_RETRY_ERRORS = [
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

/**
 * History events one loop iteration adds in the worst regular case (no retries):
 * Tick (Lambda task: Entered, Scheduled, Started, Succeeded, Exited = 5)
 * + CountTick (Pass: Entered, Exited = 2) + Done? (Choice: Entered, Exited = 2)
 * + WaitForChange (Lambda .waitForTaskToken: Entered, Scheduled, Started, Submitted,
 * Succeeded or TimedOut, Exited = 6) = 15.
 */
export const HISTORY_EVENTS_PER_TICK = 15;

/**
 * Events of one execution outside the loop: ExecutionStarted, IsContinuation? (2),
 * Validate + Init (10) or ResumeRun (2), the last Tick + CountTick + Done? (9),
 * ContinueAsNew (6), Continued (2), ExecutionSucceeded: at most 31; rounded up to 50.
 */
export const HISTORY_EVENTS_FIXED = 50;

/** Standard workflow history limit per execution. */
export const MAX_HISTORY_EVENTS = 25_000;

/**
 * Default ticks per execution before continue-as-new:
 * 1,000 x 15 + 50 = 15,050 events, leaving 9,950 events (about 3,300 retry attempts at
 * 3 events each: Scheduled, Started, Failed) of margin under 25,000.
 */
export const DEFAULT_TICKS_BEFORE_CONTINUE_AS_NEW = 1000;

/**
 * The largest allowed value: 1,500 x 15 + 50 = 22,550 events, still leaving 2,450 events
 * (about 800 retry attempts) for retries in one execution.
 */
export const MAX_TICKS_BEFORE_CONTINUE_AS_NEW = 1500;

/** The functions the state machine invokes. */
export interface DefinitionFunctions {
  readonly validate: lambda.IFunction;
  readonly init: lambda.IFunction;
  readonly tick: lambda.IFunction;
  readonly waitForChange: lambda.IFunction;
  readonly finalize: lambda.IFunction;
}

/** Options of the definition. */
export interface DefinitionOptions {
  /** Timeout of WaitForChange: the fallback poll for lost events. */
  readonly pollInterval: Duration;
  /** Ticks per execution before ContinueAsNew. */
  readonly ticksBeforeContinueAsNew: number;
}

/** Retries of temporary errors (throttling, 5xx, timeouts): 5 s, 10 s, ... up to 60 s, jittered. */
function addTransientRetry<T extends sfn.TaskStateBase>(task: T, errors: readonly string[] = TRANSIENT_ERRORS): T {
  task.addRetry({
    errors: [...errors],
    interval: Duration.seconds(5),
    maxAttempts: 8,
    backoffRate: 2,
    maxDelay: Duration.minutes(1),
    jitterStrategy: sfn.JitterType.FULL,
  });
  return task;
}

function addLambdaRetry<T extends sfn.TaskStateBase>(task: T): T {
  task.addRetry({
    errors: LAMBDA_RETRY_ERRORS,
    interval: Duration.seconds(2),
    maxAttempts: 6,
    backoffRate: 2,
    maxDelay: Duration.seconds(30),
    jitterStrategy: sfn.JitterType.FULL,
  });
  return task;
}

/**
 * Build the state machine definition in `scope` (one construct per state).
 *
 * Use `sfn.DefinitionBody.fromChainable(buildDefinition(...))`.
 */
export function buildDefinition(scope: Construct, fns: DefinitionFunctions, options: DefinitionOptions): sfn.IChainable {
  const $ = sfn.JsonPath;

  // --- Fail states -------------------------------------------------------------------
  // The Catch replaces the state with the error output {Error, Cause}; the Fail state
  // reports both (Cause is Lambda's JSON: {errorType, errorMessage, trace}).
  const invalidInput = new sfn.Fail(scope, STATE_NAMES.invalidInput, {
    comment: 'The tuning input is invalid; no training job was started.',
    errorPath: $.stringAt('$.Error'),
    causePath: $.stringAt('$.Cause'),
  });
  const runAlreadyExists = new sfn.Fail(scope, STATE_NAMES.runAlreadyExists, {
    comment: 'Another execution already owns this run name.',
    errorPath: $.stringAt('$.Error'),
    causePath: $.stringAt('$.Cause'),
  });

  const runFailed = new sfn.Fail(scope, STATE_NAMES.runFailed, {
    comment: 'An AWS call failed for good (denied, rejected) where the run could not record it; the cleanup stops its jobs and marks it Failed.',
    errorPath: $.stringAt('$.Error'),
    causePath: $.stringAt('$.Cause'),
  });

  // --- Validate: raw AMT-style input in, validated input out ---------------------------
  const validate = addLambdaRetry(
    new tasks.LambdaInvoke(scope, STATE_NAMES.validate, {
      comment: 'Parse and validate the AMT-style tuning input.',
      lambdaFunction: fns.validate,
      payload: sfn.TaskInput.fromJsonPathAt('$'),
      retryOnServiceExceptions: false,
      // Only the run's name: Init reads the input from the execution itself, so no state
      // carries the input (up to 256 KiB) or anything derived from it.
      resultSelector: { 'runId.$': '$.Payload.runId' },
      // No ResultPath: the default ('$') replaces the state. An explicit "ResultPath": "$"
      // means the same in AWS, but aws-local-stepfunctions 3.0.0 writes it to a key named '$'.
    }),
  );
  validate.addCatch(invalidInput, { errors: [ERROR_NAMES.invalidTuningInput] });

  // --- Init: create the run record (idempotent per execution) --------------------------
  const init = addLambdaRetry(
    new tasks.LambdaInvoke(scope, STATE_NAMES.init, {
      comment: 'Create the run record.',
      lambdaFunction: fns.init,
      payload: sfn.TaskInput.fromObject({
        execution: {
          Id: $.stringAt('$$.Execution.Id'),
          Name: $.stringAt('$$.Execution.Name'),
          StartTime: $.stringAt('$$.Execution.StartTime'),
        },
        // The execution's own input, validated by Validate (Init validates it again: cheap,
        // and Init must never trust what it stores).
        input: $.objectAt('$$.Execution.Input'),
      }),
      retryOnServiceExceptions: false,
      // The loop's state from here on: {runId, generation, ticks}.
      resultSelector: { 'runId.$': '$.Payload.runId', generation: 0, ticks: 0 },
      // (no ResultPath: see Validate)
    }),
  );
  init.addCatch(runAlreadyExists, { errors: [ERROR_NAMES.runAlreadyExists] });
  // Only Init can see the results table: a WarmStartConfig parent that does not exist.
  init.addCatch(invalidInput, { errors: [ERROR_NAMES.invalidTuningInput] });
  // Init's DynamoDB calls are classified like every other handler's.
  addTransientRetry(init);
  init.addCatch(runFailed, { errors: RUN_FAILURE_ERRORS });

  // --- A continued execution skips Validate and Init -----------------------------------
  const resumeRun = new sfn.Pass(scope, STATE_NAMES.resumeRun, {
    comment: 'A continued execution: pick up the run where the previous generation left it.',
    parameters: {
      runId: $.stringAt('$.ContinueRun.RunId'),
      generation: $.numberAt('$.ContinueRun.Generation'),
      ticks: 0,
    },
  });

  // --- Tick: one ask/tell step for the whole run ----------------------------------------
  const tick = addLambdaRetry(
    new tasks.LambdaInvoke(scope, STATE_NAMES.tick, {
      comment: 'Record results, ask the scheduler, start training jobs, check completion.',
      lambdaFunction: fns.tick,
      // `ticks`: this execution's ticks so far (the handler echoes it, plus one, in its logs).
      payload: sfn.TaskInput.fromObject({ runId: $.stringAt('$.runId'), ticks: $.numberAt('$.ticks') }),
      retryOnServiceExceptions: false,
      // Only what the loop needs (a field missing from the result would fail the state).
      resultSelector: {
        'status.$': '$.Payload.status',
        'version.$': '$.Payload.version',
        'retryAfterSeconds.$': '$.Payload.retryAfterSeconds',
        'waitSeconds.$': '$.Payload.waitSeconds',
      },
      resultPath: '$.tick',
    }),
  );
  addTransientRetry(tick, [...TRANSIENT_ERRORS, ERROR_NAMES.concurrentTick]);

  // The execution counts its own ticks (not the handler): the counter must restart at 0 in
  // every generation, whatever the run's total is. It also flattens the state again.
  const countTick = new sfn.Pass(scope, STATE_NAMES.countTick, {
    comment: 'Count this execution\'s ticks and keep the state flat and small.',
    parameters: {
      runId: $.stringAt('$.runId'),
      generation: $.numberAt('$.generation'),
      ticks: $.mathAdd($.numberAt('$.ticks'), 1),
      status: $.stringAt('$.tick.status'),
      version: $.numberAt('$.tick.version'),
      retryAfterSeconds: $.numberAt('$.tick.retryAfterSeconds'),
      waitSeconds: $.numberAt('$.tick.waitSeconds'),
    },
  });

  // --- RetryLater: a step whose retries are spent waits and ticks again; it never fails the run.
  // It counts as a tick, so ContinueAsNew still bounds the history.
  const retryLater = new sfn.Pass(scope, STATE_NAMES.retryLater, {
    comment: 'A temporary error outlived the retries: wait, then tick again (the run never fails for it).',
    parameters: {
      runId: $.stringAt('$.runId'),
      generation: $.numberAt('$.generation'),
      ticks: $.mathAdd($.numberAt('$.ticks'), 1),
      status: 'running',
      version: 0,
      retryAfterSeconds: RETRY_LATER_SECONDS,
      waitSeconds: options.pollInterval.toSeconds(),
    },
  });
  tick.addCatch(retryLater, { errors: [...TRANSIENT_ERRORS, ERROR_NAMES.concurrentTick], resultPath: '$.error' });
  tick.addCatch(runFailed, { errors: RUN_FAILURE_ERRORS });

  // --- Finalize: the execution's output names the best training job ---------------------
  const finalize = addLambdaRetry(
    new tasks.LambdaInvoke(scope, STATE_NAMES.finalize, {
      comment: 'Record the best trial and release warm pools; its result is the execution output.',
      lambdaFunction: fns.finalize,
      payload: sfn.TaskInput.fromObject({ runId: $.stringAt('$.runId') }),
      retryOnServiceExceptions: false,
      outputPath: '$.Payload',
    }),
  );
  // A large run releases its warm pools over several invocations (each stops before its timeout).
  finalize.addRetry({ errors: [ERROR_NAMES.finalizeIncomplete], interval: Duration.seconds(1), maxAttempts: 30, backoffRate: 1 });
  addTransientRetry(finalize);
  finalize.addCatch(retryLater, { errors: [...TRANSIENT_ERRORS, ERROR_NAMES.finalizeIncomplete], resultPath: '$.error' });
  finalize.addCatch(runFailed, { errors: RUN_FAILURE_ERRORS });
  const succeeded = new sfn.Succeed(scope, STATE_NAMES.succeeded);

  // --- ContinueAsNew: start a fresh execution of this state machine ---------------------
  // `$$.StateMachine.Id` instead of a reference to the state machine: a definition cannot
  // refer to its own state machine's ARN. The name is deterministic (run + generation),
  // so a retried StartExecution is idempotent (same name and input while it runs).
  const nextGeneration = 'States.MathAdd($.generation, 1)';
  const continueAsNew = new sfn.CustomState(scope, STATE_NAMES.continueAsNew, {
    stateJson: {
      Type: 'Task',
      Comment: 'Continue as new: the history of one execution is limited to 25,000 events.',
      Resource: `arn:${Stack.of(scope).partition}:states:::states:startExecution`,
      Parameters: {
        'StateMachineArn.$': '$$.StateMachine.Id',
        'Name.$': `States.Format('{}-g{}', $.runId, ${nextGeneration})`,
        Input: {
          ContinueRun: { 'RunId.$': '$.runId', 'Generation.$': nextGeneration },
          'AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$': '$$.Execution.Id',
        },
      },
      ResultSelector: { 'executionArn.$': '$.ExecutionArn' },
      ResultPath: '$.continuedAs',
    },
  });
  continueAsNew.addRetry({
    errors: ['States.TaskFailed'],
    interval: Duration.seconds(2),
    maxAttempts: 6,
    backoffRate: 2,
    maxDelay: Duration.seconds(30),
    jitterStrategy: sfn.JitterType.FULL,
  });
  const continued = new sfn.Succeed(scope, STATE_NAMES.continued, {
    comment: 'The run goes on in the execution started by ContinueAsNew.',
  });

  // --- WaitForChange: sleep until an event (or the poll interval) wakes the loop --------
  const waitForChange = addLambdaRetry(
    new tasks.LambdaInvoke(scope, STATE_NAMES.waitForChange, {
      comment: 'Store the task token; a training-job event (or the handler itself, if the run changed meanwhile) sends SendTaskSuccess.',
      lambdaFunction: fns.waitForChange,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: sfn.TaskInput.fromObject({
        runId: $.stringAt('$.runId'),
        taskToken: $.taskToken,
        version: $.numberAt('$.version'),
        // The wait's own timeout, for the handler's logs.
        waitSeconds: $.numberAt('$.waitSeconds'),
      }),
      retryOnServiceExceptions: false,
      // The poll interval (the fallback that reconciles lost events), or the early-stopping
      // interval while Tick watches running jobs: Tick says which in `waitSeconds`.
      taskTimeout: sfn.Timeout.at('$.waitSeconds'),
      // Whatever SendTaskSuccess carries is dropped: the state stays {runId, ...}.
      resultPath: $.DISCARD,
    }),
  );
  addTransientRetry(waitForChange);
  // The wait only saves time: whatever keeps it from parking its token, the next tick reconciles.
  waitForChange.addCatch(tick, { errors: ['States.Timeout', ...TRANSIENT_ERRORS], resultPath: $.DISCARD });
  waitForChange.addCatch(runFailed, { errors: RUN_FAILURE_ERRORS });
  waitForChange.next(tick);

  // --- Backoff: jobs SageMaker throttled (or refused over a quota) are retried after a pause;
  // no event would wake WaitForChange for a job that never started.
  const backoff = new sfn.Wait(scope, STATE_NAMES.backoff, {
    comment: 'Some decided jobs were throttled: tick again after the backoff Tick asked for.',
    time: sfn.WaitTime.secondsPath('$.retryAfterSeconds'),
  });
  backoff.next(tick);

  const isDone = new sfn.Choice(scope, STATE_NAMES.done)
    .when(sfn.Condition.stringEquals('$.status', 'done'), finalize.next(succeeded))
    .when(
      sfn.Condition.numberGreaterThanEquals('$.ticks', options.ticksBeforeContinueAsNew),
      continueAsNew.next(continued),
    )
    .when(sfn.Condition.numberGreaterThan('$.retryAfterSeconds', 0), backoff)
    .otherwise(waitForChange);

  tick.next(countTick).next(isDone);
  retryLater.next(isDone);

  return new sfn.Choice(scope, STATE_NAMES.isContinuation, {
    comment: 'A continued execution has the input {"ContinueRun": {"RunId": ..., "Generation": ...}}.',
  })
    .when(sfn.Condition.isPresent('$.ContinueRun.RunId'), resumeRun.next(tick))
    .otherwise(validate.next(init).next(tick));
}

// ---------------------------------------------------------------------------------------
// The definition for the local twin
// ---------------------------------------------------------------------------------------

/** Placeholders used by {@link synthesizeDefinitionForLocal}. */
export const LOCAL_PLACEHOLDERS = {
  partition: 'aws',
  region: 'us-east-1',
  account: '000000000000',
} as const;

/** The placeholder ARN of a handler's function in the local ASL. */
export function localFunctionArn(handler: HandlerName): string {
  const { partition, region, account } = LOCAL_PLACEHOLDERS;
  return `arn:${partition}:lambda:${region}:${account}:function:${handler}`;
}

/** What the local twin needs to run the state machine. */
export interface LocalDefinition {
  /** The Amazon States Language document (JSONPath), all tokens resolved to placeholders. */
  readonly asl: { readonly StartAt: string; readonly States: Record<string, Record<string, unknown>> } & Record<string, unknown>;
  /** Lambda Task state name -> handler name (file under lambda/handlers/). */
  readonly taskStateToHandler: Record<string, string>;
  /** Task states that call an AWS service directly -> `service:action`. */
  readonly serviceTaskStates: Record<string, string>;
}

/** Options of {@link synthesizeDefinitionForLocal}. */
export interface LocalDefinitionOptions {
  /** @default Duration.minutes(5) */
  readonly pollInterval?: Duration;
  /** @default DEFAULT_TICKS_BEFORE_CONTINUE_AS_NEW */
  readonly ticksBeforeContinueAsNew?: number;
}

/**
 * Resolve what `Stack.resolve` leaves in a state machine definition (Fn::Join, Ref to
 * pseudo parameters, Fn::GetAtt of a function's Arn) into plain strings.
 *
 * @param arnsByLogicalId placeholder values for `Fn::GetAtt [logicalId, 'Arn']` and `Ref`.
 */
export function resolveTokensForLocal(value: unknown, arnsByLogicalId: Readonly<Record<string, string>> = {}): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveTokensForLocal(v, arnsByLogicalId));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1) {
    const [key] = keys;
    const arg = obj[key];
    if (key === 'Fn::Join' && Array.isArray(arg) && arg.length === 2) {
      const [sep, parts] = arg as [string, unknown[]];
      return parts.map((p) => String(resolveTokensForLocal(p, arnsByLogicalId))).join(sep);
    }
    if (key === 'Ref' && typeof arg === 'string') {
      const pseudo: Record<string, string> = {
        'AWS::Partition': LOCAL_PLACEHOLDERS.partition,
        'AWS::Region': LOCAL_PLACEHOLDERS.region,
        'AWS::AccountId': LOCAL_PLACEHOLDERS.account,
        'AWS::URLSuffix': 'amazonaws.com',
      };
      const resolved = pseudo[arg] ?? arnsByLogicalId[arg];
      if (resolved === undefined) throw new Error(`cannot resolve { Ref: ${arg} } for the local definition`);
      return resolved;
    }
    if (key === 'Fn::GetAtt' && Array.isArray(arg)) {
      const [logicalId, attribute] = arg as [string, string];
      const resolved = arnsByLogicalId[`${logicalId}.${attribute}`] ?? arnsByLogicalId[logicalId];
      if (resolved === undefined) throw new Error(`cannot resolve { Fn::GetAtt: ${JSON.stringify(arg)} } for the local definition`);
      return resolved;
    }
  }
  return Object.fromEntries(keys.map((k) => [k, resolveTokensForLocal(obj[k], arnsByLogicalId)]));
}

/**
 * Build the tuner's state machine definition in memory (no bundling, no assets, no AWS
 * calls) and return its ASL with every token resolved to a placeholder, for the local twin.
 *
 * Lambda ARNs become `arn:aws:lambda:us-east-1:000000000000:function:<handler>`. The
 * definition is built by the same {@link buildDefinition} the construct uses; a construct
 * test checks that the construct's synthesized DefinitionString resolves to the same ASL.
 */
export function synthesizeDefinitionForLocal(options: LocalDefinitionOptions = {}): LocalDefinition {
  const app = new App();
  const stack = new Stack(app, 'HpoTunerLocal', {
    env: { account: LOCAL_PLACEHOLDERS.account, region: LOCAL_PLACEHOLDERS.region },
  });
  const fn = (handler: HandlerName): lambda.IFunction =>
    lambda.Function.fromFunctionArn(stack, `Function-${handler}`, localFunctionArn(handler));
  const definition = buildDefinition(
    new Construct(stack, 'Definition'),
    {
      validate: fn('validate'),
      init: fn('init'),
      tick: fn('tick'),
      waitForChange: fn('wait-for-change'),
      finalize: fn('finalize'),
    },
    {
      pollInterval: options.pollInterval ?? Duration.minutes(5),
      ticksBeforeContinueAsNew: options.ticksBeforeContinueAsNew ?? DEFAULT_TICKS_BEFORE_CONTINUE_AS_NEW,
    },
  );
  const sm = new sfn.StateMachine(stack, 'StateMachine', {
    definitionBody: sfn.DefinitionBody.fromChainable(definition),
  });
  const cfn = sm.node.defaultChild as sfn.CfnStateMachine;
  const resolved = resolveTokensForLocal(stack.resolve(cfn.definitionString));
  if (typeof resolved !== 'string') throw new Error('the local definition did not resolve to a string');
  return {
    asl: JSON.parse(resolved) as LocalDefinition['asl'],
    taskStateToHandler: { ...TASK_STATE_HANDLERS },
    serviceTaskStates: { ...SERVICE_TASK_STATES },
  };
}
