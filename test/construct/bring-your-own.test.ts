import { RemovalPolicy } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { logicalId, makeTuner, roleOf, statementsOfRole } from './helpers';

describe('bring your own', () => {
  test('results table: none is created, grants cover its index', () => {
    const f = makeTuner({}, (stack) => ({
      resultsTable: dynamodb.Table.fromTableAttributes(stack, 'Table', { tableName: 'my-results', globalIndexes: ['gsi1'] }),
    }));
    f.template.resourceCountIs('AWS::DynamoDB::Table', 0);
    f.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ TABLE_NAME: 'my-results' }) },
    });
    const tick = statementsOfRole(f.template, roleOf(f, 'tick')).find((s) => s.Action.includes('dynamodb:PutItem'))!;
    expect(JSON.stringify(tick.Resource)).toContain('table/my-results/index/*');
  });

  test('a compatible dynamodb.Table of the same app is accepted', () => {
    const f = makeTuner({}, (stack) => {
      const table = new dynamodb.Table(stack, 'Table', {
        partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
        sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      });
      table.addGlobalSecondaryIndex({
        indexName: 'gsi1',
        partitionKey: { name: 'gsi1pk', type: dynamodb.AttributeType.STRING },
        sortKey: { name: 'gsi1sk', type: dynamodb.AttributeType.STRING },
      });
      return { resultsTable: table };
    });
    f.template.resourceCountIs('AWS::DynamoDB::Table', 1);
    expect(f.tuner.node.tryFindChild('ResultsTable')).toBeUndefined();
  });

  test('bucket: none is created, the training role is scoped to it', () => {
    const f = makeTuner({}, (stack) => ({ bucket: s3.Bucket.fromBucketName(stack, 'Bucket', 'my-data') }));
    f.template.resourceCountIs('AWS::S3::Bucket', 0);
    const s3Statement = statementsOfRole(f.template, logicalId(f, f.tuner.trainingRole!)).find((s) => s.Action.includes('s3:PutObject'))!;
    expect(JSON.stringify(s3Statement.Resource)).toContain(':s3:::my-data/*');
    f.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ BUCKET_NAME: 'my-data' }) },
    });
  });

  test('training roles: no role is created, PassRole lists exactly them, env lists their ARNs', () => {
    const f = makeTuner({}, (stack) => ({
      trainingRoles: [
        iam.Role.fromRoleArn(stack, 'A', 'arn:aws:iam::123456789012:role/train-a'),
        iam.Role.fromRoleArn(stack, 'B', 'arn:aws:iam::123456789012:role/train-b'),
      ],
    }));
    expect(f.tuner.trainingRole).toBeUndefined();
    expect(f.tuner.trainingRoles).toHaveLength(2);
    f.template.resourceCountIs('AWS::IAM::Role', 8); // 7 functions + the state machine
    const passRole = statementsOfRole(f.template, roleOf(f, 'tick')).find((s) => s.Action.includes('iam:PassRole'))!;
    expect(passRole.Resource).toEqual(['arn:aws:iam::123456789012:role/train-a', 'arn:aws:iam::123456789012:role/train-b']);
    expect(passRole.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } });
    f.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ ALLOWED_TRAINING_ROLE_ARNS: 'arn:aws:iam::123456789012:role/train-a,arn:aws:iam::123456789012:role/train-b' }),
      },
    });
  });

  test('encryption key: table and bucket use it, grants include kms', () => {
    let key!: kms.Key;
    const f = makeTuner({}, (stack) => {
      key = new kms.Key(stack, 'Key');
      return { encryptionKey: key };
    });
    const keyArn = { 'Fn::GetAtt': [f.stack.getLogicalId(key.node.defaultChild as never), 'Arn'] };
    f.template.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn },
    });
    f.template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn } },
        ],
      },
    });
    const tickActions = statementsOfRole(f.template, roleOf(f, 'tick')).flatMap((s) => s.Action);
    expect(tickActions).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:Encrypt']));
    const trainingActions = statementsOfRole(f.template, logicalId(f, f.tuner.trainingRole!)).flatMap((s) => s.Action);
    expect(trainingActions).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']));
  });

  test('vpc: every function runs in its private subnets', () => {
    const f = makeTuner({}, (stack) => ({ vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 }) }));
    const fns = f.template.findResources('AWS::Lambda::Function');
    for (const res of Object.values(fns)) {
      expect(res.Properties.VpcConfig.SubnetIds).toHaveLength(2);
      expect(JSON.stringify(res.Properties.VpcConfig.SubnetIds)).toContain('PrivateSubnet');
    }
  });

  test('removalPolicy DESTROY and server access logs', () => {
    const f = makeTuner({ removalPolicy: RemovalPolicy.DESTROY }, (stack) => ({
      serverAccessLogsBucket: s3.Bucket.fromBucketName(stack, 'Logs', 'my-access-logs'),
    }));
    f.template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
    f.template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    f.template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: 'my-access-logs', LogFilePrefix: 'hpo-tuner/' },
    });
  });
});
