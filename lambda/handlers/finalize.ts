/** Finalize: release warm pools and return the run's outcome (the execution's output). */
import type { Context } from 'aws-lambda';
import { finalizeRunWithRecord, type RunOutcome } from '../../core/orchestrator/finalize';
import { finalizedRunDetail } from '../../core/orchestrator/run-events';
import { trainingBackend } from '../shared/clients/backend';
import { runEventPublisher } from '../shared/clients/events';
import { runStore } from '../shared/clients/store';
import { requiredEnv } from '../shared/env';
import { beginInvocation, deadlineOf, logger } from '../shared/powertools';
import { announceRunStatus } from '../shared/run-status';

export const handler = async (event: { runId: string }, context?: Context): Promise<RunOutcome> => {
  beginInvocation(context, { runId: event.runId });
  let finalized;
  try {
    finalized = await finalizeRunWithRecord(runStore(), trainingBackend(), event.runId, new Date(), { deadlineMs: deadlineOf(context) });
  } catch (error) {
    logger.warn('finalize did not finish', error as Error);
    throw error;
  }
  const { outcome, run } = finalized;
  logger.info('run finished', { status: outcome.HyperParameterTuningJobStatus, best: outcome.BestTrainingJob });
  const jobNamePrefix = requiredEnv('JOB_NAME_PREFIX');
  await announceRunStatus({ runEvents: runEventPublisher(), jobNamePrefix }, finalizedRunDetail(jobNamePrefix, run, outcome));
  return outcome;
};
