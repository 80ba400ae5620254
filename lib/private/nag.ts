/**
 * Acknowledging cdk-nag findings that follow from the tuner's design.
 *
 * cdk-nag 3 runs as a CDK policy-validation plugin and honours acknowledgements recorded
 * with the core API `Validations.of(scope).acknowledge({ id, reason })` on the resource or
 * any ancestor. IAM5 findings are per wildcard: `AwsSolutions-IAM5[Resource::<flattened>]`
 * or `AwsSolutions-IAM5[Action::<action>]`, where intrinsics are flattened as
 * `<LogicalId.Attr>` (Fn::GetAtt) and `<Name>` (Ref), and Fn::Join is concatenated. The
 * construct computes those IDs from the ARNs it grants, so that they stay right when
 * construct paths (and so logical IDs) change. No dependency on cdk-nag itself.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

type Resolved = string | number | boolean | null | undefined | Resolved[] | { [key: string]: Resolved };

/** Flatten a resolved CloudFormation value the way cdk-nag names IAM5 findings. */
function flatten(node: Resolved): string {
  if (node === undefined || node === null) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof node !== 'object') return String(node);
  if (Array.isArray(node)) return JSON.stringify(node);
  if ('Fn::Join' in node) {
    const [delimiter, items] = node['Fn::Join'] as [string, Resolved[]];
    return items.map(flatten).join(delimiter);
  }
  if ('Fn::Sub' in node) return flatten(node['Fn::Sub']);
  if ('Fn::GetAtt' in node) {
    const [resource, attribute] = node['Fn::GetAtt'] as [Resolved, Resolved];
    return `<${flatten(resource)}.${flatten(attribute)}>`;
  }
  if ('Fn::ImportValue' in node) return flatten(node['Fn::ImportValue']);
  if ('Ref' in node) return `<${flatten(node.Ref)}>`;
  return JSON.stringify(node);
}

/** The cdk-nag IAM5 finding ID for a wildcard resource (a string that may contain tokens). */
export function wildcardResourceFinding(scope: IConstruct, resource: string): string {
  return `AwsSolutions-IAM5[Resource::${flatten(Stack.of(scope).resolve(resource) as Resolved)}]`;
}

/** The cdk-nag IAM5 finding ID for a wildcard action. */
export function wildcardActionFinding(action: string): string {
  return `AwsSolutions-IAM5[Action::${action}]`;
}

/** Acknowledge findings (rule IDs) on a construct and its children, with one reason each. */
export function acknowledge(scope: IConstruct, findings: Readonly<Record<string, string>>): void {
  for (const [id, reason] of Object.entries(findings)) {
    Validations.of(scope).acknowledge({ id, reason });
  }
}
