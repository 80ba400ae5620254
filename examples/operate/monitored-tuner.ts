/**
 * Operating a deployed tuner: the dashboard, the alarms sent to an on-call topic, and every
 * run's end routed from the run status event to a notifications topic (which could as well
 * be a Lambda function posting to Slack, or a pipeline).
 *
 * This file is type-checked with the project and synthesized (with cdk-nag) by a test, so the
 * README's snippet always compiles.
 */
import { App, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { HyperparameterTuner } from '../../lib';

export class MonitoredTunerStack extends Stack {
  readonly tuner: HyperparameterTuner;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // Encrypted topics: CloudWatch and EventBridge may use the key to publish to them.
    const key = new kms.Key(this, 'TopicKey', { enableKeyRotation: true });
    for (const service of ['cloudwatch.amazonaws.com', 'events.amazonaws.com']) {
      key.grant(new iam.ServicePrincipal(service), 'kms:Decrypt', 'kms:GenerateDataKey*');
    }
    const onCall = new sns.Topic(this, 'OnCall', { masterKey: key, enforceSSL: true });
    const runs = new sns.Topic(this, 'RunNotifications', { masterKey: key, enforceSSL: true });

    this.tuner = new HyperparameterTuner(this, 'Tuner', {
      dashboard: true,
      // A failed run, a failed training job, events in the dead-letter queue: page someone.
      alarmActions: [new cloudwatchActions.SnsAction(onCall)],
    });

    // Every run that ended, with its status, reason and best training job.
    this.tuner.onRunStatusChange('RunEnded', {
      description: 'Tuning runs that completed, failed or were stopped.',
      eventPattern: { detail: { status: ['Completed', 'Failed', 'Stopped'] } },
      target: new targets.SnsTopic(runs),
    });
  }
}

if (require.main === module) {
  const app = new App();
  new MonitoredTunerStack(app, 'MonitoredTunerStack');
  app.synth();
}
