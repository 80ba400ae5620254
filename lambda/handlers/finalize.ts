/** Finalize: release warm pools and return the run's outcome (the execution's output). */
import type { Context } from 'aws-lambda';
import { finalizeRunWithRecord, type RunOutcome } from '../core/orchestrator/finalize';
import { finalizedRunDetail } from '../core/orchestrator/run-events';
import { handlerDeps } from '../shared/deps';
import { beginInvocation, deadlineOf, logger } from '../shared/powertools';
import { announceRunStatus } from '../shared/run-status';

export const handler = async (event: { runId: string }, context?: Context): Promise<RunOutcome> => {
  beginInvocation(context, { runId: event.runId });
  const deps = handlerDeps();
  let finalized;
  try {
    finalized = await finalizeRunWithRecord(deps.store, deps.backend, event.runId, deps.now(), { deadlineMs: deadlineOf(context) });
  } catch (error) {
    logger.warn('finalize did not finish', error as Error);
    throw error;
  }
  const { outcome, run } = finalized;
  logger.info('run finished', { status: outcome.HyperParameterTuningJobStatus, best: outcome.BestTrainingJob });
  await announceRunStatus(deps, finalizedRunDetail(deps.jobNamePrefix, run, outcome));
  return outcome;
};
