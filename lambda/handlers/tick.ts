/** Tick: one ask/tell step of the run's reconciler loop. */
import type { Context } from 'aws-lambda';
import { tickOrFail } from '../core/orchestrator/tick';
import { trainingBackend } from '../shared/clients/backend';
import { checkpointStore } from '../shared/clients/checkpoints';
import { runStore } from '../shared/clients/store';
import { deploymentConfig } from '../shared/config';
import { beginInvocation, logger } from '../shared/powertools';

export interface TickEvent {
  readonly runId: string;
  /** Ticks so far in this execution (for ContinueAsNew). */
  readonly ticks?: number;
}

export interface TickOutput {
  readonly runId: string;
  readonly status: 'running' | 'done';
  readonly version: number;
  readonly ticks: number;
  readonly running: number;
  readonly pending: number;
  readonly retryAfterSeconds: number;
}

export const handler = async (event: TickEvent, context?: Context): Promise<TickOutput> => {
  beginInvocation(context, { runId: event.runId });
  try {
    const result = await tickOrFail({ ...deploymentConfig(), store: runStore(), backend: trainingBackend(), checkpoints: checkpointStore() }, event.runId);
    for (const note of result.notes) logger.info(note);
    const { notes: _notes, ...rest } = result;
    return { ...rest, ticks: (event.ticks ?? 0) + 1 };
  } catch (error) {
    logger.error('tick failed', error as Error);
    throw error;
  }
};
