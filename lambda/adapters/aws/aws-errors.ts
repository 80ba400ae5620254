/**
 * One mapping for every AWS error the tuner's functions can meet (SageMaker, DynamoDB, Step
 * Functions, S3), from the SDK's exception to one of the tuner's error classes:
 *
 * | class      | what                                                        | becomes            | the run            |
 * | ---------- | ----------------------------------------------------------- | ------------------ | ------------------ |
 * | `retry`    | throttling, 5xx, timeouts, network errors, expired creds    | `TransientError`   | retried, never fails |
 * | `denied`   | IAM/KMS/SCP denial, unknown or invalid credentials          | `PermissionDenied` | fails at once      |
 * | `invalid`  | validation errors, missing table/bucket/resource, other 4xx | `RequestRejected`  | fails at once      |
 * | `capacity` | SageMaker `ResourceLimitExceeded` (a quota)                 | see {@link parseQuotaRefusal} | waits or fails |
 *
 * Errors with a meaning for one call (`ResourceInUse` on CreateTrainingJob,
 * `ConditionalCheckFailedException`, an expired task token, "not found" on Describe) are
 * handled by the adapter before this mapping; everything else goes through it. An error this
 * table does not name is classified by its HTTP status: 5xx and 429 (and no status at all: no
 * answer came back) are `retry`, any other 4xx is `invalid`. That default is deliberate: a
 * client error AWS has not told us is temporary is not retried forever.
 *
 * The SDK has already retried `retry` errors (3 attempts by default) when they reach us; the
 * state machine then retries the whole step with jittered backoff (lib/private/definition.ts).
 */
import { PermissionDenied, RequestRejected, TransientError, type TunerError } from '../../../core/orchestrator/errors';

/** The services the tuner's functions call. */
export type AwsService = 'sagemaker' | 'dynamodb' | 'states' | 's3' | 'logs' | 'events';

/** One AWS call, for messages: `sagemaker:CreateTrainingJob on 'hpo-run-0001-r1'`. */
export interface AwsCall {
  readonly service: AwsService;
  /** The API operation, e.g. `CreateTrainingJob`, `UpdateItem`. */
  readonly operation: string;
  /** What the call was about (a job name, a table name), for the message. */
  readonly target?: string;
}

/** The class of an AWS error (see the module documentation). */
export type AwsErrorClass = 'retry' | 'denied' | 'invalid' | 'capacity';

/** An AWS error, classified. */
export interface ClassifiedAwsError {
  readonly errorClass: AwsErrorClass;
  /** The error code, e.g. `ThrottlingException` (the SDK's `name`, or a Node.js network code). */
  readonly code: string;
  /** AWS's message on one line. */
  readonly message: string;
  readonly httpStatus?: number;
}

/** Throttling, by whatever name each service gives it. */
const THROTTLING = [
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'KmsThrottlingException',
  'PriorRequestNotComplete',
];

/** The service failed or is unavailable (whatever HTTP status came with it). */
const SERVER = [
  'InternalFailure',
  'InternalServerError',
  'InternalServerException',
  'InternalError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'ServiceException',
];

/** Client-side conditions that pass: timeouts, clock skew, expiring credentials, write races. */
const TEMPORARY = [
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'RequestExpired',
  'ExpiredToken',
  'ExpiredTokenException',
  'TransactionConflictException',
  'ReplicatedWriteConflictException',
  'TransactionInProgressException',
  'IDPCommunicationError',
  'CredentialsProviderError',
];

