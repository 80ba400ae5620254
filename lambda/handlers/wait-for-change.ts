/** WaitForChange: park the task token (the loop sleeps until a job ends or the poll interval passes). */
import type { Context } from 'aws-lambda';
import { parkTaskToken } from '../../core/orchestrator/wait';
import { runStore } from '../shared/clients/store';
import { taskWaker } from '../shared/clients/waker';
import { beginInvocation, logger } from '../shared/powertools';

export interface WaitEvent {
  readonly runId: string;
  readonly taskToken: string;
  readonly version: number;
  /** How long the state machine waits for a wake-up before it ticks anyway. */
  readonly waitSeconds?: number;
}

export const handler = async (event: WaitEvent, context?: Context): Promise<{ outcome: string }> => {
  beginInvocation(context, { runId: event.runId });
  const outcome = await parkTaskToken(runStore(), taskWaker(), event);
  logger.debug('waiting for change', { outcome, version: event.version, waitSeconds: event.waitSeconds });
  return { outcome };
};
