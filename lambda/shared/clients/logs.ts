/** Training jobs' logs (CloudWatch Logs), for early stopping; once per configuration. */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CloudWatchTrainingLogs } from '../../adapters/aws/cloudwatch-training-logs';
import type { TrainingLogs } from '../../../core/orchestrator/backend';
import { cachedBy, SDK_VARS } from '../config';

export const trainingLogs: (env?: NodeJS.ProcessEnv) => TrainingLogs = cachedBy(
  [...SDK_VARS, 'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS'],
  () => new CloudWatchTrainingLogs(new CloudWatchLogsClient({})),
);
