/**
 * Announce a run's status: count it in the tuner's metrics and send the run-level EventBridge
 * event. A failure to send is a warning with its class, never a failed invocation: the run's
 * outcome does not depend on a notification (and retrying Finalize or the cleanup for it would
 * repeat their work).
 */
import { publishRunStatus, runMetricName, type PublishResult, type RunEventPublisher, type RunStatusChangeDetail } from '../../core/orchestrator/run-events';
import { countMetric } from './metrics';
import { logger } from './powertools';

export async function announceRunStatus(deps: { readonly runEvents: RunEventPublisher; readonly jobNamePrefix: string }, detail: RunStatusChangeDetail): Promise<PublishResult> {
  countMetric(deps.jobNamePrefix, runMetricName(detail.status));
  const result = await publishRunStatus(deps.runEvents, detail);
  if (result.kind === 'failed') {
    logger.warn('run status event not published', { status: detail.status, errorClass: result.errorClass, error: result.message });
  }
  return result;
}
