/**
 * Builds the CreateTrainingJob request for one job of a run from the run's
 * `TrainingJobDefinition` (AMT's `HyperParameterTrainingJobDefinition`). Pure: plain JSON in,
 * plain JSON out.
 */
import { TUNER_TAG_KEYS } from '../input/input-model';
import type { TrainingJobRequest } from './backend';
import { checkpointUri } from './naming';

/** Where checkpoints and outputs go when the input does not say. */
export interface StorageDefaults {
  /** e.g. `s3://<tuner bucket>/checkpoints` */
  readonly checkpointBase: string;
  /** e.g. `s3://<tuner bucket>/output` */
  readonly outputBase: string;
}

export interface JobToBuild {
  readonly runId: string;
  readonly jobName: string;
  readonly trialId: number;
  /** Every hyperparameter, already in SageMaker's string form. */
  readonly hyperParameters: Readonly<Record<string, string>>;
}

type Json = Readonly<Record<string, unknown>>;

function obj(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

const DEFAULT_MAX_RUNTIME_SECONDS = 86_400;

/**
 * Map the definition to CreateTrainingJob. Fields AMT takes in the definition but
 * CreateTrainingJob names differently (`AlgorithmSpecification` is
 * `HyperParameterAlgorithmSpecification`; `StaticHyperParameters` merge into
 * `HyperParameters`) are translated; AMT-only fields (`DefinitionName`, `TuningObjective`,
 * `HyperParameterRanges`) are dropped.
 */
export function buildTrainingJobRequest(
  input: Json,
  job: JobToBuild,
  defaults: StorageDefaults,
): TrainingJobRequest {
  const def = obj(input.TrainingJobDefinition) ?? {};
  const algo = obj(def.AlgorithmSpecification) ?? {};
  const checkpoint = obj(def.CheckpointConfig);
  const output = obj(def.OutputDataConfig);
  const tags = Array.isArray(input.Tags) ? (input.Tags as Json[]) : [];

  const request: Record<string, unknown> = {
    TrainingJobName: job.jobName,
    HyperParameters: { ...job.hyperParameters },
    AlgorithmSpecification: pick(algo, [
      'TrainingImage',
      'AlgorithmName',
      'TrainingInputMode',
      'MetricDefinitions',
    ]),
    RoleArn: def.RoleArn,
    InputDataConfig: def.InputDataConfig,
    VpcConfig: def.VpcConfig,
    OutputDataConfig: {
      ...(output ?? {}),
      S3OutputPath: `${String(output?.S3OutputPath ?? defaults.outputBase).replace(/\/+$/, '')}/${job.runId}/`,
    },
    ResourceConfig: def.ResourceConfig,
    StoppingCondition: def.StoppingCondition ?? { MaxRuntimeInSeconds: DEFAULT_MAX_RUNTIME_SECONDS },
    EnableNetworkIsolation: def.EnableNetworkIsolation,
    EnableInterContainerTrafficEncryption: def.EnableInterContainerTrafficEncryption,
    EnableManagedSpotTraining: def.EnableManagedSpotTraining,
    CheckpointConfig: {
      ...(checkpoint?.LocalPath !== undefined ? { LocalPath: checkpoint.LocalPath } : {}),
      S3Uri: checkpointUri(String(checkpoint?.S3Uri ?? defaults.checkpointBase), job.runId, job.trialId),
    },
    RetryStrategy: def.RetryStrategy,
    Environment: def.Environment,
    Tags: [
      ...tags,
      { Key: TUNER_TAG_KEYS[0], Value: job.runId },
      { Key: TUNER_TAG_KEYS[1], Value: String(job.trialId) },
    ],
  };
  for (const key of Object.keys(request)) {
    if (request[key] === undefined) delete request[key];
  }
  return request as TrainingJobRequest;
}

function pick(source: Json, keys: readonly string[]): Json {
  const out: Record<string, unknown> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}
