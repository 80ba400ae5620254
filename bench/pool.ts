/**
 * Runs benchmark tasks in a few child processes (the quality runs are independent and
 * CPU-bound; the in-memory store's deep copies dominate). Children are forked with this
 * process's `execArgv`, so under `tsx` they load TypeScript the same way.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { runOne, type RunMetrics, type RunTask } from './quality';

/** Runs tasks; `close` ends any child processes. */
export interface TaskRunner {
  run(task: RunTask): Promise<RunMetrics>;
  close(): void;
}

/** A message from a worker: the result of task `id`, or its error. */
export type WorkerReply = { readonly id: number; readonly metrics: RunMetrics } | { readonly id: number; readonly error: string };

/** A message to a worker. */
export interface WorkerRequest {
  readonly id: number;
  readonly task: RunTask;
}

/** Runs every task in this process, one at a time. */
export function inProcessRunner(): TaskRunner {
  return { run: (task) => runOne(task), close: () => undefined };
}

interface Queued {
  readonly id: number;
  readonly task: RunTask;
  readonly resolve: (m: RunMetrics) => void;
  readonly reject: (e: Error) => void;
}

/**
 * A pool of `size` child processes running `worker.ts`, one task at a time each, fed from a
 * queue in submission order. With `size` <= 1, tasks run in this process.
 */
export function processPool(size: number): TaskRunner {
  if (size <= 1) return inProcessRunner();
  const script = path.join(__dirname, 'worker.ts');
  const queue: Queued[] = [];
  const idle: ChildProcess[] = [];
  const running = new Map<number, Queued>();
  let nextId = 0;
  const dispatch = (): void => {
    while (idle.length > 0 && queue.length > 0) {
      const child = idle.pop() as ChildProcess;
      const item = queue.shift() as Queued;
      running.set(item.id, item);
      const request: WorkerRequest = { id: item.id, task: item.task };
      child.send(request);
    }
  };
  for (let i = 0; i < size; i++) {
    const child = fork(script, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', (message: WorkerReply) => {
      const item = running.get(message.id);
      running.delete(message.id);
      idle.push(child);
      if (item !== undefined) {
        if ('error' in message) item.reject(new Error(message.error));
        else item.resolve(message.metrics);
      }
      dispatch();
    });
    child.on('exit', (code) => {
      if (code === 0 || code === null) return;
      for (const item of [...running.values(), ...queue.splice(0)]) item.reject(new Error(`benchmark worker exited with code ${code}`));
      running.clear();
    });
    idle.push(child);
  }
  return {
    run(task) {
      return new Promise<RunMetrics>((resolve, reject) => {
        queue.push({ id: nextId++, task, resolve, reject });
        dispatch();
      });
    },
    close() {
      for (const child of [...idle]) child.disconnect();
      idle.length = 0;
    },
  };
}
