/** The Tick handler's `waitSeconds`: WaitForChange's timeout, from the construct's intervals. */
import { waitSecondsFor } from '../../lambda/handlers/tick';

describe('waitSecondsFor', () => {
  const env = { POLL_INTERVAL_SECONDS: '120', EARLY_STOPPING_INTERVAL_SECONDS: '30' };

  it('is the poll interval unless running jobs are watched for early stopping', () => {
    expect(waitSecondsFor(undefined, env)).toBe(120);
    expect(waitSecondsFor(false, env)).toBe(120);
    expect(waitSecondsFor(true, env)).toBe(30);
  });

  it('never waits longer than the poll interval, and has the construct\'s defaults (5 min, 1 min)', () => {
    expect(waitSecondsFor(true, { POLL_INTERVAL_SECONDS: '20', EARLY_STOPPING_INTERVAL_SECONDS: '60' })).toBe(20);
    expect(waitSecondsFor(false, {})).toBe(300);
    expect(waitSecondsFor(true, {})).toBe(60);
  });

  it('names a variable that is not a number', () => {
    expect(() => waitSecondsFor(true, { POLL_INTERVAL_SECONDS: 'soon' })).toThrow("environment variable POLL_INTERVAL_SECONDS must be a number, got 'soon'");
  });
});
