/**
 * The local twin's IAM layer: identity policies read from the synthesized template, IAM calls
 * derived from each AWS request, decisions by @cloud-copilot/iam-simulate, AWS-shaped denials,
 * an authorizing proxy per local service, and a ledger of what each function used.
 */
export { authorize, denialMessage, sessionArnOf, TASK_TOKEN_ACTIONS } from './authorize';
export type { Authorization, AuthorizeOptions, Decision, Grant } from './authorize';
export {
  callsForRequest,
  InvalidRequestError,
  s3Calls,
  stateMachineArnOfExecution,
  TARGET_PREFIXES,
  trainingJobArn,
  UnknownOperationError,
} from './calls';
export type { AwsJsonRequest, CallsOptions, JsonService, S3Operation } from './calls';
export { accessDeniedAnswer, unknownOperationAnswer, validationAnswer } from './denial';
export type { HttpAnswer } from './denial';
export { PermissionsLedger, renderPermissionsMarkdown, unusedGrants } from './ledger';
export type { GrantOptions, LedgerEntry, LedgerProblem, RenderOptions, UnusedGrant } from './ledger';
export { accessKeyIdOf, startAuthorizingProxy } from './proxy';
export type { AuthorizingProxy, AuthorizingProxyOptions } from './proxy';
export { policiesFromTemplate } from './template-policies';
export type { CfnTemplate, RolePolicies, TokenResolver } from './template-policies';
export { listOf, statementsOf } from './types';
export type { IamCall, IdentityPolicy, PolicyDocument, PolicyStatement, Principal, RequestContext } from './types';
