import { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { actionsOfRole, Fixture, Handler, logicalId, makeTuner, roleOf, statementsOfRole } from './helpers';

import { TABLE_ACTIONS } from '../../lib/private/perms';

const OWN_LOGS = ['logs:CreateLogStream', 'logs:PutLogEvents'];
const XRAY = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];
const SQS_DLQ = ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'];
const TASK_RESPONSE = ['states:SendTaskSuccess'];
const RUN_EVENTS = ['events:PutEvents'];
const table = (handler: Handler): string[] => [...TABLE_ACTIONS[handler]];

const sorted = (xs: string[]): string[] => [...xs].sort();

describe('IAM', () => {
  let f: Fixture;
  let trainingJobArn: unknown;
  beforeAll(() => {
    f = makeTuner();
    trainingJobArn = {
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:training-job/${f.tuner.jobNamePrefix}-*`]],
    };
  });

  describe('each function gets exactly what it needs', () => {
    const expected: Record<Handler, string[]> = {
      validate: [...OWN_LOGS, ...XRAY],
      init: [...OWN_LOGS, ...XRAY, ...table('init'), ...RUN_EVENTS],
      // Tick stops jobs too: completion criteria met with jobs running; a job created while a stop was under way.
      tick: [...OWN_LOGS, ...XRAY, ...table('tick'), 'sagemaker:AddTags', 'sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob', 'iam:PassRole', 's3:ListBucket', 'logs:FilterLogEvents'],
      'wait-for-change': [...OWN_LOGS, ...XRAY, ...table('wait-for-change'), ...TASK_RESPONSE],
      finalize: [...OWN_LOGS, ...XRAY, ...table('finalize'), 'sagemaker:UpdateTrainingJob', ...RUN_EVENTS],
      'on-training-event': [...OWN_LOGS, ...XRAY, ...table('on-training-event'), ...SQS_DLQ, 'sagemaker:DescribeTrainingJob', ...TASK_RESPONSE],
      'on-execution-end': [...OWN_LOGS, ...XRAY, ...table('on-execution-end'), ...SQS_DLQ, 'sagemaker:StopTrainingJob', 'sagemaker:UpdateTrainingJob', ...RUN_EVENTS],
    };
    test.each(Object.keys(expected) as Handler[])('%s', (handler) => {
      expect(actionsOfRole(f.template, roleOf(f, handler))).toEqual(sorted(expected[handler]));
    });

    test('no function role has a managed policy (logs go only to its own log group)', () => {
      for (const handler of Object.keys(expected) as Handler[]) {
        const role = f.template.findResources('AWS::IAM::Role')[roleOf(f, handler)];
        expect(role.Properties.ManagedPolicyArns).toBeUndefined();
        const logs = statementsOfRole(f.template, roleOf(f, handler)).find((s) => s.Action.includes('logs:PutLogEvents'))!;
        expect(logs.Resource).toEqual([{ 'Fn::GetAtt': [f.stack.getLogicalId(f.tuner.node.findChild(`${idOf(handler)}Logs`).node.defaultChild as never), 'Arn'] }]);
      }
    });
  });

  test('SageMaker actions are scoped to training-job/<prefix>-*', () => {
    for (const handler of ['tick', 'finalize', 'on-training-event', 'on-execution-end'] as Handler[]) {
      const sagemaker = statementsOfRole(f.template, roleOf(f, handler)).filter((s) => s.Action.some((a) => a.startsWith('sagemaker:')));
      expect(sagemaker).toHaveLength(1);
      expect(sagemaker[0].Resource).toEqual([trainingJobArn]);
    }
  });

  test('the run status event may go only to the default bus, only as the tuner\'s source and detail-type', () => {
    const defaultBus = {
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':event-bus/default']],
    };
    for (const handler of ['init', 'finalize', 'on-execution-end'] as Handler[]) {
      const put = statementsOfRole(f.template, roleOf(f, handler)).filter((s) => s.Action.includes('events:PutEvents'));
      expect(put).toHaveLength(1);
      expect(put[0].Action).toEqual(['events:PutEvents']);
      expect(put[0].Resource).toEqual([defaultBus]);
      // Multivalued keys (one value per PutEvents entry): every entry must match, and the keys must be there.
      expect(put[0].Condition).toEqual({
        'ForAllValues:StringEquals': { 'events:source': ['hpo.tuner'], 'events:detail-type': ['HPO Tuning Run Status Change'] },
        Null: { 'events:source': 'false', 'events:detail-type': 'false' },
      });
    }
  });

  test('tick lists only the checkpoints/ prefix of the tuner\'s bucket', () => {
    const list = statementsOfRole(f.template, roleOf(f, 'tick')).filter((s) => s.Action.includes('s3:ListBucket'));
    expect(list).toHaveLength(1);
    expect(list[0].Action).toEqual(['s3:ListBucket']);
    expect(list[0].Condition).toEqual({ StringLike: { 's3:prefix': ['checkpoints/*'] } });
    expect(list[0].Resource).toEqual([{ 'Fn::GetAtt': [f.stack.getLogicalId(f.tuner.bucket.node.defaultChild as never), 'Arn'] }]);
  });

  test('iam:PassRole only on the training role, only to SageMaker', () => {
    const passRole = statementsOfRole(f.template, roleOf(f, 'tick')).filter((s) => s.Action.includes('iam:PassRole'));
    expect(passRole).toEqual([
      expect.objectContaining({
        Action: ['iam:PassRole'],
        Resource: [{ 'Fn::GetAtt': [logicalId(f, f.tuner.trainingRole!), 'Arn'] }],
        Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      }),
    ]);
  });

  test("the state machine's self-references live in separate policies (no cycle)", () => {
    const smRef = { Ref: logicalId(f, f.tuner.stateMachine) };
    const smRole = logicalId(f, f.tuner.stateMachine.role);
    const start = statementsOfRole(f.template, smRole).filter((s) => s.Action.includes('states:StartExecution'));
    expect(start).toEqual([expect.objectContaining({ Action: ['states:StartExecution'], Resource: [smRef] })]);
    expect(start[0].policy).toMatch(/ContinueAsNewPolicy/);
    const wake = statementsOfRole(f.template, roleOf(f, 'wait-for-change')).filter((s) => s.Action.includes('states:SendTaskSuccess'));
    expect(wake).toEqual([expect.objectContaining({ Resource: [smRef] })]);
    expect(wake[0].policy).toMatch(/WaitForChangeTaskResponsePolicy/);
    // The state machine depends only on its role and DefaultPolicy.
    const sm = f.template.findResources('AWS::StepFunctions::StateMachine')[logicalId(f, f.tuner.stateMachine)];
    expect(sm.DependsOn.every((d: string) => !/ContinueAsNewPolicy|TaskResponsePolicy/.test(d))).toBe(true);
  });

  test('the state machine invokes exactly its five task functions', () => {
    const smRole = logicalId(f, f.tuner.stateMachine.role);
    const invoked = statementsOfRole(f.template, smRole)
      .filter((s) => s.Action.includes('lambda:InvokeFunction'))
      .map((s) => (s.Resource[0] as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0]);
    expect(invoked.sort()).toEqual(
      (['validate', 'init', 'tick', 'wait-for-change', 'finalize'] as Handler[]).map((h) => logicalId(f, f.tuner.node.findChild(idOf(h)) as never)).sort(),
    );
  });

  describe('training role', () => {
    test('trusted by SageMaker only', () => {
      f.template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' } }],
        },
        Description: Match.stringLikeRegexp('SageMaker execution role'),
      });
    });

    test('bucket read/write on the tuner bucket, training logs, namespaced metrics, ECR pull', () => {
      const role = logicalId(f, f.tuner.trainingRole!);
      const statements = statementsOfRole(f.template, role);
      const bucket = logicalId(f, f.tuner.bucket as never);
      const s3 = statements.find((s) => s.Action.includes('s3:PutObject'))!;
      expect(s3.Resource).toEqual([
        { 'Fn::GetAtt': [bucket, 'Arn'] },
        { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/*']] },
      ]);
      const logGroup = ['arn:', { Ref: 'AWS::Partition' }, ':logs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':log-group:/aws/sagemaker/TrainingJobs'];
      expect(statements.find((s) => s.Action.includes('logs:PutLogEvents'))).toMatchObject({
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
        Resource: [{ 'Fn::Join': ['', logGroup] }, { 'Fn::Join': ['', [...logGroup.slice(0, -1), ':log-group:/aws/sagemaker/TrainingJobs:log-stream:*']] }],
      });
      expect(statements.find((s) => s.Action.includes('cloudwatch:PutMetricData'))).toMatchObject({
        Resource: ['*'],
        Condition: { StringLike: { 'cloudwatch:namespace': '/aws/sagemaker/*' } },
      });
      expect(statements.find((s) => s.Action.includes('ecr:BatchGetImage'))).toMatchObject({
        Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        Resource: ['*'],
      });
    });
  });

  test("'*' resources appear only where IAM requires them", () => {
    const wildcard: string[] = [];
    for (const [id, p] of Object.entries(f.template.findResources('AWS::IAM::Policy'))) {
      for (const s of p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>) {
        const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
        if (resources.includes('*')) wildcard.push(`${id.replace(/[0-9A-F]{8}$/, '')}: ${[s.Action].flat().join(',')}`);
      }
    }
    const fnRoles = ['Validate', 'Init', 'Tick', 'WaitForChange', 'Finalize', 'OnTrainingEvent', 'OnExecutionEnd']
      .map((n) => `Tuner${n}FunctionRoleDefaultPolicy: xray:PutTraceSegments,xray:PutTelemetryRecords`);
    expect(wildcard.sort()).toEqual(
      [
        ...fnRoles,
        'TunerRoleDefaultPolicy: logs:CreateLogDelivery,logs:GetLogDelivery,logs:UpdateLogDelivery,logs:DeleteLogDelivery,logs:ListLogDeliveries,logs:PutResourcePolicy,logs:DescribeResourcePolicies,logs:DescribeLogGroups',
        'TunerRoleDefaultPolicy: xray:PutTraceSegments,xray:PutTelemetryRecords,xray:GetSamplingRules,xray:GetSamplingTargets',
        'TunerTrainingRoleDefaultPolicy: cloudwatch:PutMetricData',
        'TunerTrainingRoleDefaultPolicy: ecr:GetAuthorizationToken',
        'TunerTrainingRoleDefaultPolicy: ecr:BatchCheckLayerAvailability,ecr:BatchGetImage,ecr:GetDownloadUrlForLayer',
      ].sort(),
    );
  });

  describe('grants', () => {
    const grantee = (stack: Stack, id: string) => new iam.Role(stack, id, { assumedBy: new iam.AccountRootPrincipal() });

    test('grantStartExecution: states:StartExecution on the state machine', () => {
      let role!: iam.Role;
      const g = makeTuner({}, undefined, (tuner, stack) => {
        role = grantee(stack, 'Starter');
        tuner.grantStartExecution(role);
      });
      const t = g.template;
      expect(statementsOfRole(t, g.stack.getLogicalId(role.node.defaultChild as never))).toEqual([
        expect.objectContaining({ Action: ['states:StartExecution'], Resource: [{ Ref: logicalId(g, g.tuner.stateMachine) }] }),
      ]);
    });

    test("grantStopExecution: states:StopExecution on the state machine's executions", () => {
      let role!: iam.Role;
      const g = makeTuner({}, undefined, (tuner, stack) => {
        role = grantee(stack, 'Stopper');
        tuner.grantStopExecution(role);
      });
      const t = g.template;
      const [s] = statementsOfRole(t, g.stack.getLogicalId(role.node.defaultChild as never));
      expect(s.Action).toEqual(['states:StopExecution']);
      expect(JSON.stringify(s.Resource)).toContain(':execution:');
    });

    test('grantReadResults: read actions on the table and its indexes', () => {
      let role!: iam.Role;
      const g = makeTuner({}, undefined, (tuner, stack) => {
        role = grantee(stack, 'Reader');
        tuner.grantReadResults(role);
      });
      const t = g.template;
      const table = logicalId(g, g.tuner.resultsTable as never);
      const statements = statementsOfRole(t, g.stack.getLogicalId(role.node.defaultChild as never));
      expect(statements.flatMap((s) => s.Action).sort()).toEqual(
        sorted(['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:Query', 'dynamodb:Scan']),
      );
      for (const s of statements) {
        expect(s.Resource).toEqual([
          { 'Fn::GetAtt': [table, 'Arn'] },
          { 'Fn::Join': ['', [{ 'Fn::GetAtt': [table, 'Arn'] }, '/index/*']] },
        ]);
      }
    });
  });
});

function idOf(handler: Handler): string {
  return handler.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join('') + 'Function';
}
