// Shared setup for the SageMaker emulator tests: a temp root, an emulator behind HTTP, and
// the real @aws-sdk/client-sagemaker pointed at it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  DescribeTrainingJobCommand,
  SageMakerClient,
  type CreateTrainingJobRequest,
  type DescribeTrainingJobResponse,
} from '@aws-sdk/client-sagemaker';
import { startSageMakerEmulator, type RunningSageMakerEmulator, type StartSageMakerEmulatorOptions } from '../../../local/sagemaker';

export const TRAIN_SCRIPT = resolve(__dirname, '../../fixtures/train-scripts/train.js');

export interface Harness {
  readonly sm: RunningSageMakerEmulator;
  readonly client: SageMakerClient;
  readonly root: string;
  close(): Promise<void>;
}

/** Starts an emulator in a fresh temp folder; the default resolver runs train.js with node. */
export async function startHarness(options: Partial<StartSageMakerEmulatorOptions> = {}, maxAttempts = 3): Promise<Harness> {
  const root = mkdtempSync(join(tmpdir(), 'sm-emu-'));
  const sm = await startSageMakerEmulator({
    rootDir: root,
    resolveCommand: () => ({ command: [process.execPath, TRAIN_SCRIPT], cwd: root }),
    stopGracePeriodMs: 500,
    ...options,
  });
  const client = new SageMakerClient({
    endpoint: sm.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts,
  });
  return {
    sm,
    client,
    root,
    close: async () => {
      client.destroy();
      await sm.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A valid CreateTrainingJob request for train.js. */
export function trainRequest(name: string, overrides: Partial<CreateTrainingJobRequest> = {}): CreateTrainingJobRequest {
  return {
    TrainingJobName: name,
    RoleArn: 'arn:aws:iam::000000000000:role/SageMakerRole',
    AlgorithmSpecification: {
      TrainingImage: '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3-cpu-py311',
      TrainingInputMode: 'File',
      MetricDefinitions: [
        { Name: 'loss', Regex: 'loss=([0-9\\.]+)' },
        { Name: 'eval_accuracy', Regex: "'eval_accuracy': ([0-9\\.]+)" },
      ],
    },
    HyperParameters: { epochs: '3', lr: '0.1' },
    OutputDataConfig: { S3OutputPath: 's3://bucket/output' },
    ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 10 },
    StoppingCondition: { MaxRuntimeInSeconds: 600 },
    ...overrides,
  };
}

/** Polls DescribeTrainingJob until the status is one of `statuses`. */
export async function waitForStatus(
  client: SageMakerClient,
  name: string,
  statuses: readonly string[],
  timeoutMs = 8000,
): Promise<DescribeTrainingJobResponse> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await client.send(new DescribeTrainingJobCommand({ TrainingJobName: name }));
    if (statuses.includes(d.TrainingJobStatus ?? '')) return d;
    if (Date.now() > deadline) throw new Error(`job ${name} still ${d.TrainingJobStatus}/${d.SecondaryStatus} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Whether a process exists. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Captures a rejected SDK call's error. */
export async function errorOf(p: Promise<unknown>): Promise<Error & { name: string; $metadata?: { httpStatusCode?: number } }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { name: string };
  }
  throw new Error('expected the call to fail');
}
