import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { HyperparameterTuner, LogLevel } from '../../lib';
import { aslOf, FUNCTION_IDS, fn, Fixture, logicalId, makeTuner, NO_BUNDLING } from './helpers';

describe('HyperparameterTuner defaults', () => {
  let f: Fixture;
  beforeAll(() => {
    f = makeTuner();
  });

  describe('results table', () => {
    test('pk/sk string keys, on-demand, PITR, AWS managed SSE, gsi1', () => {
      f.template.resourceCountIs('AWS::DynamoDB::Table', 1);
      f.template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: Match.arrayWith([
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
          { AttributeName: 'gsi1pk', AttributeType: 'S' },
          { AttributeName: 'gsi1sk', AttributeType: 'S' },
        ]),
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        GlobalSecondaryIndexes: [
          {
            IndexName: 'gsi1',
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      });
    });

    test('is retained by default', () => {
      f.template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    });
  });

  describe('bucket', () => {
    test('blocks public access, encrypts with S3 managed keys, is versioned and retained', () => {
      f.template.resourceCountIs('AWS::S3::Bucket', 1);
      f.template.hasResource('AWS::S3::Bucket', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: Match.objectLike({
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
          VersioningConfiguration: { Status: 'Enabled' },
          OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        }),
      });
    });

    test('expires checkpoints and noncurrent versions after 90 days, incomplete uploads after 7', () => {
      f.template.hasResourceProperties('AWS::S3::Bucket', {
        LifecycleConfiguration: {
          Rules: [
            { Id: 'ExpireCheckpoints', Prefix: 'checkpoints/', ExpirationInDays: 90, Status: 'Enabled' },
            { Id: 'ExpireNoncurrentVersions', NoncurrentVersionExpiration: { NoncurrentDays: 90 }, Status: 'Enabled' },
            { Id: 'AbortIncompleteUploads', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 }, Status: 'Enabled' },
          ],
        },
      });
    });

    test('denies non-TLS and TLS < 1.2 requests', () => {
      f.template.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
          ]),
        },
      });
    });

    test('has no server access logs unless asked for', () => {
      const buckets = f.template.findResources('AWS::S3::Bucket');
      expect(Object.values(buckets)[0].Properties.LoggingConfiguration).toBeUndefined();
    });
  });

  describe('lambda functions', () => {
    test('seven functions: Node.js 22 on arm64, X-Ray active, source maps on', () => {
      f.template.resourceCountIs('AWS::Lambda::Function', 7);
      const fns = f.template.findResources('AWS::Lambda::Function');
      for (const res of Object.values(fns)) {
        expect(res.Properties).toMatchObject({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          Handler: 'index.handler',
          TracingConfig: { Mode: 'Active' },
          Environment: { Variables: expect.objectContaining({ NODE_OPTIONS: '--enable-source-maps' }) },
        });
      }
    });

    test('common environment: Powertools, table, prefix, bucket, allowed roles', () => {
      const stack = f.stack;
      for (const id of Object.values(FUNCTION_IDS)) {
        const cfn = f.tuner.node.findChild(id).node.defaultChild as lambda.CfnFunction;
        const env = (stack.resolve(cfn.environment) as { variables: Record<string, unknown> }).variables;
        expect(env).toMatchObject({
          POWERTOOLS_SERVICE_NAME: 'hpo-tuner',
          POWERTOOLS_LOG_LEVEL: 'INFO',
          TABLE_NAME: { Ref: logicalId(f, f.tuner.resultsTable as never) },
          JOB_NAME_PREFIX: f.tuner.jobNamePrefix,
          BUCKET_NAME: { Ref: logicalId(f, f.tuner.bucket as never) },
          ALLOWED_TRAINING_ROLE_ARNS: { 'Fn::GetAtt': [logicalId(f, f.tuner.trainingRole as never), 'Arn'] },
        });
      }
    });

    test('STATE_MACHINE_ARN only on the event handlers (no dependency cycle)', () => {
      const smRef = { Ref: logicalId(f, f.tuner.stateMachine) };
      for (const [handler, id] of Object.entries(FUNCTION_IDS)) {
        const cfn = f.tuner.node.findChild(id).node.defaultChild as lambda.CfnFunction;
        const env = (f.stack.resolve(cfn.environment) as { variables: Record<string, unknown> }).variables;
        if (handler === 'on-training-event' || handler === 'on-execution-end') {
          expect(env.STATE_MACHINE_ARN).toEqual(smRef);
        } else {
          expect(env.STATE_MACHINE_ARN).toBeUndefined();
        }
      }
    });

    test('each function logs to its own log group, kept one month', () => {
      f.template.resourceCountIs('AWS::Logs::LogGroup', 8); // 7 functions + the state machine
      const groups = f.template.findResources('AWS::Logs::LogGroup');
      for (const g of Object.values(groups)) expect(g.Properties.RetentionInDays).toBe(30);
      const cfn = fn(f, 'tick').node.defaultChild as lambda.CfnFunction;
      expect(f.stack.resolve(cfn.loggingConfig)).toEqual({
        logGroup: { Ref: f.stack.getLogicalId(f.tuner.node.findChild('TickFunctionLogs').node.defaultChild as never) },
      });
    });

    test('the event handlers send failed asynchronous events to the dead-letter queue', () => {
      f.template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 2);
      f.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: logicalId(f, fn(f, 'on-execution-end')) },
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 6 * 3600,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(f, f.tuner.eventDeadLetterQueue as never), 'Arn'] } } },
      });
    });

    test('logLevel sets POWERTOOLS_LOG_LEVEL', () => {
      const g = makeTuner({ logLevel: LogLevel.DEBUG });
      g.template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ POWERTOOLS_LOG_LEVEL: 'DEBUG' }) },
      });
      expect(g.template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { POWERTOOLS_LOG_LEVEL: 'INFO' } } } })).toEqual({});
    });

    test('tracing: false turns X-Ray off everywhere', () => {
      const g = makeTuner({ tracing: false });
      for (const res of Object.values(g.template.findResources('AWS::Lambda::Function'))) {
        expect(res.Properties.TracingConfig).toBeUndefined();
      }
      g.template.hasResourceProperties('AWS::StepFunctions::StateMachine', { TracingConfiguration: { Enabled: false } });
      for (const p of Object.values(g.template.findResources('AWS::IAM::Policy'))) {
        expect(JSON.stringify(p)).not.toContain('xray:');
      }
    });
  });

  describe('state machine', () => {
    test('Standard, traced, logs errors without execution data (no task tokens, no inputs), no timeout by default', () => {
      f.template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
      f.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        StateMachineType: 'STANDARD',
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: {
          Level: 'ERROR',
          IncludeExecutionData: false,
          Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: Match.anyValue() } }],
        },
        StateMachineName: Match.absent(),
      });
    });

    test('stateMachineLogLevel and logExecutionData opt in to more logging', () => {
      const g = makeTuner({ stateMachineLogLevel: sfn.LogLevel.ALL, logExecutionData: true });
      g.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true },
      });
    });

    test('the main child is "Resource"', () => {
      expect(f.tuner.node.findChild('Resource')).toBe(f.tuner.stateMachine);
    });

    test('stateMachineName and executionTimeout are passed through', () => {
      const g = makeTuner({ stateMachineName: 'my-tuner', executionTimeout: Duration.days(30) });
      g.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        StateMachineName: 'my-tuner',
        DefinitionString: Match.anyValue(),
      });
      expect(aslOf(g).TimeoutSeconds).toBe(30 * 86400);
      expect(aslOf(f).TimeoutSeconds).toBeUndefined();
    });
  });

  describe('event rules', () => {
    test('training job state changes with the job-name prefix go to on-training-event', () => {
      f.template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['aws.sagemaker'],
          'detail-type': ['SageMaker Training Job State Change'],
          detail: { TrainingJobName: [{ prefix: `${f.tuner.jobNamePrefix}-` }] },
        },
        Targets: [
          {
            Arn: { 'Fn::GetAtt': [logicalId(f, fn(f, 'on-training-event')), 'Arn'] },
            Id: 'Target0',
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(f, f.tuner.eventDeadLetterQueue as never), 'Arn'] } },
            RetryPolicy: { MaximumEventAgeInSeconds: 7200, MaximumRetryAttempts: 8 },
          },
        ],
      });
    });

    test('aborted, failed and timed-out executions of this state machine go to on-execution-end', () => {
      f.template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['aws.states'],
          'detail-type': ['Step Functions Execution Status Change'],
          detail: {
            stateMachineArn: [{ Ref: logicalId(f, f.tuner.stateMachine) }],
            status: ['ABORTED', 'FAILED', 'TIMED_OUT'],
          },
        },
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [logicalId(f, fn(f, 'on-execution-end')), 'Arn'] },
            RetryPolicy: { MaximumEventAgeInSeconds: 7200, MaximumRetryAttempts: 8 },
          }),
        ],
      });
      f.template.resourceCountIs('AWS::Events::Rule', 2);
    });

    test('the dead-letter queue enforces TLS and is encrypted', () => {
      f.template.resourceCountIs('AWS::SQS::Queue', 1);
      f.template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 86400 });
      f.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        },
      });
    });
  });

  describe('job name prefix', () => {
    test('the default is deterministic, short, lowercase and fits the pattern', () => {
      expect(f.tuner.jobNamePrefix).toMatch(/^hpo-[0-9a-f]{8}$/);
      expect(makeTuner().tuner.jobNamePrefix).toBe(f.tuner.jobNamePrefix);
    });

    test('differs between construct paths', () => {
      const app = new App({ context: NO_BUNDLING });
      const stack = new Stack(app, 'TestStack');
      const other = new HyperparameterTuner(stack, 'OtherTuner');
      expect(other.jobNamePrefix).toMatch(/^hpo-[0-9a-f]{8}$/);
      expect(other.jobNamePrefix).not.toBe(f.tuner.jobNamePrefix);
    });

    test('an explicit prefix scopes the rule pattern', () => {
      const g = makeTuner({ jobNamePrefix: 'exp42' });
      expect(g.tuner.jobNamePrefix).toBe('exp42');
      g.template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: Match.objectLike({ detail: { TrainingJobName: [{ prefix: 'exp42-' }] } }),
      });
    });
  });
});
