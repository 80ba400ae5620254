/** Finalize: release warm pools and return the run's outcome (the execution's output). */
import type { Context } from 'aws-lambda';
import { finalizeRun, type RunOutcome } from '../core/orchestrator/finalize';
import { trainingBackend } from '../shared/clients/backend';
import { runStore } from '../shared/clients/store';
import { beginInvocation, deadlineOf, logger } from '../shared/powertools';

export const handler = async (event: { runId: string }, context?: Context): Promise<RunOutcome> => {
  beginInvocation(context, { runId: event.runId });
  try {
    const outcome = await finalizeRun(runStore(), trainingBackend(), event.runId, new Date(), { deadlineMs: deadlineOf(context) });
    logger.info('run finished', { status: outcome.HyperParameterTuningJobStatus, best: outcome.BestTrainingJob });
    return outcome;
  } catch (error) {
    logger.warn('finalize did not finish', error as Error);
    throw error;
  }
};
