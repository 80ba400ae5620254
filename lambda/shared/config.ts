/**
 * What every handler knows about its deployment, from the environment: no AWS SDK here, so a
 * handler's bundle holds only the clients it imports itself (lambda/shared/clients/).
 */
import { numberEnv, optionalEnv, requiredEnv } from './env';

/** The deployment's settings (environment variables the construct sets). */
export interface DeploymentConfig {
  /** Lowercase prefix every training job name of this tuner starts with. */
  readonly jobNamePrefix: string;
  readonly storage: { readonly checkpointBase: string; readonly outputBase: string };
  /** In-flight jobs are re-read from SageMaker this long after their record last changed. */
  readonly reconcileAfterSeconds: number;
  /** Roles a run may pass to SageMaker; empty means "not restricted by the tuner". */
  readonly allowedTrainingRoleArns: readonly string[];
  /** The training role the construct created (it reaches only the tuner's bucket), if it did. */
  readonly ownTrainingRoleArn?: string;
  /** The tuner's bucket (checkpoints and outputs by default). */
  readonly bucketName: string;
  readonly now: () => Date;
}

/** The deployment's settings; throws naming a missing variable. */
export function deploymentConfig(env: NodeJS.ProcessEnv = process.env): DeploymentConfig {
  const bucket = requiredEnv('BUCKET_NAME', env);
  const own = optionalEnv('OWN_TRAINING_ROLE_ARN', env);
  return {
    jobNamePrefix: requiredEnv('JOB_NAME_PREFIX', env),
    storage: { checkpointBase: `s3://${bucket}/checkpoints`, outputBase: `s3://${bucket}/output` },
    reconcileAfterSeconds: numberEnv('RECONCILE_AFTER_SECONDS', 120, env),
    bucketName: bucket,
    ...(own ? { ownTrainingRoleArn: own } : {}),
    allowedTrainingRoleArns: (optionalEnv('ALLOWED_TRAINING_ROLE_ARNS', env) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
    now: () => new Date(),
  };
}

/**
 * A value built once per configuration and reused across invocations (Powertools'
 * commons/clients pattern); rebuilt when one of `vars` changes (tests, the local twin).
 */
export function cachedBy<T>(vars: readonly string[], build: () => T): (env?: NodeJS.ProcessEnv) => T {
  let cached: { key: string; value: T } | undefined;
  return (env = process.env) => {
    const key = vars.map((name) => `${name}=${env[name] ?? ''}`).join('\n');
    if (cached?.key !== key) cached = { key, value: build() };
    return cached.value;
  };
}

/** Variables every SDK client reads at construction. */
export const SDK_VARS = ['AWS_REGION', 'AWS_ENDPOINT_URL'];