/** Node.js network error codes (no answer from the service). */
const NETWORK = ['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'ENETUNREACH', 'EHOSTUNREACH', 'EPROTO'];

/** Denials: a permission is missing (IAM, KMS, SCP) or the credentials are not valid. */
const DENIED = [
  'AccessDeniedException',
  'AccessDenied',
  'UnauthorizedOperation',
  'UnauthorizedException',
  'NotAuthorized',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
  'OptInRequired',
  'KmsAccessDeniedException',
  'KMSAccessDeniedException',
  'KmsDisabledException',
  'KmsInvalidStateException',
  'AccessDeniedForDependencyException',
];

/** The request itself is wrong, or what it names does not exist. */
const INVALID = [
  'ValidationException',
  'ValidationError',
  'SerializationException',
  'InvalidParameterValue',
  'InvalidParameterValueException',
  'InvalidParameterException',
  'InvalidParameterCombination',
  'MissingParameter',
  'InvalidAction',
  'InvalidInput',
  'InvalidOutput',
  'InvalidArn',
  'InvalidToken',
  'ResourceNotFound',
  'ResourceNotFoundException',
  'NoSuchBucket',
  'NoSuchKey',
  'ItemCollectionSizeLimitExceededException',
  'UnknownOperationException',
  'ResourceInUse',
  'ConditionalCheckFailedException',
];

const CAPACITY = ['ResourceLimitExceeded'];

const BY_CODE: ReadonlyMap<string, AwsErrorClass> = new Map<string, AwsErrorClass>([
  ...THROTTLING.map((c): [string, AwsErrorClass] => [c, 'retry']),
  ...SERVER.map((c): [string, AwsErrorClass] => [c, 'retry']),
  ...TEMPORARY.map((c): [string, AwsErrorClass] => [c, 'retry']),
  ...NETWORK.map((c): [string, AwsErrorClass] => [c, 'retry']),
  ...DENIED.map((c): [string, AwsErrorClass] => [c, 'denied']),
  ...INVALID.map((c): [string, AwsErrorClass] => [c, 'invalid']),
  ...CAPACITY.map((c): [string, AwsErrorClass] => [c, 'capacity']),
]);

interface SdkErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
  readonly $retryable?: unknown;
}

/** The error's code: the SDK exception's `name`, or a Node.js network error's `code`. */
export function awsErrorCode(error: unknown): string {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const code = typeof e.code === 'string' && NETWORK.includes(e.code) ? e.code : undefined;
  if (code !== undefined) return code;
  return typeof e.name === 'string' && e.name !== '' ? e.name : 'Error';
}

/** AWS's message on one line. */
export function awsErrorMessage(error: unknown): string {
  const raw = error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error);
  return (raw ?? '').replace(/\s+/g, ' ').trim();
}

/** Classify an error thrown by an AWS SDK v3 client (see the module documentation). */
export function classifyAwsError(error: unknown): ClassifiedAwsError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const code = awsErrorCode(error);
  const message = awsErrorMessage(error);
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  const base = { code, message, ...(status === undefined ? {} : { httpStatus: status }) };
  const known = BY_CODE.get(code);
  if (known !== undefined) return { ...base, errorClass: known };
  if (e.$retryable !== undefined && e.$retryable !== null && e.$retryable !== false) return { ...base, errorClass: 'retry' };
  if (status === undefined || status >= 500 || status === 429) return { ...base, errorClass: 'retry' };
  if (status === 401 || status === 403) return { ...base, errorClass: 'denied' };
  return { ...base, errorClass: 'invalid' };
}

/** `sagemaker:CreateTrainingJob`: the IAM action of a call. */
export function callName(call: AwsCall): string {
  return `${call.service}:${call.operation}`;
}

function describeCall(call: AwsCall): string {
  return call.target === undefined ? callName(call) : `${callName(call)} on '${call.target}'`;
}

/** The IAM action a denial names (`... is not authorized to perform: iam:PassRole on ...`). */
export function deniedAction(message: string): string | undefined {
  return /not authorized to perform:? ([a-zA-Z0-9-]+:[a-zA-Z0-9*]+)/.exec(message)?.[1];
}

/** The request field a validation message names (`Value '...' at 'resourceConfig.instanceType' failed ...`). */
export function rejectedField(message: string): string | undefined {
  return /\bat '([^']+)' failed to satisfy constraint/.exec(message)?.[1];
}

