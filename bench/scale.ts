/**
 * The scale benchmark (issue 9): the real orchestrator in virtual time against the real DynamoDB
 * store on dynalite, with the deployed reconcile interval (120 s) and poll interval (300 s), and
 * training jobs that emit the state-change events SageMaker sends (InProgress with the secondary
 * statuses Starting, Downloading, Training and Uploading, then the terminal status; 1% of the
 * terminal events are lost and left to reconciliation).
 *
 * It reports, per 1,000 training jobs: Step Functions state transitions, Lambda invocations and
 * GB-seconds, DynamoDB read and write units (the ConsumedCapacity dynalite returns), SageMaker
 * calls by operation, CloudWatch Logs bytes at INFO, and the dollar cost at the list prices named
 * in {@link PRICES}; Tick CPU time and read units at n = 100, 1,000, 5,000 and 10,000 jobs; slot
 * utilisation; the most history events of one execution.
 *
 *   npm run bench:scale      # the default plan (DEFAULT_PLAN), bench/results/scale.json and the tables of bench/RESULTS-SCALE.md
 *   npx tsx bench/scale.ts [--quick] [--runs 750x8,2000x100,...] [--strategy asha] [--store memory] [--out file] [--report]
 *
 * A benchmark, not a test: nothing here asserts. Lambda durations are measured in this process,
 * where dynalite serves the requests on the same thread: a Tick's duration includes dynalite's
 * work instead of DynamoDB's network latency.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createRunStoreDocumentClient, DynamoDbRunStore } from '../lambda/adapters/aws/dynamodb-run-store';
import { InMemoryRunStore } from '../lambda/adapters/local/in-memory-run-store';
import { SimulatedBackend } from '../lambda/adapters/local/simulated-backend';
import type { RunStore } from '../core/orchestrator/records';
import { formatProblems, toTuningSpec, validateTuningInput } from '../core/input';
import { finalizeRun } from '../core/orchestrator/finalize';
import { initRun } from '../core/orchestrator/init';
import { recordJobEvent } from '../core/orchestrator/job-event';
import { tick } from '../core/orchestrator/tick';
import { parkTaskToken } from '../core/orchestrator/wait';
import { createTable, startDynamoDb } from '../local/dynamodb/dynalite';
import { benchDeps, TICKS_BEFORE_CONTINUE_AS_NEW } from './driver';
import { fnv1a, mlp4d } from './objectives';
import { benchInput, benchObjective, strategyById } from './quality';
import { renderScaleTables } from './scale-report';

/** List prices, us-east-1, as of 2026 (USD). */
export const PRICES = {
  /** Step Functions Standard, per state transition. */
  stateTransition: 0.025 / 1000,
  /** Lambda (arm64, as the construct deploys), per request. */
  lambdaRequest: 0.2 / 1e6,
  /** Lambda arm64, per GB-second. */
  lambdaGbSecond: 0.0000133334,
  /** DynamoDB on-demand, per read request unit. */
  readUnit: 0.125 / 1e6,
  /** DynamoDB on-demand, per write request unit. */
  writeUnit: 0.625 / 1e6,
  /** CloudWatch Logs ingestion, per byte (USD 0.50 per GB). */
  logByte: 0.5 / 1024 ** 3,
} as const;

/** The construct's settings the benchmark reproduces. */
const RECONCILE_AFTER_SECONDS = 120;
const POLL_INTERVAL_SECONDS = 300;
const MEMORY_MB: Record<string, number> = { validate: 256, init: 256, tick: 512, 'wait-for-change': 256, finalize: 256, 'on-training-event': 256 };
/** Fraction of terminal events lost (deterministic by job name). */
const LOST_EVENT_FRACTION = 0.01;
/** Bytes of one Powertools INFO line without its message, and of Lambda's START/END/REPORT lines. */
const LOG_LINE_BYTES = 330;
const PLATFORM_LOG_BYTES = 360;
/** Job counts at which Tick's CPU and read units are reported. */
const PROBES = [100, 1_000, 5_000, 10_000];

interface Capacity {
  read: number;
  write: number;
  requests: number;
}

