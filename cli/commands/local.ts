/**
 * `hpo local <tuning.json>`: the tuner's own state machine and Lambda code on this machine,
 * against the local twin of AWS; training jobs are local processes. Results stay on disk
 * under `<home>/runs/<run>/` (see `hpoHome` in local/workspace.ts) for `hpo results`, `hpo status` and `hpo report`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createRunStoreDocumentClient, DynamoDbRunStore } from '../../lambda/adapters/aws/dynamodb-run-store';
import { formatProblems, parseTuningInput } from '../../core/input';
import type { JobRecord, RunRecord, RunStore, TrialRecord } from '../../core/orchestrator/records';
import { isStoreLocked } from '../../local/dynamodb/dynalite';
import type { LocalTwin } from '../../local/twin';
import { displayPath, hpoHome, listLocalRuns, LOCAL_REGION, LOCAL_TABLE_NAME, openLocalStore, reopenStoppedRun, runPaths } from '../../local/workspace';
import { CliError, type CliIo } from '../io';
import { describeWarnings } from './validate';
import { describeJobChange, LiveDisplay, renderLeaderboard, renderProgress } from '../render';

export const localHelp = `usage: hpo local <tuning.json> [options]

Run a tuning input on this machine: the same state machine and Lambda code as the deployed
tuner, against a local twin of AWS (Step Functions, DynamoDB, SageMaker, EventBridge).
Each training job runs LocalConfig.Command as a local process under SageMaker's script-mode
contract. Results are kept in <home>/runs/<run>/, where <home> is $HPO_HOME, else the
nearest .hpo folder here or above, else ~/.hpo.

The run is named after the input's HyperParameterTuningJobName. When a run of that name
exists already, a new run gets the next free suffixed name (quickstart-mnist-2, -3, ...) and
one line says so: the same command can be run again as written.

options:
  --name <run>            run name (default: the input's HyperParameterTuningJobName); a
                          name that is taken is refused
  --resume                continue the run of that name instead: one stopped with Ctrl-C
                          (status Stopped) or whose process was killed. Its finished results
                          are kept; jobs that were running are recorded as stopped (they
                          count against the budget) and the run goes on from there
  --max-concurrent <n>    training processes at once (default: MaxParallelTrainingJobs)
  --poll-interval <s>     fallback poll when no job event arrives (default 10)
  --verbose               plain log lines plus the Lambda handlers' logs
  -h, --help              show this help

Ctrl-C stops the running training jobs, records them as stopped and keeps every result;
--resume continues the run later.

examples:
  npx hpo local examples/quickstart/tuning.json
  npx hpo local examples/quickstart/tuning.json --name quickstart-2
  npx hpo local examples/quickstart/tuning.json --resume

exit codes: 0 the run finished, 1 the run failed, 2 invalid input or bad arguments,
130 stopped (Ctrl-C)
`;

interface LocalArgs {
  readonly file: string;
  readonly name?: string;
  readonly resume: boolean;
  readonly maxConcurrent?: number;
  readonly pollIntervalSeconds: number;
  readonly verbose: boolean;
}

function positiveNumber(flag: string, raw: string | undefined, integer: boolean): number {
  const value = Number(raw);
  if (raw === undefined || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new CliError(`${flag} takes a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(raw ?? '')}`);
  }
  return value;
}

export function parseLocalArgs(args: readonly string[]): LocalArgs {
  let file: string | undefined;
  let name: string | undefined;
  let resume = false;
  let maxConcurrent: number | undefined;
  let pollIntervalSeconds = 10;
  let verbose = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--name') name = args[++i];
    else if (arg === '--resume') resume = true;
    else if (arg === '--max-concurrent') maxConcurrent = positiveNumber('--max-concurrent', args[++i], true);
    else if (arg === '--poll-interval') pollIntervalSeconds = positiveNumber('--poll-interval', args[++i], false);
    else if (arg === '--verbose') verbose = true;
    else if (arg.startsWith('-')) throw new CliError(`unknown option ${arg}; see hpo local --help`);
    else if (file === undefined) file = arg;
    else throw new CliError(`hpo local takes one tuning input, got ${JSON.stringify(file)} and ${JSON.stringify(arg)}`);
  }
  if (file === undefined) throw new CliError('missing the tuning input: hpo local <tuning.json>');
  if (name !== undefined && !/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$/.test(name)) {
    throw new CliError(`--name ${JSON.stringify(name)} is not a valid run name: 1-32 letters, digits and hyphens, starting and ending with a letter or digit`);
  }
  return { file, name, resume, maxConcurrent, pollIntervalSeconds, verbose };
}

/** `run.json`: what started the run, and where a live run's results can be read meanwhile. */
interface RunMeta {
  readonly input: string;
  readonly startedAt: string;
  readonly executionArn?: string;
  /** While `hpo local` runs, its store is locked: `hpo status`/`results` read through this endpoint. */
  readonly dynamodbEndpoint?: string;
  readonly pid?: number;
}

