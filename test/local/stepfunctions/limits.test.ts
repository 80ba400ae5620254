/** Step Functions' payload limits in the local runner: 256 KiB for an execution's input and for every state's input and output. */
import { SfnServiceError } from '../../../local/stepfunctions/errors';
import { defaultHandlers, type Harness, STATE_MACHINE_ARN, startHarness } from './fixtures';

describe('payload limits', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('refuses an execution input over 262,144 bytes at StartExecution', async () => {
    h = await startHarness();
    const input = JSON.stringify({ runId: 'run-1', blob: 'x'.repeat(262_144) });
    let error: unknown;
    try {
      h.sfn.startExecution({ stateMachineArn: STATE_MACHINE_ARN, input });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SfnServiceError);
    expect((error as SfnServiceError).name).toBe('ValidationException');
    expect((error as Error).message).toContain('Member must have length less than or equal to 262144');
  });

  it('fails the execution with States.DataLimitExceeded when a state\'s output is over 256 KiB', async () => {
    h = await startHarness({
      handlers: { ...defaultHandlers(), Validate: async () => ({ blob: 'x'.repeat(300_000) }) },
    });
    const { executionArn } = h.sfn.startExecution({ stateMachineArn: STATE_MACHINE_ARN, input: JSON.stringify({ runId: 'run-1', wake: null }) });
    const result = await h.sfn.waitForExecution(executionArn, 5000);
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.DataLimitExceeded');
    expect(result.cause).toMatch(/^The state\/task 'Validate' returned a result with a size exceeding the maximum number of bytes service limit/);
  });

  it('runs an input just under the limit', async () => {
    h = await startHarness();
    const input = JSON.stringify({ runId: 'run-1', wake: null, blob: 'x'.repeat(100_000) });
    const { executionArn } = h.sfn.startExecution({ stateMachineArn: STATE_MACHINE_ARN, input });
    expect((await h.sfn.waitForExecution(executionArn, 5000)).status).toBe('SUCCEEDED');
  });
});
