import { classifyResource, MAX_TIMEOUT_SECONDS, prepareDefinition, replaceInStrings } from '../../../local/stepfunctions/definition';
import { LocalStepFunctions } from '../../../local/stepfunctions/runner';
import { tunerDefinition, defaultHandlers, STATE_MACHINE_ARN } from './fixtures';

type States = Record<string, Record<string, unknown>>;

describe('prepareDefinition', () => {
  it('gives Tasks without a timeout the service default instead of the library 60 s, clamped to a Node timer', () => {
    const { definition, tasks } = prepareDefinition(tunerDefinition);
    const states = (definition as { States: States }).States;
    expect(states.Tick.TimeoutSeconds).toBe(MAX_TIMEOUT_SECONDS);
    expect(states.WaitForChange.TimeoutSeconds).toBe(300);
    expect(tasks.get('WaitForChange')).toEqual({
      name: 'WaitForChange',
      resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      kind: 'lambda-invoke-wait',
      timeoutMs: 300_000,
    });
    expect((tunerDefinition.States.Tick as Record<string, unknown>).TimeoutSeconds).toBeUndefined(); // input untouched
  });

  it('applies timeout overrides in ms and rejects ones that name no task', () => {
    const { definition } = prepareDefinition(tunerDefinition, { WaitForChange: 250 });
    expect((definition as { States: States }).States.WaitForChange.TimeoutSeconds).toBe(0.25);
    expect(() => prepareDefinition(tunerDefinition, { Nope: 1 })).toThrow(/timeout overrides name no task state: Nope/);
  });

  it('finds tasks inside Parallel branches and Map processors', () => {
    const task = { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true };
    const { tasks } = prepareDefinition({
      StartAt: 'P',
      States: {
        P: { Type: 'Parallel', Branches: [{ StartAt: 'A', States: { A: task } }], Next: 'M' },
        M: { Type: 'Map', ItemProcessor: { StartAt: 'B', States: { B: { ...task, TimeoutSeconds: 1e9 } } }, End: true },
      },
    });
    expect([...tasks.keys()]).toEqual(['A', 'B']);
    expect(tasks.get('B')?.timeoutMs).toBe(MAX_TIMEOUT_SECONDS * 1000);
  });

  it('classifies resources of any partition', () => {
    expect(classifyResource('arn:aws-cn:states:::lambda:invoke')).toBe('lambda-invoke');
    expect(classifyResource('arn:aws:lambda:us-east-1:000000000000:function:Tick')).toBe('lambda-function');
    expect(classifyResource('arn:aws:states:::states:startExecution')).toBe('sfn-start-execution');
    expect(classifyResource('arn:aws:states:::sagemaker:createTrainingJob.sync')).toBe('other');
  });

  it('replaces a placeholder inside nested strings', () => {
    expect(replaceInStrings({ a: ['x-P-y', { b: 'P' }], n: 1 }, 'P', 'T')).toEqual({ a: ['x-T-y', { b: 'T' }], n: 1 });
  });
});

describe('LocalStepFunctions configuration errors', () => {
  it('names every Lambda task without a handler and every handler without a task', () => {
    const { Tick: _tick, ...handlers } = defaultHandlers();
    expect(
      () => new LocalStepFunctions({ stateMachines: [{ definition: tunerDefinition, stateMachineArn: STATE_MACHINE_ARN, handlers: { ...handlers, Tock: handlers.Validate } }] }),
    ).toThrow(/task state "Tick" invokes Lambda but has no handler; handler "Tock" names no task state/);
  });

  it('rejects a resource the twin does not emulate unless a handler takes it over', () => {
    const definition = {
      StartAt: 'Train',
      States: { Train: { Type: 'Task', Resource: 'arn:aws:states:::sagemaker:createTrainingJob.sync', Parameters: {}, End: true } },
    };
    expect(() => new LocalStepFunctions({ stateMachines: [{ definition, stateMachineArn: STATE_MACHINE_ARN, handlers: {} }] })).toThrow(
      /"Train" uses resource arn:aws:states:::sagemaker:createTrainingJob.sync, which the local twin does not emulate/,
    );
  });

  it('rejects a malformed state machine arn and an invalid definition', () => {
    expect(() => new LocalStepFunctions().createStateMachine({ definition: tunerDefinition, stateMachineArn: 'HpoTuner', handlers: {} })).toThrow(
      /state machine arn must look like/,
    );
    expect(() =>
      new LocalStepFunctions().createStateMachine({ definition: { StartAt: 'X', States: {} }, stateMachineArn: STATE_MACHINE_ARN, handlers: {} }),
    ).toThrow(/State machine definition is invalid/);
  });
});
