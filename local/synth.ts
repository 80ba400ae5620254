/**
 * The deployed tuner, as the local twin runs it: synthesize the real `HyperparameterTuner`
 * construct into a cloud assembly (as `cdk synth` does, Lambda assets included) and read back
 * what the twin needs:
 *
 * - the state machine definition and which function each Task invokes;
 * - every function's configuration: its code (the staged asset folder named by the assets
 *   manifest, the same files `cdk deploy` uploads), `Handler`, `Timeout`, `MemorySize`,
 *   `Environment` and role;
 * - every role's identity policies (AWS::IAM::Policy and inline policies), for the twin's IAM
 *   enforcement;
 * - the EventBridge rules with their targets.
 *
 * Tokens (`Ref`, `Fn::GetAtt`, `Fn::Join`, pseudo parameters) resolve to the twin's own names
 * and ARNs (see {@link localNames}).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { HyperparameterTuner } from '../lib/hyperparameter-tuner';
import { type HandlerName, localFunctionArn, LOCAL_PLACEHOLDERS, resolveTokensForLocal } from '../lib/private/definition';
import { LOCAL_BUCKET_NAME, LOCAL_TABLE_NAME } from './workspace';

/** Construct ids of the tuner's functions -> handler names. */
const FUNCTION_IDS: Readonly<Record<string, HandlerName>> = {
  ValidateFunction: 'validate',
  InitFunction: 'init',
  TickFunction: 'tick',
  WaitForChangeFunction: 'wait-for-change',
  FinalizeFunction: 'finalize',
  OnTrainingEventFunction: 'on-training-event',
  OnExecutionEndFunction: 'on-execution-end',
};

/** The twin's stack name: role names and state machine name derive from it. */
export const LOCAL_STACK_NAME = 'HpoTunerLocal';

export interface LocalRule {
  readonly logicalId: string;
  /** The rule's event pattern, tokens resolved. */
  readonly pattern: Record<string, unknown>;
  /** The handler its (only) target invokes. */
  readonly handler: HandlerName;
}

/** One Lambda function as the template configures it, tokens resolved. */
export interface SynthesizedFunction {
  readonly handlerName: HandlerName;
  readonly logicalId: string;
  /** The function name (the handler name in the twin). */
  readonly name: string;
  readonly arn: string;
  /** The staged asset folder in the cloud assembly. */
  readonly codeDir: string;
  /** The `Handler` setting, e.g. `index.handler`. */
  readonly handler: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly roleLogicalId: string;
  readonly roleArn: string;
}

export interface SynthesizedTuner {
  readonly stateMachineArn: string;
  /** The ASL (JSONPath) with every token resolved. */
  readonly definition: { readonly StartAt: string; readonly States: Record<string, Record<string, unknown>> };
  /** Lambda Task state name -> handler. */
  readonly taskStateHandlers: Record<string, HandlerName>;
  readonly rules: readonly LocalRule[];
  readonly functions: Readonly<Record<HandlerName, SynthesizedFunction>>;
  /** The stack's CloudFormation template, tokens unresolved (read IAM policies with {@link resolve}). */
  readonly template: Template;
  /** Resolves the template's tokens to the twin's names and ARNs. */
  readonly resolve: (value: unknown) => unknown;
  /** The ARN the twin gives a resource of the template (roles, table, bucket, ...). */
  readonly arnOf: (logicalId: string) => string | undefined;
  /** The training roles the tuner may pass (what its functions' `ALLOWED_TRAINING_ROLE_ARNS` say). */
  readonly trainingRoleArns: readonly string[];
  /** The cloud assembly folder; the function code lives in it until {@link dispose}. */
  readonly outdir: string;
  /** Deletes the cloud assembly. */
  dispose(): void;
}

export interface SynthesizeOptions {
  readonly jobNamePrefix: string;
  /** @default 'HpoTunerLocal' */
  readonly stateMachineName?: string;
  /** WaitForChange's timeout (the fallback poll). @default 30 seconds */
  readonly pollIntervalSeconds?: number;
}

type CfnResource = { Type: string; Properties?: Record<string, unknown> };
export type Template = { Resources: Record<string, CfnResource> };

