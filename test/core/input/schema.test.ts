import Ajv from 'ajv';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderJsonSchema, renderReference, tuningInputJsonSchema, validateTuningInput } from '../../../core/input';
import { baseInput, setAt } from './fixture';

const ROOT = join(__dirname, '..', '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const HOW_TO_FIX = 'run `npx tsx schema/generate.ts` and commit the result';

function compile() {
  const ajv = new Ajv({ allErrors: true, strict: true });
  return ajv.compile(JSON.parse(read('schema/tuning-input.schema.json')) as object);
}

const validExamples = readdirSync(join(ROOT, 'examples'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'invalid')
  .map((d) => `examples/${d.name}/tuning.json`)
  .filter((file) => {
    try {
      read(file);
      return true;
    } catch {
      return false;
    }
  });

describe('generated files are in step with the input model', () => {
  it(`schema/tuning-input.schema.json (${HOW_TO_FIX})`, () => {
    expect(read('schema/tuning-input.schema.json')).toBe(renderJsonSchema());
  });

  it(`docs/input-reference.md (${HOW_TO_FIX})`, () => {
    expect(read('docs/input-reference.md')).toBe(renderReference());
  });
});

describe('the JSON Schema', () => {
  it('compiles in ajv strict mode and forbids unknown fields everywhere', () => {
    const schema = tuningInputJsonSchema();
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    // The if/else pair only adds required fields (inputs without LocalConfig); it declares no object of its own.
    const { if: _if, else: _else, ...objectsPart } = schema;
    const text = JSON.stringify(objectsPart);
    const objects = text.match(/"properties":/g)?.length ?? 0;
    const closed = text.match(/"additionalProperties":false/g)?.length ?? 0;
    expect(objects).toBeGreaterThan(20);
    expect(closed).toBe(objects);
    expect(compile()).toBeInstanceOf(Function);
  });

  it('describes every field', () => {
    const missing: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (typeof node !== 'object' || node === null) return;
      const record = node as Record<string, unknown>;
      const properties = record.properties as Record<string, Record<string, unknown>> | undefined;
      for (const [name, child] of Object.entries(properties ?? {})) {
        if (typeof child.description !== 'string' || child.description.length < 5) missing.push(`${path}.${name}`);
        walk(child, `${path}.${name}`);
      }
      walk(record.items, `${path}[]`);
      walk(record.additionalProperties, `${path}.*`);
    };
    walk(tuningInputJsonSchema(), '$');
    expect(missing).toEqual([]);
  });

  it('documents defaults', () => {
    const dig = (node: unknown, ...keys: string[]): Record<string, unknown> =>
      keys.reduce((n, k) => (n as Record<string, unknown>)[k], node) as Record<string, unknown>;
    const hb = dig(tuningInputJsonSchema(), 'properties', 'HyperParameterTuningJobConfig', 'properties', 'StrategyConfig', 'properties', 'HyperbandStrategyConfig', 'properties');
    expect(dig(hb, 'ReductionFactor').default).toBe(3);
    expect(dig(hb, 'ResourceHyperParameter').default).toBe('epochs');
    expect(dig(hb, 'ReductionFactor').description).toContain('Default: 3.');
  });

  it('rejects what the structural validator rejects (sample)', () => {
    const validate = compile();
    for (const [path, value] of [
      ['$.HyperParameterTuningJobName', 'bad_name'],
      ['$.HyperParameterTuningJobConfig.Stratgy', 'Random'],
      ['$.TrainingJobDefinition.ResourceConfig.InstanceType', 'ml.g4dn.xlarg'],
      ['$.TrainingJobDefinition.ResourceConfig.KeepAlivePeriodInSeconds', 21_601],
      ['$.TrainingJobDefinitions', []],
      ['$.Tags[0]', { Key: 'k' }],
    ] as const) {
      const input = setAt(baseInput(), path, value);
      expect(validateTuningInput(input).length).toBeGreaterThan(0);
      expect(validate(input)).toBe(false);
    }
    expect(validate(baseInput())).toBe(true);
  });
});

describe('examples', () => {
  it('include one per strategy', () => {
    expect(validExamples).toEqual(expect.arrayContaining(['random', 'grid', 'bayesian', 'hyperband', 'asha'].map((s) => `examples/${s}/tuning.json`)));
  });

  it.each(validExamples)('%s is valid for ajv and for our validator, without warnings', (file) => {
    const input: unknown = JSON.parse(read(file));
    const validate = compile();
    expect(validate(input) ? [] : validate.errors).toEqual([]);
    expect(validateTuningInput(input)).toEqual([]);
  });

  it('examples/invalid/tuning.json is invalid for ajv too', () => {
    const validate = compile();
    expect(validate(JSON.parse(read('examples/invalid/tuning.json')))).toBe(false);
  });
});
