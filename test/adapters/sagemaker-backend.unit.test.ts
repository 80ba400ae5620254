/** SageMakerBackend's mapping of SageMaker answers to the orchestrator's outcomes (SDK mocked). */
import {
  CreateTrainingJobCommand,
  DescribeTrainingJobCommand,
  SageMakerClient,
  SageMakerServiceException,
  StopTrainingJobCommand,
  UpdateTrainingJobCommand,
} from '@aws-sdk/client-sagemaker';
import { SendTaskSuccessCommand, SFNClient, SFNServiceException } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { SageMakerBackend, toObservation } from '../../lambda/adapters/aws/sagemaker-backend';
import { StepFunctionsWaker } from '../../lambda/adapters/aws/sfn-waker';
import { PermissionDenied, TransientError } from '../../core/orchestrator/errors';

const sagemaker = mockClient(SageMakerClient);
const sfn = mockClient(SFNClient);

function serviceError(name: string, message: string, status = 400): SageMakerServiceException {
  return new SageMakerServiceException({ name, message, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status } });
}

beforeEach(() => {
  sagemaker.reset();
  sfn.reset();
});

describe('SageMakerBackend.createJob', () => {
  const backend = new SageMakerBackend(new SageMakerClient({ region: 'us-east-1' }));
  const request = { TrainingJobName: 'hpo-run-0001-r1' };

  it('reports created when SageMaker accepts the job', async () => {
    sagemaker.on(CreateTrainingJobCommand).resolves({ TrainingJobArn: 'arn' });
    await expect(backend.createJob(request)).resolves.toEqual({ kind: 'created' });
    expect(sagemaker.commandCalls(CreateTrainingJobCommand)[0].args[0].input).toEqual(request);
  });

  it('answers ResourceInUse with what SageMaker says about the existing job (for the ownership check)', async () => {
    sagemaker.on(CreateTrainingJobCommand).rejects(serviceError('ResourceInUse', 'Training job names must be unique'));
    sagemaker.on(DescribeTrainingJobCommand).resolves({
      TrainingJobName: 'hpo-run-0001-r1',
      CreationTime: new Date('2026-01-01T00:00:00Z'),
      HyperParameters: { lr: '0.1' },
      RoleArn: 'arn:aws:iam::123456789012:role/R',
    } as never);
    await expect(backend.createJob(request)).resolves.toEqual({
      kind: 'exists',
      existing: { createdAt: '2026-01-01T00:00:00.000Z', hyperParameters: { lr: '0.1' }, roleArn: 'arn:aws:iam::123456789012:role/R' },
    });
  });

  it.each([
    ['ThrottlingException', 'Rate exceeded', 400, 'temporary'],
    ['InternalFailure', 'internal error', 500, 'temporary'],
    [
      'ResourceLimitExceeded',
      "The account-level service limit 'ml.g4dn.xlarge for training job usage' is 2 Instances, with current utilization of 2 Instances and a request delta of 1 Instances. Please use AWS Service Quotas to request an increase for this quota.",
      400,
      'capacity',
    ],
  ])('keeps the job for a retry on %s', async (name, message, status, cause) => {
    sagemaker.on(CreateTrainingJobCommand).rejects(serviceError(name, message, status));
    await expect(backend.createJob(request)).resolves.toEqual({ kind: 'retry', reason: `${name}: ${message}`, cause });
  });

  it('fails the run over a quota of 0 instead of retrying, naming the quota to raise', async () => {
    const message =
      "The account-level service limit 'ml.g4dn.xlarge for training job usage' is 0 Instances, with current utilization of 0 Instances and a request delta of 1 Instances. Please use AWS Service Quotas to request an increase for this quota. If AWS Service Quotas is not available, contact AWS support to request an increase for this quota.";
    sagemaker.on(CreateTrainingJobCommand).rejects(serviceError('ResourceLimitExceeded', message));
    const result = await backend.createJob({ ...request, ResourceConfig: { InstanceType: 'ml.g4dn.xlarge', InstanceCount: 1 } });
    expect(result).toMatchObject({ kind: 'over-quota', quotaName: 'ml.g4dn.xlarge for training job usage' });
    expect(result.kind === 'over-quota' && result.reason).toBe(
      "the account's SageMaker quota 'ml.g4dn.xlarge for training job usage' is 0 instances and one training job needs 1: request an increase of 'ml.g4dn.xlarge for training job usage' in Service Quotas (service Amazon SageMaker), or choose another instance type",
    );
  });

  it('reports a ValidationException as an invalid definition, with its message', async () => {
    const message = "1 validation error detected: Value 'ml.nope' at 'resourceConfig.instanceType' failed to satisfy constraint";
    sagemaker.on(CreateTrainingJobCommand).rejects(serviceError('ValidationException', message));
    await expect(backend.createJob(request)).resolves.toEqual({ kind: 'invalid', reason: message });
  });

  it('turns AccessDenied into PermissionDenied naming the missing permission (iam:PassRole)', async () => {
    sagemaker
      .on(CreateTrainingJobCommand)
      .rejects(serviceError('AccessDeniedException', 'User: arn:aws:sts::1:assumed-role/tick is not authorized to perform: iam:PassRole on resource: arn:aws:iam::1:role/R'));
    const create = backend.createJob(request);
    await expect(create).rejects.toBeInstanceOf(PermissionDenied);
    await expect(create).rejects.toThrow(/^sagemaker:CreateTrainingJob on 'hpo-run-0001-r1' was denied .*allow 'iam:PassRole'/);
  });
});