/** The names and ARNs the twin gives the template's resources, for `Ref` and `Fn::GetAtt`. */
function localNames(template: Template, stateMachineArn: string, stateMachineLogicalId: string, functionIds: Readonly<Record<string, HandlerName>>): Record<string, string> {
  const { partition, region, account } = LOCAL_PLACEHOLDERS;
  const names: Record<string, string> = {};
  for (const [id, resource] of Object.entries(template.Resources)) {
    const set = (ref: string, arn: string, extra: Record<string, string> = {}): void => {
      names[id] = ref;
      names[`${id}.Arn`] = arn;
      for (const [attr, value] of Object.entries(extra)) names[`${id}.${attr}`] = value;
    };
    switch (resource.Type) {
      case 'AWS::DynamoDB::Table':
        set(LOCAL_TABLE_NAME, `arn:${partition}:dynamodb:${region}:${account}:table/${LOCAL_TABLE_NAME}`);
        break;
      case 'AWS::S3::Bucket':
        set(LOCAL_BUCKET_NAME, `arn:${partition}:s3:::${LOCAL_BUCKET_NAME}`);
        break;
      case 'AWS::IAM::Role': {
        const name = `${LOCAL_STACK_NAME}-${id}`;
        set(name, `arn:${partition}:iam::${account}:role/${name}`);
        break;
      }
      case 'AWS::Lambda::Function': {
        const handler = functionIds[id];
        const name = handler ?? id;
        set(name, handler ? localFunctionArn(handler) : `arn:${partition}:lambda:${region}:${account}:function:${name}`);
        break;
      }
      case 'AWS::StepFunctions::StateMachine':
        if (id === stateMachineLogicalId) set(stateMachineArn, stateMachineArn, { Name: stateMachineArn.split(':').pop() ?? '' });
        break;
      case 'AWS::Logs::LogGroup': {
        const name = `/local/${id}`;
        set(name, `arn:${partition}:logs:${region}:${account}:log-group:${name}:*`);
        break;
      }
      case 'AWS::SQS::Queue':
        set(`http://sqs.local/${account}/${id}`, `arn:${partition}:sqs:${region}:${account}:${id}`, { QueueName: id });
        break;
      default:
        set(id, `arn:${partition}:local:${region}:${account}:${id}`);
    }
  }
  return names;
}

/** Synthesize the construct (Lambda bundles included) and extract what the twin runs. */
export function synthesizeTunerForLocal(options: SynthesizeOptions): SynthesizedTuner {
  const outdir = mkdtempSync(join(tmpdir(), 'hpo-synth-'));
  try {
    return synthesizeInto(outdir, options);
  } catch (error) {
    rmSync(outdir, { recursive: true, force: true });
    throw error;
  }
}

