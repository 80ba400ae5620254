import { CfnOutput, Stack, StackProps, Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { HyperparameterTuner } from './hyperparameter-tuner';
import type { HyperparameterTunerProps } from './tuner-props';

/**
 * Properties of the example {@link HpoTunerStack}.
 */
export interface HpoTunerStackProps extends StackProps {
  /**
   * Properties of the tuner.
   *
   * @default - the tuner's defaults
   */
  readonly tuner?: HyperparameterTunerProps;
}

/**
 * The example deployment: one {@link HyperparameterTuner} and outputs to start a run with.
 *
 * Environment-agnostic, so it synthesizes without credentials.
 */
export class HpoTunerStack extends Stack {
  /** The tuner. */
  public readonly tuner: HyperparameterTuner;

  constructor(scope: Construct, id: string, props: HpoTunerStackProps = {}) {
    super(scope, id, props);
    this.tuner = new HyperparameterTuner(this, 'Tuner', props.tuner);
    if (!props.tuner?.serverAccessLogsBucket && !props.tuner?.bucket) {
      Validations.of(this.tuner.bucket).acknowledge({
        id: 'AwsSolutions-S1',
        reason:
          'Example deployment without an access-log bucket: only the tuner\'s training role writes checkpoints and outputs here; ' +
          'audit access with CloudTrail S3 data events, or pass serverAccessLogsBucket to the tuner to turn on S3 server access logs.',
      });
    }

    new CfnOutput(this, 'StateMachineArn', {
      description: 'Start a tuning run: aws stepfunctions start-execution --state-machine-arn <this> --input file://tuning.json',
      value: this.tuner.stateMachine.stateMachineArn,
    });
    new CfnOutput(this, 'ResultsTableName', {
      description: 'DynamoDB table with runs, trials and training jobs.',
      value: this.tuner.resultsTable.tableName,
    });
    new CfnOutput(this, 'BucketName', {
      description: 'S3 bucket for checkpoints and training outputs.',
      value: this.tuner.bucket.bucketName,
    });
    new CfnOutput(this, 'JobNamePrefix', {
      description: 'Prefix of every training job the tuner starts.',
      value: this.tuner.jobNamePrefix,
    });
    if (this.tuner.trainingRole) {
      new CfnOutput(this, 'TrainingRoleArn', {
        description: 'Use as TrainingJobDefinition.RoleArn in the tuning input.',
        value: this.tuner.trainingRole.roleArn,
      });
    }
  }
}
