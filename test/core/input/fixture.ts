/**
 * A valid tuning input to mutate in tests, and helpers to edit it by JSON path.
 */

import { validateTuningInput, type Problem, type TuningInput } from '../../../core/input';

/** A deep-mutable copy of a type, so tests can edit fixtures. */
export type Editable<T> = T extends readonly (infer U)[] ? Editable<U>[] : T extends object ? { -readonly [K in keyof T]: Editable<T[K]> } : T;

/** A valid Hyperband input with one range of each kind. */
export function baseInput(): Editable<TuningInput> {
  return {
    HyperParameterTuningJobName: 'test-run',
    HyperParameterTuningJobConfig: {
      Strategy: 'Hyperband',
      StrategyConfig: { HyperbandStrategyConfig: { MinResource: 1, MaxResource: 27 } },
      HyperParameterTuningJobObjective: { Type: 'Maximize', MetricName: 'eval_accuracy' },
      ResourceLimits: { MaxNumberOfTrainingJobs: 50, MaxParallelTrainingJobs: 4 },
      ParameterRanges: {
        IntegerParameterRanges: [{ Name: 'batch_size', MinValue: '32', MaxValue: '256' }],
        ContinuousParameterRanges: [{ Name: 'learning_rate', MinValue: '0.0001', MaxValue: '0.1', ScalingType: 'Logarithmic' }],
        CategoricalParameterRanges: [{ Name: 'optimizer', Values: ['sgd', 'adam'] }],
      },
    },
    TrainingJobDefinition: {
      StaticHyperParameters: { model: 'resnet18' },
      AlgorithmSpecification: {
        TrainingImage: '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3.0-gpu-py311',
        TrainingInputMode: 'File',
        MetricDefinitions: [
          { Name: 'eval_accuracy', Regex: "'eval_accuracy': ([0-9\\.]+)" },
          { Name: 'eval_loss', Regex: "'eval_loss': ([0-9\\.]+)" },
        ],
      },
      RoleArn: 'arn:aws:iam::123456789012:role/SageMakerRole',
      InputDataConfig: [{ ChannelName: 'train', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://bucket/train/' } } }],
      OutputDataConfig: { S3OutputPath: 's3://bucket/output/' },
      ResourceConfig: { InstanceType: 'ml.g4dn.xlarge', InstanceCount: 1, VolumeSizeInGB: 50 },
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    },
  };
}

type Step = string | number;

function steps(path: string): Step[] {
  if (!path.startsWith('$')) throw new Error(`path must start with $: ${path}`);
  const out: Step[] = [];
  const re = /\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  let match: RegExpExecArray | null;
  while ((match = re.exec(path.slice(1))) !== null) {
    if (match[1] !== undefined) out.push(match[1]);
    else if (match[2] !== undefined) out.push(Number(match[2]));
    else out.push(JSON.parse(match[3]) as string);
  }
  return out;
}

function container(root: unknown, path: string): { parent: Record<string | number, unknown>; key: Step } {
  const all = steps(path);
  let node = root as Record<string | number, unknown>;
  for (const step of all.slice(0, -1)) {
    if (node[step] === undefined) node[step] = typeof step === 'number' ? [] : {};
    node = node[step] as Record<string | number, unknown>;
  }
  return { parent: node, key: all[all.length - 1] };
}

/** Set the value at a JSON path (creating objects on the way); returns `root`. */
export function setAt<T>(root: T, path: string, value: unknown): T {
  const { parent, key } = container(root, path);
  parent[key] = value;
  return root;
}

/** Delete the field at a JSON path; returns `root`. */
export function deleteAt<T>(root: T, path: string): T {
  const { parent, key } = container(root, path);
  delete parent[key];
  return root;
}

/** The problems of the base input after `edit`. */
export function problemsWith(edit: (input: Editable<TuningInput>) => void): Problem[] {
  const input = baseInput();
  edit(input);
  return validateTuningInput(input);
}

/** An error problem, for `toEqual`. */
export function err(path: string, message: string, value?: unknown): Problem {
  return value === undefined ? { path, message, severity: 'error' } : { path, message, value, severity: 'error' };
}

/** A warning problem, for `toEqual`. */
export function warn(path: string, message: string, value?: unknown): Problem {
  return value === undefined ? { path, message, severity: 'warning' } : { path, message, value, severity: 'warning' };
}
