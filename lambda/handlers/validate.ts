/**
 * Validate: the execution input is the AMT request body, extended. Invalid input fails the
 * execution with every problem listed, before anything is recorded or started.
 *
 * Its result is only the run's name: Init reads the input from the execution itself
 * (`$$.Execution.Input`), so the input never travels through the state.
 */
import type { Context } from 'aws-lambda';
import { InvalidTuningInput } from '../../core/orchestrator/errors';
import { deploymentConfig } from '../shared/config';
import { beginInvocation, logger } from '../shared/powertools';
import { prepareTuningRun } from '../shared/tuning-input';

export interface ValidateOutput {
  readonly runId: string;
}

export const handler = async (event: unknown, context?: Context): Promise<ValidateOutput> => {
  beginInvocation(context);
  let prepared;
  try {
    prepared = prepareTuningRun(event, deploymentConfig());
  } catch (error) {
    if (error instanceof InvalidTuningInput) logger.warn('invalid tuning input', { problems: error.message });
    throw error;
  }
  const { spec } = prepared;
  logger.appendKeys({ runId: spec.runName });
  logger.info('tuning input is valid', { strategy: spec.scheduler.kind, sampler: spec.sampler, maxTrainingJobs: spec.scheduler.maxTrainingJobs });
  return { runId: spec.runName };
};
