/** The training backend (SageMaker), once per configuration. */
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageMakerBackend } from '../../adapters/aws/sagemaker-backend';
import type { TrainingBackend } from '../../../core/orchestrator/backend';
import { cachedBy, SDK_VARS } from '../config';

export const trainingBackend: (env?: NodeJS.ProcessEnv) => TrainingBackend = cachedBy([...SDK_VARS, 'AWS_ENDPOINT_URL_SAGEMAKER'], () => new SageMakerBackend(new SageMakerClient({})));
