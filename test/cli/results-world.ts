/**
 * Local-mode runs for the `hpo results` / `hpo status` tests: a small simulated tuning run
 * driven through the real orchestrator use cases into a REAL dynalite-backed store, kept on
 * disk where `hpo local` keeps it (`<cwd>/.hpo/runs/<run>/dynamodb`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Objective } from '../../lambda/adapters/local/simulated-backend';
import type { RunRecord } from '../../core/orchestrator/records';
import { CliError, type CliIo } from '../../cli/io';
import { hpoHome, openLocalStore, runPaths } from '../../local/workspace';
import { createWorld, runToEnd } from '../helpers/simulated-world';
import { tuningInput, type InputOptions } from '../helpers/inputs';

/** A temporary working directory; `cleanup` removes it. */
export function tempWorkspace(): { cwd: string; cleanup(): void } {
  const cwd = mkdtempSync(join(tmpdir(), 'hpo-cli-'));
  return { cwd, cleanup: () => rmSync(cwd, { recursive: true, force: true }) };
}

/** A `CliIo` that keeps what is written. */
export interface CapturedIo extends CliIo {
  out: string;
  err: string;
}

export function captureIo(cwd: string, isTTY = false): CapturedIo {
  const io: CapturedIo = {
    out: '',
    err: '',
    isTTY,
    cwd,
    stdout: (s) => {
      io.out += s;
    },
    stderr: (s) => {
      io.err += s;
    },
  };
  return io;
}

/** Run a command the way `main` does: a `CliError` prints `error: <message>` and gives its exit code. */
export async function runCommand(command: (args: string[], io: CliIo) => Promise<number>, args: string[], io: CliIo): Promise<number> {
  try {
    return await command(args, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr(`error: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}

/** Accuracy-like objective; trials with 4 layers and sgd fail, with a comma in the reason. */
export const objective: Objective = (hp) => {
  const lr = Number(hp.lr);
  const layers = Number(hp.layers);
  const epochs = Number(hp.epochs ?? 1);
  if (layers === 4 && hp.optimizer === 'sgd') return { kind: 'failed', reason: 'AlgorithmError: loss diverged, "nan" at step 3', seconds: 20 };
  const value = 0.5 + 0.05 * Math.log1p(epochs) - 0.02 * Math.abs(Math.log10(lr) + 2) + 0.01 * layers + (hp.optimizer === 'sgd' ? 0 : 0.013);
  return { kind: 'completed', metrics: { accuracy: value }, seconds: 30 * epochs };
};

/** A Hyperband input whose categorical values include one with a comma. */
export function commaInput(options: InputOptions = {}): ReturnType<typeof tuningInput> {
  const input = tuningInput({ maxJobs: 12, maxParallel: 3, ...options });
  const config = input.HyperParameterTuningJobConfig as unknown as { ParameterRanges: { CategoricalParameterRanges: { Name: string; Values: string[] }[] } };
  config.ParameterRanges.CategoricalParameterRanges = [{ Name: 'optimizer', Values: ['sgd', 'adam,amsgrad'] }];
  return input;
}

/** Run a simulated tuning run to its end into `<cwd>/.hpo/runs/<name>/dynamodb`; returns its final record. */
export async function recordLocalRun(cwd: string, options: InputOptions & { start?: string } = {}): Promise<RunRecord> {
  const input = commaInput(options);
  const name = input.HyperParameterTuningJobName;
  const opened = await openLocalStore(runPaths(hpoHome(cwd, { HPO_HOME: '.hpo' }), name).dynamodb);
  try {
    const world = await createWorld(input, objective, { store: opened.store, start: options.start });
    await runToEnd(world);
    const run = await opened.store.getRun(world.runId);
    if (run === undefined) throw new Error('the run was not recorded');
    return run;
  } finally {
    await opened.close();
  }
}
