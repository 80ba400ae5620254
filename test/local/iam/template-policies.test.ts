import { resolveTokensForLocal } from '../../../lib/private/definition';
import { policiesFromTemplate, statementsOf, type CfnTemplate } from '../../../local/iam';
import { STATE_MACHINE_ARN, TABLE_ARN, SYNTH_TIMEOUT_MS, tunerIam } from './fixtures';

const doc = (action: string, resource: unknown) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: resource }] });

describe('policiesFromTemplate', () => {
  // Synthesizing the construct takes seconds, more on a busy machine: once, before the tests.
  beforeAll(() => void tunerIam(), SYNTH_TIMEOUT_MS);

  describe('the synthesized tuner', () => {
    it('gives each function role its default policy, and wait-for-change the separate task-response policy', () => {
      // Prepare
      const { principals, roles } = tunerIam();

      // Assess: every role has known policies only
      for (const r of roles.values()) expect(r.unknownManagedPolicyArns).toEqual([]);
      expect(principals.validate.policies.map((p) => p.name)).toEqual([expect.stringMatching(/^TunerValidateFunctionRoleDefaultPolicy/)]);
      expect(principals['wait-for-change'].policies.map((p) => p.name)).toEqual([
        expect.stringMatching(/^TunerWaitForChangeFunctionRoleDefaultPolicy/),
        expect.stringMatching(/^TunerWaitForChangeTaskResponsePolicy/),
      ]);
    });

    it('resolves the intrinsics: the table, its indexes, the state machine', () => {
      const { principals } = tunerIam();
      const tick = principals.tick.policies.flatMap((p) => statementsOf(p.document));
      const dynamo = tick.find((s) => [s.Action].flat().includes('dynamodb:Query'));
      expect(dynamo?.Resource).toEqual([TABLE_ARN, `${TABLE_ARN}/index/*`]);
      const wake = principals['wait-for-change'].policies.flatMap((p) => statementsOf(p.document)).find((s) => [s.Action].flat().includes('states:SendTaskSuccess'));
      expect(wake?.Resource).toBe(STATE_MACHINE_ARN);
      expect(JSON.stringify(principals)).not.toMatch(/"Ref"|Fn::/);
    });

    it('leaves the state machine role with its own policies, not the functions\'', () => {
      const { roles, principals } = tunerIam();
      const names = [...roles.values()].flatMap((r) => r.policies.map((p) => p.name));
      // each policy is attached to exactly one role here
      expect(new Set(names).size).toBe(names.length);
      expect(principals.tick.policies.some((p) => p.name.includes('ContinueAsNew'))).toBe(false);
    });
  });

  describe('every way a template attaches a policy', () => {
    const template: CfnTemplate = {
      Resources: {
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            Policies: [{ PolicyName: 'inline', PolicyDocument: doc('s3:GetObject', { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Bucket', 'Arn'] }, '/*']] }) }],
            ManagedPolicyArns: [
              { Ref: 'ByArn' },
              'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
              { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/ReadOnlyAccess']] },
            ],
          },
        },
        Other: { Type: 'AWS::IAM::Role', Properties: {} },
        Bucket: { Type: 'AWS::S3::Bucket' },
        Attached: { Type: 'AWS::IAM::Policy', Properties: { Roles: [{ Ref: 'Role' }], PolicyDocument: doc('s3:PutObject', '*') } },
        ToOther: { Type: 'AWS::IAM::Policy', Properties: { Roles: [{ Ref: 'Other' }], PolicyDocument: doc('s3:DeleteObject', '*') } },
        Managed: { Type: 'AWS::IAM::ManagedPolicy', Properties: { Roles: [{ Ref: 'Role' }], PolicyDocument: doc('s3:ListBucket', '*') } },
        ByArn: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: doc('s3:GetBucketLocation', '*') } },
        RolePolicy: { Type: 'AWS::IAM::RolePolicy', Properties: { RoleName: { Ref: 'Role' }, PolicyDocument: doc('s3:HeadBucket', '*') } },
      },
    };
    const resolve = (v: unknown) => resolveTokensForLocal(v, { Bucket: 'arn:aws:s3:::b', ByArn: 'arn:aws:iam::000000000000:policy/ByArn' });

    it('collects inline, attached, managed (by Roles and by ARN) and role policies; reports AWS managed ARNs', () => {
      // Act
      const roles = policiesFromTemplate(template, resolve);

      // Assess
      const role = roles.get('Role')!;
      expect(role.policies.map((p) => p.name)).toEqual(['Role/inline', 'Attached', 'Managed', 'RolePolicy', 'ByArn']);
      expect(statementsOf(role.policies[0].document)[0].Resource).toBe('arn:aws:s3:::b/*');
      expect(role.unknownManagedPolicyArns).toEqual([
        'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
        'arn:aws:iam::aws:policy/ReadOnlyAccess',
      ]);
      expect(roles.get('Other')!.policies.map((p) => p.name)).toEqual(['ToOther']);
    });

    it('names the policy and the role when a document does not resolve', () => {
      const bad: CfnTemplate = {
        Resources: {
          Role: { Type: 'AWS::IAM::Role' },
          P: { Type: 'AWS::IAM::Policy', Properties: { Roles: [{ Ref: 'Role' }], PolicyDocument: doc('s3:GetObject', { 'Fn::GetAtt': ['Missing', 'Arn'] }) } },
        },
      };
      expect(() => policiesFromTemplate(bad, resolve)).toThrow(/cannot resolve the document of policy P of role Role: .*Missing/);
      expect(() => policiesFromTemplate(bad, (v) => v)).toThrow('the document of policy P of role Role still holds an intrinsic at PolicyDocument.Statement[0].Resource.Fn::GetAtt after resolving');
    });
  });
});