function synthesizeInto(outdir: string, options: SynthesizeOptions): SynthesizedTuner {
  const app = new App({ outdir });
  const stack = new Stack(app, LOCAL_STACK_NAME, {
    env: { account: LOCAL_PLACEHOLDERS.account, region: LOCAL_PLACEHOLDERS.region },
  });
  const stateMachineName = options.stateMachineName ?? LOCAL_STACK_NAME;
  const tuner = new HyperparameterTuner(stack, 'Tuner', {
    jobNamePrefix: options.jobNamePrefix,
    stateMachineName,
    pollInterval: Duration.seconds(options.pollIntervalSeconds ?? 30),
  });
  const logicalId = (c: { node: { defaultChild?: unknown } }): string => stack.getLogicalId(c.node.defaultChild as CfnElement);
  const stateMachineArn = `arn:${LOCAL_PLACEHOLDERS.partition}:states:${LOCAL_PLACEHOLDERS.region}:${LOCAL_PLACEHOLDERS.account}:stateMachine:${stateMachineName}`;
  const handlerByLogicalId: Record<string, HandlerName> = {};
  for (const [id, handler] of Object.entries(FUNCTION_IDS)) handlerByLogicalId[logicalId(tuner.node.findChild(id))] = handler;

  const assembly = app.synth();
  const artifact = assembly.getStackArtifact(stack.artifactId);
  const template = artifact.template as Template;
  const names = localNames(template, stateMachineArn, logicalId(tuner.stateMachine), handlerByLogicalId);
  const resolve = (value: unknown): unknown => resolveTokensForLocal(value, names);
  const resources = Object.entries(template.Resources);

  // --- State machine ---------------------------------------------------------------------
  const machines = resources.filter(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine');
  if (machines.length !== 1) throw new Error(`expected one state machine in the tuner's template, found ${machines.length}`);
  const definitionString = resolve(machines[0][1].Properties?.DefinitionString);
  if (typeof definitionString !== 'string') throw new Error('the state machine definition did not resolve to a string');
  const definition = JSON.parse(definitionString) as SynthesizedTuner['definition'];
  const handlerByArn = new Map(Object.entries(handlerByLogicalId).map(([id, h]) => [names[`${id}.Arn`], h]));
  const taskStateHandlers: Record<string, HandlerName> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    const fnName = (state.Parameters as { FunctionName?: unknown } | undefined)?.FunctionName;
    const handler = typeof fnName === 'string' ? handlerByArn.get(fnName) : undefined;
    if (state.Type === 'Task' && handler !== undefined) taskStateHandlers[name] = handler;
  }

  // --- Functions: code from the assets manifest, configuration from the template ----------
  const assetDirs = fileAssetDirs(outdir, stack.artifactId);
  const functions: Partial<Record<HandlerName, SynthesizedFunction>> = {};
  for (const [id, handlerName] of Object.entries(handlerByLogicalId)) {
    const props = template.Resources[id].Properties ?? {};
    const code = props.Code as { S3Key?: unknown } | undefined;
    const codeDir = typeof code?.S3Key === 'string' ? assetDirs.get(code.S3Key) : undefined;
    if (codeDir === undefined || !existsSync(codeDir)) throw new Error(`function ${id} has no staged code asset in the cloud assembly`);
    const role = (props.Role as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0];
    if (role === undefined) throw new Error(`function ${id} has no role of the template`);
    const variables = ((props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {});
    functions[handlerName] = {
      handlerName,
      logicalId: id,
      name: names[id],
      arn: names[`${id}.Arn`],
      codeDir,
      handler: String(props.Handler),
      timeoutSeconds: Number(props.Timeout ?? 3),
      memoryMb: Number(props.MemorySize ?? 128),
      environment: Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(resolve(v))])),
      roleLogicalId: role,
      roleArn: names[`${role}.Arn`],
    };
  }

  const trainingRoleArns = (functions.validate?.environment.ALLOWED_TRAINING_ROLE_ARNS ?? '').split(',').filter((s) => s !== '');

  // --- EventBridge rules -------------------------------------------------------------------
  const rules: LocalRule[] = [];
  for (const [id, resource] of resources) {
    if (resource.Type !== 'AWS::Events::Rule') continue;
    const props = resource.Properties ?? {};
    for (const target of (props.Targets ?? []) as Array<{ Arn?: unknown }>) {
      const getAtt = (target.Arn as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
      const handler = getAtt === undefined ? undefined : handlerByLogicalId[getAtt[0]];
      if (handler === undefined) throw new Error(`rule ${id} targets something the local twin cannot invoke`);
      rules.push({ logicalId: id, pattern: resolve(props.EventPattern) as Record<string, unknown>, handler });
    }
  }

  return {
    stateMachineArn,
    definition,
    taskStateHandlers,
    rules,
    functions: functions as Record<HandlerName, SynthesizedFunction>,
    template,
    resolve,
    arnOf: (id) => names[`${id}.Arn`],
    trainingRoleArns,
    outdir,
    dispose: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/**
 * The stack's zip file assets, from its assets manifest (what `cdk deploy` uploads): S3 object
 * key -> the staged folder in the cloud assembly.
 */
function fileAssetDirs(outdir: string, stackName: string): Map<string, string> {
  const manifest = JSON.parse(readFileSync(join(outdir, `${stackName}.assets.json`), 'utf8')) as {
    files?: Record<string, { source?: { path?: string; packaging?: string }; destinations?: Record<string, { objectKey?: string }> }>;
  };
  const dirs = new Map<string, string>();
  for (const entry of Object.values(manifest.files ?? {})) {
    if (entry.source?.path === undefined || entry.source.packaging !== 'zip') continue;
    for (const destination of Object.values(entry.destinations ?? {})) {
      if (destination.objectKey !== undefined) dirs.set(destination.objectKey, join(outdir, entry.source.path));
    }
  }
  return dirs;
}
