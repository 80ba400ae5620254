// Fault injection: throttling, capacity limits, failing jobs, and lost, duplicated or late events.
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
    expect(err.message).toContain("The account-level service limit 'ml.m5.xlarge for training job usage'");
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
