/**
 * What a training job moves between the local S3 folder and its job folders, authorized under
 * the job's role the way SageMaker's transfers are in AWS: checkpoints down before a job
 * starts, checkpoints and outputs (`<S3OutputPath>/<job>/output/{model,data}`) up after it ends.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { copyFolder } from './jobs';
import type { Job } from './training-job';

/**
 * Authorizes what a training job does in S3 under its `RoleArn`: resolves to a denial message,
 * or `undefined` when allowed (see `SageMakerEmulatorOptions.authorizeS3`).
 */
export type S3Authorizer = (roleArn: string, operation: 'get' | 'put' | 'list', bucket: string, key: string) => Promise<string | undefined>;

export class S3Transfers {
  /**
   * @param s3ToLocal maps `s3://bucket/key` to its local folder
   * @param authorizeS3 checks each object a transfer touches; nothing is checked without it
   */
  constructor(
    private readonly s3ToLocal: (uri: string) => string,
    private readonly authorizeS3: S3Authorizer | undefined,
  ) {}

  /**
   * Copies the job's checkpoints (`CheckpointConfig.S3Uri`) into its checkpoint folder, after
   * authorizing `list` of the prefix and `get` of every object.
   *
   * @returns the job's failure reason when denied
   */
  async downloadCheckpoints(job: Job): Promise<string | undefined> {
    const checkpointUri = job.request.CheckpointConfig?.S3Uri;
    if (checkpointUri) {
      const denied = await this.authorize(job, 'list', checkpointUri) ?? await this.authorize(job, 'get', checkpointUri, this.s3ToLocal(checkpointUri));
      if (denied !== undefined) return denied;
      await copyFolder(this.s3ToLocal(checkpointUri), job.dirs.checkpoints);
    }
    return undefined;
  }

  /** Copies the job's checkpoint folder back to `CheckpointConfig.S3Uri` (if any). */
  async uploadCheckpoints(job: Job): Promise<void> {
    const checkpointUri = job.request.CheckpointConfig?.S3Uri;
    if (checkpointUri) await copyFolder(job.dirs.checkpoints, this.s3ToLocal(checkpointUri));
  }

  /** Authorizes the uploads {@link upload} is about to make; the job's failure reason when denied. */
  async authorizeUploads(job: Job): Promise<string | undefined> {
    const checkpointUri = job.request.CheckpointConfig?.S3Uri;
    const denied = checkpointUri === undefined ? undefined : await this.authorize(job, 'put', checkpointUri, job.dirs.checkpoints);
    if (denied !== undefined) return denied;
    const out = job.request.OutputDataConfig?.S3OutputPath;
    if (out === undefined || !job.proc) return undefined;
    const base = `${out.replace(/\/+$/, '')}/${job.name}/output`;
    return (await this.authorize(job, 'put', `${base}/model`, job.dirs.model)) ?? (await this.authorize(job, 'put', `${base}/data`, job.dirs.outputData));
  }

  /** Syncs checkpoints back and copies model/ and output/data/ under S3OutputPath/<job>/output/. */
  async upload(job: Job): Promise<void> {
    await this.uploadCheckpoints(job);
    const out = job.request.OutputDataConfig?.S3OutputPath;
    if (out && job.proc) {
      const base = this.s3ToLocal(`${out.replace(/\/+$/, '')}/${job.name}/output`);
      await copyFolder(job.dirs.model, join(base, 'model'));
      await copyFolder(job.dirs.outputData, join(base, 'data'));
    }
  }

  /**
   * Authorizes one S3 operation of the job under its role: for `get`/`put` with a local
   * folder, every file in it (as SageMaker transfers them one object at a time).
   *
   * @returns the job's failure reason when denied
   */
  private async authorize(job: Job, operation: 'get' | 'put' | 'list', uri: string, folder?: string): Promise<string | undefined> {
    if (this.authorizeS3 === undefined) return undefined;
    const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
    if (match === null) return undefined;
    const [, bucket, prefix] = match;
    const base = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
    const keys = operation === 'list' ? [base] : folder === undefined ? [] : listFiles(folder).map((f) => `${base}${f}`);
    for (const key of keys) {
      const denied = await this.authorizeS3(String(job.request.RoleArn ?? ''), operation, bucket, key);
      if (denied !== undefined) return `ClientError: ${denied}`;
    }
    return undefined;
  }
}

/** Files under a folder, as paths relative to it ('/'-separated); none when it does not exist. */
function listFiles(folder: string, prefix = ''): string[] {
  let entries;
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.isDirectory()) files.push(...listFiles(join(folder, entry.name), `${prefix}${entry.name}/`));
    else files.push(`${prefix}${entry.name}`);
  }
  return files;
}
