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
 *
 * aws-cdk-lib before 2.269.0 cannot record these acknowledgements (no `Validations`, or rule IDs
 * with `::` rejected). There the same acknowledgements go where cdk-nag 2 reads them: the
 * `cdk_nag` metadata (`rules_to_suppress`) of every CloudFormation resource under the scope,
 * as its `NagSuppressions.addResourceSuppressions(scope, ..., true)` writes them.
 */
import * as cdk from 'aws-cdk-lib';
import { CfnResource, Stack } from 'aws-cdk-lib';
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
  if (Object.keys(findings).length === 0) return;
  if (acknowledgesQualifiedRules()) {
    for (const [id, reason] of Object.entries(findings)) cdk.Validations.of(scope).acknowledge({ id, reason });
  } else {
    suppressForCdkNag2(scope, findings);
  }
}

/** One entry of cdk-nag 2's `rules_to_suppress`. */
interface NagSuppression {
  readonly id: string;
  readonly reason: string;
  readonly applies_to?: string[];
}

/** The metadata key cdk-nag 2 reads suppressions from. */
export const CDK_NAG_METADATA_KEY = 'cdk_nag';

/**
 * Whether this aws-cdk-lib records acknowledgements of rule IDs such as
 * `AwsSolutions-IAM5[Resource::...]`: 2.269.0 and later.
 */
function acknowledgesQualifiedRules(): boolean {
  if ((cdk as { Validations?: unknown }).Validations === undefined) return false;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { version } = require('aws-cdk-lib/package.json') as { version: string };
  const [major, minor] = version.split('.').map(Number);
  return major > 2 || (major === 2 && minor >= 269);
}

/** cdk-nag 2's form: `AwsSolutions-IAM5[Resource::x]` is rule `AwsSolutions-IAM5` applied to `Resource::x`. */
function suppressForCdkNag2(scope: IConstruct, findings: Readonly<Record<string, string>>): void {
  const suppressions: NagSuppression[] = Object.entries(findings).map(([id, reason]) => {
    const finding = /^([^[]+)\[(.+)\]$/.exec(id);
    return finding ? { id: finding[1], reason, applies_to: [finding[2]] } : { id, reason };
  });
  for (const child of scope.node.findAll()) {
    if (!CfnResource.isCfnResource(child)) continue;
    const existing = (child.getMetadata(CDK_NAG_METADATA_KEY) as { rules_to_suppress?: NagSuppression[] } | undefined)?.rules_to_suppress ?? [];
    child.addMetadata(CDK_NAG_METADATA_KEY, { rules_to_suppress: [...existing, ...suppressions] });
  }
}