/**
 * The tuner's error for an AWS error that the calling adapter does not handle itself: a
 * {@link TransientError}, {@link PermissionDenied} or {@link RequestRejected} whose one-line
 * message names the call, the error and (when AWS names them) the permission or the field.
 * A SageMaker quota refusal reaching this point (a call other than CreateTrainingJob) is
 * treated as temporary.
 */
export function toTunerError(call: AwsCall, error: unknown): TunerError {
  const classified = classifyAwsError(error);
  const what = `${classified.code}: ${classified.message}`;
  switch (classified.errorClass) {
    case 'retry':
    case 'capacity':
      return new TransientError(`${describeCall(call)} failed after the SDK's retries (${what}); the step is retried`);
    case 'denied': {
      const action = deniedAction(classified.message) ?? callName(call);
      return new PermissionDenied(
        `${describeCall(call)} was denied (${what}); allow '${action}' for the tuner's functions (their IAM role, the resource's policy or its KMS key)`,
        callName(call),
        action,
      );
    }
    case 'invalid': {
      const field = rejectedField(classified.message);
      return new RequestRejected(
        `${describeCall(call)} was rejected (${what})${field === undefined ? '' : `; field '${field}'`}`,
        callName(call),
        field,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------
// SageMaker quotas
// ---------------------------------------------------------------------------------------

/** What a `ResourceLimitExceeded` message says about the quota. */
export interface QuotaRefusal {
  /**
   * The quota's name as Service Quotas shows it, e.g. `ml.g4dn.xlarge for training job usage`
   * (SageMaker names quotas this way in the message).
   */
  readonly quotaName?: string;
  /** The quota's value. */
  readonly limit?: number;
  /** What the account uses now. */
  readonly utilization?: number;
  /** What the refused request asked for (one job's instance count). */
  readonly requested?: number;
  /**
   * True when no job of this run can ever start under the quota: it is 0, or smaller than one
   * job's instance count. Only a quota increase helps.
   */
  readonly permanent: boolean;
}

/**
 * Read SageMaker's `ResourceLimitExceeded` message. Known forms (service answers quoted in public
 * issues):
 * - `The account-level service limit 'ml.g4dn.xlarge for training job usage' is 0 Instances, with
 *   current utilization of 0 Instances and a request delta of 1 Instances. Please use AWS Service
 *   Quotas to request an increase for this quota. ...`
 * - the same with `Please contact AWS support to request an increase for this limit.`
 * - older: `The account-level service limit for training-job/ml.p2.xlarge is 0 Instances, ...`
 * - other quotas: `'Number of instances across all training jobs' is 4 Instances, ...`
 * A message in none of these forms is a temporary refusal.
 */
export function parseQuotaRefusal(message: string): QuotaRefusal {
  const match =
    /service limit (?:'([^']+)'|for (\S+)) is (\d+) \w+, with current utilization of (\d+) \w+ and a request delta of (\d+) \w+/i.exec(
      message,
    );
  if (match === null) return { permanent: false };
  const quotaName = match[1] ?? quotaNameOfLegacy(match[2]);
  const limit = Number(match[3]);
  const utilization = Number(match[4]);
  const requested = Number(match[5]);
  return { quotaName, limit, utilization, requested, permanent: limit === 0 || limit < requested };
}

/** `training-job/ml.p2.xlarge` -> `ml.p2.xlarge for training job usage` (today's quota name). */
function quotaNameOfLegacy(resource: string): string {
  const type = /^training-job\/(.+)$/.exec(resource)?.[1];
  return type === undefined ? resource : `${type} for training job usage`;
}

/** The one-line reason a run fails with when a quota can never fit one of its jobs. */
export function permanentQuotaReason(quota: QuotaRefusal, instanceType: string | undefined): string {
  const name = quota.quotaName ?? `${instanceType ?? 'the instance type'} for training job usage`;
  const needs = quota.requested === undefined ? 'one training job' : `one training job needs ${quota.requested}`;
  return (
    `the account's SageMaker quota '${name}' is ${quota.limit ?? 0} instances and ${needs}: ` +
    `request an increase of '${name}' in Service Quotas (service Amazon SageMaker), or choose another instance type`
  );
}
