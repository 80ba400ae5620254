/** EventBridge "SageMaker Training Job State Change" -> record the job, wake the loop when it ended. */
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { recordJobEvent, type JobEventOutcome } from '../core/orchestrator/job-event';
import { handlerDeps } from '../shared/deps';
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
  const outcome = await recordJobEvent(handlerDeps(), jobName, {
    ...(typeof detail.TrainingJobStatus === 'string' ? { status: detail.TrainingJobStatus } : {}),
    ...(typeof detail.SecondaryStatus === 'string' ? { secondaryStatus: detail.SecondaryStatus } : {}),
  });
  logger.info('training job event', { eventStatus: event.detail.TrainingJobStatus, outcome });
  return outcome;
};