/** DynamoDB usage, per Lambda function. */
class CapacityMeter {
  current = 'other';
  readonly byFunction: Record<string, Capacity> = {};
  readonly byOperation: Record<string, number> = {};
  total(): Capacity {
    const t = { read: 0, write: 0, requests: 0 };
    for (const c of Object.values(this.byFunction)) {
      t.read += c.read;
      t.write += c.write;
      t.requests += c.requests;
    }
    return t;
  }
  attach(client: DynamoDBClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
        const out = await next(args);
        const op = String(context.commandName ?? 'unknown').replace(/Command$/, '');
        const consumed = (out.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }).ConsumedCapacity;
        const units = (Array.isArray(consumed) ? consumed : consumed === undefined ? [] : [consumed]).reduce((s, c) => s + (c.CapacityUnits ?? 0), 0);
        const c = (this.byFunction[this.current] ??= { read: 0, write: 0, requests: 0 });
        c.requests += 1;
        if (op === 'GetItem' || op === 'Query' || op === 'Scan' || op === 'BatchGetItem') c.read += units;
        else c.write += units;
        this.byOperation[op] = (this.byOperation[op] ?? 0) + 1;
        return out;
      },
      { step: 'initialize', name: 'hpoCapacityMeter' },
    );
  }
}

/** Read units of `bytes` read strongly consistently (4 KB each, as DynamoDB rounds them). */
function readUnitsOf(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 4096));
}

/** Item size as DynamoDB would store it: the record's JSON plus ~100 bytes of keys and copies. */
function itemBytes(record: unknown): number {
  return JSON.stringify(record).length + 100;
}

/**
 * The in-memory store, with the read units DynamoDB would charge for each read estimated from
 * the items' sizes (GetItem: per item; Query: per 4 KB of the page). Writes are not estimated.
 */
function estimatingStore(store: InMemoryRunStore, meter: CapacityMeter): RunStore {
  const add = (units: number): void => {
    const c = (meter.byFunction[meter.current] ??= { read: 0, write: 0, requests: 0 });
    c.read += units;
    c.requests += 1;
  };
  const view = store.loadTickView.bind(store);
  store.loadTickView = async (runId, known) => {
    const v = await view(runId, known);
    add(readUnitsOf(itemBytes(v.run) + 2000));
    // the changed-jobs item
    add(readUnitsOf(itemBytes(v.changedJobs ?? [])));
    for (const j of v.jobs) add(readUnitsOf(itemBytes(j)));
    return v;
  };
  const trials = store.getTrials.bind(store);
  store.getTrials = async (runId, ids) => {
    const out = await trials(runId, ids);
    for (const t of out) add(readUnitsOf(itemBytes(t)));
    return out;
  };
  const results = store.readResults.bind(store);
  store.readResults = async (runId, from, to) => {
    const out = await results(runId, from, to);
    if (out.length > 0) add(readUnitsOf(out.reduce((sum, e) => sum + itemBytes(e), 0)));
    return out;
  };
  return store;
}

interface Invocations {
  count: number;
  ms: number;
  logBytes: number;
}

export interface ScaleRunResult {
  readonly store: 'dynalite' | 'memory';
  readonly strategy: string;
  readonly jobs: number;
  readonly parallel: number;
  readonly status: string;
  readonly jobsCreated: number;
  readonly jobsRecorded: number;
  readonly ticks: number;
  readonly executions: number;
  readonly maxHistoryEvents: number;
  readonly stateTransitions: number;
  readonly lambda: Record<string, { count: number; gbSeconds: number; logBytes: number }>;
  readonly dynamodb: { readUnits: number; writeUnits: number; requests: number; byFunction: Record<string, Capacity>; byOperation: Record<string, number> };
  readonly sagemaker: Record<string, number>;
  readonly slotUtilisation: number;
  /** Slot utilisation from the start of the run to the start of its last job. */
  readonly slotUtilisationBeforeLastStart: number;
  /** The share of the run's length after its last job started (the drain). */
  readonly tailShare: number;
  readonly virtualHours: number;
  readonly wallSeconds: number;
  readonly tickProbes: { n: number; ticks: number; cpuMs: number; readUnits: number; ms: number }[];
  readonly perThousand: Record<string, number>;
}

