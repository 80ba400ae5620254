import fc from 'fast-check';
import { parseTuningInput, validateTuningInput } from '../../../core/input';
import { baseInput, setAt } from './fixture';

function pathsOf(value: unknown, path = '$', out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((item, k) => pathsOf(item, `${path}[${k}]`, out));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) pathsOf(child, `${path}.${key}`, out);
  }
  out.push(path);
  return out;
}

const PATHS = pathsOf(baseInput()).filter((p) => p !== '$');

describe('robustness', () => {
  it('validates any JSON value without throwing', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const problems = validateTuningInput(value);
        return Array.isArray(problems) && problems.every((p) => p.path.startsWith('$') && /^[a-z]/.test(p.message));
      }),
    );
  });

  it('validates the base input with any field replaced by any JSON value, and builds a spec whenever it is valid', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PATHS), fc.jsonValue({ maxDepth: 2 }), (path, value) => {
        const input = setAt(baseInput(), path, value);
        const problems = validateTuningInput(input);
        const result = parseTuningInput(JSON.stringify(input));
        const valid = !problems.some((p) => p.severity === 'error');
        return result.ok === valid && (!result.ok || result.spec.space.parameters.length > 0);
      }),
      { numRuns: 500 },
    );
  });
});
