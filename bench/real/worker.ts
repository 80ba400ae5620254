/** Child process of `run.ts`: runs the real-training tasks it is sent. */
import { runRealTask, type RealTask } from './task';

process.on('message', (message: { id: number; task: RealTask }) => {
  runRealTask(message.task).then(
    (result) => process.send?.({ id: message.id, result }),
    (error: unknown) => process.send?.({ id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
