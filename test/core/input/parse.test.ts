import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatProblems, parseTuningInput, type Problem } from '../../../core/input';
import { findJsonSyntaxError } from '../../../core/input/json-syntax';
import { baseInput, err, setAt } from './fixture';

const ROOT = join(__dirname, '..', '..', '..');

describe('parseTuningInput', () => {
  it('returns the input, its spec and no warnings for a valid input', () => {
    const result = parseTuningInput(JSON.stringify(baseInput()));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.warnings).toEqual([]);
    expect(result.input.HyperParameterTuningJobName).toBe('test-run');
    expect(result.spec.scheduler.kind).toBe('Hyperband');
  });

  it('ignores a leading byte order mark', () => {
    expect(parseTuningInput(`\uFEFF${JSON.stringify(baseInput())}`).ok).toBe(true);
  });

  it('keeps warnings of a valid input', () => {
    const input = setAt(baseInput(), '$.TrainingJobDefinition.StoppingCondition.MaxWaitTimeInSeconds', 7200);
    const result = parseTuningInput(JSON.stringify(input));
    expect(result.ok).toBe(true);
    expect(result.ok && result.warnings.map((w) => w.severity)).toEqual(['warning']);
  });

  it('reports malformed JSON as one problem with line and column', () => {
    const text = '{\n  "HyperParameterTuningJobName": "x",\n  "Tags": [1, 2,]\n}';
    expect(parseTuningInput(text)).toEqual({
      ok: false,
      problems: [err('$', 'malformed JSON at line 3, column 17: expected a value (no trailing comma), got \']\'')],
    });
  });

  it('reports a missing comma and an unterminated document', () => {
    expect(parseTuningInput('{"a": 1\n "b": 2}')).toEqual({
      ok: false,
      problems: [err('$', 'malformed JSON at line 2, column 2: expected \',\' or \'}\' after a property value, got \'"\'')],
    });
    expect(parseTuningInput('')).toEqual({ ok: false, problems: [err('$', 'malformed JSON at line 1, column 1: expected a value, got the end of the input')] });
  });

  it('reports every problem of the invalid example at once', () => {
    const result = parseTuningInput(readFileSync(join(ROOT, 'examples/invalid/tuning.json'), 'utf8'));
    expect(result.ok).toBe(false);
    const problems: Problem[] = result.ok ? [] : result.problems;
    expect(problems.map((p) => p.path)).toEqual([
      '$.HyperParameterTuningJobName',
      '$.TrainingJobDefinition.RoleArn',
      '$.TrainingJobDefinition.ResourceConfig.InstanceType',
      '$.TrainingJobDefinition.StoppingCondition.MaxRuntimeInSecond',
      '$.HyperParameterTuningJobConfig.ParameterRanges.IntegerParameterRanges[0].MinValue',
      '$.HyperParameterTuningJobConfig.ParameterRanges.ContinuousParameterRanges[0].MinValue',
      '$.HyperParameterTuningJobConfig.ResourceLimits.MaxParallelTrainingJobs',
      '$.HyperParameterTuningJobConfig.TrainingJobEarlyStoppingType',
      '$.HyperParameterTuningJobConfig.HyperParameterTuningJobObjective.MetricName',
    ]);
    expect(problems.every((p) => p.severity === 'error')).toBe(true);
    expect(problems.every((p) => /^[a-z]/.test(p.message))).toBe(true);
  });
});

describe('findJsonSyntaxError', () => {
  it.each([
    ['{"a": 1}', undefined],
    ['[1, -2.5e3, true, false, null, "\\u00e9\\n"]', undefined],
    ['{"a": 01}', "expected ',' or '}' after a property value, got '1'"],
    ["{'a': 1}", "expected a property name in double quotes, got '''"],
    ['{"a": "x\ny"}', 'expected no control characters in a string (escape line breaks as \\n), got a line break'],
    ['{"a": "\\x"}', 'expected a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX), got \'x\''],
    ['{"a": 1} x', "unexpected 'x' after the JSON value"],
    ['{"a": tru}', "expected a value, got 't'"],
    ['{"a" 1}', "expected ':' after a property name, got '1'"],
    ['{"a": 1,}', "expected a property name (no trailing comma), got '}'"],
    ['[1 2]', "expected ',' or ']' after an array item, got '2'"],
    ['[1,]', "expected a value (no trailing comma), got ']'"],
    ['"abc', 'expected a closing \'"\', got the end of the input'],
    ['"\\u12x4"', 'expected four hex digits after \\u, got \'u\''],
    ['-x', "expected a number, got '-'"],
  ])('%s', (text, message) => {
    expect(findJsonSyntaxError(text)?.message).toBe(message);
    expect(findJsonSyntaxError(text) === undefined).toBe((() => {
      try {
        JSON.parse(text);
        return true;
      } catch {
        return false;
      }
    })());
  });
});

describe('formatProblems', () => {
  it('prints one line per problem with severity, path and message', () => {
    const text = formatProblems([
      { path: '$.A', message: 'bad a', severity: 'error' },
      { path: '$.B[0]', message: 'odd b', value: 1, severity: 'warning' },
    ]);
    expect(text).toBe('error   $.A: bad a\nwarning $.B[0]: odd b');
    expect(formatProblems([])).toBe('');
  });
});
