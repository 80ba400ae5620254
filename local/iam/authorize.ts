/**
 * Decides one IAM call of a principal with @cloud-copilot/iam-simulate: identity policies only,
 * principal and resource in one account, no SCPs, RCPs, permission boundaries, session or
 * resource policies (the tuner uses none of them).
 *
 * The request carries the global context keys AWS sets for a Lambda function's role session
 * (`aws:PrincipalArn`, `aws:RequestedRegion`, `aws:CurrentTime`, `aws:SecureTransport`, ...)
 * plus the call's own keys (`iam:PassedToService`, `s3:prefix`, ...). Not modelled:
 * `aws:userid` (needs the role's unique id), principal tags, `aws:SourceVpc`/`aws:SourceIp`.
 *
 * One departure from the service data: `states:SendTaskSuccess`, `SendTaskFailure` and
 * `SendTaskHeartbeat` are listed in the Service Authorization Reference (hence in iam-data)
 * without resource types, so a statement naming a state machine never matches them there.
 * AWS itself authorizes them against the state machine of the token's execution: CDK's
 * `StateMachine.grantTaskResponse` grants them on the state machine ARN, and a CDK maintainer
 * found by testing that this works for callback tokens while the IAM policy simulator says
 * otherwise (aws/aws-cdk#8486). When the call names a state machine, these three are
 * evaluated against it, without iam-simulate's input validation; with `*` they go through
 * the validated path like every other call.
 */
import { actionMatchesPattern } from '@cloud-copilot/iam-expand';
import { runSimulation, runUnsafeSimulation, type RequestAnalysis, type Simulation } from '@cloud-copilot/iam-simulate';
import { listOf, statementsOf, type IamCall, type IdentityPolicy, type PolicyStatement, type Principal, type RequestContext } from './types';

/** The outcome of IAM policy evaluation. */
export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

/** An Allow statement that matched a call. */
export interface Grant {
  /** The name of the policy (see {@link IdentityPolicy.name}). */
  readonly policy: string;
  /** 0-based index of the statement in the policy's `Statement` list. */
  readonly statement: number;
  readonly sid?: string;
  /** The statement's `Action` patterns that matched (the call's action for a `NotAction` statement). */
  readonly actions: readonly string[];
  /** The statement's `Resource` patterns that matched (the call's resource for a `NotResource` statement). */
  readonly resources: readonly string[];
}

/** What {@link authorize} decided. */
export interface Authorization {
  readonly allowed: boolean;
  readonly decision: Decision;
  readonly call: IamCall;
  /** `arn:aws:sts::<account>:assumed-role/<role name>/<session>`: the "User" of AWS's denial message. */
  readonly sessionArn: string;
  /** The Allow statements that matched (also when an explicit deny overrode them). */
  readonly grants: readonly Grant[];
  /** AWS's `AccessDeniedException` message when denied. */
  readonly message?: string;
}

/** Options of {@link authorize}. */
export interface AuthorizeOptions {
  /**
   * `aws:RequestedRegion`.
   *
   * @default - the region of the call's resource ARN, else `us-east-1` (IAM, S3, `*`)
   */
  readonly region?: string;
  /**
   * `aws:CurrentTime` and `aws:EpochTime`.
   *
   * @default - now
   */
  readonly now?: Date;
}

/**
 * Task-token actions that iam-data lists without resource types but AWS authorizes against the
 * state machine of the token's execution (see the module comment).
 */
export const TASK_TOKEN_ACTIONS: readonly string[] = ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'];

type StatementAnalysis = NonNullable<RequestAnalysis['identityAnalysis']>['allowStatements'][number];

const ROLE_ARN = /^arn:([\w-]+):iam::(\d{12}):role\/(?:[\x21-\x7e]*\/)?([\w+=,.@-]{1,64})$/;
const STATE_MACHINE_ARN = /^arn:[\w-]+:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/;

/** The parts of a role ARN. */
function parseRoleArn(roleArn: string): { partition: string; account: string; roleName: string } {
  const match = ROLE_ARN.exec(roleArn);
  if (!match) throw new Error(`a principal's roleArn must look like arn:aws:iam::<12-digit account>:role/<name>, got "${roleArn}"`);
  return { partition: match[1], account: match[2], roleName: match[3] };
}

/**
 * The ARN AWS names a role session by in its messages: the role's path is dropped, the session
 * name is the function's name (characters IAM does not allow in a session name become `-`).
 */
export function sessionArnOf(principal: Pick<Principal, 'name' | 'roleArn'>): string {
  const { partition, account, roleName } = parseRoleArn(principal.roleArn);
  const session = principal.name.replace(/[^\w+=,.@-]/g, '-').slice(0, 64) || 'session';
  return `arn:${partition}:sts::${account}:assumed-role/${roleName}/${session}`;
}

/**
 * The message of AWS's `AccessDeniedException` for a call denied by identity policies.
 *
 * @example
 * // User: arn:aws:sts::123456789012:assumed-role/Tick/tick is not authorized to perform:
 * //   sagemaker:StopTrainingJob on resource: arn:aws:sagemaker:...:training-job/x because no
 * //   identity-based policy allows the sagemaker:StopTrainingJob action
 */
export function denialMessage(sessionArn: string, call: IamCall, decision: Exclude<Decision, 'Allowed'>): string {
  const head = `User: ${sessionArn} is not authorized to perform: ${call.action} on resource: ${call.resource}`;
  return decision === 'ExplicitlyDenied'
    ? `${head} with an explicit deny in an identity-based policy`
    : `${head} because no identity-based policy allows the ${call.action} action`;
}

