/**
 * Human-readable rendering of problems.
 */

import type { Problem } from './problem';

/**
 * One line per problem: `error   <path>: <message>` or `warning <path>: <message>`, in the
 * order given, joined by newlines (no trailing newline; empty string for no problems).
 *
 * @param problems - the problems to render
 */
export function formatProblems(problems: Problem[]): string {
  return problems.map((p) => `${p.severity === 'error' ? 'error  ' : 'warning'} ${p.path}: ${p.message}`).join('\n');
}
