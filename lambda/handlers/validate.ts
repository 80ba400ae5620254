/**
 * Validate: the execution input is the AMT request body, extended. Invalid input fails the
 * execution with every problem listed, before anything is recorded or started.
 */
import type { Context } from 'aws-lambda';
import { formatProblems, toTuningSpec, validateTuningInput, type TuningInput } from '../core/input';
import { InvalidTuningInput } from '../core/orchestrator/errors';
import { longestJobName, MAX_TRAINING_JOB_NAME_LENGTH } from '../core/orchestrator/naming';
import type { TuningSpec } from '../core/ports';
import { handlerDeps } from '../shared/deps';
import { beginInvocation, logger } from '../shared/powertools';

export interface ValidateOutput {
  readonly input: TuningInput;
  readonly spec: TuningSpec;
}

export const handler = async (event: unknown, context?: Context): Promise<ValidateOutput> => {
  beginInvocation(context);
  const problems = validateTuningInput(event).filter((p) => p.severity === 'error');
  if (problems.length > 0) {
    logger.warn('invalid tuning input', { problems });
    throw new InvalidTuningInput(formatProblems(problems));
  }
  const input = event as TuningInput;
  const spec = toTuningSpec(input);
  const deploymentProblems = checkAgainstDeployment(input, spec);
  if (deploymentProblems.length > 0) {
    logger.warn('tuning input does not fit this tuner', { problems: deploymentProblems });
    throw new InvalidTuningInput(deploymentProblems.join('\n'));
  }
  logger.appendKeys({ runId: spec.runName });
  logger.info('tuning input is valid', { strategy: spec.scheduler.kind, sampler: spec.sampler, maxTrainingJobs: spec.scheduler.maxTrainingJobs });
  return { input, spec };
};

/** What only the deployed tuner knows: the roles it may pass and its job-name prefix. */
function checkAgainstDeployment(input: TuningInput, spec: TuningSpec): string[] {
  const deps = handlerDeps();
  const problems: string[] = [];
  const role = input.TrainingJobDefinition?.RoleArn;
  if (deps.allowedTrainingRoleArns.length > 0 && role !== undefined && !deps.allowedTrainingRoleArns.includes(role)) {
    problems.push(
      `$.TrainingJobDefinition.RoleArn: this tuner may not pass role '${role}' to sagemaker; allowed: ${deps.allowedTrainingRoleArns.join(', ')}`,
    );
  }
  const longest = longestJobName(deps.jobNamePrefix, spec.runName, spec.scheduler.maxTrainingJobs, spec.scheduler.maxResource);
  if (longest.length > MAX_TRAINING_JOB_NAME_LENGTH) {
    problems.push(
      `$.HyperParameterTuningJobName: '${spec.runName}' makes training job names like '${longest}' (${longest.length} chars); sagemaker allows at most ${MAX_TRAINING_JOB_NAME_LENGTH}: use a name of at most ${spec.runName.length - (longest.length - MAX_TRAINING_JOB_NAME_LENGTH)} chars`,
    );
  }
  return problems;
}
