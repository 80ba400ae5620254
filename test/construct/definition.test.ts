import { Duration } from 'aws-cdk-lib';
import {
  DEFAULT_TICKS_BEFORE_CONTINUE_AS_NEW,
  HISTORY_EVENTS_FIXED,
  HISTORY_EVENTS_PER_TICK,
  localFunctionArn,
  MAX_HISTORY_EVENTS,
  MAX_TICKS_BEFORE_CONTINUE_AS_NEW,
  synthesizeDefinitionForLocal,
  TASK_STATE_HANDLERS,
} from '../../lib/private/definition';
import { prepareDefinition } from '../../local/stepfunctions/definition';
import { aslOf, Fixture, logicalId, makeTuner } from './helpers';

// aws-local-stepfunctions 3 needs Promise.withResolvers (Node 22); polyfill it on Node 20.
const P = Promise as unknown as { withResolvers?: () => unknown };
P.withResolvers ??= () => {
  let resolve!: (v: unknown) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

type State = Record<string, unknown>;
const LAMBDA_RETRY = {
  ErrorEquals: [
    'Lambda.ClientExecutionTimeoutException',
    'Lambda.ServiceException',
    'Lambda.AWSLambdaException',
    'Lambda.SdkClientException',
    'Lambda.TooManyRequestsException',
  ],
  IntervalSeconds: 2,
  MaxAttempts: 6,
  BackoffRate: 2,
  MaxDelaySeconds: 30,
  JitterStrategy: 'FULL',
};
const TRANSIENT_RETRY = {
  ErrorEquals: ['TransientError', 'Sandbox.Timedout'],
  IntervalSeconds: 5,
  MaxAttempts: 8,
  BackoffRate: 2,
  MaxDelaySeconds: 60,
  JitterStrategy: 'FULL',
};
const RUN_FAILED = { ErrorEquals: ['PermissionDenied', 'RequestRejected'], Next: 'RunFailed' };

describe('state machine definition', () => {
  let f: Fixture;
  let states: Record<string, State>;
  beforeAll(() => {
    f = makeTuner({ pollInterval: Duration.minutes(2), ticksBeforeContinueAsNew: 500 });
    const asl = aslOf(f);
    expect(asl.StartAt).toBe('IsContinuation?');
    states = asl.States;
  });
  const fnArn = (handler: string) => `fn:${logicalId(f, f.tuner.node.findChild(handler) as never)}`;

  test('has exactly the contract state names and types', () => {
    expect(Object.fromEntries(Object.entries(states).map(([n, s]) => [n, s.Type]))).toEqual({
      'IsContinuation?': 'Choice',
      ResumeRun: 'Pass',
      RetryLater: 'Pass',
      Validate: 'Task',
      InvalidInput: 'Fail',
      Init: 'Task',
      RunAlreadyExists: 'Fail',
      RunFailed: 'Fail',
      Tick: 'Task',
      CountTick: 'Pass',
      'Done?': 'Choice',
      Finalize: 'Task',
      Succeeded: 'Succeed',
      ContinueAsNew: 'Task',
      Continued: 'Succeed',
      WaitForChange: 'Task',
      Backoff: 'Wait',
    });
  });

  test('a continuation skips Validate and Init', () => {
    expect(states['IsContinuation?']).toMatchObject({
      Choices: [{ Variable: '$.ContinueRun.RunId', IsPresent: true, Next: 'ResumeRun' }],
      Default: 'Validate',
    });
    expect(states.ResumeRun).toMatchObject({
      Parameters: { 'runId.$': '$.ContinueRun.RunId', 'generation.$': '$.ContinueRun.Generation', ticks: 0 },
      Next: 'Tick',
    });
  });

  test('Validate: the whole input in, only {runId} out (no state carries the input), InvalidTuningInput -> InvalidInput', () => {
    expect(states.Validate).toMatchObject({
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: fnArn('ValidateFunction'), 'Payload.$': '$' },
      ResultSelector: { 'runId.$': '$.Payload.runId' },
      Retry: [LAMBDA_RETRY],
      Catch: [{ ErrorEquals: ['InvalidTuningInput'], Next: 'InvalidInput' }],
      Next: 'Init',
    });
    // No explicit ResultPath "$" (the default): aws-local-stepfunctions 3.0.0 mishandles it.
    expect(states.Validate.ResultPath).toBeUndefined();
    expect(states.Init.ResultPath).toBeUndefined();
    expect(states.InvalidInput).toEqual({ Type: 'Fail', Comment: expect.any(String), ErrorPath: '$.Error', CausePath: '$.Cause' });
  });

  test('Init: execution context + the execution\'s own input in, {runId, generation: 0, ticks: 0} out', () => {
    expect(states.Init).toMatchObject({
      Parameters: {
        FunctionName: fnArn('InitFunction'),
        Payload: {
          execution: { 'Id.$': '$$.Execution.Id', 'Name.$': '$$.Execution.Name', 'StartTime.$': '$$.Execution.StartTime' },
          'input.$': '$$.Execution.Input',
        },
      },
      ResultSelector: { 'runId.$': '$.Payload.runId', generation: 0, ticks: 0 },
      Retry: [LAMBDA_RETRY, TRANSIENT_RETRY],
      Catch: [
        { ErrorEquals: ['RunAlreadyExists'], Next: 'RunAlreadyExists' },
        { ErrorEquals: ['InvalidTuningInput'], Next: 'InvalidInput' },
        RUN_FAILED,
      ],
      Next: 'Tick',
    });
    expect(states.RunAlreadyExists).toMatchObject({ Type: 'Fail', ErrorPath: '$.Error', CausePath: '$.Cause' });
  });

  test('Tick: {runId, ticks} in, only status and version kept; retries Lambda and transient errors', () => {
    expect(states.Tick).toMatchObject({
      Parameters: { FunctionName: fnArn('TickFunction'), Payload: { 'runId.$': '$.runId', 'ticks.$': '$.ticks' } },
      ResultSelector: {
        'status.$': '$.Payload.status',
        'version.$': '$.Payload.version',
        'retryAfterSeconds.$': '$.Payload.retryAfterSeconds',
        'waitSeconds.$': '$.Payload.waitSeconds',
      },
      ResultPath: '$.tick',
      Retry: [LAMBDA_RETRY, { ...TRANSIENT_RETRY, ErrorEquals: ['TransientError', 'Sandbox.Timedout', 'ConcurrentTick'] }],
      Catch: [
        { ErrorEquals: ['TransientError', 'Sandbox.Timedout', 'ConcurrentTick'], ResultPath: '$.error', Next: 'RetryLater' },
        RUN_FAILED,
      ],
      Next: 'CountTick',
    });
    expect(states.RunFailed).toMatchObject({ Type: 'Fail', ErrorPath: '$.Error', CausePath: '$.Cause' });
  });

  test('RetryLater: a step whose retries are spent counts a tick and backs off; the run never fails for it', () => {
    expect(states.RetryLater).toMatchObject({
      Type: 'Pass',
      Parameters: {
        'runId.$': '$.runId',
        'generation.$': '$.generation',
        'ticks.$': 'States.MathAdd($.ticks, 1)',
        status: 'running',
        version: 0,
        retryAfterSeconds: 60,
        waitSeconds: 120,
      },
      Next: 'Done?',
    });
  });

  test('CountTick rebuilds a flat, small state and counts this execution\'s ticks', () => {
    expect(states.CountTick).toMatchObject({
      Parameters: {
        'runId.$': '$.runId',
        'generation.$': '$.generation',
        'ticks.$': 'States.MathAdd($.ticks, 1)',
        'status.$': '$.tick.status',
        'version.$': '$.tick.version',
        'retryAfterSeconds.$': '$.tick.retryAfterSeconds',
        'waitSeconds.$': '$.tick.waitSeconds',
      },
      Next: 'Done?',
    });
  });

  test('Done?: done -> Finalize, too many ticks -> ContinueAsNew, throttled starts -> Backoff, else WaitForChange', () => {
    expect(states['Done?']).toMatchObject({
      Choices: [
        { Variable: '$.status', StringEquals: 'done', Next: 'Finalize' },
        { Variable: '$.ticks', NumericGreaterThanEquals: 500, Next: 'ContinueAsNew' },
        { Variable: '$.retryAfterSeconds', NumericGreaterThan: 0, Next: 'Backoff' },
      ],
      Default: 'WaitForChange',
    });
    expect(states.Backoff).toMatchObject({ Type: 'Wait', SecondsPath: '$.retryAfterSeconds', Next: 'Tick' });
  });

  test('WaitForChange: task token payload, the timeout Tick chose (poll or early-stopping interval), States.Timeout -> Tick, result discarded', () => {
    expect(states.WaitForChange).toMatchObject({
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        FunctionName: fnArn('WaitForChangeFunction'),
        Payload: { 'runId.$': '$.runId', 'taskToken.$': '$$.Task.Token', 'version.$': '$.version', 'waitSeconds.$': '$.waitSeconds' },
      },
      TimeoutSecondsPath: '$.waitSeconds',
      ResultPath: null,
      Retry: [LAMBDA_RETRY, TRANSIENT_RETRY],
      Catch: [{ ErrorEquals: ['States.Timeout', 'TransientError', 'Sandbox.Timedout'], ResultPath: null, Next: 'Tick' }, RUN_FAILED],
      Next: 'Tick',
    });
    expect(states.WaitForChange.HeartbeatSeconds).toBeUndefined();
  });

  test('Finalize: its result is the execution output; it continues over invocations and retries transient errors', () => {
    expect(states.Finalize).toMatchObject({
      Parameters: { FunctionName: fnArn('FinalizeFunction'), Payload: { 'runId.$': '$.runId' } },
      OutputPath: '$.Payload',
      Retry: [LAMBDA_RETRY, { ErrorEquals: ['FinalizeIncomplete'], IntervalSeconds: 1, MaxAttempts: 30, BackoffRate: 1 }, TRANSIENT_RETRY],
      Catch: [{ ErrorEquals: ['TransientError', 'Sandbox.Timedout', 'FinalizeIncomplete'], ResultPath: '$.error', Next: 'RetryLater' }, RUN_FAILED],
      Next: 'Succeeded',
    });
    expect(states.Succeeded).toEqual({ Type: 'Succeed' });
  });

  test('ContinueAsNew starts this state machine with {ContinueRun} and a deterministic name', () => {
    expect(states.ContinueAsNew).toMatchObject({
      Resource: 'arn:aws:states:::states:startExecution',
      Parameters: {
        'StateMachineArn.$': '$$.StateMachine.Id',
        'Name.$': "States.Format('{}-g{}', $.runId, States.MathAdd($.generation, 1))",
        Input: {
          ContinueRun: { 'RunId.$': '$.runId', 'Generation.$': 'States.MathAdd($.generation, 1)' },
          'AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$': '$$.Execution.Id',
        },
      },
      ResultSelector: { 'executionArn.$': '$.ExecutionArn' },
      ResultPath: '$.continuedAs',
      Retry: [expect.objectContaining({ ErrorEquals: ['States.TaskFailed'] })],
      Next: 'Continued',
    });
    expect(states.Continued).toMatchObject({ Type: 'Succeed' });
  });

  test('defaults: 5-minute poll, 1000 ticks per execution', () => {
    const asl = aslOf(makeTuner());
    expect(asl.States.WaitForChange.TimeoutSecondsPath).toBe('$.waitSeconds');
    expect((asl.States.RetryLater.Parameters as Record<string, unknown>).waitSeconds).toBe(300);
    expect((asl.States['Done?'].Choices as Array<Record<string, unknown>>)[1].NumericGreaterThanEquals).toBe(1000);
  });

  test('the history budget holds at the default and at the maximum', () => {
    expect(DEFAULT_TICKS_BEFORE_CONTINUE_AS_NEW * HISTORY_EVENTS_PER_TICK + HISTORY_EVENTS_FIXED).toBe(15_050);
    expect(MAX_TICKS_BEFORE_CONTINUE_AS_NEW * HISTORY_EVENTS_PER_TICK + HISTORY_EVENTS_FIXED).toBeLessThan(MAX_HISTORY_EVENTS - 2000);
  });
});

