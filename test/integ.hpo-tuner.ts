#!/usr/bin/env node
/**
 * Deployable integration app: `npx cdk deploy --app 'npx tsx test/integ.hpo-tuner.ts'`.
 *
 * A tuner with the settings a throwaway test account wants (everything deleted with the
 * stack except a non-empty bucket, short poll interval, debug logs), checked by cdk-nag.
 * `@aws-cdk/integ-tests-alpha` (IntegTest, assertions) is not a dependency of this
 * repository yet; once it is, wrap the stack in an `IntegTest` with a StartExecution
 * assertion on an invalid input (expecting the `InvalidInput` failure).
 */
import { App, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { LogLevel } from '../lib';
import { HpoTunerStack } from '../lib/hpo-tuner-stack';

const app = new App();
new HpoTunerStack(app, 'HpoTunerInteg', {
  description: 'Integration test of the HyperparameterTuner construct (safe to delete).',
  tuner: {
    jobNamePrefix: 'hpo-integ',
    pollInterval: Duration.minutes(1),
    ticksBeforeContinueAsNew: 20,
    logLevel: LogLevel.DEBUG,
    removalPolicy: RemovalPolicy.DESTROY,
  },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
