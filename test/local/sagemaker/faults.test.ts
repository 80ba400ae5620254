// Fault injection: throttling, capacity limits, failing jobs, and lost, duplicated or late events.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateTrainingJobCommand, DescribeTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import type { EventBridgeEvent } from '../../../local/eventbridge';
import { FaultInjector } from '../../../local/sagemaker';
import { errorOf, startHarness, trainRequest, waitForStatus, type Harness } from './helpers';

const one = { HyperParameters: { epochs: '1' } };

describe('SageMaker emulator: fault injection', () => {
  let h: Harness;
  let events: EventBridgeEvent[];
  beforeAll(async () => {
    h = await startHarness({}, 1); // maxAttempts 1: the SDK does not retry, so we see the fault
    h.sm.emulator.bus.subscribe({ 'detail-type': ['SageMaker Training Job State Change'] }, (e) => {
      events.push(e);
    });
  });
  beforeEach(() => {
    events = [];
    h.sm.emulator.faults.reset();
  });
  afterAll(async () => {
    await h.close();
  });

  const eventsOf = (name: string) => events.filter((e) => e.detail.TrainingJobName === name).map((e) => e.detail.TrainingJobStatus);

  test('throttling: the next N calls of an operation get ThrottlingException "Rate exceeded"', async () => {
    h.sm.emulator.faults.throttle('DescribeTrainingJob', 2);
    for (let i = 0; i < 2; i++) {
      const err = await errorOf(h.client.send(new DescribeTrainingJobCommand({ TrainingJobName: 'whatever' })));
      expect(err.name).toBe('ThrottlingException');
      expect(err.message).toBe('Rate exceeded');
      expect(err.$metadata?.httpStatusCode).toBe(400);
    }
    const after = await errorOf(h.client.send(new DescribeTrainingJobCommand({ TrainingJobName: 'whatever' })));
    expect(after.name).toBe('ValidationException');
  });

  test('the SDK with its default retries gets past one throttled call', async () => {
    const retrying = await startHarness();
    try {
      retrying.sm.emulator.faults.throttle('CreateTrainingJob', 1);
      const out = await retrying.client.send(new CreateTrainingJobCommand(trainRequest('retried', one)));
      expect(out.TrainingJobArn).toContain('training-job/retried');
      await waitForStatus(retrying.client, 'retried', ['Completed']);
    } finally {
      await retrying.close();
    }
  });

  test('ResourceLimitExceeded on CreateTrainingJob for N calls; no job is created', async () => {
    h.sm.emulator.faults.exceedResourceLimit(1);
    const err = await errorOf(h.client.send(new CreateTrainingJobCommand(trainRequest('limited', one))));
    expect(err.name).toBe('ResourceLimitExceeded');
    expect(err.message).toBe(
      "The account-level service limit 'ml.m5.xlarge for training job usage' is 1 Instances, with current utilization of 1 Instances and a request delta of 1 Instances. Please use AWS Service Quotas to request an increase for this quota. If AWS Service Quotas is not available, contact AWS support to request an increase for this quota.",
    );
    await h.client.send(new CreateTrainingJobCommand(trainRequest('limited', one)));
    expect((await waitForStatus(h.client, 'limited', ['Completed'])).TrainingJobStatus).toBe('Completed');
  });

  test('failJobs makes matching jobs fail with the given reason', async () => {
    h.sm.emulator.faults.failJobs(/^doomed-/, 'CapacityError: Unable to provision requested ML compute capacity.');
    await h.client.send(new CreateTrainingJobCommand(trainRequest('doomed-1', one)));
    const d = await waitForStatus(h.client, 'doomed-1', ['Failed', 'Completed']);
    expect(d.TrainingJobStatus).toBe('Failed');
    expect(d.FailureReason).toBe('CapacityError: Unable to provision requested ML compute capacity.');
    await h.sm.emulator.bus.drain();
    expect(eventsOf('doomed-1')).toEqual(['InProgress', 'Failed']);
    expect(events.find((e) => e.detail.TrainingJobStatus === 'Failed')?.detail.FailureReason).toContain('CapacityError');
  });

  test('dropped, duplicated and delayed events', async () => {
    const f = h.sm.emulator.faults;
    f.dropEvents({ namePattern: 'lost-' }).duplicateEvents({ namePattern: 'twice-', statuses: ['Completed'] });
    f.delayEvents({ namePattern: 'late-', statuses: ['Completed'], delayMs: 300 });
    for (const name of ['lost-1', 'twice-1', 'late-1']) await h.client.send(new CreateTrainingJobCommand(trainRequest(name, one)));
    for (const name of ['lost-1', 'twice-1', 'late-1']) await waitForStatus(h.client, name, ['Completed']);
    await h.sm.emulator.bus.drain();
    expect(eventsOf('lost-1')).toEqual([]);
    expect(eventsOf('twice-1').filter((s) => s === 'Completed')).toHaveLength(2);
    const twins = events.filter((e) => e.detail.TrainingJobName === 'twice-1' && e.detail.TrainingJobStatus === 'Completed');
    expect(twins[0].id).not.toBe(twins[1].id);
    expect(eventsOf('late-1')).not.toContain('Completed');
    const late = await h.sm.emulator.bus.waitFor({ detail: { TrainingJobName: ['late-1'], TrainingJobStatus: ['Completed'] } }, 2000);
    expect(late.detail.SecondaryStatus).toBe('Completed');
  });

  test('a quota of 0, in SageMaker\'s words (spot quotas are named apart)', async () => {
    h.sm.emulator.faults.exceedResourceLimit(2, { limit: 0 });
    const onDemand = await errorOf(h.client.send(new CreateTrainingJobCommand(trainRequest('zero-1', { ...one, ResourceConfig: { InstanceType: 'ml.g4dn.xlarge', InstanceCount: 1, VolumeSizeInGB: 10 } }))));
    expect(onDemand.message).toMatch(/^The account-level service limit 'ml.g4dn.xlarge for training job usage' is 0 Instances, with current utilization of 0 Instances and a request delta of 1 Instances\. Please use AWS Service Quotas/);
    const spot = await errorOf(
      h.client.send(
        new CreateTrainingJobCommand(
          trainRequest('zero-2', { ...one, EnableManagedSpotTraining: true, StoppingCondition: { MaxRuntimeInSeconds: 600, MaxWaitTimeInSeconds: 1200 } }),
        ),
      ),
    );
    expect(spot.message).toContain("'ml.m5.xlarge for spot training job usage' is 0 Instances");
  });

  test('onCreate runs after a CreateTrainingJob that succeeded', async () => {
    const created: string[] = [];
    h.sm.emulator.faults.onCreate((name) => created.push(name));
    await h.client.send(new CreateTrainingJobCommand(trainRequest('hooked', one)));
    expect(created).toEqual(['hooked']);
    await waitForStatus(h.client, 'hooked', ['Completed']);
  });

  test('a RetryStrategy restarts a job that failed with an internal error, in place', async () => {
    h.sm.emulator.faults.failJobs('retried-', 'InternalServerError: We encountered an internal error. Please try again.', 1);
    await h.client.send(new CreateTrainingJobCommand(trainRequest('retried-1', { ...one, RetryStrategy: { MaximumRetryAttempts: 1 } })));
    const d = await waitForStatus(h.client, 'retried-1', ['Failed', 'Completed']);
    expect(d.TrainingJobStatus).toBe('Completed');
    expect(d.SecondaryStatusTransitions?.map((t) => t.Status)).toContain('Restarting');
  });

  test('without a RetryStrategy the internal error fails the job', async () => {
    h.sm.emulator.faults.failJobs('unretried-', 'InternalServerError: We encountered an internal error. Please try again.', 1);
    await h.client.send(new CreateTrainingJobCommand(trainRequest('unretried-1', one)));
    const d = await waitForStatus(h.client, 'unretried-1', ['Failed', 'Completed']);
    expect(d).toMatchObject({ TrainingJobStatus: 'Failed', FailureReason: 'InternalServerError: We encountered an internal error. Please try again.' });
  });

  const spot = (name: string) =>
    trainRequest(name, {
      HyperParameters: { epochs: '6', sleep_ms: '150' },
      EnableManagedSpotTraining: true,
      StoppingCondition: { MaxRuntimeInSeconds: 600, MaxWaitTimeInSeconds: 1200 },
      CheckpointConfig: { S3Uri: `s3://bucket/checkpoints/${name}/` },
    });

  test('a spot interruption: checkpoints uploaded, the job restarts in place and resumes from its checkpoint', async () => {
    h.sm.emulator.faults.interruptJobs({ namePattern: 'spot-', afterMs: 500 });
    await h.client.send(new CreateTrainingJobCommand(spot('spot-1')));
    const d = await waitForStatus(h.client, 'spot-1', ['Completed', 'Failed', 'Stopped'], 15_000);
    expect(d.TrainingJobStatus).toBe('Completed');
    const statuses = d.SecondaryStatusTransitions?.map((t) => t.Status) ?? [];
    expect(statuses).toEqual(expect.arrayContaining(['Interrupted', 'Restarting']));
    expect(statuses.indexOf('Interrupted')).toBeLessThan(statuses.lastIndexOf('Training'));
    const log = readFileSync(join(h.sm.emulator.jobDirs('spot-1').root, 'output', 'log.txt'), 'utf8');
    expect(log).toMatch(/resuming from checkpoint at epoch [1-5]\b/);
    expect(d.FinalMetricDataList?.find((m) => m.MetricName === 'eval_accuracy')).toBeDefined();
  });

  test('MaxWaitTimeExceeded: the interrupted job ends Stopped, its checkpoint kept', async () => {
    h.sm.emulator.faults.interruptJobs({ namePattern: 'maxwait-', afterMs: 500, outcome: 'max-wait' });
    await h.client.send(new CreateTrainingJobCommand(spot('maxwait-1')));
    const d = await waitForStatus(h.client, 'maxwait-1', ['Completed', 'Failed', 'Stopped'], 15_000);
    expect(d).toMatchObject({ TrainingJobStatus: 'Stopped', SecondaryStatus: 'MaxWaitTimeExceeded' });
    const state = JSON.parse(readFileSync(join(h.sm.emulator.s3ToLocal('s3://bucket/checkpoints/maxwait-1'), 'state.json'), 'utf8')) as { epoch: number };
    expect(state.epoch).toBeGreaterThanOrEqual(1);
    expect(state.epoch).toBeLessThan(6);
  });

  test('probabilistic faults are reproducible with a seed', () => {
    const fates = (seed: number) => {
      const f = new FaultInjector(seed).dropEvents({ probability: 0.5 });
      return Array.from({ length: 20 }, () => f.eventFate('job', 'InProgress').copies);
    };
    expect(fates(7)).toEqual(fates(7));
    expect(fates(7)).not.toEqual(fates(8));
    expect(fates(7).filter((c) => c === 0).length).toBeGreaterThan(3);
  });
});
