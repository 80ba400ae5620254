// Training jobs as local processes: the script-mode contract, metrics, checkpoints, failure,
// stopping, MaxRuntime, queueing, warm pools, listing, events and shutdown.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTrainingJobCommand,
  DescribeTrainingJobCommand,
  ListTrainingJobsCommand,
  StopTrainingJobCommand,
  UpdateTrainingJobCommand,
} from '@aws-sdk/client-sagemaker';
import type { EventBridgeEvent } from '../../../local/eventbridge';
import { startSageMakerEmulator } from '../../../local/sagemaker';
import { errorOf, processAlive, startHarness, trainRequest, TRAIN_SCRIPT, waitForStatus, type Harness } from './helpers';

function epochsRun(log: string): number[] {
  return [...log.matchAll(/^epoch=(\d+) /gm)].map((m) => Number(m[1]));
}

describe('SageMaker emulator: running jobs', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  test('a script runs to Completed with FinalMetricDataList, the script-mode contract and ordered events', async () => {
    // Prepare
    const events: EventBridgeEvent[] = [];
    const sub = h.sm.emulator.bus.subscribe({ source: ['aws.sagemaker'], detail: { TrainingJobName: [{ prefix: 'complete-' }] } }, (e) => {
      events.push(e);
    });
    mkdirSync(h.sm.emulator.s3ToLocal('s3://bucket/data/train'), { recursive: true });
    writeFileSync(join(h.sm.emulator.s3ToLocal('s3://bucket/data/train'), 'x.csv'), '1,2\n');
    const req = trainRequest('complete-1', {
      HyperParameters: { epochs: '3', lr: '0.1', optimizer: '"adam"', sagemaker_region: '"us-east-1"' },
      Environment: { CUSTOM_ENV: 'yes' },
      InputDataConfig: [{ ChannelName: 'train', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://bucket/data/train' } } }],
    });

    // Act
    const { TrainingJobArn } = await h.client.send(new CreateTrainingJobCommand(req));
    const d = await waitForStatus(h.client, 'complete-1', ['Completed', 'Failed', 'Stopped']);
    await h.sm.emulator.bus.drain();
    sub.unsubscribe();

    // Assess: status, times, metrics
    expect(TrainingJobArn).toBe('arn:aws:sagemaker:us-east-1:000000000000:training-job/complete-1');
    expect(d.TrainingJobStatus).toBe('Completed');
    expect(d.SecondaryStatus).toBe('Completed');
    expect(d.CreationTime).toBeInstanceOf(Date);
    expect(d.TrainingEndTime!.getTime()).toBeGreaterThanOrEqual(d.TrainingStartTime!.getTime());
    expect(d.BillableTimeInSeconds).toBeGreaterThanOrEqual(1);
    expect(d.FinalMetricDataList?.map((m) => [m.MetricName, m.Value])).toEqual([
      ['loss', 0.303],
      ['eval_accuracy', 0.8485],
    ]);
    expect(d.SecondaryStatusTransitions?.map((t) => t.Status)).toEqual(['Starting', 'Downloading', 'Training', 'Uploading', 'Completed']);
    // the contract the script saw
    const dirs = h.sm.emulator.jobDirs('complete-1');
    const seen = JSON.parse(readFileSync(join(dirs.outputData, 'seen.json'), 'utf8')) as { argv: string[]; env: Record<string, string> };
    expect(seen.argv).toEqual(['--epochs', '3', '--lr', '0.1', '--optimizer', 'adam']);
    expect(JSON.parse(seen.env.SM_HPS)).toEqual({ epochs: 3, lr: 0.1, optimizer: 'adam' });
    expect(seen.env.SM_HP_OPTIMIZER).toBe('adam');
    expect(seen.env.SM_HP_EPOCHS).toBe('3');
    expect(seen.env.SM_CHANNEL_TRAIN).toBe(join(dirs.inputData, 'train'));
    expect(readFileSync(join(seen.env.SM_CHANNEL_TRAIN, 'x.csv'), 'utf8')).toBe('1,2\n');
    expect(JSON.parse(seen.env.SM_CHANNELS)).toEqual(['train']);
    expect(seen.env.SM_MODEL_DIR).toBe(dirs.model);
    expect(seen.env.SM_CHECKPOINT_DIR).toBe(dirs.checkpoints);
    expect(seen.env.SM_CURRENT_HOST).toBe('algo-1');
    expect(seen.env.CUSTOM_ENV).toBe('yes');
    expect(JSON.parse(readFileSync(join(dirs.inputConfig, 'hyperparameters.json'), 'utf8'))).toEqual(req.HyperParameters);
    expect(readFileSync(dirs.log, 'utf8')).toContain('training done');
    // model uploaded under S3OutputPath/<job>/output/model/
    expect(existsSync(join(h.sm.emulator.s3ToLocal('s3://bucket/output/complete-1/output/model'), 'model.json'))).toBe(true);
    // events: in order, the real envelope, no FinalMetricDataList
    expect(events.map((e) => `${e.detail.TrainingJobStatus}/${e.detail.SecondaryStatus}`)).toEqual([
      'InProgress/Starting',
      'InProgress/Downloading',
      'InProgress/Training',
      'InProgress/Uploading',
      'Completed/Completed',
    ]);
    const last = events[events.length - 1];
    expect(last).toMatchObject({
      version: '0',
      'detail-type': 'SageMaker Training Job State Change',
      source: 'aws.sagemaker',
      account: '000000000000',
      region: 'us-east-1',
      resources: [TrainingJobArn],
      detail: { TrainingJobName: 'complete-1', TrainingJobArn, HyperParameters: req.HyperParameters, RoleArn: req.RoleArn },
    });
    expect(last.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(last.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(last.detail).not.toHaveProperty('FinalMetricDataList');
    expect(typeof last.detail.CreationTime).toBe('number');
  });

  test('checkpoints round-trip: the second job resumes where the first stopped', async () => {
    const CheckpointConfig = { S3Uri: 's3://bucket/checkpoints/run-1/trial-1/', LocalPath: '/opt/ml/checkpoints' };
    await h.client.send(new CreateTrainingJobCommand(trainRequest('rung-1', { HyperParameters: { epochs: '2' }, CheckpointConfig })));
    await waitForStatus(h.client, 'rung-1', ['Completed']);
    await h.client.send(new CreateTrainingJobCommand(trainRequest('rung-2', { HyperParameters: { epochs: '5' }, CheckpointConfig })));
    const d = await waitForStatus(h.client, 'rung-2', ['Completed']);

    const first = epochsRun(readFileSync(h.sm.emulator.jobDirs('rung-1').log, 'utf8'));
    const second = epochsRun(readFileSync(h.sm.emulator.jobDirs('rung-2').log, 'utf8'));
    expect(first).toEqual([1, 2]);
    expect(second).toEqual([3, 4, 5]);
    expect(first.filter((e) => second.includes(e))).toEqual([]);
    expect(d.CheckpointConfig).toEqual(CheckpointConfig);
    expect(JSON.parse(readFileSync(join(h.sm.emulator.s3ToLocal(CheckpointConfig.S3Uri), 'state.json'), 'utf8'))).toEqual({ epoch: 5 });
  });

  test('a failing script ends Failed with the exit code and stderr in FailureReason', async () => {
    await h.client.send(new CreateTrainingJobCommand(trainRequest('fails-1', { HyperParameters: { epochs: '3', fail_at: '2' } })));
    const d = await waitForStatus(h.client, 'fails-1', ['Completed', 'Failed']);
    expect(d.TrainingJobStatus).toBe('Failed');
    expect(d.SecondaryStatus).toBe('Failed');
    expect(d.FailureReason).toMatch(/^AlgorithmError: ExecuteUserScriptError:\nExitCode 3\nErrorMessage "Traceback/);
    expect(d.FailureReason).toContain('ValueError: loss diverged at epoch 2');
    expect(d.FailureReason).toContain('exit code: 3');
    expect(d.FinalMetricDataList?.find((m) => m.MetricName === 'loss')?.Value).toBeCloseTo(0.9091, 4);
  });

  test('StopTrainingJob: Stopping, then Stopped once the process is gone; checkpoints are kept', async () => {
    const CheckpointConfig = { S3Uri: 's3://bucket/checkpoints/stop-me/' };
    await h.client.send(new CreateTrainingJobCommand(trainRequest('stop-me', { HyperParameters: { epochs: '100', sleep_ms: '40' }, CheckpointConfig })));
    await waitForStatus(h.client, 'stop-me', ['InProgress']);
    while (h.sm.emulator.pidOf('stop-me') === undefined || !existsSync(join(h.sm.emulator.jobDirs('stop-me').checkpoints, 'state.json'))) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const pid = h.sm.emulator.pidOf('stop-me')!;

    await h.client.send(new StopTrainingJobCommand({ TrainingJobName: 'stop-me' }));
    const stopping = await h.client.send(new DescribeTrainingJobCommand({ TrainingJobName: 'stop-me' }));
    const d = await waitForStatus(h.client, 'stop-me', ['Stopped']);

    expect(['Stopping', 'Stopped']).toContain(stopping.TrainingJobStatus);
    expect(d.SecondaryStatus).toBe('Stopped');
    expect(processAlive(pid)).toBe(false);
    expect(readFileSync(h.sm.emulator.jobDirs('stop-me').log, 'utf8')).toContain('received SIGTERM');
    expect(existsSync(join(h.sm.emulator.s3ToLocal(CheckpointConfig.S3Uri), 'state.json'))).toBe(true);
    const again = await errorOf(h.client.send(new StopTrainingJobCommand({ TrainingJobName: 'stop-me' })));
    expect(again.name).toBe('ValidationException');
    expect(again.message).toBe('The request was rejected because the training job is in status Stopped.');
  });

  test('a script that ignores SIGTERM is killed after the grace period', async () => {
    await h.client.send(
      new CreateTrainingJobCommand(trainRequest('stubborn', { HyperParameters: { epochs: '100', sleep_ms: '40', ignore_sigterm: 'True' } })),
    );
    // wait until the script runs (and has installed its SIGTERM handler)
    const log = h.sm.emulator.jobDirs('stubborn').log;
    while (!existsSync(log) || !readFileSync(log, 'utf8').includes('epoch=1')) await new Promise((r) => setTimeout(r, 20));
    const pid = h.sm.emulator.pidOf('stubborn')!;
    const t0 = Date.now();
    await h.client.send(new StopTrainingJobCommand({ TrainingJobName: 'stubborn' }));
    await waitForStatus(h.client, 'stubborn', ['Stopped']);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(450);
    expect(processAlive(pid)).toBe(false);
  });

  test('MaxRuntimeInSeconds stops the job: Stopped / MaxRuntimeExceeded', async () => {
    await h.client.send(
      new CreateTrainingJobCommand(
        trainRequest('too-slow', { HyperParameters: { epochs: '100', sleep_ms: '50' }, StoppingCondition: { MaxRuntimeInSeconds: 1 } }),
      ),
    );
    const d = await waitForStatus(h.client, 'too-slow', ['Stopped', 'Completed', 'Failed']);
    expect(d.TrainingJobStatus).toBe('Stopped');
    expect(d.SecondaryStatus).toBe('MaxRuntimeExceeded');
    expect(d.TrainingTimeInSeconds).toBeGreaterThanOrEqual(1);
  });

  test('warm pools: Available after the job, Reused by a matching job, Terminated by UpdateTrainingJob', async () => {
    const ResourceConfig = { InstanceType: 'ml.m5.xlarge' as const, InstanceCount: 1, VolumeSizeInGB: 10, KeepAlivePeriodInSeconds: 600 };
    await h.client.send(new CreateTrainingJobCommand(trainRequest('pool-a', { HyperParameters: { epochs: '1' }, ResourceConfig })));
    const a = await waitForStatus(h.client, 'pool-a', ['Completed']);
    expect(a.WarmPoolStatus?.Status).toBe('Available');

    await h.client.send(new CreateTrainingJobCommand(trainRequest('pool-b', { HyperParameters: { epochs: '1' }, ResourceConfig })));
    const b = await waitForStatus(h.client, 'pool-b', ['Completed']);
    const a2 = await h.client.send(new DescribeTrainingJobCommand({ TrainingJobName: 'pool-a' }));
    expect(a2.WarmPoolStatus).toMatchObject({ Status: 'Reused', ReusedByJob: 'pool-b' });
    expect(b.WarmPoolStatus?.Status).toBe('Available');

    await h.client.send(new UpdateTrainingJobCommand({ TrainingJobName: 'pool-b', ResourceConfig: { KeepAlivePeriodInSeconds: 0 } }));
    const b2 = await h.client.send(new DescribeTrainingJobCommand({ TrainingJobName: 'pool-b' }));
    expect(b2.WarmPoolStatus?.Status).toBe('Terminated');
    expect(b2.WarmPoolStatus?.ResourceRetainedBillableTimeInSeconds).toBeGreaterThanOrEqual(0);
    const err = await errorOf(
      h.client.send(new UpdateTrainingJobCommand({ TrainingJobName: 'pool-b', ResourceConfig: { KeepAlivePeriodInSeconds: 60 } })),
    );
    expect(err.name).toBe('ValidationException');
  });

  test('ListTrainingJobs filters by name and status and paginates', async () => {
    const page1 = await h.client.send(new ListTrainingJobsCommand({ NameContains: 'rung', MaxResults: 1 }));
    expect(page1.TrainingJobSummaries?.map((s) => s.TrainingJobName)).toEqual(['rung-1']);
    const page2 = await h.client.send(new ListTrainingJobsCommand({ NameContains: 'rung', MaxResults: 1, NextToken: page1.NextToken }));
    expect(page2.TrainingJobSummaries?.map((s) => s.TrainingJobName)).toEqual(['rung-2']);
    expect(page2.NextToken).toBeUndefined();
    const failed = await h.client.send(new ListTrainingJobsCommand({ StatusEquals: 'Failed', MaxResults: 100 }));
    expect(failed.TrainingJobSummaries?.map((s) => s.TrainingJobName)).toEqual(['fails-1']);
  });
});

describe('SageMaker emulator: queueing, the default resolver and shutdown', () => {
  test('maxConcurrentJobs queues jobs as InProgress/Starting', async () => {
    const h = await startHarness({ maxConcurrentJobs: 1 });
    try {
      await h.client.send(new CreateTrainingJobCommand(trainRequest('q-1', { HyperParameters: { epochs: '4', sleep_ms: '50' } })));
      await h.client.send(new CreateTrainingJobCommand(trainRequest('q-2', { HyperParameters: { epochs: '1' } })));
      const queued = await h.client.send(new DescribeTrainingJobCommand({ TrainingJobName: 'q-2' }));
      expect([queued.TrainingJobStatus, queued.SecondaryStatus]).toEqual(['InProgress', 'Starting']);
      const first = await waitForStatus(h.client, 'q-1', ['Completed']);
      const second = await waitForStatus(h.client, 'q-2', ['Completed']);
      expect(second.TrainingStartTime!.getTime()).toBeGreaterThanOrEqual(first.TrainingEndTime!.getTime());
    } finally {
      await h.close();
    }
  });

  test('resolveFromHyperParameters runs sagemaker_program from sagemaker_submit_directory', async () => {
    const h = await startHarness({ resolveCommand: undefined });
    try {
      const dir = TRAIN_SCRIPT.replace(/\/train\.js$/, '');
      await h.client.send(
        new CreateTrainingJobCommand(
          trainRequest('script-mode', {
            HyperParameters: { epochs: '1', sagemaker_program: '"train.js"', sagemaker_submit_directory: JSON.stringify(`file://${dir}`) },
          }),
        ),
      );
      const d = await waitForStatus(h.client, 'script-mode', ['Completed', 'Failed']);
      expect(d.TrainingJobStatus).toBe('Completed');
      const seen = JSON.parse(readFileSync(join(h.sm.emulator.jobDirs('script-mode').outputData, 'seen.json'), 'utf8')) as { argv: string[]; cwd: string };
      expect(seen.argv).toEqual(['--epochs', '1']);
      expect(seen.cwd).toBe(dir);

      await h.client.send(new CreateTrainingJobCommand(trainRequest('no-program', { HyperParameters: { epochs: '1' } })));
      const f = await waitForStatus(h.client, 'no-program', ['Completed', 'Failed']);
      expect(f.FailureReason).toMatch(/^ClientError: no entry point/);
    } finally {
      await h.close();
    }
  });

  test('close() leaves no child process, timer or server behind', async () => {
    const h = await startHarness();
    await h.client.send(
      new CreateTrainingJobCommand(trainRequest('left-running', { HyperParameters: { epochs: '1000', sleep_ms: '50', ignore_sigterm: 'True' } })),
    );
    while (h.sm.emulator.pidOf('left-running') === undefined) await new Promise((r) => setTimeout(r, 20));
    const pid = h.sm.emulator.pidOf('left-running')!;
    await h.close();
    expect(processAlive(pid)).toBe(false);
    await expect(fetch(h.sm.endpoint, { method: 'POST' })).rejects.toThrow();
  });

  test('an emulator can be started on a fixed root without a resolver override', async () => {
    const sm = await startSageMakerEmulator({ rootDir: join(tmpdir(), `sm-emu-fixed-${process.pid}`) });
    expect(sm.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await sm.close();
    await sm.close(); // idempotent
    rmSync(sm.emulator.rootDir, { recursive: true, force: true });
  });
});
