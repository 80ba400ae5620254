/** Wakes the state machine's `WaitForChange` state (Step Functions `SendTaskSuccess`). */
export interface TaskWaker {
  /** `expired` when the token timed out or was used already: the loop has moved on, ignore it. */
  wake(taskToken: string, output: Readonly<Record<string, unknown>>): Promise<'woken' | 'expired'>;
}
