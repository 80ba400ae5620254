/**
 * Raised when a search space, a parameter value or a unit-cube point is invalid.
 *
 * The message lists every problem found (lowercase, each naming the parameter, the value
 * received and what is allowed); `issues` holds the same problems one per entry.
 */
export class SearchSpaceError extends Error {
  /** Every problem found, one sentence each. */
  public readonly issues: readonly string[];

  /** @param issues at least one problem description. */
  constructor(issues: readonly string[]) {
    super(issues.join('; '));
    this.name = 'SearchSpaceError';
    this.issues = [...issues];
  }
}
