/**
 * Running one training job as a local process: folders, input channels, checkpoints, the
 * process itself (its own process group, every output line logged and observed), and the
 * failure reason the service would report.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync } from 'node:fs';
import { cp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { CreateTrainingJobRequest } from '@aws-sdk/client-sagemaker';
import type { JobDirs } from './script-mode';

/** How a training process ended. */
export interface ProcessExit {
  /** Exit code, or null when a signal ended the process or it never started. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the command could not be started (e.g. ENOENT). */
  readonly spawnError?: Error;
  /** The last lines the process wrote to stderr. */
  readonly stderrTail: readonly string[];
}

/** A started training process. */
export interface RunningProcess {
  readonly pid: number | undefined;
  /** Resolves once the process has exited and its output is flushed to the log. */
  readonly exited: Promise<ProcessExit>;
  /** Sends a signal to the whole process group (the script and anything it started). */
  signal(sig: NodeJS.Signals): void;
  /** Whether the process is still running. */
  isRunning(): boolean;
}

/** Options of {@link startProcess}. */
export interface StartProcessOptions {
  readonly command: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** File that receives every stdout and stderr line. */
  readonly logFile: string;
  /** Called for every output line (stdout and stderr). */
  readonly onLine: (line: string, stream: 'stdout' | 'stderr') => void;
}

const STDERR_TAIL = 20;

/**
 * Spawns the training command in its own process group.
 *
 * Never throws for a command that cannot start: `exited` resolves with `spawnError`.
 */
export function startProcess(options: StartProcessOptions): RunningProcess {
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const tail: string[] = [];
  let child!: ChildProcess;
  let running = true;
  const [program, ...args] = options.command;
  const exited = new Promise<ProcessExit>((resolve) => {
    let spawnError: Error | undefined;
    child = spawn(program, args, { cwd: options.cwd, env: { ...options.env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const readers: Promise<void>[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      const source = child[stream];
      if (!source) continue;
      const rl = createInterface({ input: source, crlfDelay: Infinity });
      rl.on('line', (line) => {
        log.write(`${line}\n`);
        if (stream === 'stderr') {
          tail.push(line);
          if (tail.length > STDERR_TAIL) tail.shift();
        }
        options.onLine(line, stream);
      });
      readers.push(new Promise((r) => rl.once('close', () => r())));
    }
    child.once('error', (err) => {
      spawnError = err;
    });
    child.once('close', (code, signal) => {
      running = false;
      void Promise.all(readers).then(() =>
        log.end(() => resolve({ code: spawnError ? null : code, signal, stderrTail: [...tail], ...(spawnError ? { spawnError } : {}) })),
      );
    });
  });
  return {
    get pid() {
      return child.pid;
    },
    exited,
    isRunning: () => running,
    signal(sig) {
      if (!running || child.pid === undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        try {
          child.kill(sig);
        } catch {
          // already gone
        }
      }
    },
  };
}

/**
 * The FailureReason of a script that exited non-zero, in the form the SageMaker training
 * toolkit produces (seen in public reports such as huggingface/notebooks#136):
 * `AlgorithmError: ExecuteUserScriptError:\nExitCode 1\nErrorMessage "..."\nCommand "...", exit code: 1`.
 * A script that wrote `<output>/failure` gets that text instead, as in SageMaker. Truncated to
 * the model's 1024 characters.
 */
export async function failureReasonFor(exit: ProcessExit, command: readonly string[], failureFile: string): Promise<string> {
  let reason: string;
  if (exit.spawnError) {
    reason = `ClientError: the training command could not be started: ${exit.spawnError.message}`;
  } else if (existsSync(failureFile)) {
    reason = `AlgorithmError: ${(await readFile(failureFile, 'utf8')).trim()}`;
  } else {
    const code = exit.code ?? (exit.signal ? `signal ${exit.signal}` : 'unknown');
    const head = `AlgorithmError: ExecuteUserScriptError:\nExitCode ${code}\nErrorMessage "`;
    const tail = `"\nCommand "${command.join(' ')}", exit code: ${code}`;
    // Within 1024 chars the message keeps the line that names the error: JavaScript stack frames
    // go first (the error line is above them), then the start (a Python traceback ends with it).
    let message = exit.stderrTail.join('\n');
    const room = 1024 - head.length - tail.length;
    if (message.length > room) message = exit.stderrTail.filter((l) => !/^\s+at /.test(l)).join('\n');
    if (message.length > room) message = room > 3 ? `...${message.slice(message.length - room + 3)}` : '';
    reason = `${head}${message}${tail}`;
  }
  return reason.length > 1024 ? `${reason.slice(0, 1021)}...` : reason;
}

/**
 * Creates the job's folders and SageMaker's config files, and links each S3 channel's local
 * folder into `input/data/<channel>`.
 *
 * @returns the channel folders by name (the `SM_CHANNEL_*` values)
 */
export async function prepareJobFolders(
  dirs: JobDirs,
  request: CreateTrainingJobRequest,
  s3ToLocal: (uri: string) => string,
): Promise<Record<string, string>> {
  await rm(dirs.root, { recursive: true, force: true });
  for (const d of [dirs.model, dirs.outputData, dirs.checkpoints, dirs.inputConfig, dirs.inputData]) await mkdir(d, { recursive: true });
  const channels: Record<string, string> = {};
  const inputConfig: Record<string, unknown> = {};
  for (const ch of request.InputDataConfig ?? []) {
    const name = ch.ChannelName ?? '';
    const uri = ch.DataSource?.S3DataSource?.S3Uri;
    const target = join(dirs.inputData, name);
    if (uri) await symlink(s3ToLocal(uri), target, 'dir');
    else await mkdir(target, { recursive: true });
    channels[name] = target;
    inputConfig[name] = {
      TrainingInputMode: ch.InputMode ?? request.AlgorithmSpecification?.TrainingInputMode ?? 'File',
      S3DistributionType: ch.DataSource?.S3DataSource?.S3DataDistributionType ?? 'FullyReplicated',
      RecordWrapperType: ch.RecordWrapperType ?? 'None',
      ...(ch.ContentType ? { ContentType: ch.ContentType } : {}),
    };
  }
  await writeFile(join(dirs.inputConfig, 'hyperparameters.json'), JSON.stringify(request.HyperParameters ?? {}));
  await writeFile(join(dirs.inputConfig, 'inputdataconfig.json'), JSON.stringify(inputConfig));
  await writeFile(
    join(dirs.inputConfig, 'resourceconfig.json'),
    JSON.stringify({ current_host: 'algo-1', hosts: ['algo-1'], network_interface_name: 'lo' }),
  );
  return channels;
}

/** Whether a local S3 folder exists and holds at least one entry. */
export function hasObjects(folder: string): boolean {
  try {
    return readdirSync(folder).length > 0;
  } catch {
    return false;
  }
}

/** Copies the contents of one folder into another (created if needed), overwriting files. */
export async function copyFolder(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  if (!existsSync(from)) return;
  await cp(from, to, { recursive: true, force: true });
}