/** One run, driven to its end in virtual time. */
export async function runScale(
  strategyId: string,
  jobs: number,
  parallel: number,
  log: (line: string) => void = () => {},
  storeKind: 'dynalite' | 'memory' = 'dynalite',
): Promise<ScaleRunResult> {
  const wallStart = Date.now();
  const def = strategyById(strategyId);
  const input = benchInput(mlp4d, def, 1, jobs, parallel);
  const problems = validateTuningInput(input);
  if (problems.some((p) => p.severity === 'error')) throw new Error(`invalid input:\n${formatProblems(problems)}`);
  // `memory`: the in-memory store (same contract), for the orchestration counts of runs too long
  // to drive through dynalite here; DynamoDB units are then not measured (reported as 0).
  const meter = new CapacityMeter();
  let store: RunStore;
  let close = async (): Promise<void> => {};
  if (storeKind === 'memory') {
    store = estimatingStore(new InMemoryRunStore(), meter);
  } else {
    const dynamo = await startDynamoDb();
    const tableName = 'hpo-scale';
    await createTable(dynamo.endpoint, tableName);
    const raw = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    meter.attach(raw);
    store = new DynamoDbRunStore({ tableName, client: createRunStoreDocumentClient(raw) });
    close = async () => {
      await dynamo.close();
      raw.destroy();
    };
  }

  const startMs = Date.parse('2026-01-01T00:00:00Z');
  const clock = { ms: startMs };
  const backend = new SimulatedBackend({ objective: benchObjective(mlp4d, input, 1), clock: () => clock.ms });
  const sagemaker: Record<string, number> = {};
  const count = (op: string): void => {
    sagemaker[op] = (sagemaker[op] ?? 0) + 1;
  };
  const counted = {
    createJob: backend.createJob.bind(backend),
    describeJob: backend.describeJob.bind(backend),
    stopJob: backend.stopJob.bind(backend),
    releaseWarmPool: backend.releaseWarmPool.bind(backend),
  };
  backend.createJob = async (r) => (count('CreateTrainingJob'), counted.createJob(r));
  backend.describeJob = async (n) => (count('DescribeTrainingJob'), counted.describeJob(n));
  backend.stopJob = async (n) => (count('StopTrainingJob'), counted.stopJob(n));
  backend.releaseWarmPool = async (n) => (count('UpdateTrainingJob'), counted.releaseWarmPool(n));

  const deps = benchDeps(store, backend, clock, RECONCILE_AFTER_SECONDS);
  const invocations: Record<string, Invocations> = {};
  const invoke = async <T>(fn: string, body: () => Promise<T>, logLines: (result: T) => number[]): Promise<T> => {
    meter.current = fn;
    const t0 = performance.now();
    const result = await body();
    const ms = performance.now() - t0;
    const inv = (invocations[fn] ??= { count: 0, ms: 0, logBytes: 0 });
    inv.count += 1;
    inv.ms += Math.max(1, Math.ceil(ms));
    inv.logBytes += PLATFORM_LOG_BYTES + logLines(result).reduce((s, len) => s + LOG_LINE_BYTES + len, 0);
    meter.current = 'other';
    return result;
  };

  await invoke('validate', async () => validateTuningInput(input), () => [60]);
  const { runId } = await invoke(
    'init',
    () => initRun(store, { input: input as unknown as Record<string, unknown>, spec: toTuningSpec(input), executionArn: 'arn:aws:states:us-east-1:000000000000:execution:HpoTuner:scale', fallbackSeed: 1, now: deps.now() }),
    () => [40],
  );

  // Progress events (InProgress with a secondary status), by virtual time; terminal events come
  // from the simulated backend as jobs end.
  const progress: { at: number; jobName: string; secondary: string }[] = [];
  let knownJobs = 0;
  const lost = (name: string): boolean => fnv1a(name) % 10_000 < LOST_EVENT_FRACTION * 10_000;
  const deliver = async (jobName: string, detail: { status?: string; secondaryStatus?: string }): Promise<void> => {
    await invoke('on-training-event', () => recordJobEvent(deps, jobName, detail), (o) => [80 + JSON.stringify(o).length]);
  };

  let ticks = 0;
  let waits = 0;
  let backoffs = 0;
  let continuations = 0;
  let ticksThisExecution = 0;
  let maxTicksPerExecution = 0;
  const tickStats: { n: number; cpuMs: number; readUnits: number; ms: number }[] = [];
  let finished = 0;
  let status = 'running';
  for (;;) {
    if (ticks > 200_000) throw new Error('run did not finish');
    const cpu0 = process.cpuUsage();
    const read0 = meter.byFunction.tick?.read ?? 0;
    const t0 = performance.now();
    const result = await invoke('tick', () => tick(deps, runId), (r) => r.notes.map((n) => n.length));
    const cpu = process.cpuUsage(cpu0);
    tickStats.push({ n: finished, cpuMs: (cpu.user + cpu.system) / 1000, readUnits: (meter.byFunction.tick?.read ?? 0) - read0, ms: performance.now() - t0 });
    if (ticks % 500 === 0) {
      const c = meter.total();
      log(
        `  progress ${strategyId} ${jobs}x${parallel}: tick ${ticks}, ${finished} jobs ended, ${((clock.ms - startMs) / 3_600_000).toFixed(1)} h virtual, ` +
          `RCU ${c.read}, WCU ${c.write}, Describe ${sagemaker.DescribeTrainingJob ?? 0}, last tick ${tickStats[tickStats.length - 1].cpuMs.toFixed(1)} ms CPU / ` +
          `${tickStats[tickStats.length - 1].readUnits} RCU, ${((Date.now() - wallStart) / 1000).toFixed(0)} s wall`,
      );
    }
    ticks += 1;
    ticksThisExecution += 1;
    maxTicksPerExecution = Math.max(maxTicksPerExecution, ticksThisExecution);
    const created = backend.createdJobs();
    for (const name of created.slice(knownJobs)) {
      progress.push({ at: clock.ms, jobName: name, secondary: 'Starting' }, { at: clock.ms + 20_000, jobName: name, secondary: 'Downloading' }, { at: clock.ms + 60_000, jobName: name, secondary: 'Training' });
    }
    knownJobs = created.length;
    if (result.status === 'done') {
      status = 'done';
      break;
    }
    if (ticksThisExecution >= TICKS_BEFORE_CONTINUE_AS_NEW) {
      continuations += 1;
      ticksThisExecution = 0;
    }
    // WaitForChange: park the token (the real use case), then sleep until a delivered terminal
    // event or the poll interval; a Backoff waits a fixed time instead.
    let wakeAt: number;
    if (result.retryAfterSeconds > 0) {
      backoffs += 1;
      wakeAt = clock.ms + result.retryAfterSeconds * 1000;
    } else {
      waits += 1;
      const parked = await invoke('wait-for-change', () => parkTaskToken(store, deps.waker, { runId, taskToken: `t${ticks}`, version: result.version }), () => []);
      wakeAt = parked === 'woken-immediately' ? clock.ms : clock.ms + POLL_INTERVAL_SECONDS * 1000;
      const next = backend.nextEndTime();
      if (next !== undefined && next < wakeAt) wakeAt = Math.max(clock.ms, next);
    }
    // Deliver every event up to wakeAt, in time order; a delivered terminal event wakes the loop.
    for (;;) {
      progress.sort((a, b) => a.at - b.at);
      const nextEnd = backend.nextEndTime();
      const nextProgress = progress[0]?.at;
      const t = Math.min(nextEnd ?? Infinity, nextProgress ?? Infinity);
      if (!(t <= wakeAt)) break;
      clock.ms = Math.max(clock.ms, t);
      while (progress.length > 0 && progress[0].at <= clock.ms) {
        const p = progress.shift() as (typeof progress)[number];
        await deliver(p.jobName, { status: 'InProgress', secondaryStatus: p.secondary });
      }
      let woke = false;
      for (const name of backend.endedJobs()) {
        finished += 1;
        if (lost(name)) continue;
        await deliver(name, { status: 'InProgress', secondaryStatus: 'Uploading' });
        await deliver(name, { status: 'Completed' });
        woke = true;
      }
      if (woke) {
        wakeAt = clock.ms;
        break;
      }
    }
    clock.ms = Math.max(clock.ms, wakeAt);
  }
  const endMs = clock.ms;
  await invoke('finalize', () => finalizeRun(store, backend, runId, deps.now()), () => [200]);
  const jobsRecorded = await store.listJobs(runId);
  const run = await store.getRun(runId);
  await close();

  // Slot utilisation: training time over parallel slots x the run's length.
  let busy = 0;
  for (const j of jobsRecorded) if (j.startedAt !== undefined && j.endedAt !== undefined) busy += Date.parse(j.endedAt) - Date.parse(j.startedAt);
  const slotUtilisation = busy / (parallel * (endMs - startMs));
  // Where the idle time is: up to the start of the run's last job (the budget is then spent) and
  // after it (the tail: the jobs started last drain, no job can start any more).
  let lastStartMs = startMs;
  for (const j of jobsRecorded) if (j.startedAt !== undefined) lastStartMs = Math.max(lastStartMs, Date.parse(j.startedAt));
  let busyBeforeLastStart = 0;
  for (const j of jobsRecorded) {
    if (j.startedAt === undefined || j.endedAt === undefined) continue;
    busyBeforeLastStart += Math.max(0, Math.min(Date.parse(j.endedAt), lastStartMs) - Date.parse(j.startedAt));
  }
  const slotsBeforeLastStart = lastStartMs > startMs ? busyBeforeLastStart / (parallel * (lastStartMs - startMs)) : NaN;
  const tailShare = (endMs - lastStartMs) / (endMs - startMs);

  const executions = continuations + 1;
  // One loop iteration is at most 15 history events (docs/design.md); start and end add ~12.
  const maxHistoryEvents = maxTicksPerExecution * 15 + 12;
  const stateTransitions = 3 + 3 * ticks + waits + backoffs + 4 * continuations + 2;
  const lambda: ScaleRunResult['lambda'] = {};
  for (const [fn, inv] of Object.entries(invocations)) {
    lambda[fn] = { count: inv.count, gbSeconds: (inv.ms / 1000) * ((MEMORY_MB[fn] ?? 256) / 1024), logBytes: inv.logBytes };
  }
  const capacity = meter.total();
  const probes = PROBES.filter((n) => n <= jobs).map((n) => {
    const near = tickStats.filter((s) => s.n >= n - Math.max(10, n * 0.02) && s.n <= n + Math.max(10, n * 0.02));
    const med = (xs: number[]): number => {
      const s = [...xs].sort((a, b) => a - b);
      return s.length === 0 ? NaN : s[Math.floor(s.length / 2)];
    };
    return { n, ticks: near.length, cpuMs: med(near.map((s) => s.cpuMs)), readUnits: med(near.map((s) => s.readUnits)), ms: med(near.map((s) => s.ms)) };
  });
  const k = jobsRecorded.length / 1000;
  const invocationsTotal = Object.values(lambda).reduce((s, l) => s + l.count, 0);
  const gbSeconds = Object.values(lambda).reduce((s, l) => s + l.gbSeconds, 0);
  const logBytes = Object.values(lambda).reduce((s, l) => s + l.logBytes, 0);
  const usd = {
    stepFunctions: stateTransitions * PRICES.stateTransition,
    lambda: invocationsTotal * PRICES.lambdaRequest + gbSeconds * PRICES.lambdaGbSecond,
    dynamodb: capacity.read * PRICES.readUnit + capacity.write * PRICES.writeUnit,
    logs: logBytes * PRICES.logByte,
  };
  const perThousand: Record<string, number> = {
    stateTransitions: stateTransitions / k,
    lambdaInvocations: invocationsTotal / k,
    lambdaGbSeconds: gbSeconds / k,
    readUnits: capacity.read / k,
    writeUnits: capacity.write / k,
    logBytes: logBytes / k,
    ...Object.fromEntries(Object.entries(sagemaker).map(([op, n]) => [op, n / k])),
    usdStepFunctions: usd.stepFunctions / k,
    usdLambda: usd.lambda / k,
    usdDynamoDb: usd.dynamodb / k,
    usdLogs: usd.logs / k,
    usdTotal: (usd.stepFunctions + usd.lambda + usd.dynamodb + usd.logs) / k,
  };
  const out: ScaleRunResult = {
    store: storeKind,
    strategy: strategyId,
    jobs,
    parallel,
    status: run?.status ?? status,
    jobsCreated: backend.createdJobs().length,
    jobsRecorded: jobsRecorded.length,
    ticks,
    executions,
    maxHistoryEvents,
    stateTransitions,
    lambda,
    dynamodb: { readUnits: capacity.read, writeUnits: capacity.write, requests: capacity.requests, byFunction: meter.byFunction, byOperation: meter.byOperation },
    sagemaker,
    slotUtilisation,
    slotUtilisationBeforeLastStart: slotsBeforeLastStart,
    tailShare,
    virtualHours: (endMs - startMs) / 3_600_000,
    wallSeconds: (Date.now() - wallStart) / 1000,
    tickProbes: probes,
    perThousand,
  };
  log(
    `${strategyId} ${jobs}x${parallel}: ${out.status}, ${out.jobsRecorded} jobs recorded (${out.jobsCreated} created), $${perThousand.usdTotal.toFixed(4)}/1k jobs, ` +
      `Describe ${(perThousand.DescribeTrainingJob ?? 0) / 1000} per job, slots ${(slotUtilisation * 100).toFixed(1)}%, ${out.wallSeconds.toFixed(0)} s`,
  );
  return out;
}

