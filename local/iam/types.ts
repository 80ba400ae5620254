/**
 * The shapes the local twin's IAM layer shares: identity policies, the principal a Lambda
 * worker signs as, and one IAM call (an action on a resource).
 */

/** One statement of an IAM policy document, as CloudFormation and IAM spell it. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[] | boolean | number>>>>;
}

/** An IAM policy document (`Statement` may be one statement or a list, as IAM accepts). */
export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: PolicyStatement | readonly PolicyStatement[];
}

/**
 * An identity policy attached to a role, with the name it is reported under (the logical id of
 * the `AWS::IAM::Policy`, or `<role logical id>/<PolicyName>` for an inline policy).
 */
export interface IdentityPolicy {
  readonly name: string;
  readonly document: PolicyDocument;
}

/**
 * Who makes a call: one Lambda function of the twin, signing with its own access key, acting as
 * its execution role.
 */
export interface Principal {
  /** The function's name; also the role session name (Lambda names the session after the function). */
  readonly name: string;
  /** The execution role, `arn:aws:iam::<account>:role/<path><name>`. */
  readonly roleArn: string;
  /** The role's identity policies. Permission boundaries, SCPs and session policies are not modelled. */
  readonly policies: readonly IdentityPolicy[];
}

/** Context values of a request, keyed by condition key (`iam:PassedToService`, `s3:prefix`, ...). */
export type RequestContext = Readonly<Record<string, string | readonly string[]>>;

/** One authorization AWS makes for a request: an action on one resource. */
export interface IamCall {
  /** `service:Action`, spelled as in the Service Authorization Reference (e.g. `sagemaker:CreateTrainingJob`). */
  readonly action: `${string}:${string}`;
  /** The resource ARN, or `*` for an action without resource-level permissions. */
  readonly resource: string;
  /** Service-specific context keys of this call; the `aws:*` keys of the principal are added by `authorize`. */
  readonly context?: RequestContext;
}

/** Splits the statements of a policy document into a list. */
export function statementsOf(document: PolicyDocument): readonly PolicyStatement[] {
  const statement = document.Statement as PolicyStatement | readonly PolicyStatement[];
  return Array.isArray(statement) ? (statement as readonly PolicyStatement[]) : [statement as PolicyStatement];
}

/** A string or a list of strings as a list. */
export function listOf(value: string | readonly string[] | undefined): readonly string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}
