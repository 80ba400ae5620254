/**
 * What Validate and Init both do with an execution's input: validate it, fill in what this
 * deployment supplies (the default training role), check it against the deployment, and turn
 * it into the core's `TuningSpec`.
 *
 * Init runs it again on `$$.Execution.Input` instead of receiving Validate's result through
 * the state: the input (up to 256 KiB) then crosses the state machine once, and no state's
 * payload grows with it.
 */
import { gzipSync } from 'node:zlib';
import { formatProblems, toTuningSpec, validateTuningInput, type TuningInput } from '../../core/input';
import { InvalidTuningInput } from '../../core/orchestrator/errors';
import { longestJobName, MAX_TRAINING_JOB_NAME_LENGTH } from '../../core/orchestrator/naming';
import type { TuningSpec } from '../../core/ports';
import type { HandlerDeps } from './deps';

/**
 * The most the run item may spend on the input (gzip'd) and its spec (JSON): DynamoDB items
 * hold at most 400 KB, and the run item's other fields (counters, scheduler state, the
 * write-ahead commit) need the rest.
 */
export const MAX_RUN_DEFINITION_BYTES = 300_000;

/** What only the deployment knows. */
export type DeploymentFacts = Pick<HandlerDeps, 'allowedTrainingRoleArns' | 'jobNamePrefix' | 'ownTrainingRoleArn'> & { readonly bucketName?: string };

/** A valid input of this deployment, with its defaults filled in, and its spec. */
export interface PreparedRun {
  readonly input: TuningInput;
  readonly spec: TuningSpec;
}

/** @throws InvalidTuningInput listing every problem */
export function prepareTuningRun(event: unknown, deps: DeploymentFacts): PreparedRun {
  const problems = validateTuningInput(event).filter((p) => p.severity === 'error');
  if (problems.length > 0) throw new InvalidTuningInput(formatProblems(problems));
  const input = withDefaultRole(event as TuningInput, deps.allowedTrainingRoleArns);
  const spec = toTuningSpec(input);
  const deploymentProblems = checkAgainstDeployment(input, spec, deps);
  if (deploymentProblems.length > 0) throw new InvalidTuningInput(deploymentProblems.join('\n'));
  return { input, spec };
}

/** `TrainingJobDefinition.RoleArn` defaults to the tuner's training role, when it has exactly one. */
function withDefaultRole(input: TuningInput, allowed: readonly string[]): TuningInput {
  const definition = input.TrainingJobDefinition;
  if (definition === undefined || definition.RoleArn !== undefined) return input;
  if (allowed.length !== 1) {
    throw new InvalidTuningInput(
      allowed.length === 0
        ? '$.TrainingJobDefinition.RoleArn: required: this tuner was deployed without a list of training roles, so it has no default'
        : `$.TrainingJobDefinition.RoleArn: required: this tuner may pass ${allowed.length} roles, name one of: ${allowed.join(', ')}`,
    );
  }
  return { ...input, TrainingJobDefinition: { ...definition, RoleArn: allowed[0] } };
}

/** What only the deployed tuner knows: the roles it may pass, its job-name prefix, its table's item size. */
function checkAgainstDeployment(input: TuningInput, spec: TuningSpec, deps: DeploymentFacts): string[] {
  const problems: string[] = [];
  const role = input.TrainingJobDefinition?.RoleArn;
  if (deps.allowedTrainingRoleArns.length > 0 && role !== undefined && !deps.allowedTrainingRoleArns.includes(role)) {
    problems.push(
      `$.TrainingJobDefinition.RoleArn: this tuner may not pass role '${role}' to sagemaker; allowed: ${deps.allowedTrainingRoleArns.join(', ')} (or leave RoleArn out for the tuner's own role)`,
    );
  }
  const longest = longestJobName(deps.jobNamePrefix, spec.runName, spec.scheduler.maxTrainingJobs, spec.scheduler.maxResource);
  if (longest.length > MAX_TRAINING_JOB_NAME_LENGTH) {
    problems.push(
      `$.HyperParameterTuningJobName: '${spec.runName}' makes training job names like '${longest}' (${longest.length} chars); sagemaker allows at most ${MAX_TRAINING_JOB_NAME_LENGTH}: use a name of at most ${spec.runName.length - (longest.length - MAX_TRAINING_JOB_NAME_LENGTH)} chars`,
    );
  }
  problems.push(...outsideTheTunersBucket(input, deps));
  const stored = gzipSync(JSON.stringify(input)).length + Buffer.byteLength(JSON.stringify(spec), 'utf8');
  if (stored > MAX_RUN_DEFINITION_BYTES) {
    problems.push(
      `$: the run record would hold ${stored.toLocaleString('en-US')} bytes of input and spec; a DynamoDB item holds 400 KB and the tuner allows ${MAX_RUN_DEFINITION_BYTES.toLocaleString('en-US')} for these: shorten StaticHyperParameters, Environment or Tags`,
    );
  }
  return problems;
}

/**
 * The training role the construct creates reads and writes only the tuner's bucket: with it,
 * every channel, output path and checkpoint location must be there, or every job would fail
 * with access denied after it was paid for.
 */
function outsideTheTunersBucket(input: TuningInput, deps: DeploymentFacts): string[] {
  const definition = input.TrainingJobDefinition;
  if (deps.ownTrainingRoleArn === undefined || deps.bucketName === undefined || definition?.RoleArn !== deps.ownTrainingRoleArn) return [];
  const bucket = deps.bucketName;
  const locations: Array<[string, string | undefined]> = [
    ['$.TrainingJobDefinition.OutputDataConfig.S3OutputPath', definition.OutputDataConfig?.S3OutputPath],
    ['$.TrainingJobDefinition.CheckpointConfig.S3Uri', definition.CheckpointConfig?.S3Uri],
    ...(definition.InputDataConfig ?? []).map((channel, i): [string, string | undefined] => [
      `$.TrainingJobDefinition.InputDataConfig[${i}].DataSource.S3DataSource.S3Uri`,
      channel.DataSource?.S3DataSource?.S3Uri,
    ]),
  ];
  const problems: string[] = [];
  for (const [path, uri] of locations) {
    if (uri === undefined) continue;
    const match = /^(?:s3|https):\/\/([^/]+)/.exec(uri);
    if (match === null || match[1] === bucket) continue;
    problems.push(
      `${path}: '${uri}' is outside the tuner's bucket '${bucket}', and the tuner's own training role may only use s3://${bucket}/: ` +
        `leave it out where the tuner has a default, use a location under s3://${bucket}/, or deploy the tuner with trainingRoles that can reach '${match[1]}'`,
    );
  }
  return problems;
}
