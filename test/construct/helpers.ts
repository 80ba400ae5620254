/**
 * Shared fixtures of the construct tests.
 *
 * Stacks are built with the standard CDK context `aws:cdk:bundling-stacks: []`, which makes
 * NodejsFunction skip esbuild (the asset points at the source, nothing is built). Only
 * app.test.ts bundles for real.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { HyperparameterTuner, HyperparameterTunerProps } from '../../lib';
import { resolveTokensForLocal } from '../../lib/private/definition';

export const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] as string[] };

export interface Fixture {
  readonly app: App;
  readonly stack: Stack;
  readonly tuner: HyperparameterTuner;
  readonly template: Template;
}

/** A stack with one tuner, no bundling. `extra` may add resources before the template is taken. */
export function makeTuner(
  props: HyperparameterTunerProps = {},
  extra?: (stack: Stack) => HyperparameterTunerProps,
  after?: (tuner: HyperparameterTuner, stack: Stack) => void,
): Fixture {
  const app = new App({ context: NO_BUNDLING });
  const stack = new Stack(app, 'TestStack');
  const more = extra ? extra(stack) : {};
  const tuner = new HyperparameterTuner(stack, 'Tuner', { ...props, ...more });
  after?.(tuner, stack);
  return { app, stack, tuner, template: Template.fromStack(stack) };
}

/** The construct IDs of the functions, by handler. */
export const FUNCTION_IDS = {
  validate: 'ValidateFunction',
  init: 'InitFunction',
  tick: 'TickFunction',
  'wait-for-change': 'WaitForChangeFunction',
  finalize: 'FinalizeFunction',
  'on-training-event': 'OnTrainingEventFunction',
  'on-execution-end': 'OnExecutionEndFunction',
} as const;

export type Handler = keyof typeof FUNCTION_IDS;

export function fn(f: Fixture, handler: Handler): lambda.Function {
  return f.tuner.node.findChild(FUNCTION_IDS[handler]) as lambda.Function;
}

export function logicalId(f: Fixture, construct: { node: { defaultChild?: unknown } } | iam.IRole): string {
  const child = (construct as { node: { defaultChild?: unknown } }).node.defaultChild;
  return f.stack.getLogicalId(child as never);
}

/** A normalized IAM statement: actions always an array, the rest as synthesized. */
export interface Statement {
  readonly Effect: string;
  readonly Action: string[];
  readonly Resource: unknown[];
  readonly Condition?: unknown;
  /** Logical ID of the AWS::IAM::Policy it comes from. */
  readonly policy: string;
}

const asArray = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

/** Every statement of every AWS::IAM::Policy attached to the role (by logical ID). */
export function statementsOfRole(template: Template, roleLogicalId: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy') as Record<string, { Properties: { Roles: unknown[]; PolicyDocument: { Statement: Array<Record<string, unknown>> } } }>;
  const out: Statement[] = [];
  for (const [policy, res] of Object.entries(policies)) {
    const attached = res.Properties.Roles.some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleLogicalId }));
    if (!attached) continue;
    for (const s of res.Properties.PolicyDocument.Statement) {
      out.push({
        Effect: s.Effect as string,
        Action: asArray(s.Action as string | string[]),
        Resource: asArray(s.Resource),
        Condition: s.Condition,
        policy,
      });
    }
  }
  return out;
}

/** The role logical ID of a function. */
export function roleOf(f: Fixture, handler: Handler): string {
  const cfn = fn(f, handler).node.defaultChild as lambda.CfnFunction;
  const role = f.stack.resolve(cfn.role) as { 'Fn::GetAtt': [string, string] };
  return role['Fn::GetAtt'][0];
}

/** All actions a role may perform (sorted, unique). */
export function actionsOfRole(template: Template, roleLogicalId: string): string[] {
  return [...new Set(statementsOfRole(template, roleLogicalId).flatMap((s) => s.Action))].sort();
}

/** Resolve a token-bearing value of the stack into plain JSON. */
export function resolve(f: Fixture, value: unknown): unknown {
  return f.stack.resolve(value);
}

/** The state machine's ASL, Lambda ARNs replaced by `fn:<LogicalId>` placeholders. */
export function aslOf(f: Fixture): { StartAt: string; TimeoutSeconds?: number; States: Record<string, Record<string, unknown>> } {
  const cfn = f.tuner.stateMachine.node.defaultChild as sfn.CfnStateMachine;
  const arns: Record<string, string> = {};
  for (const id of Object.keys(f.template.findResources('AWS::Lambda::Function'))) arns[id] = `fn:${id}`;
  return JSON.parse(resolveTokensForLocal(f.stack.resolve(cfn.definitionString), arns) as string);
}
