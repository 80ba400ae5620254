/**
 * The one mapping of AWS errors to the tuner's error classes (lambda/adapters/aws/aws-errors.ts):
 * one test per class, with the errors each service really answers.
 */
import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { SageMakerServiceException } from '@aws-sdk/client-sagemaker';
import { SFNServiceException } from '@aws-sdk/client-sfn';
import {
  classifyAwsError,
  parseQuotaRefusal,
  permanentQuotaReason,
  toTunerError,
  type AwsCall,
} from '../../lambda/adapters/aws/aws-errors';
import { PermissionDenied, RequestRejected, TransientError } from '../../core/orchestrator/errors';

type Service = 'sagemaker' | 'dynamodb' | 'states';

function sdkError(service: Service, name: string, message: string, status: number | undefined): Error {
  const args = {
    name,
    message,
    $fault: status !== undefined && status >= 500 ? ('server' as const) : ('client' as const),
    $metadata: status === undefined ? {} : { httpStatusCode: status },
  };
  if (service === 'sagemaker') return new SageMakerServiceException(args);
  if (service === 'dynamodb') return new DynamoDBServiceException(args);
  return new SFNServiceException(args);
}

function networkError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:443`), { code });
}

const CREATE: AwsCall = { service: 'sagemaker', operation: 'CreateTrainingJob', target: 'hpo-r-0000-r1' };

describe('retry: throttling, 5xx, timeouts and network errors become TransientError', () => {
  it.each([
    ['sagemaker', 'ThrottlingException', 'Rate exceeded', 400],
    ['dynamodb', 'ProvisionedThroughputExceededException', 'The level of configured provisioned throughput for the table was exceeded', 400],
    ['dynamodb', 'ThrottlingException', 'Throughput exceeds the current capacity for one or more global secondary indexes', 400],
    ['dynamodb', 'RequestLimitExceeded', 'Throughput exceeds the current throughput limit for your account', 400],
    ['states', 'ThrottlingException', 'Rate exceeded', 400],
    ['states', 'KmsThrottlingException', 'KMS throttled', 400],
    ['sagemaker', 'InternalFailure', 'We encountered an internal error', 500],
    ['dynamodb', 'InternalServerError', 'Internal server error', 500],
    ['sagemaker', 'ServiceUnavailable', 'Service unavailable', 503],
    ['sagemaker', 'SomethingNew', 'an error this table does not know, with a 5xx', 502],
    ['sagemaker', 'TooManyRequests', 'a 429 by any name', 429],
    ['dynamodb', 'TransactionConflictException', 'conflict', 400],
    ['states', 'ExpiredTokenException', 'The security token included in the request is expired', 400],
    ['sagemaker', 'RequestExpired', 'Request has expired (clock skew)', 400],
  ] as const)('%s %s', (service, name, message, status) => {
    // Prepare
    const error = sdkError(service, name, message, status);
    // Act
    const classified = classifyAwsError(error);
    const tuner = toTunerError({ service, operation: 'Op' }, error);
    // Assess
    expect(classified.errorClass).toBe('retry');
    expect(tuner).toBeInstanceOf(TransientError);
    expect(tuner.name).toBe('TransientError');
    expect(tuner.message).toBe(`${service}:Op failed after the SDK's retries (${name}: ${message}); the step is retried`);
  });

  it.each(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN'])('a network error (%s, no answer at all)', (code) => {
    const classified = classifyAwsError(networkError(code));
    expect(classified).toMatchObject({ errorClass: 'retry', code });
    expect(toTunerError(CREATE, networkError(code))).toBeInstanceOf(TransientError);
  });

  it('an SDK timeout (TimeoutError) and an error the SDK marks retryable', () => {
    expect(classifyAwsError(Object.assign(new Error('Connection timed out after 1000 ms'), { name: 'TimeoutError' })).errorClass).toBe('retry');
    const retryable = Object.assign(sdkError('sagemaker', 'OddError', 'odd', 400), { $retryable: { throttling: true } });
    expect(classifyAwsError(retryable).errorClass).toBe('retry');
  });
});

describe('denied: access denied fails the run at once with PermissionDenied naming the permission', () => {
  it.each([
    ['sagemaker', 'AccessDeniedException', 'User: arn:aws:sts::1:assumed-role/r/tick is not authorized to perform: sagemaker:CreateTrainingJob on resource: arn:aws:sagemaker:us-east-1:1:training-job/x', 'sagemaker:CreateTrainingJob'],
    ['sagemaker', 'AccessDeniedException', 'User: arn:aws:sts::1:assumed-role/r/tick is not authorized to perform: iam:PassRole on resource: arn:aws:iam::1:role/Training', 'iam:PassRole'],
    ['dynamodb', 'AccessDeniedException', 'User: x is not authorized to perform: dynamodb:Query on resource: table/results because no identity-based policy allows the dynamodb:Query action', 'dynamodb:Query'],
    ['states', 'KmsAccessDeniedException', 'the key policy does not allow kms:Decrypt', 'states:Op'],
    ['dynamodb', 'UnrecognizedClientException', 'The security token included in the request is invalid.', 'dynamodb:Op'],
  ] as const)('%s %s', (service, name, message, action) => {
    // Prepare
    const error = sdkError(service, name, message, 400);
    // Act
    const tuner = toTunerError({ service, operation: 'Op' }, error);
    // Assess
    expect(classifyAwsError(error).errorClass).toBe('denied');
    expect(tuner).toBeInstanceOf(PermissionDenied);
    expect(tuner.name).toBe('PermissionDenied');
    expect((tuner as PermissionDenied).action).toBe(action);
    expect(tuner.message).toContain(`allow '${action}' for the tuner's functions`);
    expect(tuner.message).not.toContain('\n');
  });

  it('a 403 with a name this table does not know is a denial', () => {
    expect(classifyAwsError(sdkError('sagemaker', 'Forbidden', 'no', 403)).errorClass).toBe('denied');
  });
});