function principalContext(principal: Principal, call: IamCall, options: AuthorizeOptions): Record<string, string | string[]> {
  const { account } = parseRoleArn(principal.roleArn);
  const now = options.now ?? new Date();
  const arnRegion = call.resource.split(':')[3];
  return {
    'aws:PrincipalArn': principal.roleArn,
    'aws:PrincipalAccount': account,
    'aws:PrincipalType': 'AssumedRole',
    'aws:RequestedRegion': options.region ?? (arnRegion || 'us-east-1'),
    'aws:CurrentTime': now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
    'aws:SecureTransport': 'true',
    'aws:ViaAWSService': 'false',
    'aws:PrincipalIsAWSService': 'false',
  };
}

const mutable = (context: RequestContext | undefined): Record<string, string | string[]> =>
  Object.fromEntries(Object.entries(context ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : [...v]]));

function resourceAccount(call: IamCall, principalAccount: string): string {
  return call.resource.split(':')[4] || principalAccount;
}

function simulation(principal: Principal, call: IamCall, options: AuthorizeOptions, policies: readonly IdentityPolicy[]): Simulation {
  const { account } = parseRoleArn(principal.roleArn);
  return {
    request: {
      principal: sessionArnOf(principal),
      action: call.action,
      resource: { resource: call.resource, accountId: resourceAccount(call, account) },
      contextVariables: { ...principalContext(principal, call, options), ...mutable(call.context) },
    },
    identityPolicies: policies.map((p) => ({ name: p.name, policy: p.document })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  };
}

const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function grantOf(analysis: StatementAnalysis, call: IamCall): Grant {
  const { explain } = analysis;
  const sid = analysis.statement.sid();
  return {
    policy: analysis.policyId,
    statement: analysis.statement.index() - 1,
    ...(sid === undefined ? {} : { sid }),
    actions: explain.actions === undefined ? [call.action] : asList(explain.actions).filter((a) => a.matches).map((a) => a.action),
    resources: explain.resources === undefined ? [call.resource] : asList(explain.resources).filter((r) => r.matches).map((r) => r.resource),
  };
}

async function authorizeValidated(principal: Principal, call: IamCall, options: AuthorizeOptions): Promise<{ decision: Decision; grants: Grant[] }> {
  const result = await runSimulation(simulation(principal, call, options, principal.policies), {});
  if (result.resultType === 'error') {
    throw new Error(`iam-simulate cannot evaluate ${call.action} on ${call.resource} for ${principal.name}: ${result.errors.message} ${JSON.stringify(result.errors)}`);
  }
  if (result.resultType !== 'single') {
    throw new Error(`a call names one resource, got the pattern ${call.resource} for ${call.action}`);
  }
  const allows = result.result.analysis.identityAnalysis?.allowStatements ?? [];
  return { decision: result.overallResult, grants: allows.map((a) => grantOf(a, call)) };
}

/** The task-token path: evaluated against the state machine, statement by statement to find the grants. */
function authorizeTaskToken(principal: Principal, call: IamCall, options: AuthorizeOptions): { decision: Decision; grants: Grant[] } {
  if (!STATE_MACHINE_ARN.test(call.resource)) {
    throw new Error(`${call.action} is authorized against a state machine arn or *, got "${call.resource}"`);
  }
  const evaluate = (policies: readonly IdentityPolicy[]): Decision => runUnsafeSimulation(simulation(principal, call, options, policies), {});
  const single = (name: string, statement: PolicyStatement): IdentityPolicy[] => [{ name, document: { Version: '2012-10-17', Statement: [statement] } }];
  const grants: Grant[] = [];
  for (const policy of principal.policies) {
    statementsOf(policy.document).forEach((statement, index) => {
      if (statement.Effect !== 'Allow' || evaluate(single(policy.name, statement)) !== 'Allowed') return;
      const resources = statement.Resource === undefined
        ? [call.resource]
        : listOf(statement.Resource).filter((r) => evaluate(single(policy.name, { ...statement, Resource: r })) === 'Allowed');
      grants.push({
        policy: policy.name,
        statement: index,
        ...(statement.Sid === undefined ? {} : { sid: statement.Sid }),
        actions: statement.Action === undefined ? [call.action] : listOf(statement.Action).filter((a) => actionMatchesPattern(call.action, a)),
        resources,
      });
    });
  }
  return { decision: evaluate(principal.policies), grants };
}

/**
 * Decides whether `principal` may make `call`, as IAM would for its role session.
 *
 * @throws Error when iam-simulate refuses the input: an action iam-data does not know, a
 *   resource of a type the action does not take, a malformed policy (each a bug to fix, not a
 *   denial)
 */
export async function authorize(principal: Principal, call: IamCall, options: AuthorizeOptions = {}): Promise<Authorization> {
  const sessionArn = sessionArnOf(principal);
  const { decision, grants } =
    TASK_TOKEN_ACTIONS.includes(call.action) && call.resource !== '*'
      ? authorizeTaskToken(principal, call, options)
      : await authorizeValidated(principal, call, options);
  if (decision === 'Allowed') return { allowed: true, decision, call, sessionArn, grants };
  return { allowed: false, decision, call, sessionArn, grants, message: denialMessage(sessionArn, call, decision) };
}
