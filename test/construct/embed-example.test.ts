/** The README's embedding example synthesizes, with the bring-your-own resources it promises. */
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { MyMlStack } from '../../examples/embed/my-ml-stack';

describe('examples/embed/my-ml-stack.ts', () => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new MyMlStack(app, 'MyMlStack');
  const template = Template.fromStack(stack);

  it('uses the table it brings instead of creating one', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    });
  });

  it('lets the tuner pass only the training role it was given', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: 'iam:PassRole',
            Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [stack.getLogicalId(stack.node.findChild('TrainingRole').node.defaultChild as never), 'Arn'] },
          },
        ]),
      },
    });
    expect(stack.tuner.trainingRole).toBeUndefined();
  });

  it('grants the CI role states:StartExecution on the tuner', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'states:StartExecution', Effect: 'Allow' }] },
      Roles: [{ Ref: stack.getLogicalId(stack.node.findChild('CiRole').node.defaultChild as never) }],
    });
  });
});