describe('SageMakerBackend.describeJob, stopJob, releaseWarmPool', () => {
  const backend = new SageMakerBackend(new SageMakerClient({ region: 'us-east-1' }));

  it('maps DescribeTrainingJob to an observation with FinalMetricDataList', async () => {
    sagemaker.on(DescribeTrainingJobCommand).resolves({
      TrainingJobName: 'j',
      TrainingJobStatus: 'Completed',
      SecondaryStatus: 'Completed',
      TrainingStartTime: new Date('2026-01-01T00:00:00Z'),
      TrainingEndTime: new Date('2026-01-01T00:10:00Z'),
      BillableTimeInSeconds: 600,
      TrainingTimeInSeconds: 600,
      FinalMetricDataList: [{ MetricName: 'accuracy', Value: 0.93, Timestamp: new Date('2026-01-01T00:09:59Z') }],
      WarmPoolStatus: { Status: 'Available' },
    } as never);
    await expect(backend.describeJob('j')).resolves.toEqual({
      jobName: 'j',
      status: 'Completed',
      secondaryStatus: 'Completed',
      startedAt: '2026-01-01T00:00:00.000Z',
      endedAt: '2026-01-01T00:10:00.000Z',
      billableSeconds: 600,
      trainingSeconds: 600,
      finalMetrics: [{ name: 'accuracy', value: 0.93, timestamp: '2026-01-01T00:09:59.000Z' }],
      warmPoolStatus: 'Available',
    });
  });

  it('turns throttling of DescribeTrainingJob into TransientError (the tick is retried, the run goes on)', async () => {
    sagemaker.on(DescribeTrainingJobCommand).rejects(serviceError('ThrottlingException', 'Rate exceeded'));
    await expect(backend.describeJob('j')).rejects.toBeInstanceOf(TransientError);
  });

  it('answers undefined for a job SageMaker does not know', async () => {
    sagemaker.on(DescribeTrainingJobCommand).rejects(serviceError('ValidationException', 'Requested resource not found.'));
    await expect(backend.describeJob('nope')).resolves.toBeUndefined();
  });

  it('refuses an unknown status instead of guessing', () => {
    expect(() => toObservation('j', { TrainingJobStatus: 'Exploding' } as never)).toThrow("unexpected TrainingJobStatus 'Exploding' for j");
  });

  it('stops a running job, and says not-running for one that ended', async () => {
    sagemaker.on(StopTrainingJobCommand).resolvesOnce({}).rejectsOnce(serviceError('ValidationException', 'The request was rejected because the training job is in status Completed.'));
    await expect(backend.stopJob('j')).resolves.toBe('stopping');
    await expect(backend.stopJob('j')).resolves.toBe('not-running');
  });

  it('says gone for a warm pool that is no longer there (released before, expired, reused)', async () => {
    sagemaker.on(UpdateTrainingJobCommand).rejects(serviceError('ValidationException', 'The warm pool of training job j cannot be updated'));
    await expect(backend.releaseWarmPool('j')).resolves.toBe('gone');
  });

  it('releases a warm pool with KeepAlivePeriodInSeconds 0', async () => {
    sagemaker.on(UpdateTrainingJobCommand).resolves({});
    await expect(backend.releaseWarmPool('j')).resolves.toBe('released');
    expect(sagemaker.commandCalls(UpdateTrainingJobCommand)[0].args[0].input).toEqual({
      TrainingJobName: 'j',
      ResourceConfig: { KeepAlivePeriodInSeconds: 0 },
    });
  });
});

describe('StepFunctionsWaker', () => {
  const waker = new StepFunctionsWaker(new SFNClient({ region: 'us-east-1' }));

  it('wakes the loop with SendTaskSuccess and the output as JSON', async () => {
    sfn.on(SendTaskSuccessCommand).resolves({});
    await expect(waker.wake('token', { reason: 'job-event' })).resolves.toBe('woken');
    expect(sfn.commandCalls(SendTaskSuccessCommand)[0].args[0].input).toEqual({ taskToken: 'token', output: '{"reason":"job-event"}' });
  });

  it.each(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist'])('ignores %s: the loop has moved on', async (name) => {
    sfn.on(SendTaskSuccessCommand).rejects(new SFNServiceException({ name, message: name, $fault: 'client', $metadata: {} }));
    await expect(waker.wake('token', {})).resolves.toBe('expired');
  });

  it('turns throttling into TransientError so the caller retries (EventBridge redelivers, WaitForChange retries)', async () => {
    sfn.on(SendTaskSuccessCommand).rejects(new SFNServiceException({ name: 'ThrottlingException', message: 'Rate exceeded', $fault: 'client', $metadata: {} }));
    const wake = waker.wake('token', {});
    await expect(wake).rejects.toBeInstanceOf(TransientError);
    await expect(wake).rejects.toThrow("states:SendTaskSuccess failed after the SDK's retries (ThrottlingException: Rate exceeded)");
  });
});
