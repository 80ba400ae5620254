/** WaitForChange: park the loop's task token, unless something changed since the tick looked. */
import type { RunStore } from './records';
import type { TaskWaker } from './waker';

export type WaitOutcome = 'parked' | 'woken-immediately';

/**
 * Store the token guarded by the version the tick saw. If a job ended since (its event found
 * no token to wake), wake ourselves at once instead of waiting for the poll interval.
 */
export async function parkTaskToken(
  store: RunStore,
  waker: TaskWaker,
  request: { runId: string; taskToken: string; version: number },
): Promise<WaitOutcome> {
  const stored = await store.storeTaskToken(request.runId, request.taskToken, request.version);
  if (stored.kind === 'stored') return 'parked';
  await waker.wake(request.taskToken, { reason: 'changed-before-wait', version: stored.version });
  return 'woken-immediately';
}
