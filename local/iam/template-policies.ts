/**
 * The identity policies of each IAM role of a synthesized CloudFormation template, as IAM
 * would attach them once deployed:
 *
 * - the role's inline `Policies`;
 * - every `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy` whose `Roles` lists `{Ref: role}`;
 * - every `AWS::IAM::RolePolicy` whose `RoleName` is `{Ref: role}`;
 * - the role's `ManagedPolicyArns` that name a managed policy of the same template.
 *
 * Any other managed policy ARN (AWS managed, or from another stack) is reported, not
 * evaluated: its document is not in the template, so the caller decides what to do with it.
 */
import type { IdentityPolicy, PolicyDocument } from './types';

/** What this module reads of a CloudFormation template. */
export interface CfnTemplate {
  readonly Resources?: Readonly<Record<string, { readonly Type: string; readonly Properties?: Readonly<Record<string, unknown>> }>>;
}

/**
 * Resolves CloudFormation intrinsics (`Ref`, `Fn::GetAtt`, `Fn::Join`) in a value to plain
 * strings, e.g. `(v) => resolveTokensForLocal(v, arnsByLogicalId)` from lib/private/definition.ts.
 */
export type TokenResolver = (value: unknown) => unknown;

/** The identity policies of one role. */
export interface RolePolicies {
  readonly roleLogicalId: string;
  /** The policies whose documents are known, intrinsics resolved. */
  readonly policies: readonly IdentityPolicy[];
  /**
   * Managed policy ARNs of the role whose documents the template does not hold (AWS managed
   * policies such as `arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`): they
   * are not evaluated. Empty for the tuner's roles.
   */
  readonly unknownManagedPolicyArns: readonly string[];
}

type Resource = { readonly Type: string; readonly Properties?: Readonly<Record<string, unknown>> };

const isRefTo = (value: unknown, logicalId: string): boolean =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && (value as { Ref?: unknown }).Ref === logicalId;

const refOf = (value: unknown): string | undefined => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const ref = (value as { Ref?: unknown }).Ref;
  return Object.keys(value).length === 1 && typeof ref === 'string' ? ref : undefined;
};

/** The first CloudFormation intrinsic left in a resolved value, as a path, or undefined. */
function unresolved(value: unknown, path: string): string | undefined {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const found = unresolved(v, `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  for (const [k, v] of Object.entries(value)) {
    if (k === 'Ref' || k.startsWith('Fn::')) return `${path}.${k}`;
    const found = unresolved(v, `${path}.${k}`);
    if (found) return found;
  }
  return undefined;
}

function resolveDocument(resolve: TokenResolver, document: unknown, what: string): PolicyDocument {
  let resolved: unknown;
  try {
    resolved = resolve(document);
  } catch (err) {
    throw new Error(`cannot resolve the document of ${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const left = unresolved(resolved, 'PolicyDocument');
  if (left !== undefined) throw new Error(`the document of ${what} still holds an intrinsic at ${left} after resolving`);
  if (typeof resolved !== 'object' || resolved === null || !('Statement' in resolved)) {
    throw new Error(`the document of ${what} has no Statement`);
  }
  return resolved as PolicyDocument;
}

/**
 * Collects the identity policies of every `AWS::IAM::Role` of a template.
 *
 * @param template a synthesized template (`{Resources}`)
 * @param resolve resolves the intrinsics of a policy document (and of managed policy ARNs)
 * @returns role logical id -> its policies, for every role of the template
 * @throws Error when a policy document or managed policy ARN does not resolve to plain values
 */
export function policiesFromTemplate(template: CfnTemplate, resolve: TokenResolver): ReadonlyMap<string, RolePolicies> {
  const resources = Object.entries(template.Resources ?? {}) as Array<[string, Resource]>;
  const roles = new Map<string, { policies: IdentityPolicy[]; unknownManagedPolicyArns: string[]; names: Set<string> }>();
  for (const [id, resource] of resources) {
    if (resource.Type === 'AWS::IAM::Role') roles.set(id, { policies: [], unknownManagedPolicyArns: [], names: new Set() });
  }
  const add = (roleId: string, name: string, document: unknown): void => {
    const role = roles.get(roleId);
    if (!role || role.names.has(name)) return;
    role.names.add(name);
    role.policies.push({ name, document: resolveDocument(resolve, document, `policy ${name} of role ${roleId}`) });
  };

  for (const [roleId, role] of roles) {
    const props = (template.Resources?.[roleId]?.Properties ?? {}) as { Policies?: unknown; ManagedPolicyArns?: unknown };
    for (const inline of (Array.isArray(props.Policies) ? props.Policies : []) as Array<{ PolicyName?: unknown; PolicyDocument?: unknown }>) {
      add(roleId, `${roleId}/${String(inline.PolicyName)}`, inline.PolicyDocument);
    }
    for (const [id, resource] of resources) {
      const p = resource.Properties ?? {};
      const attached =
        ((resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') &&
          Array.isArray(p.Roles) &&
          p.Roles.some((r) => isRefTo(r, roleId))) ||
        (resource.Type === 'AWS::IAM::RolePolicy' && isRefTo(p.RoleName, roleId));
      if (attached) add(roleId, id, p.PolicyDocument);
    }
    for (const arn of Array.isArray(props.ManagedPolicyArns) ? props.ManagedPolicyArns : []) {
      const ref = refOf(arn);
      const local = ref === undefined ? undefined : template.Resources?.[ref];
      if (ref !== undefined && local?.Type === 'AWS::IAM::ManagedPolicy') {
        add(roleId, ref, local.Properties?.PolicyDocument);
        continue;
      }
      let resolved: unknown;
      try {
        resolved = resolve(arn);
      } catch (err) {
        throw new Error(`cannot resolve a managed policy arn of role ${roleId}: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (typeof resolved !== 'string') throw new Error(`a managed policy arn of role ${roleId} resolved to ${JSON.stringify(resolved)}, not a string`);
      role.unknownManagedPolicyArns.push(resolved);
    }
  }

  return new Map(
    [...roles].map(([roleLogicalId, r]) => [
      roleLogicalId,
      { roleLogicalId, policies: r.policies, unknownManagedPolicyArns: r.unknownManagedPolicyArns },
    ]),
  );
}
