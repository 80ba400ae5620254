/**
 * `RunEventPublisher` on EventBridge: one `PutEvents` entry on the default bus (and the local
 * twin's EventBridge endpoint, via `AWS_ENDPOINT_URL_EVENTBRIDGE`).
 */
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { RequestRejected, TransientError } from '../../../core/orchestrator/errors';
import {
  RUN_EVENT_SOURCE,
  RUN_STATUS_CHANGE_DETAIL_TYPE,
  type RunEventPublisher,
  type RunStatusChangeDetail,
} from '../../../core/orchestrator/run-events';
import { toTunerError } from './aws-errors';

/** Per-entry error codes of PutEvents that are worth retrying (the rest are the entry's fault). */
const RETRYABLE_ENTRY_ERRORS = new Set(['InternalFailure', 'ThrottlingException']);

export class EventBridgeRunEventPublisher implements RunEventPublisher {
  constructor(private readonly client: EventBridgeClient) {}

  async publish(detail: RunStatusChangeDetail): Promise<void> {
    let answer;
    try {
      answer = await this.client.send(
        new PutEventsCommand({
          Entries: [
            {
              Source: RUN_EVENT_SOURCE,
              DetailType: RUN_STATUS_CHANGE_DETAIL_TYPE,
              Detail: JSON.stringify(detail),
              Resources: [detail.executionArn],
            },
          ],
        }),
      );
    } catch (error) {
      throw toTunerError({ service: 'events', operation: 'PutEvents', target: detail.runId }, error);
    }
    // PutEvents answers 200 and reports a refused entry in the answer, not as an error.
    if ((answer.FailedEntryCount ?? 0) > 0) {
      const entry = answer.Entries?.[0];
      const what = `events:PutEvents on '${detail.runId}' did not put the event (${entry?.ErrorCode ?? 'unknown'}: ${entry?.ErrorMessage ?? 'no message'})`;
      if (RETRYABLE_ENTRY_ERRORS.has(entry?.ErrorCode ?? '')) throw new TransientError(what);
      throw new RequestRejected(what, 'events:PutEvents');
    }
  }
}
