/** EventBridge "SageMaker Training Job State Change" -> record the job, wake the loop when it ended. */
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { recordJobEvent, type JobEventOutcome } from '../../core/orchestrator/job-event';
import { trainingBackend } from '../shared/clients/backend';
import { runStore } from '../shared/clients/store';
import { taskWaker } from '../shared/clients/waker';
import { requiredEnv } from '../shared/env';
import { beginInvocation, logger } from '../shared/powertools';

export type TrainingJobStateChange = EventBridgeEvent<'SageMaker Training Job State Change', { TrainingJobName?: string; TrainingJobStatus?: string; SecondaryStatus?: string }>;

export const handler = async (event: TrainingJobStateChange, context?: Context): Promise<JobEventOutcome> => {
  beginInvocation(context);
  const jobName = event.detail?.TrainingJobName;
  if (typeof jobName !== 'string' || jobName === '') {
    logger.warn('event without TrainingJobName', { id: event.id });
    return { kind: 'ignored', reason: 'event without TrainingJobName' };
  }
  logger.appendKeys({ trainingJobName: jobName });
  const detail = event.detail;
  const outcome = await recordJobEvent({ store: runStore(), backend: trainingBackend(), waker: taskWaker(), jobNamePrefix: requiredEnv('JOB_NAME_PREFIX'), now: () => new Date() }, jobName, {
    ...(typeof detail.TrainingJobStatus === 'string' ? { status: detail.TrainingJobStatus } : {}),
    ...(typeof detail.SecondaryStatus === 'string' ? { secondaryStatus: detail.SecondaryStatus } : {}),
  });
  logger.info('training job event', { eventStatus: event.detail.TrainingJobStatus, outcome });
  return outcome;
};
