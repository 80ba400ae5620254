/**
 * `npm run bench:real`: this tuner's strategies and Optuna (TPE + HyperbandPruner, and
 * RandomSampler) side by side on real training (bench/real/problems.ts), same problems, same
 * budgets, same seeds.
 *
 *   npm run bench:real                          # 10 seeds, every problem and method; writes
 *                                               # bench/results/real.json and bench/RESULTS-REAL.md
 *   npm run bench:real -- --seeds 3 --out /tmp/x
 *   npm run bench:real -- --problems mnist-mlp --methods random,asha,optuna-tpe-hyperband
 *   npm run bench:real -- --workers 1
 *   npm run bench:real -- --render bench/results/real.json   # the tables again from saved results
 *   npm run bench:real -- --render bench/results/real-partial.jsonl   # ... from a run cut short
 *
 * The Optuna peer needs Debian's python3-optuna under /usr/bin/python3; when it is missing and
 * this runs as root, the command installs it with apt-get (otherwise it says what to install).
 */
import { execFileSync } from 'node:child_process';
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OPTUNA_METHODS, PYTHON } from './optuna';
import { REAL_PROBLEMS } from './problems';
import { renderRealMarkdown, type RealResults } from './report';
import { OUR_STRATEGIES, STOPPING_METHODS } from './strategies';
import type { RealTask, RealTaskResult } from './task';

/** The default number of seeds (the targets are medians over at least 10). */
export const DEFAULT_SEEDS = 10;
/** The strategy the multi-fidelity targets are about, and the Bayesian one. */
export const DEFAULT_MULTI_FIDELITY = 'hyperband';
export const DEFAULT_BAYESIAN = 'bayesian';

export interface RealArgs {
  readonly seeds: number;
  readonly firstSeed: number;
  readonly problems: readonly string[];
  readonly methods: readonly string[];
  readonly workers: number;
  readonly out?: string;
}

function list(value: string | undefined, flag: string): string[] {
  if (value === undefined || value.trim() === '') throw new Error(`${flag} needs a comma-separated list`);
  return value.split(',').map((s) => s.trim());
}

/** Parses `process.argv.slice(2)`. */
export function parseRealArgs(argv: readonly string[]): RealArgs {
  let seeds = DEFAULT_SEEDS;
  let firstSeed = 1;
  let problems = REAL_PROBLEMS.map((p) => p.id);
  let methods = [...OUR_STRATEGIES.map((s) => s.id), ...STOPPING_METHODS.map((s) => s.id), ...OPTUNA_METHODS.map((m) => m.id)];
  let workers = Math.max(1, Math.min(2, os.cpus().length));
  let out: string | undefined;
  const positive = (flag: string, v: string | undefined) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive integer, got ${String(v)}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--seeds') seeds = positive(a, argv[++i]);
    else if (a === '--first-seed') firstSeed = positive(a, argv[++i]);
    else if (a === '--problems') problems = list(argv[++i], a);
    else if (a === '--methods') methods = list(argv[++i], a);
    else if (a === '--workers') workers = positive(a, argv[++i]);
    else if (a === '--out') out = argv[++i];
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: npm run bench:real -- [--seeds n] [--first-seed n] [--problems a,b] [--methods a,b] [--workers n] [--out dir]\n');
      process.exit(0);
    } else throw new Error(`unknown argument ${a} (try --help)`);
  }
  const known = new Set([...OUR_STRATEGIES.map((s) => s.id), ...STOPPING_METHODS.map((s) => s.id), ...OPTUNA_METHODS.map((m) => m.id)]);
  for (const m of methods) if (!known.has(m)) throw new Error(`unknown method ${m}; known: ${[...known].join(', ')}`);
  for (const p of problems) if (!REAL_PROBLEMS.some((x) => x.id === p)) throw new Error(`unknown problem ${p}; known: ${REAL_PROBLEMS.map((x) => x.id).join(', ')}`);
  return { seeds, firstSeed, problems, methods, workers, ...(out === undefined ? {} : { out }) };
}

