// The emulator's ListObjectsV2 over its local S3 folder, with the real @aws-sdk/client-s3
// (path style, as the handlers use it with AWS_ENDPOINT_URL_S3).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { S3CheckpointStore } from '../../../lambda/adapters/aws/s3-checkpoint-store';
import { startHarness, type Harness } from './helpers';

describe('SageMaker emulator: S3 ListObjectsV2 over the local S3', () => {
  let h: Harness;
  let s3: S3Client;
  beforeAll(async () => {
    h = await startHarness();
    s3 = new S3Client({ endpoint: h.sm.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'l', secretAccessKey: 'l' }, maxAttempts: 1 });
    for (const key of ['checkpoints/run/0000/state.json', 'checkpoints/run/0000/sub/weights.bin', 'checkpoints/run/0001/x', 'output/model.json']) {
      const path = h.sm.emulator.s3ToLocal(`s3://bucket/${key}`);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, 'data');
    }
    mkdirSync(h.sm.emulator.s3ToLocal('s3://bucket/checkpoints/run/0002'), { recursive: true });
  });
  afterAll(async () => {
    s3.destroy();
    await h.close();
  });

  it('lists the files under a prefix, in key order, up to MaxKeys', async () => {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: 'bucket', Prefix: 'checkpoints/run/0000/' }));
    expect(out.KeyCount).toBe(2);
    expect(out.Contents?.map((c) => c.Key)).toEqual(['checkpoints/run/0000/state.json', 'checkpoints/run/0000/sub/weights.bin']);
    const one = await s3.send(new ListObjectsV2Command({ Bucket: 'bucket', Prefix: 'checkpoints/', MaxKeys: 1 }));
    expect(one).toMatchObject({ KeyCount: 1, IsTruncated: true });
  });

  it('an empty folder has no objects (S3 has no folders)', async () => {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: 'bucket', Prefix: 'checkpoints/run/0002/' }));
    expect(out.KeyCount).toBe(0);
  });

  it('answers NoSuchBucket for a bucket that does not exist', async () => {
    await expect(s3.send(new ListObjectsV2Command({ Bucket: 'nope', Prefix: 'x/' }))).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });

  it('is what S3CheckpointStore asks: yes, no, and unknown for a bucket it cannot read', async () => {
    const store = new S3CheckpointStore(s3);
    await expect(store.hasCheckpoint('s3://bucket/checkpoints/run/0000/')).resolves.toBe('yes');
    await expect(store.hasCheckpoint('s3://bucket/checkpoints/run/0002/')).resolves.toBe('no');
    await expect(store.hasCheckpoint('s3://bucket/checkpoints/run/0009/')).resolves.toBe('no');
    await expect(store.hasCheckpoint('s3://nope/checkpoints/')).resolves.toBe('unknown');
  });
});
