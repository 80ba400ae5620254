/**
 * The construct's cdk-nag acknowledgements on aws-cdk-lib before 2.269.0 (the low end of the
 * peer range): there they are written where cdk-nag 2 reads suppressions, the `cdk_nag`
 * metadata of each resource, since `Validations` cannot record them.
 */
import type * as Lib from '../../lib';
import type * as Cdk from 'aws-cdk-lib';
import type * as Assertions from 'aws-cdk-lib/assertions';

interface NagMetadata {
  readonly rules_to_suppress: { id: string; reason: string; applies_to?: string[] }[];
}

function synthWithCdkVersion(version: string): Record<string, { Type: string; Metadata?: Record<string, unknown> }> {
  let resources: Record<string, { Type: string; Metadata?: Record<string, unknown> }> = {};
  jest.isolateModules(() => {
    jest.doMock('aws-cdk-lib/package.json', () => ({ ...jest.requireActual('aws-cdk-lib/package.json'), version }));
    /* eslint-disable @typescript-eslint/no-require-imports -- a fresh aws-cdk-lib that sees the mocked version */
    const cdk = require('aws-cdk-lib') as typeof Cdk;
    const { Template } = require('aws-cdk-lib/assertions') as typeof Assertions;
    const { HyperparameterTuner } = require('../../lib') as typeof Lib;
    /* eslint-enable @typescript-eslint/no-require-imports */
    const app = new cdk.App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new cdk.Stack(app, 'Old');
    new HyperparameterTuner(stack, 'Tuner');
    resources = Template.fromStack(stack).toJSON().Resources;
  });
  return resources;
}

describe('cdk-nag acknowledgements across the aws-cdk-lib peer range', () => {
  it('below 2.269.0: cdk-nag 2 suppressions in each resource\'s cdk_nag metadata, with reasons', () => {
    const resources = synthWithCdkVersion('2.180.0');
    const suppressions = (type: string) =>
      Object.values(resources)
        .filter((r) => r.Type === type)
        .flatMap((r) => (r.Metadata?.cdk_nag as NagMetadata | undefined)?.rules_to_suppress ?? []);
    // Every function role's policy has wildcards (X-Ray at least), each acknowledged.
    const functionPolicies = Object.entries(resources).filter(([id, r]) => r.Type === 'AWS::IAM::Policy' && /FunctionRoleDefaultPolicy/.test(id));
    expect(functionPolicies).toHaveLength(7);
    for (const [, policy] of functionPolicies) expect((policy.Metadata?.cdk_nag as NagMetadata).rules_to_suppress.length).toBeGreaterThan(0);
    const iam5 = suppressions('AWS::IAM::Policy').filter((r) => r.id === 'AwsSolutions-IAM5');
    expect(iam5.length).toBeGreaterThan(0);
    for (const rule of suppressions('AWS::IAM::Policy')) expect(rule.reason.length).toBeGreaterThanOrEqual(10);
    // The finding's own part moves into applies_to, as cdk-nag 2 names it.
    for (const rule of iam5) expect(rule.applies_to?.[0]).toMatch(/^(Resource|Action)::/);
    const lambdaFunction = Object.values(resources).find((r) => r.Type === 'AWS::Lambda::Function');
    expect((lambdaFunction?.Metadata?.cdk_nag as NagMetadata).rules_to_suppress.map((r) => r.id)).toContain('AwsSolutions-L1');
  });

  it('from 2.269.0: no cdk_nag metadata (Validations records the acknowledgements)', () => {
    const resources = synthWithCdkVersion('2.276.0');
    expect(Object.values(resources).filter((r) => r.Metadata?.cdk_nag !== undefined)).toEqual([]);
  });
});