describe('invalid: validation errors fail the run at once with RequestRejected naming the field', () => {
  it('names the field of a SageMaker validation error', () => {
    // Prepare
    const error = sdkError(
      'sagemaker',
      'ValidationException',
      "1 validation error detected: Value 'ml.nope' at 'resourceConfig.instanceType' failed to satisfy constraint: Member must satisfy enum value set",
      400,
    );
    // Act
    const tuner = toTunerError(CREATE, error) as RequestRejected;
    // Assess
    expect(tuner).toBeInstanceOf(RequestRejected);
    expect(tuner.name).toBe('RequestRejected');
    expect(tuner.field).toBe('resourceConfig.instanceType');
    expect(tuner.call).toBe('sagemaker:CreateTrainingJob');
    expect(tuner.message).toMatch(/^sagemaker:CreateTrainingJob on 'hpo-r-0000-r1' was rejected \(ValidationException: .*\); field 'resourceConfig.instanceType'$/);
  });

  it.each([
    ['dynamodb', 'ResourceNotFoundException', 'Requested resource not found'],
    ['dynamodb', 'ValidationException', 'One or more parameter values were invalid'],
    ['dynamodb', 'ItemCollectionSizeLimitExceededException', 'Collection size exceeded'],
    ['states', 'InvalidOutput', 'output is not valid JSON'],
    ['sagemaker', 'ResourceNotFound', 'Resource not found'],
    ['sagemaker', 'SerializationException', 'bad request body'],
  ] as const)('%s %s', (service, name, message) => {
    const error = sdkError(service, name, message, 400);
    expect(classifyAwsError(error).errorClass).toBe('invalid');
    expect(toTunerError({ service, operation: 'Op' }, error)).toBeInstanceOf(RequestRejected);
  });

  it('any other 4xx is not retried forever: it is classified as invalid on purpose', () => {
    expect(classifyAwsError(sdkError('sagemaker', 'BrandNewClientError', 'something new', 400)).errorClass).toBe('invalid');
  });
});

describe('capacity: ResourceLimitExceeded is read for a quota that can never fit a job', () => {
  const quotaZero =
    "The account-level service limit 'ml.g4dn.xlarge for training job usage' is 0 Instances, with current utilization of 0 Instances and a request delta of 1 Instances. Please use AWS Service Quotas to request an increase for this quota. If AWS Service Quotas is not available, contact AWS support to request an increase for this quota.";

  it('classifies it apart from other errors', () => {
    expect(classifyAwsError(sdkError('sagemaker', 'ResourceLimitExceeded', quotaZero, 400)).errorClass).toBe('capacity');
  });

  it('a quota of 0 is permanent, and the reason says which quota to raise', () => {
    const quota = parseQuotaRefusal(quotaZero);
    expect(quota).toEqual({ quotaName: 'ml.g4dn.xlarge for training job usage', limit: 0, utilization: 0, requested: 1, permanent: true });
    expect(permanentQuotaReason(quota, 'ml.g4dn.xlarge')).toContain("request an increase of 'ml.g4dn.xlarge for training job usage' in Service Quotas");
  });

  it('a quota below one job\'s instance count is permanent (older message form too)', () => {
    const quota = parseQuotaRefusal(
      'The account-level service limit for training-job/ml.p2.xlarge is 1 Instances, with current utilization of 0 Instances and a request delta of 2 Instances. Please contact AWS support to request an increase for this limit.',
    );
    expect(quota).toEqual({ quotaName: 'ml.p2.xlarge for training job usage', limit: 1, utilization: 0, requested: 2, permanent: true });
  });

  it('a quota in use (by this run or others) is temporary', () => {
    const quota = parseQuotaRefusal(
      "The account-level service limit 'Number of instances across all training jobs' is 4 Instances, with current utilization of 4 Instances and a request delta of 1 Instances. Please contact AWS support to request an increase for this limit.",
    );
    expect(quota).toMatchObject({ quotaName: 'Number of instances across all training jobs', permanent: false });
  });

  it('a message in another form is temporary', () => {
    expect(parseQuotaRefusal('You have reached the limit of concurrent training jobs')).toEqual({ permanent: false });
  });

  it('on a call other than CreateTrainingJob, it is retried', () => {
    const error = sdkError('sagemaker', 'ResourceLimitExceeded', quotaZero, 400);
    expect(toTunerError({ service: 'sagemaker', operation: 'UpdateTrainingJob' }, error)).toBeInstanceOf(TransientError);
  });
});