/** One run of the benchmark. */
interface PlannedRun {
  readonly strategy: string;
  readonly jobs: number;
  readonly parallel: number;
  readonly store: 'dynalite' | 'memory';
}

interface ScaleArgs {
  readonly plan: readonly PlannedRun[];
  readonly out: string;
  /** Regenerate the tables of bench/RESULTS-SCALE.md (the default command). */
  readonly report: boolean;
}

/**
 * The default plan (`npm run bench:scale`): every run on dynalite, ASHA and asynchronous
 * Hyperband, 750, 2,000 and 10,000 jobs at 8 and 100 parallel, plus the 10,000-job, 100-parallel
 * runs again on the in-memory store, whose Tick CPU is the tick's alone (with dynalite it includes
 * dynalite serving the requests in this process).
 */
export const DEFAULT_PLAN: readonly PlannedRun[] = [
  ...['asha', 'hyperband-async'].flatMap((strategy) =>
    [
      [750, 8],
      [750, 100],
      [2_000, 8],
      [2_000, 100],
    ].map(([jobs, parallel]) => ({ strategy, jobs, parallel, store: 'dynalite' as const })),
  ),
  ...['asha', 'hyperband-async'].map((strategy) => ({ strategy, jobs: 10_000, parallel: 100, store: 'memory' as const })),
  ...['asha', 'hyperband-async'].flatMap((strategy) =>
    [
      [10_000, 100],
      [10_000, 8],
    ].map(([jobs, parallel]) => ({ strategy, jobs, parallel, store: 'dynalite' as const })),
  ),
];

