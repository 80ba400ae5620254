/**
 * Embedding the tuner in your own stack: bring your own training role and results table,
 * let a CI role start runs, and let a dashboard role read results.
 *
 * It imports the construct by its package name, as your app does after
 * `npm install sagemaker-hpo-tuner`. In this repository the name maps to lib/ (tsconfig.json
 * `paths`, jest's moduleNameMapper): it is type-checked with the project, synthesized by a test,
 * and compiled against the packed package in a new app by test/package/install.test.ts.
 * The same stack in Python: python/app.py.
 */
import { App, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { HyperparameterTuner, LogLevel } from 'sagemaker-hpo-tuner';

export class MyMlStack extends Stack {
  readonly tuner: HyperparameterTuner;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // The role your training jobs already use (the tuner passes only roles you list).
    const trainingRole = new iam.Role(this, 'TrainingRole', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
    });

    // Optional: your own results table (key schema: pk/sk strings, GSI gsi1 on gsi1pk/gsi1sk).
    const results = new dynamodb.Table(this, 'Results', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    results.addGlobalSecondaryIndex({
      indexName: 'gsi1',
      partitionKey: { name: 'gsi1pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'gsi1sk', type: dynamodb.AttributeType.STRING },
    });

    this.tuner = new HyperparameterTuner(this, 'Tuner', {
      trainingRoles: [trainingRole],
      resultsTable: results,
      pollInterval: Duration.minutes(2),
      logLevel: LogLevel.INFO,
    });

    // Who may start runs, and who may read results.
    const ci = new iam.Role(this, 'CiRole', { assumedBy: new iam.AccountRootPrincipal() });
    this.tuner.grantStartExecution(ci);
    const dashboard = new iam.Role(this, 'DashboardRole', { assumedBy: new iam.AccountRootPrincipal() });
    this.tuner.grantReadResults(dashboard);
  }
}

if (require.main === module) {
  const app = new App();
  new MyMlStack(app, 'MyMlStack');
  app.synth();
}
