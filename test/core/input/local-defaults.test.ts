import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  LOCAL_DEFAULT_FIELDS,
  localDefaultsFor,
  parseTuningInput,
  validateTuningInput,
  withLocalDefaults,
} from '../../../core/input';
import { baseInput } from './fixture';

const ROOT = join(__dirname, '..', '..', '..');

/** The base input written for local mode only: LocalConfig, none of the cloud-only fields. */
function localOnlyInput(): Record<string, unknown> {
  const input = baseInput() as unknown as Record<string, unknown>;
  const definition = input.TrainingJobDefinition as Record<string, unknown>;
  delete definition.OutputDataConfig;
  delete definition.ResourceConfig;
  delete definition.StoppingCondition;
  delete definition.InputDataConfig;
  delete (definition.AlgorithmSpecification as Record<string, unknown>).TrainingImage;
  input.LocalConfig = { Command: ['python3', 'train.py'] };
  return input;
}

const CLOUD_ONLY = [
  '$.TrainingJobDefinition.AlgorithmSpecification.TrainingImage',
  '$.TrainingJobDefinition.ResourceConfig',
  '$.TrainingJobDefinition.StoppingCondition',
];

describe('local defaults', () => {
  it('are declared in the input model for the cloud-only fields', () => {
    expect(LOCAL_DEFAULT_FIELDS.map((f) => f.path).sort()).toEqual([...CLOUD_ONLY].sort());
    expect(Object.fromEntries(LOCAL_DEFAULT_FIELDS.map((f) => [f.path, f.value]))).toEqual({
      '$.TrainingJobDefinition.AlgorithmSpecification.TrainingImage': 'hpo-local',
      '$.TrainingJobDefinition.ResourceConfig': { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 30 },
      '$.TrainingJobDefinition.StoppingCondition': { MaxRuntimeInSeconds: 86400 },
    });
  });

  it('let an input with LocalConfig leave the cloud-only fields out, for local mode', () => {
    // Prepare
    const input = localOnlyInput();
    // Act
    const parsed = parseTuningInput(JSON.stringify(input), { localDefaults: true });
    // Assess
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(parsed.warnings).toEqual([]);
    expect(parsed.localDefaults.map((f) => f.path).sort()).toEqual(CLOUD_ONLY);
    const definition = parsed.input.TrainingJobDefinition;
    expect(definition.ResourceConfig).toEqual({ InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 30 });
    // OutputDataConfig is optional everywhere: the tuner's bucket is the default.
    expect(definition.OutputDataConfig).toBeUndefined();
    expect(definition.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 86400 });
    expect(definition.AlgorithmSpecification.TrainingImage).toBe('hpo-local');
    expect(input.TrainingJobDefinition).not.toHaveProperty('ResourceConfig'); // the input itself is not changed
  });

  it('are not applied for a deployed run: every left-out field is an error that says why it is needed', () => {
    const problems = validateTuningInput(localOnlyInput());
    expect(problems.filter((p) => p.severity === 'error').map((p) => [p.path, p.message])).toEqual([
      ['$.TrainingJobDefinition.ResourceConfig', 'missing required field ResourceConfig in TrainingJobDefinition: a deployed run needs it (only hpo local has a default for it)'],
      ['$.TrainingJobDefinition.StoppingCondition', 'missing required field StoppingCondition in TrainingJobDefinition: a deployed run needs it (only hpo local has a default for it)'],
      [
        '$.TrainingJobDefinition.AlgorithmSpecification.TrainingImage',
        'missing required field TrainingImage in AlgorithmSpecification (or give AlgorithmName): a deployed run needs it (only hpo local has a default for it)',
      ],
    ]);
  });

  it('need LocalConfig: without it the fields stay required, even for local validation', () => {
    const input = localOnlyInput();
    delete input.LocalConfig;
    expect(localDefaultsFor(input)).toEqual([]);
    expect(withLocalDefaults(input)).toBe(input);
    const messages = validateTuningInput(input, { localDefaults: true }).map((p) => p.message);
    expect(messages).toContain('missing required field ResourceConfig in TrainingJobDefinition');
  });

  it('fill only what is left out: no image when AlgorithmName is given', () => {
    const input = localOnlyInput();
    const definition = input.TrainingJobDefinition as Record<string, unknown>;
    definition.OutputDataConfig = { KmsKeyId: 'alias/mine' };
    definition.ResourceConfig = { InstanceType: 'ml.c5.xlarge', InstanceCount: 1 };
    (definition.AlgorithmSpecification as Record<string, unknown>).AlgorithmName = 'my-algorithm';
    expect(localDefaultsFor(input).map((f) => f.path)).toEqual(['$.TrainingJobDefinition.StoppingCondition']);
    const filled = withLocalDefaults(input) as { TrainingJobDefinition: Record<string, unknown> };
    // S3OutputPath has a default everywhere (the tuner's bucket), not a local one.
    expect(filled.TrainingJobDefinition.OutputDataConfig).toEqual({ KmsKeyId: 'alias/mine' });
    expect(filled.TrainingJobDefinition.ResourceConfig).toEqual({ InstanceType: 'ml.c5.xlarge', InstanceCount: 1 });
    expect(filled.TrainingJobDefinition.AlgorithmSpecification).not.toHaveProperty('TrainingImage');
  });

  it('still check the objective metric against MetricDefinitions (local mode reads metrics with them)', () => {
    const input = localOnlyInput();
    ((input.HyperParameterTuningJobConfig as Record<string, unknown>).HyperParameterTuningJobObjective as Record<string, unknown>).MetricName = 'eval_acc';
    const messages = validateTuningInput(input, { localDefaults: true }).map((p) => p.message);
    expect(messages).toContain('objective metric "eval_acc" is not one of AlgorithmSpecification.MetricDefinitions; defined: eval_accuracy, eval_loss');
  });

  it('are what the JSON Schema allows: without LocalConfig the cloud-only fields are required', () => {
    const validate = new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(join(ROOT, 'schema/tuning-input.schema.json'), 'utf8')) as object);
    const local = localOnlyInput();
    expect(validate(local) ? [] : validate.errors).toEqual([]);
    delete local.LocalConfig;
    expect(validate(local)).toBe(false);
    expect(validate.errors?.map((e) => e.params)).toEqual(
      expect.arrayContaining([{ missingProperty: 'ResourceConfig' }, { missingProperty: 'StoppingCondition' }]),
    );
  });

  it('examples/pytorch-sagemaker: tuning.local.json has no cloud placeholders; tuning.json is valid for both modes', () => {
    const local = parseTuningInput(readFileSync(join(ROOT, 'examples/pytorch-sagemaker/tuning.local.json'), 'utf8'), { localDefaults: true });
    if (!local.ok) throw new Error(JSON.stringify(local.problems));
    expect(local.localDefaults.map((f) => f.path).sort()).toEqual(CLOUD_ONLY);
    const quickstart = readFileSync(join(ROOT, 'examples/quickstart/tuning.json'), 'utf8');
    for (const options of [{}, { localDefaults: true }]) {
      const parsed = parseTuningInput(quickstart, options);
      expect(parsed.ok && parsed.localDefaults).toEqual([]);
    }
  });
});
