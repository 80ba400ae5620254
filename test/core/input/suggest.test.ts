import { closestMatch, editDistance } from '../../../core/input/suggest';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and transpositions', () => {
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('Strategy', 'Stratgy')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('ab', 'ba')).toBe(1);
  });
});

describe('closestMatch', () => {
  it('suggests an obvious typo, ignoring case', () => {
    expect(closestMatch('stratgy', ['Strategy', 'StrategyConfig'])).toBe('Strategy');
    expect(closestMatch('TAGS', ['Tags', 'LocalConfig'])).toBe('Tags');
  });

  it('suggests nothing when nothing is close or two candidates tie', () => {
    expect(closestMatch('Banana', ['Strategy', 'Tags'])).toBeUndefined();
    expect(closestMatch('ab', ['ax', 'ay'])).toBeUndefined();
  });
});