export async function runLocal(args: string[], io: CliIo): Promise<number> {
  const options = parseLocalArgs(args);
  const file = resolve(io.cwd, options.file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new CliError(`cannot read ${options.file}: no such file`);
  }
  // Cloud-only fields the input leaves out get their local defaults (LocalConfig inputs only);
  // the state machine then validates the completed input as the deployed tuner would.
  const parsed = parseTuningInput(text, { localDefaults: true });
  if (!parsed.ok) {
    io.stderr(`${options.file}: ${parsed.problems.length} problem${parsed.problems.length === 1 ? '' : 's'}\n${formatProblems(parsed.problems)}\n`);
    return 2;
  }
  if (parsed.warnings.length > 0) io.stderr(describeWarnings(options.file, parsed.warnings));
  const input: Record<string, unknown> = { ...(parsed.input as unknown as Record<string, unknown>) };
  if (options.name !== undefined) input.HyperParameterTuningJobName = options.name;
  if ((input.LocalConfig as { Command?: unknown } | undefined)?.Command === undefined && !hasScriptModeProgram(input)) {
    throw new CliError(
      `${options.file}: local mode needs LocalConfig.Command (the command that stands in for the training image, e.g. ["python3", "train.py"]) or a sagemaker_program static hyperparameter`,
    );
  }

  const home = hpoHome(io.cwd);
  let runName = String(input.HyperParameterTuningJobName);
  let continuation: { RunId: string; Generation: number } | undefined;
  if (options.resume) {
    if (!existsSync(runPaths(home, runName).dynamodb)) {
      throw new CliError(`--resume: there is no run '${runName}' in ${displayPath(io.cwd, home)}${localRunsHint(home)}`);
    }
    continuation = await prepareResume(runPaths(home, runName).dynamodb, runName);
  } else if (existsSync(runPaths(home, runName).dynamodb)) {
    const previous = await describeExisting(runPaths(home, runName).dynamodb, runName);
    if (options.name !== undefined) {
      throw new CliError(
        `run '${runName}' already exists in ${displayPath(io.cwd, runPaths(home, runName).root)} (${previous.text}). ` +
          `Choose another --name, see it with 'npx hpo results ${runName}'${previous.resumable ? ', or continue it with --resume' : ''}`,
      );
    }
    const fresh = nextFreeRunName(home, runName);
    const resume = previous.resumable ? `; to continue '${runName}' instead: npx hpo local ${options.file} --resume` : '';
    io.stderr(`run '${runName}' exists (${previous.text}): starting a new run '${fresh}'${resume}\n`);
    runName = fresh;
  }
  input.HyperParameterTuningJobName = runName;
  const paths = runPaths(home, runName);

  mkdirSync(paths.root, { recursive: true });
  io.stderr(`starting the local twin (synthesizing the tuner, dynalite, SageMaker emulator)...\n`);
  // Loaded here, not at the top: the CDK and the emulator take a moment to load, and other
  // commands do not need them.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { LocalTwin: Twin } = require('../../local/twin') as typeof import('../../local/twin');
  const twin = await Twin.start({
    workDir: paths.root,
    dynamodbPath: paths.dynamodb,
    pollIntervalSeconds: Math.max(10, Math.round(options.pollIntervalSeconds)),
    pollIntervalMs: options.pollIntervalSeconds * 1000,
    // The functions log as deployed (INFO, DEBUG with --verbose) to their "log groups".
    functionLogDir: join(paths.root, 'logs'),
    ...(options.verbose ? { logLevel: 'DEBUG' } : {}),
    ...(options.maxConcurrent === undefined ? {} : { maxConcurrentJobs: options.maxConcurrent }),
    onError: (error, where) => {
      if (options.verbose) io.stderr(`event delivery to ${where} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    },
  });
  try {
    return await drive(twin, io, { input, runName, file, paths, continuation, verbose: options.verbose });
  } finally {
    await twin.close();
  }
}

function hasScriptModeProgram(input: Record<string, unknown>): boolean {
  const definition = input.TrainingJobDefinition as { StaticHyperParameters?: Record<string, string> } | undefined;
  return definition?.StaticHyperParameters?.sagemaker_program !== undefined;
}

async function withStore<T>(dynamodbPath: string, use: (store: RunStore) => Promise<T>): Promise<T> {
  if (await isStoreLocked(dynamodbPath)) {
    throw new CliError(`run '${basename(dirname(dynamodbPath))}' is being run by another hpo local process right now: follow it there, or use --name <new-name>`);
  }
  const opened = await openLocalStore(dynamodbPath);
  try {
    return await use(opened.store);
  } finally {
    await opened.close();
  }
}

/** What an existing run of the same name is, for the one line `hpo local` prints about it. */
interface Existing {
  /** `Completed, 40 training jobs` */
  readonly text: string;
  /** Whether `--resume` can continue it (stopped or interrupted, not finished). */
  readonly resumable: boolean;
}

async function describeExisting(dynamodbPath: string, runName: string): Promise<Existing> {
  if (await isStoreLocked(dynamodbPath)) return { text: 'being run by another hpo local process right now', resumable: false };
  return withStore(dynamodbPath, async (store) => {
    const run = await store.getRun(runName);
    if (run === undefined) return { text: 'no results recorded', resumable: false };
    const jobs = `${run.counters.jobsStarted} of ${run.spec.scheduler.maxTrainingJobs} training jobs`;
    const status = run.status === 'Running' || run.status === 'Stopping' ? 'interrupted' : run.status;
    return { text: `${status}, ${jobs}`, resumable: isResumable(run) };
  });
}

/** A run `--resume` continues: stopped (Ctrl-C) or interrupted (still Running or Stopping on disk). */
function isResumable(run: RunRecord): boolean {
  return run.status === 'Stopped' || run.status === 'Running' || run.status === 'Stopping';
}

/** The first of `<name>-2`, `<name>-3`, ... that no local run uses (cut to fit 32 characters). */
export function nextFreeRunName(home: string, name: string): string {
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const base = name.slice(0, 32 - suffix.length).replace(/-+$/, '');
    const candidate = `${base}${suffix}`;
    if (!existsSync(runPaths(home, candidate).root)) return candidate;
  }
}

function localRunsHint(home: string): string {
  const runs = listLocalRuns(home);
  return runs.length === 0 ? '' : `; local runs: ${runs.join(', ')}`;
}

/**
 * Prepare `--resume`. A run stopped with Ctrl-C says Stopped: it is opened again (Running).
 * A run whose process ended without a clean stop (killed, machine restarted) still says
 * Running, with jobs that no process runs any more. Either way, jobs that are not finished
 * are recorded as stopped, then the run continues as a new execution (the state machine's
 * continuation path): the next tick tells the scheduler about them and goes on.
 */
async function prepareResume(dynamodbPath: string, runName: string): Promise<{ RunId: string; Generation: number }> {
  if (await isStoreLocked(dynamodbPath)) {
    throw new CliError(`--resume: run '${runName}' is being run by another hpo local process right now: follow it there`);
  }
  const opened = await openLocalStore(dynamodbPath);
  try {
    const { store } = opened;
    const run = await store.getRun(runName);
    if (run === undefined) throw new CliError(`--resume: run '${runName}' has no results to continue from`);
    if (!isResumable(run)) {
      throw new CliError(
        `--resume: run '${runName}' ended (${run.status}${run.statusReason ? `: ${run.statusReason}` : ''}); only a stopped or interrupted run can be continued. ` +
          'Its results are kept; start a new run without --resume',
      );
    }
    const now = new Date().toISOString();
    if (run.status === 'Stopped') await reopenStoppedRun(opened.endpoint, runName, 'resumed with hpo local --resume', now);
    for (const job of await store.listJobs(runName)) {
      if (job.status === 'InProgress' || job.status === 'Stopping' || job.status === 'Pending') {
        await store.recordObservation(
          runName,
          { jobName: job.jobName, status: 'Stopped', endedAt: now, failureReason: 'interrupted: the hpo local process that ran it ended' },
          now,
        );
      }
    }
    return { RunId: runName, Generation: Math.floor(Date.now() / 1000) };
  } finally {
    await opened.close();
  }
}

interface DriveContext {
  readonly input: Record<string, unknown>;
  readonly runName: string;
  readonly file: string;
  readonly paths: ReturnType<typeof runPaths>;
  readonly continuation?: { RunId: string; Generation: number };
  readonly verbose: boolean;
}

/** Longest a local run may take before the wait gives up (Node timers stop at 2^31-1 ms). */
const MAX_WAIT_MS = 2 ** 31 - 1;
const REFRESH_MS = 500;

interface View {
  readonly run: RunRecord;
  readonly jobs: JobRecord[];
  readonly trials: TrialRecord[];
}

async function readView(store: RunStore, runName: string): Promise<View | undefined> {
  const run = await store.getRun(runName);
  if (run === undefined) return undefined;
  const [jobs, trials] = await Promise.all([store.listJobs(runName), store.listTrials(runName)]);
  return { run, jobs, trials };
}

async function drive(twin: LocalTwin, io: CliIo, context: DriveContext): Promise<number> {
  const { runName, paths } = context;
  const baseDir = dirname(context.file);
  const { executionArn } =
    context.continuation === undefined
      ? twin.startRun(context.input, { baseDir })
      : twin.continueRun(context.input, { baseDir, generation: context.continuation.Generation });
  const meta: RunMeta = { input: context.file, startedAt: new Date().toISOString(), executionArn, dynamodbEndpoint: twin.dynamodbEndpoint, pid: process.pid };
  writeFileSync(paths.meta, `${JSON.stringify(meta, null, 2)}\n`);

  const opened = await openLocalStoreAt(twin.dynamodbEndpoint);
  const color = io.isTTY && process.env.NO_COLOR === undefined;
  const display = new LiveDisplay({ write: (s) => io.stdout(s), isTTY: io.isTTY && !context.verbose });
  const seen = new Map<string, JobRecord>();
  let interrupted = false;
  const onSigint = (): void => {
    if (interrupted) {
      io.stderr('\nsecond Ctrl-C: exiting without waiting for the jobs to stop\n');
      process.exit(130);
    }
    interrupted = true;
    io.stderr('\nstopping: the running training jobs are being stopped; results are kept (Ctrl-C again to exit now)\n');
    twin.stopExecution(executionArn, 'interrupted (Ctrl-C in hpo local)');
  };
  // Ctrl-C, and the signals a closing terminal or a process manager sends, stop the run cleanly.
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, onSigint);
  const refresh = async (): Promise<View | undefined> => {
    const view = await readView(opened.store, runName);
    if (view === undefined) return undefined;
    const lines: string[] = [];
    for (const job of view.jobs) {
      const before = seen.get(job.jobName);
      if (before === undefined || before.status !== job.status) {
        // A job that started and ended between two refreshes still gets its "started" line.
        if ((before === undefined || before.status === 'Pending') && job.status !== 'Pending' && job.status !== 'InProgress') {
          const started = describeJobChange(before, { ...job, status: 'InProgress' }, view.run);
          if (started !== undefined) lines.push(started);
        }
        const line = describeJobChange(before, job, view.run);
        if (line !== undefined) lines.push(line);
      }
      seen.set(job.jobName, job);
    }
    display.update(renderProgress({ ...view, now: new Date() }, { width: terminalWidth(), color }), lines);
    return view;
  };
  try {
    io.stdout(`run ${runName}: ${displayPath(io.cwd, paths.root)}\n`);
    if (context.continuation !== undefined) {
      // A continued run: its earlier jobs are not news; only what happens from now on is logged.
      for (const job of await opened.store.listJobs(runName)) seen.set(job.jobName, job);
    }
    const finished = twin.waitForExecution(executionArn, MAX_WAIT_MS);
    let settled = false;
    void finished.then(
      () => (settled = true),
      () => (settled = true),
    );
    while (!settled) {
      await refresh();
      await Promise.race([finished.catch(() => undefined), new Promise((r) => setTimeout(r, REFRESH_MS))]);
    }
    const result = await finished;
    if (interrupted || result.status === 'ABORTED') {
      // The cleanup handler (the EventBridge rule on ABORTED) stops the jobs; wait until
      // their stops are recorded so every result is kept.
      await waitUntil(async () => {
        const jobs = await opened.store.listJobs(runName);
        return jobs.every((j) => j.status === 'Completed' || j.status === 'Failed' || j.status === 'Stopped');
      }, 60_000);
      await twin.drainEvents();
    }
    const view = await refresh();
    display.finish();
    if (view !== undefined) {
      io.stdout(`\n${renderLeaderboard(view.run, view.trials, 10, view.jobs)}\n`);
    }
    const where = displayPath(io.cwd, paths.root);
    io.stdout(
      `\nresults: ${where}\n` +
        `  npx hpo results ${runName}      leaderboard (--format json|csv, --jobs)\n` +
        `  npx hpo report ${runName}       HTML report with charts\n` +
        `  logs of each training job: ${where}/jobs/<job>/output/log.txt\n`,
    );
    if (interrupted || result.status === 'ABORTED') {
      io.stderr(`run ${runName} stopped: every result so far is kept\n`);
      return 130;
    }
    if (result.status !== 'SUCCEEDED') {
      io.stderr(`run ${runName} ${result.status.toLowerCase()}: ${result.error ?? ''}${result.cause ? `: ${describeCause(result.cause)}` : ''}\n`);
      return 1;
    }
    const outcome = JSON.parse(String(result.output)) as { HyperParameterTuningJobStatus?: string; StatusReason?: string; Warnings?: string[] };
    for (const warning of outcome.Warnings ?? []) io.stdout(`warning: ${warning}\n`);
    io.stdout(`run ${runName} ${String(outcome.HyperParameterTuningJobStatus ?? 'finished').toLowerCase()}${outcome.StatusReason ? `: ${outcome.StatusReason}` : ''}\n`);
    const verdict = view === undefined ? undefined : failedRunVerdict(view, where);
    if (verdict !== undefined) io.stdout(`${verdict}\n`);
    return outcome.HyperParameterTuningJobStatus === 'Failed' || verdict !== undefined ? 1 : 0;
  } finally {
    for (const signal of signals) process.removeListener(signal, onSigint);
    await opened.close();
  }
}

/**
 * The closing line of a run that did not work: where the logs of a failed job are, or, when
 * no job reported the objective, what to check. Undefined for a run with a best result.
 */
export function failedRunVerdict(view: View, where: string): string | undefined {
  const { run, jobs } = view;
  const metric = run.spec.objective.metricName;
  const logOf = (jobName: string) => `${where}/jobs/${jobName}/output/log.txt`;
  if (run.status === 'Failed') {
    const named = /\(e\.g\. ([^)\s]+)\)/.exec(run.statusReason ?? '')?.[1];
    const example = named ?? jobs.find((j) => j.status === 'Failed' && j.startedAt !== undefined)?.jobName ?? jobs.find((j) => j.objectiveStatus === 'Failed')?.jobName;
    return example === undefined || !jobs.some((j) => j.jobName === example && j.startedAt !== undefined)
      ? `the run failed before any training job ran`
      : `the log of ${example}: ${logOf(example)}`;
  }
  if (run.best === undefined && run.status === 'Completed') {
    const example = jobs.find((j) => j.status === 'Completed') ?? jobs.find((j) => j.startedAt !== undefined);
    return (
      `no training job reported the objective metric '${metric}': check the regex of '${metric}' in MetricDefinitions against the log` +
      (example === undefined ? '' : ` (${logOf(example.jobName)})`)
    );
  }
  return undefined;
}

/** A Lambda error's Cause is JSON ({errorMessage, ...}); show its message. */
function describeCause(cause: string): string {
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    return typeof parsed.errorMessage === 'string' ? parsed.errorMessage : cause;
  } catch {
    return cause;
  }
}

function terminalWidth(): number {
  return Math.max(60, Math.min(140, process.stdout.columns ?? 100));
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

/** A second client on the twin's DynamoDB, for the display (the handlers have their own). */
async function openLocalStoreAt(endpoint: string): Promise<{ store: RunStore; close(): Promise<void> }> {
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const store = new DynamoDbRunStore({ tableName: LOCAL_TABLE_NAME, client: createRunStoreDocumentClient(client) });
  return { store, close: async () => client.destroy() };
}
