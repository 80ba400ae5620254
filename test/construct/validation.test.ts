import { App, Duration, Lazy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { HyperparameterTuner, HyperparameterTunerProps } from '../../lib';
import { NO_BUNDLING } from './helpers';

function build(props: HyperparameterTunerProps | ((stack: Stack) => HyperparameterTunerProps)): HyperparameterTuner {
  const stack = new Stack(new App({ context: NO_BUNDLING }), 'TestStack');
  return new HyperparameterTuner(stack, 'Tuner', typeof props === 'function' ? props(stack) : props);
}

describe('props validation', () => {
  test.each([
    ['UPPER', /jobNamePrefix must match .* got 'UPPER'/],
    ['-lead', /jobNamePrefix must match .* got '-lead'/],
    ['trail-', /jobNamePrefix must match .* got 'trail-'/],
    ['under_score', /jobNamePrefix must match .* got 'under_score'/],
    ['a'.repeat(17), /jobNamePrefix must be 1-16 characters .* got 'a{17}' \(17 characters\)/],
    ['', /jobNamePrefix must be 1-16 characters/],
  ])('jobNamePrefix %p', (prefix, message) => {
    expect(() => build({ jobNamePrefix: prefix })).toThrow(message);
  });

  test('accepts a 16-character prefix with inner hyphens', () => {
    expect(build({ jobNamePrefix: 'my-tuner--exp-01' }).jobNamePrefix).toBe('my-tuner--exp-01');
  });

  test.each([
    [Duration.seconds(5), '5 seconds'],
    [Duration.hours(2), '2 hours'],
    [Duration.millis(10_500), '10 seconds 500 millis'],
  ])('pollInterval %p', (value, shown) => {
    expect(() => build({ pollInterval: value })).toThrow(
      new RegExp(`pollInterval must be a whole number of seconds between 10 seconds and 1 hour, got ${shown}`),
    );
  });

  test.each([
    [Duration.seconds(5), {}, '300 seconds', '5 seconds'],
    [Duration.minutes(6), {}, '300 seconds', '6 minutes'],
    [Duration.seconds(90), { pollInterval: Duration.minutes(1) }, '60 seconds', '1 minute 30 seconds'],
  ])('earlyStoppingInterval %p', (value, extra, poll, shown) => {
    expect(() => build({ ...extra, earlyStoppingInterval: value })).toThrow(
      new RegExp(`earlyStoppingInterval must be a whole number of seconds between 10 seconds and the pollInterval \\(${poll}\\), got ${shown}`),
    );
  });

  test('earlyStoppingInterval and pollInterval reach the Tick function, which picks WaitForChange\'s timeout from them', () => {
    const tuner = build({ pollInterval: Duration.minutes(2), earlyStoppingInterval: Duration.seconds(30) });
    Template.fromStack(Stack.of(tuner)).hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^One ask/tell step'),
      Environment: { Variables: Match.objectLike({ POLL_INTERVAL_SECONDS: '120', EARLY_STOPPING_INTERVAL_SECONDS: '30' }) },
    });
  });

  test.each([0, 1501, 2.5, -1])('ticksBeforeContinueAsNew %p', (ticks) => {
    expect(() => build({ ticksBeforeContinueAsNew: ticks })).toThrow(
      new RegExp(`ticksBeforeContinueAsNew must be an integer between 1 and 1500 \\(the 25,000-event history limit\\), got ${ticks}`),
    );
  });

  test('executionTimeout', () => {
    expect(() => build({ executionTimeout: Duration.days(400) })).toThrow(
      /executionTimeout must be a whole number of seconds between 1 second and 365 days, got 400 days/,
    );
  });

  test('checkpointRetention', () => {
    expect(() => build({ checkpointRetention: Duration.hours(12) })).toThrow(
      /checkpointRetention must be a whole number of days, at least 1 day, got 12 hours/,
    );
  });

  test('stateMachineName', () => {
    expect(() => build({ stateMachineName: 'has space' })).toThrow(
      /stateMachineName must be 1-80 characters of letters, digits, '-' and '_', got 'has space'/,
    );
  });

  test('empty trainingRoles', () => {
    expect(() => build({ trainingRoles: [] })).toThrow(/trainingRoles must list at least one role when given, got an empty list/);
  });

  test('vpcSubnets without vpc', () => {
    expect(() => build({ vpcSubnets: {} })).toThrow(/vpcSubnets requires vpc: pass either both or neither/);
  });

  test('bucket with checkpointRetention or serverAccessLogsBucket', () => {
    expect(() =>
      build((stack) => ({
        bucket: s3.Bucket.fromBucketName(stack, 'B', 'my-bucket'),
        checkpointRetention: Duration.days(3),
        serverAccessLogsBucket: s3.Bucket.fromBucketName(stack, 'L', 'my-logs'),
      })),
    ).toThrow(/either bucket or checkpointRetention, not both[\s\S]*either bucket or serverAccessLogsBucket, not both/);
  });

  test('a results table with the wrong keys and no gsi1', () => {
    expect(() =>
      build((stack) => ({
        resultsTable: new dynamodb.Table(stack, 'T', { partitionKey: { name: 'id', type: dynamodb.AttributeType.NUMBER } }),
      })),
    ).toThrow(
      /resultsTable: the table must have partition key 'pk' \(S\) and sort key 'sk' \(S\), got id \(N\)[\s\S]*resultsTable: the table must have a global secondary index 'gsi1'/,
    );
  });

  test('a results table whose gsi1 has the wrong keys', () => {
    expect(() =>
      build((stack) => {
        const t = new dynamodb.Table(stack, 'T', {
          partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
          sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
        });
        t.addGlobalSecondaryIndex({ indexName: 'gsi1', partitionKey: { name: 'x', type: dynamodb.AttributeType.STRING } });
        return { resultsTable: t };
      }),
    ).toThrow(/resultsTable: index 'gsi1' must have partition key 'gsi1pk' \(S\) and sort key 'gsi1sk' \(S\), got x \(S\)/);
  });

  test('reports every problem at once', () => {
    let message = '';
    try {
      build({ jobNamePrefix: 'BAD_', pollInterval: Duration.seconds(1), ticksBeforeContinueAsNew: 0, trainingRoles: [] });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^HyperparameterTuner 'TestStack\/Tuner' has invalid props \(4 problems\):\n- /);
    expect(message.split('\n- ')).toHaveLength(5);
    expect(message).toContain("jobNamePrefix must match");
    expect(message).toContain('pollInterval must be');
    expect(message).toContain('ticksBeforeContinueAsNew must be');
    expect(message).toContain('trainingRoles must list');
  });

  test('tokens are not validated', () => {
    expect(() =>
      build({
        jobNamePrefix: Lazy.string({ produce: () => 'UPPER' }),
        ticksBeforeContinueAsNew: Lazy.number({ produce: () => 0 }),
        stateMachineName: Lazy.string({ produce: () => 'x y' }),
      }),
    ).not.toThrow();
  });

  test('warns when encryptionKey and removalPolicy have nothing to apply to', () => {
    const tuner = build((stack) => ({
      resultsTable: dynamodb.Table.fromTableName(stack, 'T', 't'),
      bucket: s3.Bucket.fromBucketName(stack, 'B', 'my-bucket'),
      encryptionKey: new kms.Key(stack, 'K'),
      removalPolicy: undefined,
      trainingRoles: [iam.Role.fromRoleName(stack, 'R', 'r')],
    }));
    Annotations.fromStack(Stack.of(tuner)).hasWarning('/TestStack/Tuner', Match.stringLikeRegexp('encryptionKey is not used'));
  });
});
