/**
 * One task of the real-training benchmark: every requested method on one (problem, seed), in
 * one process, sharing one training service (strategies of the same seed often propose the
 * same configurations; see `service.ts`). Plain JSON in and out, so a worker process can run it.
 */
import { runOptuna } from './optuna';
import { runOurs } from './ours';
import { realProblem } from './problems';
import { TrainingService, type ServiceStats } from './service';
import { runStopping } from './stopping';
import { ourStrategy, stoppingMethod } from './strategies';
import { summarizeRun, type RunSummary } from './summary';

export interface RealTask {
  readonly problem: string;
  readonly seed: number;
  /** Ids of this tuner's strategies to run. */
  readonly ours: readonly string[];
  /** Ids of Optuna methods to run. */
  readonly optuna: readonly string[];
  /** Ids of early-stopping simulations to run. */
  readonly stopping?: readonly string[];
}

export interface RealTaskResult {
  readonly task: RealTask;
  readonly runs: readonly RunSummary[];
  readonly stats: ServiceStats;
  /** CPU seconds of this process (user + system) for the task, the Python peer excluded. */
  readonly cpuSeconds: number;
  readonly optunaVersion?: string;
}

/** Runs a task (see the module comment). */
export async function runRealTask(task: RealTask): Promise<RealTaskResult> {
  const problem = realProblem(task.problem);
  const service = new TrainingService();
  const cpu = process.cpuUsage();
  const runs: RunSummary[] = [];
  for (const id of task.ours) {
    const trace = await runOurs(problem, ourStrategy(id), task.seed, service);
    runs.push(summarizeRun(problem, trace, service));
  }
  for (const id of task.stopping ?? []) runs.push(summarizeRun(problem, runStopping(problem, stoppingMethod(id), task.seed, service), service));
  let optunaVersion: string | undefined;
  if (task.optuna.length > 0) {
    const peer = await runOptuna(problem, task.seed, task.optuna, service);
    optunaVersion = peer.optunaVersion;
    for (const trace of peer.traces) runs.push(summarizeRun(problem, trace, service, { complete: trace.complete, pruned: trace.pruned }));
  }
  const used = process.cpuUsage(cpu);
  return { task, runs, stats: { ...service.stats }, cpuSeconds: (used.user + used.system) / 1e6, ...(optunaVersion === undefined ? {} : { optunaVersion }) };
}
