/**
 * `CheckpointStore` on S3 (and on the local twin, whose SageMaker emulator also answers
 * ListObjectsV2 over its folder-backed S3: `AWS_ENDPOINT_URL_S3`). One ListObjectsV2 with
 * `MaxKeys: 1` per question.
 */
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { CheckpointStore } from '../../../core/orchestrator/backend';
import { classifyAwsError, toTunerError } from './aws-errors';

/** `s3://bucket/a/b/` -> bucket and key prefix (`a/b/`). */
export function parseS3Uri(uri: string): { bucket: string; prefix: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  return match === null ? undefined : { bucket: match[1], prefix: match[2] };
}

export class S3CheckpointStore implements CheckpointStore {
  constructor(private readonly client: S3Client) {}

  /**
   * `yes` when any object is stored under the prefix. A bucket the tuner may not list (a
   * `CheckpointConfig.S3Uri` outside the tuner's bucket) or that does not exist is `unknown`:
   * the check is advice. Throttling and server errors are `TransientError` (the tick retries).
   */
  async hasCheckpoint(s3Uri: string): Promise<'yes' | 'no' | 'unknown'> {
    const location = parseS3Uri(s3Uri);
    if (location === undefined) return 'unknown';
    try {
      const out = await this.client.send(new ListObjectsV2Command({ Bucket: location.bucket, Prefix: location.prefix, MaxKeys: 1 }));
      return (out.KeyCount ?? out.Contents?.length ?? 0) > 0 ? 'yes' : 'no';
    } catch (error) {
      if (classifyAwsError(error).errorClass === 'retry') throw toTunerError({ service: 's3', operation: 'ListObjectsV2', target: s3Uri }, error);
      return 'unknown';
    }
  }
}
