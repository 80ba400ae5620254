/** The loop's waker (Step Functions task tokens), once per configuration. */
import { SFNClient } from '@aws-sdk/client-sfn';
import { StepFunctionsWaker } from '../../adapters/aws/sfn-waker';
import type { TaskWaker } from '../../../core/orchestrator/waker';
import { cachedBy, SDK_VARS } from '../config';

export const taskWaker: (env?: NodeJS.ProcessEnv) => TaskWaker = cachedBy([...SDK_VARS, 'AWS_ENDPOINT_URL_SFN'], () => new StepFunctionsWaker(new SFNClient({})));
