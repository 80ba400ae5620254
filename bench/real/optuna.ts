/**
 * The Optuna peer: spawns `optuna_peer.py` under Debian's Python (`/usr/bin/python3` with
 * python3-optuna) and answers its training requests with the in-process training service, so
 * Optuna's trials train exactly the models this tuner's jobs would for the same configuration
 * and seed. See `optuna_peer.py` for the methods and how their budget is counted.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { JOB_STARTUP_SECONDS } from '../objectives';
import { parseHyperParameters } from '../training/job';
import type { RealProblem } from './problems';
import type { TrainingService } from './service';
import { incumbentCurve, type FinishedUnit, type RunTrace } from './trace';
import { PARALLEL_JOBS } from './ours';

/** The Python that has Debian's python3-optuna. */
export const PYTHON = process.env.HPO_BENCH_PYTHON ?? '/usr/bin/python3';

/** The peer's methods and their labels. */
export const OPTUNA_METHODS = [
  { id: 'optuna-tpe-hyperband', method: 'tpe-hyperband', label: 'Optuna TPE + HyperbandPruner' },
  { id: 'optuna-random', method: 'random', label: 'Optuna RandomSampler' },
] as const;

interface PeerTrace {
  readonly method: string;
  readonly totalEpochs: number;
  readonly trials: number;
  readonly complete: number;
  readonly pruned: number;
  readonly completions: readonly { epochs: number; seconds: number; trialId: number; milestone: number; objective: number; config: Record<string, number> }[];
}

/** What the peer reports besides its traces. */
export interface PeerResult {
  readonly optunaVersion: string;
  readonly traces: readonly (RunTrace & { readonly pruned: number; readonly complete: number })[];
}

/** Runs the Optuna methods `methods` (ids of {@link OPTUNA_METHODS}) on a problem with one seed. */
export function runOptuna(problem: RealProblem, seed: number, methods: readonly string[], service: TrainingService): Promise<PeerResult> {
  const chosen = OPTUNA_METHODS.filter((m) => methods.includes(m.id));
  const script = path.join(__dirname, 'optuna_peer.py');
  const child = spawn(PYTHON, [script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const typed = (config: Record<string, number>) => {
    const raw: Record<string, string> = { ...problem.statics, seed: String(seed) };
    for (const [k, v] of Object.entries(config)) raw[k] = String(v);
    return parseHyperParameters(problem.model, raw).hp;
  };
  return new Promise<PeerResult>((resolve, reject) => {
    let done = false;
    child.on('error', (error) => reject(new Error(`cannot run ${PYTHON} ${script}: ${error.message} (install python3-optuna: npm run bench:real installs it)`)));
    child.on('exit', (code) => {
      if (!done) reject(new Error(`optuna peer exited with code ${code} before its result`));
    });
    const lines = readline.createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      try {
        const message = JSON.parse(line) as { op: string } & Record<string, unknown>;
        if (message.op === 'train') {
          const hp = typed(message.config as Record<string, number>);
          const epochs = message.epochs as number;
          const metrics = service.metricsAt(problem, hp, epochs);
          child.stdin.write(`${JSON.stringify({ eval_accuracy: metrics.eval_accuracy, seconds: problem.secondsPerEpoch(hp) })}\n`);
          return;
        }
        if (message.op === 'result') {
          done = true;
          const traces = (message.traces as PeerTrace[]).map((t) => {
            const units: FinishedUnit[] = t.completions.map((c) => ({ epochs: c.epochs, seconds: c.seconds, trialId: c.trialId, milestone: c.milestone, objective: c.objective, hp: typed(c.config) }));
            const id = chosen.find((m) => m.method === t.method)?.id ?? t.method;
            return {
              method: id,
              problem: problem.id,
              seed,
              budget: problem.epochBudget,
              totalEpochs: t.totalEpochs,
              jobs: t.trials,
              trials: t.trials,
              complete: t.complete,
              pruned: t.pruned,
              curve: incumbentCurve(units),
            };
          });
          child.stdin.end();
          resolve({ optunaVersion: String(message.optuna), traces });
        }
      } catch (error) {
        child.kill();
        reject(error as Error);
      }
    });
    const task = {
      problem: { id: problem.id, ranges: problem.ranges, ...problem.fidelity, epochBudget: problem.epochBudget, fifoJobs: problem.fifoJobs },
      seed,
      methods: chosen.map((m) => m.method),
      parallel: PARALLEL_JOBS,
      startup: JOB_STARTUP_SECONDS,
    };
    child.stdin.write(`${JSON.stringify(task)}\n`);
  });
}
