/** `TaskWaker` on Step Functions: `SendTaskSuccess` (and the local twin's endpoint, via `AWS_ENDPOINT_URL_SFN`). */
import { SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { TaskWaker } from '../../../core/orchestrator/waker';
import { awsErrorCode, toTunerError } from './aws-errors';

/** Errors meaning the wait is over already (timed out, or woken by someone else). */
const EXPIRED = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);

export class StepFunctionsWaker implements TaskWaker {
  constructor(private readonly client: SFNClient) {}

  async wake(taskToken: string, output: Readonly<Record<string, unknown>>): Promise<'woken' | 'expired'> {
    try {
      await this.client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
      return 'woken';
    } catch (error) {
      if (EXPIRED.has(awsErrorCode(error))) return 'expired';
      throw toTunerError({ service: 'states', operation: 'SendTaskSuccess' }, error);
    }
  }
}
