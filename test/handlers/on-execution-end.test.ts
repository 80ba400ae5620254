/** Which run an ended execution belongs to (the cleanup must stop that run's jobs, and only those). */
import { executionEndReason, runOfExecutionInput } from '../../lambda/handlers/on-execution-end';

describe('runOfExecutionInput', () => {
  it('a first execution names its run in the tuning input', () => {
    expect(runOfExecutionInput(JSON.stringify({ HyperParameterTuningJobName: 'mnist-hb', HyperParameterTuningJobConfig: {} }))).toEqual({
      runId: 'mnist-hb',
      continuation: false,
    });
  });

  it('a continued execution carries the run it continues', () => {
    expect(runOfExecutionInput(JSON.stringify({ ContinueRun: { RunId: 'mnist-hb', Generation: 3 } }))).toEqual({
      runId: 'mnist-hb',
      continuation: true,
    });
  });

  it.each([[null], [undefined], ['not json'], [JSON.stringify({})], [JSON.stringify({ HyperParameterTuningJobName: '' })], [JSON.stringify({ ContinueRun: { RunId: 7 } })]])(
    'names no run for %p',
    (input) => {
      expect(runOfExecutionInput(input as string | null | undefined)).toBeUndefined();
    },
  );
});

describe('executionEndReason: the run\'s one-line reason after its execution ended', () => {
  it('an aborted execution', () => {
    expect(executionEndReason({ status: 'ABORTED', error: null, cause: null })).toBe('execution aborted');
  });

  it('a failed execution quotes the handler\'s message out of Lambda\'s error JSON', () => {
    const cause = JSON.stringify({
      errorType: 'PermissionDenied',
      errorMessage: "dynamodb:UpdateItem on 'results' was denied (AccessDeniedException: ...); allow 'dynamodb:UpdateItem' for the tuner's functions",
      trace: ['PermissionDenied: ...', '    at x'],
    });
    expect(executionEndReason({ status: 'FAILED', error: 'PermissionDenied', cause })).toBe(
      "execution failed: PermissionDenied: dynamodb:UpdateItem on 'results' was denied (AccessDeniedException: ...); allow 'dynamodb:UpdateItem' for the tuner's functions",
    );
  });

  it('a timed-out execution, with a cause that is not JSON', () => {
    expect(executionEndReason({ status: 'TIMED_OUT', error: 'States.Timeout', cause: 'the execution\nran too long' })).toBe(
      'execution timed out: States.Timeout: the execution ran too long',
    );
  });
});
