/**
 * "Did you mean ...?" suggestions for typos in field names and enum values.
 */

/**
 * The edit distance between two strings (insertions, deletions, substitutions and
 * transpositions of neighbours each cost 1).
 *
 * @param a - first string
 * @param b - second string
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2][j - 2] + 1);
      d[i][j] = best;
    }
  }
  return d[a.length][b.length];
}

/**
 * The candidate `word` was most likely meant to be, or undefined when no candidate is an
 * obvious match.
 *
 * Comparison ignores case. A candidate qualifies when its distance is at most a third of its
 * length (at least 1, at most 3); among qualifying candidates the closest wins, and a tie
 * between two different candidates gives no suggestion (not obvious).
 *
 * @param word - what the user wrote
 * @param candidates - the known names or values
 */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  let tie = false;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    const limit = Math.min(3, Math.max(1, Math.floor(candidate.length / 3)));
    if (distance > limit) continue;
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
      tie = false;
    } else if (distance === bestDistance && candidate !== best) {
      tie = true;
    }
  }
  return tie ? undefined : best;
}
