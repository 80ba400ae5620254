#!/usr/bin/env node
// The example app: one env-agnostic stack with the tuner, checked by cdk-nag.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { HpoTunerStack } from '../lib/hpo-tuner-stack';

const app = new App();
new HpoTunerStack(app, 'HpoTunerStack', {
  description: 'Serverless hyperparameter tuner for Amazon SageMaker (example deployment).',
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
