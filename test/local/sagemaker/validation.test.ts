// Request validation against botocore's model, through the real SDK client and in-process.
import { CreateTrainingJobCommand, DescribeTrainingJobCommand, type CreateTrainingJobRequest } from '@aws-sdk/client-sagemaker';
import {
  compileModelPattern,
  formatValidationMessage,
  SAGEMAKER_MODEL,
  ShapeTypeError,
  validateAgainstShape,
} from '../../../local/sagemaker';
import { errorOf, startHarness, trainRequest, type Harness } from './helpers';

describe('SageMaker emulator: validation through @aws-sdk/client-sagemaker', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  const create = (req: CreateTrainingJobRequest) => errorOf(h.client.send(new CreateTrainingJobCommand(req)));

  test('a name with an underscore breaks the pattern', async () => {
    // Act
    const err = await create(trainRequest('bad_name'));
    // Assess
    expect(err.name).toBe('ValidationException');
    expect(err.$metadata?.httpStatusCode).toBe(400);
    expect(err.message).toBe(
      "1 validation error detected: Value 'bad_name' at 'trainingJobName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}",
    );
  });

  test('a 64-character name breaks the pattern and the length', async () => {
    const name = 'a'.repeat(64);
    const err = await create(trainRequest(name));
    expect(err.name).toBe('ValidationException');
    expect(err.message).toBe(
      `2 validation errors detected: Value '${name}' at 'trainingJobName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}; ` +
        `Value '${name}' at 'trainingJobName' failed to satisfy constraint: Member must have length less than or equal to 63`,
    );
  });

  test('a missing RoleArn is null', async () => {
    const req = trainRequest('no-role');
    delete (req as Partial<CreateTrainingJobRequest>).RoleArn;
    const err = await create(req);
    expect(err.message).toBe("1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
  });

  test('an unknown instance type lists the enum', async () => {
    const req = trainRequest('bad-type', { ResourceConfig: { InstanceType: 'ml.fake.xlarge' as 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 10 } });
    const err = await create(req);
    const shape = SAGEMAKER_MODEL.shapes.TrainingInstanceType;
    const values = shape.type === 'string' ? shape.enum ?? [] : [];
    expect(values).toContain('ml.m5.xlarge');
    expect(err.message).toBe(
      `1 validation error detected: Value 'ml.fake.xlarge' at 'resourceConfig.instanceType' failed to satisfy constraint: Member must satisfy enum value set: [${values.join(', ')}]`,
    );
  });

  test('more than 100 hyperparameters', async () => {
    const hps = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`p${i}`, String(i)]));
    const err = await create(trainRequest('too-many-hps', { HyperParameters: hps }));
    const shown = `{${Object.entries(hps).map(([k, v]) => `${k}=${v}`).join(', ')}}`;
    expect(err.message).toBe(
      `1 validation error detected: Value '${shown}' at 'hyperParameters' failed to satisfy constraint: Member must have length less than or equal to 100`,
    );
  });

  test('a duplicate name is ResourceInUse', async () => {
    await h.client.send(new CreateTrainingJobCommand(trainRequest('dup-job', { HyperParameters: { epochs: '1' } })));
    const err = await create(trainRequest('DUP-job'));
    expect(err.name).toBe('ResourceInUse');
    expect(err.message).toBe(
      'Training job names must be unique within an AWS account and region, and a training job with this name already exists (arn:aws:sagemaker:us-east-1:000000000000:training-job/dup-job)',
    );
  });

  test('describing an unknown job is a ValidationException', async () => {
    const err = await errorOf(h.client.send(new DescribeTrainingJobCommand({ TrainingJobName: 'nope' })));
    expect(err.name).toBe('ValidationException');
    expect(err.message).toBe('Requested resource not found.');
  });
});

describe('validateAgainstShape', () => {
  test('paths of list members, map values and numeric bounds', () => {
    const v = validateAgainstShape(SAGEMAKER_MODEL, 'CreateTrainingJobRequest', {
      ...trainRequest('ok'),
      HyperParameters: { a: 'x'.repeat(2501) },
      AlgorithmSpecification: { TrainingInputMode: 'File', MetricDefinitions: [{ Name: 'm', Regex: '' }] },
      ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 10, KeepAlivePeriodInSeconds: 21601 },
    });
    expect(v).toEqual([
      `Value '{a=${'x'.repeat(2501)}}' at 'hyperParameters' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 2500, Member must have length greater than or equal to 0, Member must satisfy regular expression pattern: .*]`,
      "Value '' at 'algorithmSpecification.metricDefinitions.1.member.regex' failed to satisfy constraint: Member must satisfy regular expression pattern: .+",
      "Value '' at 'algorithmSpecification.metricDefinitions.1.member.regex' failed to satisfy constraint: Member must have length greater than or equal to 1",
      "Value '21601' at 'resourceConfig.keepAlivePeriodInSeconds' failed to satisfy constraint: Member must have value less than or equal to 21600",
    ]);
    expect(formatValidationMessage(v.slice(0, 1))).toMatch(/^1 validation error detected: Value/);
  });

  test('a valid request has no violations; a wrong JSON type is a ShapeTypeError', () => {
    expect(validateAgainstShape(SAGEMAKER_MODEL, 'CreateTrainingJobRequest', trainRequest('fine-1'))).toEqual([]);
    expect(() => validateAgainstShape(SAGEMAKER_MODEL, 'StopTrainingJobRequest', { TrainingJobName: 5 })).toThrow(ShapeTypeError);
  });

  test('every pattern of the subset compiles, anchored, with Java-only syntax translated', () => {
    for (const shape of Object.values(SAGEMAKER_MODEL.shapes)) {
      if (shape.type === 'string' && shape.pattern !== undefined) expect(() => compileModelPattern(shape.pattern as string)).not.toThrow();
    }
    const name = compileModelPattern('[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}');
    expect(name.test('a-b--c')).toBe(true);
    expect(name.test('xa_b')).toBe(false);
    expect(name.test('-ab')).toBe(false);
    const lambdaArn = compileModelPattern('arn:[\\p{Alnum}\\-]+:lambda:[\\p{Alnum}\\-]+:[0-9]{12}:function:.*');
    expect(lambdaArn.test('arn:aws:lambda:us-east-1:123456789012:function:f')).toBe(true);
    expect(lambdaArn.test('arn:aws:lambda:us_east:123456789012:function:f')).toBe(false);
    const arnOrName = compileModelPattern('(arn:aws[a-z\\-]*:sagemaker:[a-z0-9\\-]*:[0-9]{12}:[a-z\\-]*\\/)?([a-zA-Z0-9]([a-zA-Z0-9-]){0,62})(?<!-)');
    expect(arnOrName.test('algo-name')).toBe(true);
    expect(arnOrName.test('algo-')).toBe(false);
  });

  test('the model header says where it came from', () => {
    expect(SAGEMAKER_MODEL.header.botocoreVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(SAGEMAKER_MODEL.header.source).toContain('service-2.json.gz');
    expect(SAGEMAKER_MODEL.header.regenerate).toContain('extract.ts');
    expect(Object.keys(SAGEMAKER_MODEL.operations).sort()).toEqual(
      ['CreateTrainingJob', 'DescribeTrainingJob', 'ListTrainingJobs', 'StopTrainingJob', 'UpdateTrainingJob'],
    );
  });
});
