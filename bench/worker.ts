/** Child process of `pool.ts`: runs the tasks it is sent and replies with their metrics. */
import type { WorkerReply, WorkerRequest } from './pool';
import { runOne } from './quality';

process.on('message', (message: WorkerRequest) => {
  runOne(message.task).then(
    (metrics) => process.send?.({ id: message.id, metrics } satisfies WorkerReply),
    (error: unknown) => process.send?.({ id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies WorkerReply),
  );
});
