/**
 * Tests that need something the machine may not have (Chromium, the AWS CLI v2, PyTorch,
 * cfn-lint) are skipped where it is missing, and say why: the reason is part of the skipped
 * suite's or test's name, so the test output (and the JSON results .ci/run summarizes) carries
 * it, and it is printed once when the file loads.
 */

/** The mark a skipped title carries: `<title> [skipped: <reason>]`. */
export function skippedTitle(title: string, reason: string): string {
  return `${title} [skipped: ${reason}]`;
}

/** `describe(title, body)`, or, when `reason` is given, a skipped suite that says why. */
export function describeUnless(reason: string | undefined, title: string, body: () => void): void {
  if (reason === undefined) {
    describe(title, body);
    return;
  }
  console.warn(`skipped: ${title}: ${reason}`);
  describe.skip(skippedTitle(title, reason), body);
}

/** `test(title, fn, timeout)`, or, when `reason` is given, a skipped test that says why. */
export function testUnless(reason: string | undefined, title: string, fn: () => unknown, timeout?: number): void {
  if (reason === undefined) {
    test(title, fn as jest.ProvidesCallback, timeout);
    return;
  }
  console.warn(`skipped: ${title}: ${reason}`);
  test.skip(skippedTitle(title, reason), fn as jest.ProvidesCallback, timeout);
}
