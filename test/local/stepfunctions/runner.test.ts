import {
  DescribeExecutionCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { LocalEventBus } from '../../../local/eventbridge/bus';
import type { ExecutionEvent, ExecutionStatusChangeEvent } from '../../../local/stepfunctions/runner';
import { defaultHandlers, type Harness, Inbox, STATE_MACHINE_ARN, startHarness } from './fixtures';

class InvalidTuningInput extends Error {
  override name = 'InvalidTuningInput';
}
class Throttled extends Error {
  override name = 'Throttled';
}

const INPUT = JSON.stringify({ runId: 'run-1', wake: null });

/** What the WaitForChange handler receives. */
interface WaitEvent {
  runId: string;
  taskToken: string;
}

describe('LocalStepFunctions running the tuner-shaped machine', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('has Promise.withResolvers on Node 20 once the runner is loaded', () => {
    expect(typeof (Promise as unknown as { withResolvers?: unknown }).withResolvers).toBe('function');
  });

  it('wraps handler results in the lambda:invoke envelope the definition selects from', async () => {
    // Prepare
    const events: ExecutionEvent[] = [];
    h = await startHarness({ onEvent: (e) => events.push(e) });

    // Act
    const { executionArn } = h.sfn.startExecution({ stateMachineArn: STATE_MACHINE_ARN, input: INPUT });
    const result = await h.sfn.waitForExecution(executionArn, 5000);

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    const output = JSON.parse(result.output!) as { validated: unknown };
    expect(output.validated).toEqual({
      payload: { ok: true, echo: { runId: 'run-1', wake: null } },
      statusCode: 200,
      version: '$LATEST',
    });
    const exited = events.find((e) => e.type === 'StateExited' && e.stateName === 'Validate');
    expect(exited).toBeDefined();
    const entered = events.filter((e) => e.type === 'StateEntered').map((e) => e.stateName);
    expect(entered).toEqual(['Validate', 'Tick', 'Route', 'Done']);
  });

  it('returns the full envelope: ExecutedVersion, Payload, SdkHttpMetadata, SdkResponseMetadata, StatusCode', async () => {
    // Prepare: a one-state machine without ResultSelector shows the raw task result
    h = await startHarness();
    const arn = 'arn:aws:states:us-east-1:000000000000:stateMachine:Envelope';
    h.sfn.createStateMachine({
      stateMachineArn: arn,
      definition: {
        StartAt: 'Call',
        States: {
          Call: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: 'fn', 'Payload.$': '$' },
            End: true,
          },
        },
      },
      handlers: { Call: async (event, context) => ({ got: event, fn: context.functionName }) },
    });

    // Act
    const { executionArn } = h.sfn.startExecution({ stateMachineArn: arn, input: '{"a":1}' });
    const result = await h.sfn.waitForExecution(executionArn);

    // Assess
    const envelope = JSON.parse(result.output!) as Record<string, unknown>;
    expect(Object.keys(envelope).sort()).toEqual(['ExecutedVersion', 'Payload', 'SdkHttpMetadata', 'SdkResponseMetadata', 'StatusCode']);
    expect(envelope).toMatchObject({
      ExecutedVersion: '$LATEST',
      Payload: { got: { a: 1 }, fn: 'fn' },
      StatusCode: 200,
      SdkHttpMetadata: { HttpStatusCode: 200, HttpHeaders: { 'Content-Type': 'application/json' } },
      SdkResponseMetadata: { RequestId: expect.any(String) },
    });
  });

  it('surfaces a thrown error by name, with the Lambda function error JSON as Cause, to Catch', async () => {
    // Prepare
    h = await startHarness({
      handlers: {
        ...defaultHandlers(),
        Validate: async () => {
          throw new InvalidTuningInput('MaxParallelTrainingJobs must be <= 100, got 500');
        },
      },
    });

    // Act
    const { executionArn } = h.sfn.startExecution({ stateMachineArn: STATE_MACHINE_ARN, input: INPUT });
    const result = await h.sfn.waitForExecution(executionArn);

    // Assess: the Fail state re-raises the caught Error/Cause
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('InvalidTuningInput');
    const cause = JSON.parse(result.cause!) as { errorMessage: string; errorType: string; trace: string[] };
    expect(cause.errorType).toBe('InvalidTuningInput');
    expect(cause.errorMessage).toBe('MaxParallelTrainingJobs must be <= 100, got 500');
    expect(cause.trace[0]).toBe('InvalidTuningInput: MaxParallelTrainingJobs must be <= 100, got 500');
    expect(cause.trace.length).toBeGreaterThan(1);
  });

  it('catches any handler error with States.TaskFailed', async () => {
    h = await startHarness({
      handlers: {
        ...defaultHandlers(),
        Tick: async () => {
          throw new TypeError('boom');
        },
      },
    });
    const { executionArn } = h.sfn.startExecution({ stateMachineArn: STATE_MACHINE_ARN, input: INPUT });
    const result = await h.sfn.waitForExecution(executionArn);
    expect(result).toMatchObject({ status: 'FAILED', error: 'TickFailed' });
    expect(JSON.parse(result.cause!)).toMatchObject({ errorType: 'TypeError', errorMessage: 'boom' });
  });

  it('retries a named error as the Retry says', async () => {
    // Prepare
    let calls = 0;
    h = await startHarness({
      handlers: {
        ...defaultHandlers(),
        Validate: async () => {
          calls += 1;
          if (calls < 3) throw new Throttled('slow down');
          return { ok: true };
        },
      },
    });

    // Act
    const { executionArn } = h.sfn.startExecution({ stateMachineArn: STATE_MACHINE_ARN, input: INPUT });
    const result = await h.sfn.waitForExecution(executionArn);

    // Assess: MaxAttempts 2 -> three calls in all
    expect(result.status).toBe('SUCCEEDED');
    expect(calls).toBe(3);
  });

  it('fills $$.Execution and $$.StateMachine from the local execution', async () => {
    const seen = new Inbox<Record<string, unknown>>();
    h = await startHarness({
      handlers: {
        ...defaultHandlers(),
        Tick: async (event) => {
          seen.push(event as Record<string, unknown>);
          return { decision: 'done' };
        },
      },
    });
    const { executionArn } = h.sfn.startExecution({ stateMachineArn: STATE_MACHINE_ARN, input: INPUT, name: 'run-1-g0' });
    expect(executionArn).toBe('arn:aws:states:us-east-1:000000000000:execution:HpoTuner:run-1-g0');
    expect(await seen.next()).toEqual({
      runId: 'run-1',
      wake: null,
      executionName: 'run-1-g0',
      executionId: executionArn,
      stateMachineId: STATE_MACHINE_ARN,
    });
    expect((await h.sfn.waitForExecution(executionArn)).status).toBe('SUCCEEDED');
  });

  it('mints a fresh token per wait and wakes it through the real SFN client', async () => {
    // Prepare: two waits, each woken by SendTaskSuccess over HTTP, then done
    const waits = new Inbox<WaitEvent>();
    const wakes: unknown[] = [];
    h = await startHarness({
      handlers: {
        ...defaultHandlers(),
        Tick: async (event) => {
          const { wake } = event as { wake: unknown };
          wakes.push(wake);
          return { decision: wakes.length === 3 ? 'done' : 'wait' };
        },
        WaitForChange: async (event) => {
          waits.push(event as WaitEvent);
          return { stored: true };
        },
      },
    });
    const { executionArn } = h.sfn.startExecution({ stateMachineArn: STATE_MACHINE_ARN, input: INPUT });

    // Act
    const first = await waits.next();
    await h.client.send(new SendTaskSuccessCommand({ taskToken: first.taskToken, output: '{"reason":"job-1 completed"}' }));
    const second = await waits.next();
    await h.client.send(new SendTaskSuccessCommand({ taskToken: second.taskToken, output: '{"reason":"job-2 completed"}' }));
    const result = await h.sfn.waitForExecution(executionArn);

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(first.taskToken).not.toBe(second.taskToken);
    for (const { taskToken } of [first, second]) {
      expect(taskToken.length).toBeGreaterThan(100);
      expect(taskToken.length).toBeLessThanOrEqual(1024);
      expect(taskToken).not.toContain('placeholder');
    }
    expect(wakes).toEqual([null, { reason: 'job-1 completed' }, { reason: 'job-2 completed' }]);

    // a token is single use: the task is closed
    const reuse = await h.client
      .send(new SendTaskSuccessCommand({ taskToken: first.taskToken, output: '{}' }))
      .catch((e: unknown) => e as Error);
    expect(reuse).toMatchObject({ name: 'TaskTimedOut' });
    const bogus = await h.client.send(new SendTaskSuccessCommand({ taskToken: 'not-a-token', output: '{}' })).catch((e: unknown) => e as Error);
    expect(bogus).toMatchObject({ name: 'InvalidToken' });
  });

  it('lets a handler wake its own wait before it returns (the event-during-tick race)', async () => {
    let ticks = 0;
    h = await startHarness({
      handlers: {
        ...defaultHandlers(),
        Tick: async () => ({ decision: ++ticks === 2 ? 'done' : 'wait' }),
        WaitForChange: async (event) => {
          // The run's version counter moved while Tick ran: wake at once, before returning.
          await h!.client.send(new SendTaskSuccessCommand({ taskToken: (event as WaitEvent).taskToken, output: '{"woke":"self"}' }));
          return {};
        },
      },
    });
    const { executionArn } = h.sfn.startExecution({ stateMachineArn: STATE_MACHINE_ARN, input: INPUT });
    const result = await h.sfn.waitForExecution(executionArn);
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output!)).toMatchObject({ wake: { woke: 'self' } });
  });

  it('takes the States.Timeout path when nobody wakes the wait; the stale token then answers TaskTimedOut', async () => {
    // Prepare
    const waits = new Inbox<WaitEvent>();
    let ticks = 0;
    const wakes: unknown[] = [];
    h = await startHarness({
      taskTokenWaits: { timeoutOverridesMs: { WaitForChange: 150 } },
      handlers: {
        ...defaultHandlers(),
        Tick: async (event) => {
          wakes.push((event as { wake: unknown }).wake);
          return { decision: ++ticks === 2 ? 'done' : 'wait' };
        },
        WaitForChange: async (event) => {
          waits.push(event as WaitEvent);
          return {};
        },
      },
    });

    // Act
    const started = Date.now();
    const { executionArn } = h.sfn.startExecution({ stateMachineArn: STATE_MACHINE_ARN, input: INPUT });
    const result = await h.sfn.waitForExecution(executionArn);
    const { taskToken } = await waits.next();
    const late = await h.client.send(new SendTaskSuccessCommand({ taskToken, output: '{}' })).catch((e: unknown) => e as Error);

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(wakes[1]).toEqual({ Error: 'States.Timeout', Cause: 'States.Timeout' });
    expect(late).toMatchObject({ name: 'TaskTimedOut' });
  });

  it('fails the wait with the error and cause given to SendTaskFailure', async () => {
    const waits = new Inbox<WaitEvent>();
    h = await startHarness({
      handlers: {
        ...defaultHandlers(),
        Tick: async () => ({ decision: 'wait' }),
        WaitForChange: async (event) => {
          waits.push(event as WaitEvent);
          return {};
        },
      },
    });
    const { executionArn } = h.sfn.startExecution({ stateMachineArn: STATE_MACHINE_ARN, input: INPUT });
    const { taskToken } = await waits.next();
    await h.client.send(new SendTaskFailureCommand({ taskToken, error: 'TrainingBackendDown', cause: 'no capacity' }));
    const result = await h.sfn.waitForExecution(executionArn);
    expect(result).toMatchObject({ status: 'FAILED', error: 'TrainingBackendDown', cause: 'no capacity' });
  });

  it('stops an execution: ABORTED, the status-change event emitted, its wait cancelled', async () => {
    // Prepare
    const waits = new Inbox<WaitEvent>();
    const changes: ExecutionStatusChangeEvent[] = [];
    h = await startHarness({
      handlers: {
        ...defaultHandlers(),
        Tick: async () => ({ decision: 'wait' }),
        WaitForChange: async (event) => {
          waits.push(event as WaitEvent);
          return {};
        },
      },
    });
    h.sfn.onStatusChange((e) => changes.push(e));
    const { executionArn } = h.sfn.startExecution({ stateMachineArn: STATE_MACHINE_ARN, input: INPUT, name: 'to-stop' });
    const { taskToken } = await waits.next();

    // Act
    await h.client.send(new StopExecutionCommand({ executionArn, error: 'UserStopped', cause: 'stopped from the console' }));
    const described = await h.client.send(new DescribeExecutionCommand({ executionArn }));
    const late = await h.client.send(new SendTaskSuccessCommand({ taskToken, output: '{}' })).catch((e: unknown) => e as Error);

    // Assess
    expect(described).toMatchObject({ status: 'ABORTED', error: 'UserStopped', cause: 'stopped from the console', name: 'to-stop' });
    expect(described.stopDate).toBeInstanceOf(Date);
    expect(late).toMatchObject({ name: 'TaskTimedOut' });
    expect(changes.map((c) => c.detail.status)).toEqual(['RUNNING', 'ABORTED']);
    const aborted = changes[1];
    expect(aborted).toMatchObject({
      version: '0',
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      account: '000000000000',
      region: 'us-east-1',
      resources: [executionArn],
      detail: {
        executionArn,
        stateMachineArn: STATE_MACHINE_ARN,
        name: 'to-stop',
        status: 'ABORTED',
        input: INPUT,
        inputDetails: { included: true },
        output: null,
        outputDetails: null,
        error: 'UserStopped',
        cause: 'stopped from the console',
      },
    });
    expect(aborted.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(typeof aborted.detail.startDate).toBe('number');
    expect(aborted.detail.stopDate).toBeGreaterThanOrEqual(aborted.detail.startDate);
  });

  it('continues as new: starts a second execution of itself with the given input', async () => {
    // Prepare
    const seen = new Inbox<Record<string, unknown>>();
    h = await startHarness({
      handlers: {
        ...defaultHandlers(),
        Tick: async (event) => {
          const e = event as { runId: string; executionName: string };
          seen.push(e);
          return e.runId === 'run-1' ? { decision: 'continue', next: { runId: 'run-1b', wake: null, generation: 1 } } : { decision: 'done' };
        },
      },
    });

    // Act
    const { executionArn } = h.sfn.startExecution({ stateMachineArn: STATE_MACHINE_ARN, input: INPUT, name: 'gen-0' });
    const first = await h.sfn.waitForExecution(executionArn);
    const continued = (JSON.parse(first.output!) as { continued: { ExecutionArn: string; StartDate: string } }).continued;
    const second = await h.sfn.waitForExecution(continued.ExecutionArn);

    // Assess
    expect(first.status).toBe('SUCCEEDED');
    expect(continued.ExecutionArn).toMatch(/^arn:aws:states:us-east-1:000000000000:execution:HpoTuner:[0-9a-f-]{36}$/);
    expect(Number.isNaN(Date.parse(continued.StartDate))).toBe(false);
    expect(second.status).toBe('SUCCEEDED');
    expect(JSON.parse(second.input)).toEqual({ runId: 'run-1b', wake: null, generation: 1 });
    expect(h.sfn.listExecutions({ stateMachineArn: STATE_MACHINE_ARN })).toHaveLength(2);
  });

  it('treats execution names like the service: same name and input while running is idempotent, else ExecutionAlreadyExists', async () => {
    const waits = new Inbox<WaitEvent>();
    h = await startHarness({
      handlers: {
        ...defaultHandlers(),
        Tick: async () => ({ decision: 'wait' }),
        WaitForChange: async (event) => {
          waits.push(event as WaitEvent);
          return {};
        },
      },
    });
    const a = await h.client.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: 'dup', input: INPUT }));
    await waits.next();
    const b = await h.client.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: 'dup', input: INPUT }));
    const c = await h.client
      .send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: 'dup', input: '{"runId":"other","wake":null}' }))
      .catch((e: unknown) => e as Error);
    expect(b.executionArn).toBe(a.executionArn);
    expect(b.startDate?.getTime()).toBe(a.startDate?.getTime());
    expect(c).toMatchObject({ name: 'ExecutionAlreadyExists' });
    const missing = await h.client
      .send(new DescribeExecutionCommand({ executionArn: `${a.executionArn}-nope` }))
      .catch((e: unknown) => e as Error);
    expect(missing).toMatchObject({ name: 'ExecutionDoesNotExist' });
  });
  it('enforces TimeoutSeconds on a slow handler with States.Timeout, which States.TaskFailed does not catch', async () => {
    // Prepare
    h = await startHarness();
    const arn = 'arn:aws:states:us-east-1:000000000000:stateMachine:Slow';
    h.sfn.createStateMachine({
      stateMachineArn: arn,
      taskTokenWaits: { timeoutOverridesMs: { Slow: 100 } },
      definition: {
        StartAt: 'Slow',
        States: {
          Slow: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: 'slow', 'Payload.$': '$' },
            TimeoutSeconds: 60,
            Catch: [
              { ErrorEquals: ['States.TaskFailed'], Next: 'Failed' },
              { ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'TimedOut' },
            ],
            End: true,
          },
          Failed: { Type: 'Fail', Error: 'WrongCatcher' },
          TimedOut: { Type: 'Pass', End: true },
        },
      },
      handlers: { Slow: () => new Promise((resolve) => setTimeout(() => resolve({}), 400)) },
    });

    // Act
    const { executionArn } = h.sfn.startExecution({ stateMachineArn: arn });
    const result = await h.sfn.waitForExecution(executionArn);

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output!)).toEqual({ error: { Error: 'States.Timeout', Cause: 'States.Timeout' } });
  });

  it('does not call a handler again for a Retry that comes after the execution was stopped', async () => {
    // Prepare: the first call is in flight when the execution stops, then throws a retryable error
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const entered = new Inbox<true>();
    h = await startHarness({
      handlers: {
        ...defaultHandlers(),
        Validate: async () => {
          calls += 1;
          entered.push(true);
          await gate;
          throw new Throttled('slow down');
        },
      },
    });
    const { executionArn } = h.sfn.startExecution({ stateMachineArn: STATE_MACHINE_ARN, input: INPUT });
    await entered.next();

    // Act
    h.sfn.stopExecution(executionArn);
    release();
    await new Promise((resolve) => setTimeout(resolve, 50));

    // Assess
    expect(calls).toBe(1);
    expect(h.sfn.describeExecution(executionArn).status).toBe('ABORTED');
  });
  it('emits status changes a LocalEventBus rule on the state machine matches', async () => {
    // Prepare: the cleanup rule of the design, ABORTED/FAILED/TIMED_OUT of this state machine
    const bus = new LocalEventBus();
    h = await startHarness({
      handlers: {
        ...defaultHandlers(),
        Tick: async () => {
          throw new RangeError('bad rung');
        },
      },
    });
    h.sfn.onStatusChange((e) => bus.put(e));
    const matched = bus.waitFor(
      {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: { status: ['ABORTED', 'FAILED', 'TIMED_OUT'], stateMachineArn: [STATE_MACHINE_ARN] },
      },
      5000,
    );

    // Act
    const { executionArn } = h.sfn.startExecution({ stateMachineArn: STATE_MACHINE_ARN, input: INPUT });
    const event = await matched;
    await bus.close();

    // Assess
    expect(event.detail).toMatchObject({ executionArn, status: 'FAILED', error: 'TickFailed' });
  });
});