export const RESULTS_FILE = 'bench/results/scale.json';
export const REPORT_FILE = 'bench/RESULTS-SCALE.md';

function parseArgs(argv: readonly string[]): ScaleArgs {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  if (argv.length === 0) return { plan: DEFAULT_PLAN, out: RESULTS_FILE, report: true };
  const quick = argv.includes('--quick');
  const runsText = value('--runs') ?? (quick ? '750x8,2000x100' : '750x8,750x100,2000x8,2000x100,10000x8,10000x100');
  const runs = runsText.split(',').map((r) => {
    const [jobs, parallel] = r.split('x').map(Number);
    if (!Number.isInteger(jobs) || !Number.isInteger(parallel)) throw new Error(`--runs: '${r}' is not <jobs>x<parallel>`);
    return { jobs, parallel };
  });
  const strategies = (value('--strategy') ?? 'asha,hyperband-async').split(',');
  const store = value('--store') === 'memory' ? 'memory' : 'dynalite';
  const out = value('--out') ?? `bench/results/scale${quick ? '-quick' : ''}.json`;
  return { plan: strategies.flatMap((strategy) => runs.map((r) => ({ strategy, ...r, store }))), out, report: argv.includes('--report') };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const args = parseArgs(argv);
  const results: ScaleRunResult[] = [];
  const command = argv.length === 0 ? 'npm run bench:scale' : `npx tsx bench/scale.ts ${argv.join(' ')}`;
  for (const { strategy, jobs, parallel, store } of args.plan) {
    results.push(await runScale(strategy, jobs, parallel, (l) => process.stdout.write(`${l}\n`), store));
    mkdirSync(dirname(args.out), { recursive: true });
    writeFileSync(args.out, `${JSON.stringify({ command, prices: PRICES, results }, null, 2)}\n`);
    if (args.report) writeReport(results);
  }
  process.stdout.write(`wrote ${args.out}${args.report ? ` and the tables of ${REPORT_FILE}` : ''}\n`);
}

/** Replace the generated part of bench/RESULTS-SCALE.md (between its markers) with the tables. */
function writeReport(results: readonly ScaleRunResult[]): void {
  const begin = '<!-- scale-tables:begin (generated by npm run bench:scale) -->';
  const end = '<!-- scale-tables:end -->';
  const text = readFileSync(REPORT_FILE, 'utf8');
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`${REPORT_FILE} has no ${begin} ... ${end} markers`);
  writeFileSync(REPORT_FILE, `${text.slice(0, a + begin.length)}\n\n${renderScaleTables(results)}\n\n${text.slice(b)}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
