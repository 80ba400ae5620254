/** The run-level status events (EventBridge, default bus); once per configuration. */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EventBridgeRunEventPublisher } from '../../adapters/aws/eventbridge-run-events';
import type { RunEventPublisher } from '../../../core/orchestrator/run-events';
import { cachedBy, SDK_VARS } from '../config';

// Bounded: a hanging PutEvents must not eat Finalize's time (3 attempts of at most 5 s).
export const runEventPublisher: (env?: NodeJS.ProcessEnv) => RunEventPublisher = cachedBy(
  [...SDK_VARS, 'AWS_ENDPOINT_URL_EVENTBRIDGE'],
  () => new EventBridgeRunEventPublisher(new EventBridgeClient({ maxAttempts: 3, requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000 } })),
);
