/**
 * The deployed tuner, as the local twin runs it: synthesize the real `HyperparameterTuner`
 * construct in memory (bundling skipped, no AWS calls) and read back from its CloudFormation
 * template what the twin needs — the state machine definition, which Lambda function each
 * Task invokes, and the EventBridge rules with their targets. So the twin executes exactly
 * what `cdk deploy` would deploy, with tokens resolved to local placeholders.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnElement, Duration, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { HyperparameterTuner } from '../lib/hyperparameter-tuner';
import { type HandlerName, localFunctionArn, LOCAL_PLACEHOLDERS, resolveTokensForLocal } from '../lib/private/definition';

/** Construct ids of the tuner's functions -> handler file names under lambda/handlers/. */
const FUNCTION_IDS: Readonly<Record<string, HandlerName>> = {
  ValidateFunction: 'validate',
  InitFunction: 'init',
  TickFunction: 'tick',
  WaitForChangeFunction: 'wait-for-change',
  FinalizeFunction: 'finalize',
  OnTrainingEventFunction: 'on-training-event',
  OnExecutionEndFunction: 'on-execution-end',
};

export interface LocalRule {
  readonly logicalId: string;
  /** The rule's event pattern, tokens resolved. */
  readonly pattern: Record<string, unknown>;
  /** The handler its (only) target invokes. */
  readonly handler: HandlerName;
}

export interface SynthesizedTuner {
  readonly stateMachineArn: string;
  /** The ASL (JSONPath) with every token resolved. */
  readonly definition: { readonly StartAt: string; readonly States: Record<string, Record<string, unknown>> };
  /** Lambda Task state name -> handler. */
  readonly taskStateHandlers: Record<string, HandlerName>;
  readonly rules: readonly LocalRule[];
}

export interface SynthesizeOptions {
  readonly jobNamePrefix: string;
  /** @default 'HpoTunerLocal' */
  readonly stateMachineName?: string;
  /** WaitForChange's timeout (the fallback poll). @default 30 seconds */
  readonly pollIntervalSeconds?: number;
}

type CfnResource = { Type: string; Properties?: Record<string, unknown> };

/** Synthesize the construct and extract what the twin runs. Takes a few seconds (CDK). */
export function synthesizeTunerForLocal(options: SynthesizeOptions): SynthesizedTuner {
  const outdir = mkdtempSync(join(tmpdir(), 'hpo-synth-'));
  try {
    // 'aws:cdk:bundling-stacks': [] is CDK's own switch to skip asset bundling.
    const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'HpoTunerLocal', {
      env: { account: LOCAL_PLACEHOLDERS.account, region: LOCAL_PLACEHOLDERS.region },
    });
    const stateMachineName = options.stateMachineName ?? 'HpoTunerLocal';
    const tuner = new HyperparameterTuner(stack, 'Tuner', {
      jobNamePrefix: options.jobNamePrefix,
      stateMachineName,
      pollInterval: Duration.seconds(options.pollIntervalSeconds ?? 30),
    });
    const logicalId = (c: Construct): string => stack.getLogicalId(c.node.defaultChild as CfnElement);
    const stateMachineArn = `arn:${LOCAL_PLACEHOLDERS.partition}:states:${LOCAL_PLACEHOLDERS.region}:${LOCAL_PLACEHOLDERS.account}:stateMachine:${stateMachineName}`;

    const arns: Record<string, string> = { [logicalId(tuner.stateMachine)]: stateMachineArn };
    const handlerByLogicalId: Record<string, HandlerName> = {};
    for (const [id, handler] of Object.entries(FUNCTION_IDS)) {
      const fn = tuner.node.findChild(id);
      const fnLogicalId = logicalId(fn);
      arns[fnLogicalId] = localFunctionArn(handler);
      handlerByLogicalId[fnLogicalId] = handler;
    }

    const template = app.synth().getStackArtifact(stack.artifactId).template as { Resources: Record<string, CfnResource> };
    const resources = Object.entries(template.Resources);

    const machines = resources.filter(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine');
    if (machines.length !== 1) throw new Error(`expected one state machine in the tuner's template, found ${machines.length}`);
    const definitionString = resolveTokensForLocal(machines[0][1].Properties?.DefinitionString, arns);
    if (typeof definitionString !== 'string') throw new Error('the state machine definition did not resolve to a string');
    const definition = JSON.parse(definitionString) as SynthesizedTuner['definition'];

    const taskStateHandlers: Record<string, HandlerName> = {};
    const byArn = new Map(Object.entries(FUNCTION_IDS).map(([, h]) => [localFunctionArn(h), h]));
    for (const [name, state] of Object.entries(definition.States)) {
      const fnName = (state.Parameters as { FunctionName?: unknown } | undefined)?.FunctionName;
      const handler = typeof fnName === 'string' ? byArn.get(fnName) : undefined;
      if (state.Type === 'Task' && handler !== undefined) taskStateHandlers[name] = handler;
    }

    const rules: LocalRule[] = [];
    for (const [id, resource] of resources) {
      if (resource.Type !== 'AWS::Events::Rule') continue;
      const props = resource.Properties ?? {};
      const targets = (props.Targets ?? []) as Array<{ Arn?: unknown }>;
      for (const target of targets) {
        const getAtt = (target.Arn as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
        const handler = getAtt === undefined ? undefined : handlerByLogicalId[getAtt[0]];
        if (handler === undefined) throw new Error(`rule ${id} targets something the local twin cannot invoke`);
        rules.push({ logicalId: id, pattern: resolveTokensForLocal(props.EventPattern, arns) as Record<string, unknown>, handler });
      }
    }
    return { stateMachineArn, definition, taskStateHandlers, rules };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