/** Makes sure Debian's python3-optuna is importable by {@link PYTHON}; installs it when root. */
export function ensureOptuna(log: (m: string) => void): string {
  const probe = () => execFileSync(PYTHON, ['-c', 'import optuna; print(optuna.__version__)'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    return probe();
  } catch {
    if (process.getuid?.() !== 0) throw new Error(`${PYTHON} cannot import optuna: run \`apt-get install -y python3-optuna\` as root (or set HPO_BENCH_PYTHON)`);
    log('bench:real: installing Debian\'s python3-optuna (apt-get)');
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'python3-optuna'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    return probe();
  }
}

function git(args: readonly string[]): string | null {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** Runs tasks in `size` child processes (or in this one when size is 1). */
async function runTasks(tasks: readonly RealTask[], size: number, onDone: (r: RealTaskResult) => void): Promise<RealTaskResult[]> {
  if (size <= 1) {
    const { runRealTask } = await import('./task');
    const out: RealTaskResult[] = [];
    for (const t of tasks) {
      const r = await runRealTask(t);
      onDone(r);
      out.push(r);
    }
    return out;
  }
  const results: RealTaskResult[] = [];
  const queue = [...tasks];
  await Promise.all(
    Array.from({ length: Math.min(size, tasks.length) }, () =>
      new Promise<void>((resolve, reject) => {
        const child = fork(path.join(__dirname, 'worker.ts'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
        let id = 0;
        const next = () => {
          const task = queue.shift();
          if (task === undefined) {
            child.disconnect();
            resolve();
            return;
          }
          child.send({ id: ++id, task });
        };
        child.on('message', (m: { result?: RealTaskResult; error?: string }) => {
          if (m.error !== undefined) {
            child.kill();
            reject(new Error(m.error));
            return;
          }
          results.push(m.result as RealTaskResult);
          onDone(m.result as RealTaskResult);
          next();
        });
        child.on('exit', (code) => {
          if (code !== 0 && code !== null) reject(new Error(`worker exited with code ${code}`));
        });
        next();
      }),
    ),
  );
  return results;
}

/** What the meta sums over the finished tasks, and the defaults the targets are about. */
function tally(tasks: readonly RealTaskResult[]): Pick<RealResults['meta'], 'cpuSeconds' | 'epochsComputed' | 'epochsCached' | 'defaultMultiFidelity' | 'defaultBayesian'> {
  return {
    cpuSeconds: tasks.reduce((a, r) => a + r.cpuSeconds, 0),
    epochsComputed: tasks.reduce((a, r) => a + r.stats.epochsComputed, 0),
    epochsCached: tasks.reduce((a, r) => a + r.stats.epochsCached, 0),
    defaultMultiFidelity: DEFAULT_MULTI_FIDELITY,
    defaultBayesian: DEFAULT_BAYESIAN,
  };
}

/** Every run of the tasks, by problem, method and seed. */
function runsOf(tasks: readonly RealTaskResult[]): RealResults['runs'] {
  return tasks.flatMap((r) => r.runs).sort((a, b) => a.problem.localeCompare(b.problem) || a.method.localeCompare(b.method) || a.seed - b.seed);
}

/**
 * The results of a run that was cut short, from its `real-partial.jsonl` (one finished task a
 * line): the meta says how many tasks finished; the seeds are those with every problem done.
 */
export function resultsFromPartial(jsonlPath: string, command: string): RealResults {
  const tasks = fs
    .readFileSync(jsonlPath, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as RealTaskResult);
  const problems = new Set(tasks.map((t) => t.task.problem));
  const complete = [...new Set(tasks.map((t) => t.task.seed))].filter((seed) => [...problems].every((p) => tasks.some((t) => t.task.seed === seed && t.task.problem === p))).sort((a, b) => a - b);
  const kept = tasks.filter((t) => complete.includes(t.task.seed));
  const cpus = os.cpus();
  return {
    meta: {
      date: new Date(fs.statSync(jsonlPath).mtimeMs).toISOString(),
      command: `${command} (cut short: ${tasks.length} tasks finished; the ${complete.length} seeds with every problem done are reported)`,
      seeds: complete,
      workers: 0,
      node: process.version,
      optuna: kept.find((t) => t.optunaVersion !== undefined)?.optunaVersion ?? null,
      cpuModel: cpus[0]?.model.trim() ?? 'unknown',
      cpuCount: cpus.length,
      gitCommit: git(['rev-parse', 'HEAD']),
      gitDirty: null,
      wallSeconds: 0,
      ...tally(kept),
    },
    runs: runsOf(kept),
  };
}

/** Renders RESULTS-REAL.md again from a saved results file (its methods, in the benchmark's order). */
export function renderSaved(jsonPath: string): string {
  let results: RealResults;
  if (jsonPath.endsWith('.jsonl')) {
    // A run cut short: its finished tasks become real.json beside it.
    const methods = [...new Set(fs.readFileSync(jsonPath, 'utf8').split('\n').filter((l) => l.trim() !== '').flatMap((l) => (JSON.parse(l) as RealTaskResult).runs.map((r) => r.method)))];
    results = resultsFromPartial(jsonPath, `npm run bench:real -- --methods ${methods.join(',')}`);
    fs.writeFileSync(path.join(path.dirname(jsonPath), 'real.json'), `${JSON.stringify(results, null, 1)}\n`);
  } else results = JSON.parse(fs.readFileSync(jsonPath, 'utf8')) as RealResults;
  const present = new Set(results.runs.map((r) => r.method));
  const order = [...OUR_STRATEGIES.map((s) => s.id), ...STOPPING_METHODS.map((s) => s.id), ...OPTUNA_METHODS.map((m) => m.id)];
  const md = path.join(path.dirname(path.resolve(jsonPath)), '..', 'RESULTS-REAL.md');
  fs.writeFileSync(md, renderRealMarkdown(results, order.filter((m) => present.has(m))));
  return md;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--render') {
    if (argv[1] === undefined) throw new Error('--render needs the results file, e.g. bench/results/real.json');
    process.stderr.write(`bench:real: wrote ${renderSaved(argv[1])}\n`);
    return;
  }
  const args = parseRealArgs(argv);
  const log = (m: string) => process.stderr.write(`${m}\n`);
  const optunaMethods = args.methods.filter((m) => OPTUNA_METHODS.some((o) => o.id === m));
  const ours = args.methods.filter((m) => OUR_STRATEGIES.some((o) => o.id === m));
  const stopping = args.methods.filter((m) => STOPPING_METHODS.some((o) => o.id === m));
  const optuna = optunaMethods.length > 0 ? ensureOptuna(log) : null;
  const seeds = Array.from({ length: args.seeds }, (_, i) => args.firstSeed + i);
  // Larger problems first, so the workers finish together.
  const tasks: RealTask[] = [];
  for (const seed of seeds) for (const problem of [...args.problems].reverse()) tasks.push({ problem, seed, ours, optuna: optunaMethods, stopping });
  const started = Date.now();
  log(`bench:real: ${args.problems.length} problem(s) x ${seeds.length} seed(s), ${ours.length} strategies + ${optunaMethods.length} Optuna method(s), ${args.workers} worker(s)`);
  let done = 0;
  const dir = args.out ?? path.join(__dirname, '..', 'results');
  fs.mkdirSync(dir, { recursive: true });
  // Every finished task, as it finishes (to look at a long run before it ends).
  const partial = path.join(dir, 'real-partial.jsonl');
  fs.writeFileSync(partial, '');
  const results = await runTasks(tasks, args.workers, (r) => {
    fs.appendFileSync(partial, `${JSON.stringify(r)}\n`);
    done += 1;
    log(`  ${done}/${tasks.length}: ${r.task.problem} seed ${r.task.seed} (${r.cpuSeconds.toFixed(0)} s CPU; ${((Date.now() - started) / 60000).toFixed(1)} min)`);
  });
  const cpus = os.cpus();
  const command = ['npm run bench:real', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');
  const out: RealResults = {
    meta: {
      date: new Date(started).toISOString(),
      command,
      seeds,
      workers: args.workers,
      node: process.version,
      optuna,
      cpuModel: cpus[0]?.model.trim() ?? 'unknown',
      cpuCount: cpus.length,
      gitCommit: git(['rev-parse', 'HEAD']),
      // The run's own output (bench/results/, the partial file) does not count as a change.
      gitDirty: (git(['status', '--porcelain', '--', '.', ':!bench/results', ':!bench/RESULTS-REAL.md']) ?? '').length > 0,
      wallSeconds: (Date.now() - started) / 1000,
      ...tally(results),
    },
    runs: runsOf(results),
  };
  const json = path.join(dir, 'real.json');
  const md = args.out === undefined ? path.join(__dirname, '..', 'RESULTS-REAL.md') : path.join(dir, 'RESULTS-REAL.md');
  fs.writeFileSync(json, `${JSON.stringify(out, null, 1)}\n`);
  fs.writeFileSync(md, renderRealMarkdown(out, args.methods));
  fs.rmSync(partial, { force: true });
  log(`bench:real: wrote ${json} and ${md} in ${(out.meta.wallSeconds / 60).toFixed(1)} min`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
