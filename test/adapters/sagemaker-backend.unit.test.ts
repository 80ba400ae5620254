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

  it('treats ResourceInUse (a retried tick) as already started', async () => {
    sagemaker.on(CreateTrainingJobCommand).rejects(serviceError('ResourceInUse', 'Training job names must be unique'));
    await expect(backend.createJob(request)).resolves.toEqual({ kind: 'exists' });
  });

  it.each([
    ['ThrottlingException', 'Rate exceeded', 400],
    ['ResourceLimitExceeded', 'The account-level service limit for ml.g4dn.xlarge is 2 Instances', 400],
    ['InternalFailure', 'internal error', 500],
  ])('keeps the job for a retry on %s', async (name, message, status) => {
    sagemaker.on(CreateTrainingJobCommand).rejects(serviceError(name, message, status));
    await expect(backend.createJob(request)).resolves.toEqual({ kind: 'retry', reason: `${name}: ${message}` });
  });

  it('reports a ValidationException as an invalid definition, with its message', async () => {
    const message = "1 validation error detected: Value 'ml.nope' at 'resourceConfig.instanceType' failed to satisfy constraint";
    sagemaker.on(CreateTrainingJobCommand).rejects(serviceError('ValidationException', message));
    await expect(backend.createJob(request)).resolves.toEqual({ kind: 'invalid', reason: message });
  });

  it('lets unexpected errors through (AccessDenied is a deployment problem, not a trial outcome)', async () => {
    sagemaker.on(CreateTrainingJobCommand).rejects(serviceError('AccessDeniedException', 'not authorized'));
    await expect(backend.createJob(request)).rejects.toThrow('not authorized');
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

  it('releases a warm pool with KeepAlivePeriodInSeconds 0', async () => {
    sagemaker.on(UpdateTrainingJobCommand).resolves({});
    await backend.releaseWarmPool('j');
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

  it('lets other errors through so EventBridge retries the delivery', async () => {
    sfn.on(SendTaskSuccessCommand).rejects(new SFNServiceException({ name: 'ThrottlingException', message: 'Rate exceeded', $fault: 'client', $metadata: {} }));
    await expect(waker.wake('token', {})).rejects.toThrow('Rate exceeded');
  });
});