describe('synthesizeDefinitionForLocal', () => {
  const local = synthesizeDefinitionForLocal();

  test('is plain JSON with placeholder ARNs and no tokens', () => {
    const text = JSON.stringify(local.asl);
    expect(text).not.toMatch(/\$\{Token|Fn::|"Ref"/);
    expect(local.asl.States.Tick).toMatchObject({
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:tick' },
    });
    expect(local.asl.States.ContinueAsNew.Resource).toBe('arn:aws:states:::states:startExecution');
  });

  test('maps each Lambda task state to its handler', () => {
    expect(local.taskStateToHandler).toEqual({
      Validate: 'validate',
      Init: 'init',
      Tick: 'tick',
      WaitForChange: 'wait-for-change',
      Finalize: 'finalize',
    });
    for (const [state, handler] of Object.entries(local.taskStateToHandler)) {
      expect((local.asl.States[state].Parameters as { FunctionName: string }).FunctionName).toBe(localFunctionArn(handler as never));
    }
    expect(local.serviceTaskStates).toEqual({ ContinueAsNew: 'states:startExecution' });
    expect(Object.keys(TASK_STATE_HANDLERS)).toHaveLength(5);
  });

  test("equals the construct's synthesized definition, up to the function ARNs", () => {
    const f = makeTuner();
    const arns: Record<string, string> = {};
    for (const [state, handler] of Object.entries(local.taskStateToHandler)) {
      const fnLogicalId = ((aslOf(f).States[state].Parameters as { FunctionName: string }).FunctionName).slice('fn:'.length);
      arns[`fn:${fnLogicalId}`] = localFunctionArn(handler as never);
    }
    const text = JSON.stringify(aslOf(f)).replace(/fn:[A-Za-z0-9]+/g, (m) => arns[m] ?? m);
    expect(JSON.parse(text)).toEqual(local.asl);
  });

  test('options change the poll interval and the continue-as-new threshold', () => {
    const other = synthesizeDefinitionForLocal({ pollInterval: Duration.seconds(30), ticksBeforeContinueAsNew: 3 });
    expect((other.asl.States.RetryLater.Parameters as Record<string, unknown>).waitSeconds).toBe(30);
    expect(JSON.stringify(other.asl.States['Done?'])).toContain('"NumericGreaterThanEquals":3');
  });

  test('is valid ASL for aws-local-stepfunctions and runs the loop to the Finalize output', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { StateMachine } = require('aws-local-stepfunctions') as typeof import('aws-local-stepfunctions');
    // Prepared as the twin prepares it (TimeoutSecondsPath resolved where the library looks).
    const sm = new StateMachine(prepareDefinition(local.asl).definition as never);
    const calls: string[] = [];
    let tick = 0;
    const execution = sm.run(
      { HyperParameterTuningJobName: 'run-1' },
      {
        context: {
          Execution: {
            Id: 'arn:aws:states:us-east-1:000000000000:execution:tuner:run-1',
            Name: 'run-1',
            StartTime: '2025-01-01T00:00:00Z',
            Input: { HyperParameterTuningJobName: 'run-1' },
          },
          StateMachine: { Id: 'arn:aws:states:us-east-1:000000000000:stateMachine:tuner' },
          Task: { Token: 'token-1' },
        } as never,
        overrides: {
          taskResourceLocalHandlers: {
            Validate: (input) => {
              calls.push(`Validate ${JSON.stringify(input)}`);
              return { Payload: { runId: (input as { Payload: Record<string, string> }).Payload.HyperParameterTuningJobName } };
            },
            Init: (input) => {
              // aws-local-stepfunctions fills $$.Execution.StartTime itself.
              calls.push(`Init ${JSON.stringify(input).replace(/"StartTime":"[^"]+"/, '"StartTime":"<time>"')}`);
              return { Payload: { runId: 'run-1', seed: 1, version: 0, ticks: 0 } };
            },
            Tick: (input) => {
              tick += 1;
              calls.push(`Tick ${JSON.stringify(input)}`);
              return { Payload: { runId: 'run-1', status: tick < 3 ? 'running' : 'done', version: tick, ticks: tick, retryAfterSeconds: 0, waitSeconds: 30 } };
            },
            WaitForChange: (input) => {
              calls.push(`WaitForChange ${JSON.stringify(input)}`);
              return { woken: true };
            },
            Finalize: (input) => {
              calls.push(`Finalize ${JSON.stringify(input)}`);
              return { Payload: { BestTrainingJob: { TrainingJobName: 'x' } } };
            },
          },
        },
      },
    );
    await expect(execution.result).resolves.toEqual({ BestTrainingJob: { TrainingJobName: 'x' } });
    expect(calls).toEqual([
      'Validate {"FunctionName":"arn:aws:lambda:us-east-1:000000000000:function:validate","Payload":{"HyperParameterTuningJobName":"run-1"}}',
      'Init {"FunctionName":"arn:aws:lambda:us-east-1:000000000000:function:init","Payload":{"execution":{"Id":"arn:aws:states:us-east-1:000000000000:execution:tuner:run-1","Name":"run-1","StartTime":"<time>"},"input":{"HyperParameterTuningJobName":"run-1"}}}',
      'Tick {"FunctionName":"arn:aws:lambda:us-east-1:000000000000:function:tick","Payload":{"runId":"run-1","ticks":0}}',
      'WaitForChange {"FunctionName":"arn:aws:lambda:us-east-1:000000000000:function:wait-for-change","Payload":{"runId":"run-1","taskToken":"token-1","version":1,"waitSeconds":30}}',
      'Tick {"FunctionName":"arn:aws:lambda:us-east-1:000000000000:function:tick","Payload":{"runId":"run-1","ticks":1}}',
      'WaitForChange {"FunctionName":"arn:aws:lambda:us-east-1:000000000000:function:wait-for-change","Payload":{"runId":"run-1","taskToken":"token-1","version":2,"waitSeconds":30}}',
      'Tick {"FunctionName":"arn:aws:lambda:us-east-1:000000000000:function:tick","Payload":{"runId":"run-1","ticks":2}}',
      'Finalize {"FunctionName":"arn:aws:lambda:us-east-1:000000000000:function:finalize","Payload":{"runId":"run-1"}}',
    ]);
  });

  test('continues as new after N ticks, and a continuation resumes at Tick', async () => {
    const { StateMachine } = require('aws-local-stepfunctions') as typeof import('aws-local-stepfunctions'); // eslint-disable-line @typescript-eslint/no-require-imports
    const small = synthesizeDefinitionForLocal({ ticksBeforeContinueAsNew: 2 });
    const sm = new StateMachine(prepareDefinition(small.asl).definition as never);
    let started: unknown;
    const context = {
      Execution: { Id: 'arn:aws:states:us-east-1:000000000000:execution:tuner:run-7-g3', Name: 'run-7-g3', StartTime: '2025-01-01T00:00:00Z' },
      StateMachine: { Id: 'arn:aws:states:us-east-1:000000000000:stateMachine:tuner' },
      Task: { Token: 't' },
    };
    const execution = sm.run(
      { ContinueRun: { RunId: 'run-7', Generation: 3 } },
      {
        context: context as never,
        overrides: {
          taskResourceLocalHandlers: {
            Tick: () => ({ Payload: { runId: 'run-7', status: 'running', version: 9, ticks: 1, retryAfterSeconds: 0, waitSeconds: 30 } }),
            WaitForChange: () => ({}),
            ContinueAsNew: (input) => {
              started = input;
              return { ExecutionArn: 'arn:next', StartDate: 'now' };
            },
          },
        },
      },
    );
    await expect(execution.result).resolves.toEqual({
      runId: 'run-7',
      generation: 3,
      ticks: 2,
      status: 'running',
      version: 9,
      retryAfterSeconds: 0,
      waitSeconds: 30,
      continuedAs: { executionArn: 'arn:next' },
    });
    expect(started).toEqual({
      StateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:tuner',
      Name: 'run-7-g4',
      Input: {
        ContinueRun: { RunId: 'run-7', Generation: 4 },
        AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: 'arn:aws:states:us-east-1:000000000000:execution:tuner:run-7-g3',
      },
    });
  });
});
