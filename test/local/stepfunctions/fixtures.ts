// A hand-written ASL with the shape of the tuner's state machine (see DESIGN.md "Orchestration"):
// Validate -> Tick -> Route --done--> Done
//                ^       |--continue--> ContinueAsNew (sfn:startExecution of itself) -> Continued
//                |       '--else--> WaitForChange (.waitForTaskToken, TimeoutSeconds; Catch States.Timeout -> Tick)
//                '---------------------'
import { SFNClient } from '@aws-sdk/client-sfn';
import { LocalStepFunctions, type LambdaHandler, type LocalStateMachineOptions } from '../../../local/stepfunctions/runner';
import { type SfnEndpoint, startSfnEndpoint } from '../../../local/stepfunctions/endpoint';

export const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:HpoTuner';
const FN = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:LOCAL_PLACEHOLDER_${name}`;

export const tunerDefinition = {
  StartAt: 'Validate',
  States: {
    Validate: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: FN('validate'), 'Payload.$': '$' },
      ResultSelector: { 'payload.$': '$.Payload', 'statusCode.$': '$.StatusCode', 'version.$': '$.ExecutedVersion' },
      ResultPath: '$.validated',
      Retry: [{ ErrorEquals: ['Throttled'], IntervalSeconds: 5, MaxAttempts: 2, BackoffRate: 2 }],
      Catch: [{ ErrorEquals: ['InvalidTuningInput'], ResultPath: '$.error', Next: 'ValidationFailed' }],
      Next: 'Tick',
    },
    ValidationFailed: { Type: 'Fail', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' },
    Tick: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: {
        FunctionName: FN('tick'),
        Payload: {
          'runId.$': '$.runId',
          'wake.$': '$.wake',
          'executionName.$': '$$.Execution.Name',
          'executionId.$': '$$.Execution.Id',
          'stateMachineId.$': '$$.StateMachine.Id',
        },
      },
      ResultSelector: { 'decision.$': '$.Payload.decision', 'payload.$': '$.Payload' },
      ResultPath: '$.tick',
      Catch: [{ ErrorEquals: ['States.TaskFailed'], ResultPath: '$.error', Next: 'TickFailed' }],
      Next: 'Route',
    },
    TickFailed: { Type: 'Fail', Error: 'TickFailed', CausePath: '$.error.Cause' },
    Route: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.tick.decision', StringEquals: 'done', Next: 'Done' },
        { Variable: '$.tick.decision', StringEquals: 'continue', Next: 'ContinueAsNew' },
      ],
      Default: 'WaitForChange',
    },
    WaitForChange: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: FN('wait'), Payload: { 'runId.$': '$.runId', 'taskToken.$': '$$.Task.Token' } },
      TimeoutSeconds: 300,
      ResultPath: '$.wake',
      Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.wake', Next: 'Tick' }],
      Next: 'Tick',
    },
    ContinueAsNew: {
      Type: 'Task',
      Resource: 'arn:aws:states:::aws-sdk:sfn:startExecution',
      Parameters: { 'StateMachineArn.$': '$$.StateMachine.Id', 'Input.$': 'States.JsonToString($.tick.payload.next)' },
      ResultPath: '$.continued',
      Next: 'Continued',
    },
    Continued: { Type: 'Succeed' },
    Done: { Type: 'Succeed' },
  },
};

/** Handlers that do nothing interesting unless a test replaces them. */
export function defaultHandlers(): Record<'Validate' | 'Tick' | 'WaitForChange', LambdaHandler> {
  return {
    Validate: async (event) => ({ ok: true, echo: event }),
    Tick: async () => ({ decision: 'done' }),
    WaitForChange: async () => ({ stored: true }),
  };
}

/** A local service with the tuner machine, its HTTP endpoint, and a real SFN client on it. */
export interface Harness {
  readonly sfn: LocalStepFunctions;
  readonly endpoint: SfnEndpoint;
  readonly client: SFNClient;
  close(): Promise<void>;
}

export async function startHarness(overrides: Partial<LocalStateMachineOptions> = {}): Promise<Harness> {
  const sfn = new LocalStepFunctions({
    stateMachines: [
      {
        definition: tunerDefinition,
        stateMachineArn: STATE_MACHINE_ARN,
        handlers: defaultHandlers(),
        retryIntervalOverrides: { Validate: 0 },
        ...overrides,
      },
    ],
  });
  const endpoint = await startSfnEndpoint(sfn);
  const client = new SFNClient({ endpoint: endpoint.endpoint, region: 'us-east-1' });
  return {
    sfn,
    endpoint,
    client,
    async close() {
      client.destroy();
      sfn.close();
      await endpoint.close();
    },
  };
}

/** A queue a handler pushes to and a test awaits. */
export class Inbox<T> {
  private readonly items: T[] = [];
  private readonly waiters: ((item: T) => void)[] = [];

  push(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(item);
    else this.items.push(item);
  }

  next(timeoutMs = 5000): Promise<T> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`nothing arrived within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push((value) => {
        clearTimeout(timer);
        resolve(value);
      });
    });
  }
}
