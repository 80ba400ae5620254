/**
 * `npm run bench`: the benchmarks behind the project's quality and performance claims.
 *
 *   npm run bench                      # full run: writes bench/results/latest.json and bench/RESULTS.md
 *   npm run bench -- --quick           # smoke run (3 seeds); writes to a temporary folder unless --out
 *   npm run bench -- --out <dir>       # write <dir>/latest.json and <dir>/RESULTS.md
 *   npm run bench -- --seeds 30        # number of seeds (default 15, quick 3)
 *   npm run bench -- --workers 1       # child processes for the quality runs (default: min(2, CPUs))
 *
 * Exits with code 1 (after writing the results) when any run did not start exactly its
 * budget of training jobs.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { USD_PER_STATE_TRANSITION } from './driver';
import { schedulerTimings, tickTimings, tpeTimings } from './micro';
import { JOB_STARTUP_SECONDS, PROBLEMS, type BenchProblem } from './objectives';
import { processPool } from './pool';
import { STRATEGIES, runQuality, type QualityResults, type RunTask } from './quality';
import { renderJson, renderMarkdown, type BenchResults } from './report';
import { resumeComparison } from './resume';

/** Seeds of a full run: enough to separate the clear differences, small enough for ~1.5 minutes on 2 cores. */
const DEFAULT_SEEDS = 15;

/** `MaxParallelTrainingJobs` of every quality run. */
const MAX_PARALLEL = 4;

/** Parsed command line. */
export interface BenchArgs {
  readonly quick: boolean;
  /** Folder for latest.json and RESULTS.md; undefined: the defaults (see the module comment). */
  readonly out?: string;
  readonly seeds?: number;
  readonly workers?: number;
}

/** Parse `process.argv.slice(2)`. */
export function parseArgs(argv: readonly string[]): BenchArgs {
  let quick = false;
  let out: string | undefined;
  let seeds: number | undefined;
  let workers: number | undefined;
  const positive = (flag: string, value: string | undefined): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive integer, got ${String(value)}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') quick = true;
    else if (arg === '--out') {
      out = argv[++i];
      if (out === undefined) throw new Error('--out needs a folder');
    } else if (arg === '--seeds') seeds = positive(arg, argv[++i]);
    else if (arg === '--workers') workers = positive(arg, argv[++i]);
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write('usage: npm run bench -- [--quick] [--out <dir>] [--seeds n] [--workers n]\n');
      process.exit(0);
    } else throw new Error(`unknown argument ${arg} (try --help)`);
  }
  return { quick, ...(out === undefined ? {} : { out }), ...(seeds === undefined ? {} : { seeds }), ...(workers === undefined ? {} : { workers }) };
}

function git(args: readonly string[]): string | null {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** Options of {@link runBenchmarks}. */
export interface RunBenchmarksOptions {
  readonly problems: readonly BenchProblem[];
  readonly seeds: readonly number[];
  /** Child processes for the quality runs (1: in this process; needed for problems outside `PROBLEMS`). */
  readonly workers: number;
  /** Fewer micro-benchmark repetitions and sizes, no whole-Tick timing. */
  readonly quick: boolean;
  /** The command line to record. */
  readonly command: string;
  /** Progress messages. @default - none */
  readonly log?: (message: string) => void;
}

/** Run every benchmark and return all the numbers (nothing is written). */
export async function runBenchmarks(options: RunBenchmarksOptions): Promise<BenchResults> {
  const say = options.log ?? (() => undefined);
  const started = Date.now();
  const cpus = os.cpus();
  const pool = options.workers > 1 ? processPool(options.workers) : undefined;
  let done = 0;
  let quality: QualityResults;
  try {
    quality = await runQuality({
      problems: options.problems,
      seeds: options.seeds,
      maxParallel: MAX_PARALLEL,
      ...(pool === undefined ? {} : { run: (task: RunTask) => pool.run(task) }),
      onRun: () => {
        done += 1;
        if (done % 25 === 0) say(`  quality: ${done} runs (${((Date.now() - started) / 1000).toFixed(0)} s)`);
      },
    });
  } finally {
    pool?.close();
  }
  say(`  quality: ${done} runs done (${((Date.now() - started) / 1000).toFixed(0)} s)`);

  const resume = resumeComparison();
  say('  micro-benchmarks (real time, one process)');
  const timeOptions = options.quick ? { maxReps: 10, budgetMs: 20 } : {};
  const schedulers = schedulerTimings(options.quick ? [50, 200] : [100, 1000], timeOptions);
  const tpe = tpeTimings(options.quick ? [10, 100] : [10, 100, 300, 1000, 3000], timeOptions);
  const tick = options.quick ? null : await tickTimings(750);

  const commit = git(['rev-parse', 'HEAD']);
  const status = git(['status', '--porcelain']);
  return {
    meta: {
      date: new Date(started).toISOString(),
      command: options.command,
      quick: options.quick,
      seeds: options.seeds,
      workers: options.workers,
      node: process.version,
      cpuModel: cpus[0]?.model.trim() ?? 'unknown',
      cpuCount: cpus.length,
      platform: os.platform(),
      arch: os.arch(),
      totalMemoryGb: os.totalmem() / 1024 ** 3,
      gitCommit: commit,
      gitDirty: status === null ? null : status.length > 0,
      durationSeconds: (Date.now() - started) / 1000,
    },
    settings: { maxParallelTrainingJobs: MAX_PARALLEL, jobStartupSeconds: JOB_STARTUP_SECONDS, usdPerStateTransition: USD_PER_STATE_TRANSITION },
    problems: options.problems.map((p) => ({
      id: p.id,
      title: p.title,
      description: p.description,
      objectiveType: p.objectiveType,
      optimum: p.optimum,
      argOptimum: p.argOptimum,
      fidelity: p.fidelity,
      jobBudget: p.jobBudget,
    })),
    quality,
    resume,
    micro: { schedulers, tpe, tick },
  };
}

/** Cells whose runs did not all start exactly their budget of training jobs. */
export function inexactCells(results: BenchResults): string[] {
  return [...results.quality.equalJobs, ...results.quality.equalResource]
    .flatMap((p) => p.cells)
    .filter((c) => c.budgetExact !== 'yes')
    .map((c) => `${c.problem}/${c.strategy} (${c.budget} jobs)`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const seedCount = args.seeds ?? (args.quick ? 3 : DEFAULT_SEEDS);
  const seeds = Array.from({ length: seedCount }, (_, i) => i + 1);
  const workers = args.workers ?? Math.max(1, Math.min(2, os.cpus().length));
  const outDir = args.out ?? (args.quick ? fs.mkdtempSync(path.join(os.tmpdir(), 'hpo-bench-quick-')) : path.join(__dirname, 'results'));
  const jsonPath = path.join(outDir, 'latest.json');
  const mdPath = args.out === undefined && !args.quick ? path.join(__dirname, 'RESULTS.md') : path.join(outDir, 'RESULTS.md');
  const command = ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');

  log(`bench: ${PROBLEMS.length} problems x ${STRATEGIES.length} strategies x ${seedCount} seeds, ${workers} worker(s)`);
  const results = await runBenchmarks({ problems: PROBLEMS, seeds, workers, quick: args.quick, command, log });
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(jsonPath, renderJson(results));
  fs.writeFileSync(mdPath, renderMarkdown(results));
  log(`bench: wrote ${jsonPath} and ${mdPath} in ${results.meta.durationSeconds.toFixed(0)} s`);
  const inexact = inexactCells(results);
  if (inexact.length > 0) {
    log(`bench: budget NOT exact in ${inexact.join(', ')}`);
    process.exitCode = 1;
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  });
}
