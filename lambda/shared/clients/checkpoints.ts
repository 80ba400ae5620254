/** Where trials' checkpoints are looked at (S3), once per configuration. */
import { S3Client } from '@aws-sdk/client-s3';
import { S3CheckpointStore } from '../../adapters/aws/s3-checkpoint-store';
import type { CheckpointStore } from '../../../core/orchestrator/backend';
import { cachedBy, SDK_VARS } from '../config';
import { optionalEnv } from '../env';

let env: NodeJS.ProcessEnv = process.env;
// A custom endpoint (the local twin's) is reached path-style: http://127.0.0.1:port/bucket.
const build = cachedBy([...SDK_VARS, 'AWS_ENDPOINT_URL_S3'], () => new S3CheckpointStore(new S3Client({ forcePathStyle: optionalEnv('AWS_ENDPOINT_URL_S3', env) !== undefined })));

export function checkpointStore(from: NodeJS.ProcessEnv = process.env): CheckpointStore {
  env = from;
  return build(from);
}
