/** Which run an ended execution belongs to (the cleanup must stop that run's jobs, and only those). */
import { runOfExecutionInput } from '../../lambda/handlers/on-execution-end';

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
