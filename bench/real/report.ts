/**
 * Tables of the real-training benchmark (bench/RESULTS-REAL.md) from the runs' summaries.
 */
import { median } from '../stats';
import { REAL_PROBLEMS } from './problems';
import { METHOD_LABELS } from './strategies';
import { FRACTIONS, TEST_FRACTIONS, type RunSummary } from './summary';

/** The reference peers. */
export const OPTUNA_MF = 'optuna-tpe-hyperband';
export const OPTUNA_RANDOM = 'optuna-random';

/** Metadata of a benchmark run. */
export interface RealMeta {
  readonly date: string;
  readonly command: string;
  readonly seeds: readonly number[];
  readonly workers: number;
  readonly node: string;
  readonly optuna: string | null;
  readonly cpuModel: string;
  readonly cpuCount: number;
  readonly gitCommit: string | null;
  readonly gitDirty: boolean | null;
  readonly wallSeconds: number;
  /** CPU seconds of the benchmark processes (the Python peers excluded). */
  readonly cpuSeconds: number;
  readonly epochsComputed: number;
  readonly epochsCached: number;
  /** The default strategy the targets are about (its method id). */
  readonly defaultMultiFidelity: string;
  readonly defaultBayesian: string;
}

export interface RealResults {
  readonly meta: RealMeta;
  readonly runs: readonly RunSummary[];
}

/** The q-quantile (linear interpolation) of a non-empty list. */
export function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (pos - lo);
}

/** Median over the values that exist; null when fewer than half of them exist. */
export function medianOf(values: readonly (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null);
  if (present.length === 0 || present.length * 2 < values.length) return null;
  return median(present);
}

/** One method's numbers on one problem. */
export interface MethodCell {
  readonly method: string;
  readonly label: string;
  readonly seeds: number;
  /** Median validation accuracy of the incumbent at each fraction of the budget (the tuner's rule: highest rung first). */
  readonly medianCurve: readonly (number | null)[];
  readonly final: { readonly median: number; readonly q25: number; readonly q75: number; readonly min: number; readonly max: number };
  readonly finalTest: number | null;
  /** AMT's rule (best job at any rung): median final validation and test accuracy. */
  readonly finalAny: number | null;
  readonly finalAnyTest: number | null;
  /** Runs whose best job at any rung (AMT's rule) was trained to less than R. */
  readonly bestBelowR: number;
  readonly trials: number;
  /** Paired by seed against Optuna TPE + Hyperband at 100%: wins, losses. */
  readonly vsOptunaMf: { readonly wins: number; readonly losses: number } | null;
  /** Paired against this tuner's Random at 100%: mean difference and its standard error. */
  readonly vsRandom: { readonly mean: number; readonly se: number; readonly wins: number; readonly losses: number } | null;
  /** Smallest fraction of the budget at which the median curve reaches Optuna TPE + Hyperband's final median. */
  readonly reachesOptunaAt: number | null;
}

function paired(a: readonly RunSummary[], b: readonly RunSummary[]): { diffs: number[] } {
  const bySeed = new Map(b.map((r) => [r.seed, r.top.validation.at(-1)]));
  const diffs: number[] = [];
  for (const r of a) {
    const x = r.top.validation.at(-1);
    const y = bySeed.get(r.seed);
    if (x !== null && x !== undefined && y !== null && y !== undefined) diffs.push(x - y);
  }
  return { diffs };
}

/** Cells of one problem, in the order of `methods`. */
export function problemCells(runs: readonly RunSummary[], problemId: string, methods: readonly string[], maxResource = 27): MethodCell[] {
  const of = (m: string) => runs.filter((r) => r.problem === problemId && r.method === m);
  const optunaRuns = of(OPTUNA_MF);
  const optunaFinal = optunaRuns.length > 0 ? medianOf(optunaRuns.map((r) => r.top.validation.at(-1) ?? null)) : null;
  const randomRuns = of('random');
  return methods
    .filter((m) => of(m).length > 0)
    .map((m): MethodCell => {
      const rs = of(m);
      const finals = rs.map((r) => r.top.validation.at(-1)).filter((v): v is number => v !== null && v !== undefined);
      const curve = FRACTIONS.map((_, i) => medianOf(rs.map((r) => r.top.validation[i] ?? null)));
      const vsO = optunaRuns.length > 0 && m !== OPTUNA_MF ? paired(rs, optunaRuns).diffs : null;
      const vsR = randomRuns.length > 0 && m !== 'random' ? paired(rs, randomRuns).diffs : null;
      const meanSe = (d: number[]) => {
        const mean = d.reduce((a, b) => a + b, 0) / d.length;
        const sd = d.length < 2 ? 0 : Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / (d.length - 1));
        return { mean, se: sd / Math.sqrt(d.length) };
      };
      const reach = optunaFinal === null ? null : (FRACTIONS.find((_, i) => (curve[i] ?? -Infinity) >= optunaFinal) ?? null);
      return {
        method: m,
        label: METHOD_LABELS.get(m) ?? m,
        seeds: rs.length,
        medianCurve: curve,
        final: { median: median(finals), q25: quantile(finals, 0.25), q75: quantile(finals, 0.75), min: Math.min(...finals), max: Math.max(...finals) },
        finalTest: medianOf(rs.map((r) => r.top.test.at(-1) ?? null)),
        finalAny: medianOf(rs.map((r) => r.any.validation.at(-1) ?? null)),
        finalAnyTest: medianOf(rs.map((r) => r.any.test.at(-1) ?? null)),
        bestBelowR: rs.filter((r) => r.any.finalMilestone !== null && r.any.finalMilestone < maxResource).length,
        trials: median(rs.map((r) => r.trials)),
        vsOptunaMf: vsO === null ? null : { wins: vsO.filter((d) => d > 0).length, losses: vsO.filter((d) => d < 0).length },
        vsRandom: vsR === null ? null : { ...meanSe(vsR), wins: vsR.filter((d) => d > 0).length, losses: vsR.filter((d) => d < 0).length },
        reachesOptunaAt: reach,
      };
    });
}

/** One target of the issue on one problem: what was measured, and whether it is met. */
export interface TargetCheck {
  readonly problem: string;
  readonly target: string;
  readonly measured: string;
  readonly met: boolean | null;
}

/**
 * The issue's targets on each problem, from the cells: the default multi-fidelity strategy beats
 * Optuna TPE + Hyperband at 100% (median) and reaches Optuna's final median with at most 50% of
 * the budget; the default Bayesian beats Optuna's RandomSampler (median, equal full-length jobs);
 * no method is worse than this tuner's Random beyond the noise (mean paired difference below
 * -2 standard errors). `met` is null when a method was not run.
 */
export function targetChecks(runs: readonly RunSummary[], methods: readonly string[], defaults: { readonly multiFidelity: string; readonly bayesian: string }): TargetCheck[] {
  const out: TargetCheck[] = [];
  for (const problem of REAL_PROBLEMS) {
    const cells = problemCells(runs, problem.id, methods, problem.fidelity.maxResource);
    if (cells.length === 0) continue;
    const cell = (m: string) => cells.find((c) => c.method === m);
    const mf = cell(defaults.multiFidelity);
    const optuna = cell(OPTUNA_MF);
    const bayes = cell(defaults.bayesian);
    const optRandom = cell(OPTUNA_RANDOM);
    const label = (m: string) => METHOD_LABELS.get(m) ?? m;
    const vs = (a: MethodCell | undefined, b: MethodCell | undefined, what: string): TargetCheck => {
      if (a === undefined || b === undefined) return { problem: problem.id, target: what, measured: 'not run', met: null };
      const d = a.final.median - b.final.median;
      const wl = pairedWinsLosses(runs.filter((r) => r.problem === problem.id && r.method === a.method), runs.filter((r) => r.problem === problem.id && r.method === b.method));
      return { problem: problem.id, target: what, measured: `${f4(a.final.median)} vs ${f4(b.final.median)} (${d >= 0 ? '+' : ''}${d.toFixed(4)}; per seed ${wl.wins}-${wl.losses})`, met: d > 0 };
    };
    out.push(vs(mf, optuna, `${label(defaults.multiFidelity)} beats ${label(OPTUNA_MF)} at 100%`));
    out.push(
      mf === undefined || optuna === undefined
        ? { problem: problem.id, target: `reaches ${label(OPTUNA_MF)}'s final median with at most 50% of the budget`, measured: 'not run', met: null }
        : {
            problem: problem.id,
            target: `${label(defaults.multiFidelity)} reaches ${label(OPTUNA_MF)}'s final median with at most 50% of the budget`,
            measured: mf.reachesOptunaAt === null ? 'not within the budget' : `at ${pct(mf.reachesOptunaAt)}`,
            met: mf.reachesOptunaAt !== null && mf.reachesOptunaAt <= 0.5 + 1e-9,
          },
    );
    out.push(vs(bayes, optRandom, `${label(defaults.bayesian)} beats ${label(OPTUNA_RANDOM)} (equal full-length jobs)`));
    const worse = cells.filter((c) => c.vsRandom !== null && c.vsRandom.mean < -2 * c.vsRandom.se);
    out.push({
      problem: problem.id,
      target: 'no method worse than Random beyond the noise (mean paired difference < -2 s.e.)',
      measured: worse.length === 0 ? 'none' : worse.map((c) => `${c.label} ${c.vsRandom?.mean.toFixed(4)} ± ${c.vsRandom?.se.toFixed(4)}`).join('; '),
      met: worse.length === 0,
    });
  }
  return out;
}

function pairedWinsLosses(a: readonly RunSummary[], b: readonly RunSummary[]): { wins: number; losses: number } {
  const d = paired(a, b).diffs;
  return { wins: d.filter((x) => x > 0).length, losses: d.filter((x) => x < 0).length };
}

const f4 = (v: number | null | undefined) => (v === null || v === undefined ? '-' : v.toFixed(4));
const pct = (f: number | null) => (f === null ? 'no' : `${Math.round(f * 100)}%`);

/** The Markdown report. */
export function renderRealMarkdown(results: RealResults, methods: readonly string[]): string {
  const m = results.meta;
  const out: string[] = [];
  out.push('# Real-training benchmark results', '');
  out.push(`Generated by \`${m.command}\` (\`bench/real/run.ts\`); every number below is in \`bench/results/real.json\`.`, '');
  out.push(`- date: ${m.date}`);
  out.push(`- machine: ${m.cpuModel}, ${m.cpuCount} logical CPUs, Node.js ${m.node}, Optuna ${m.optuna ?? '(not run)'} (Debian python3-optuna)`);
  out.push(`- git: ${m.gitCommit ?? 'unknown'}${m.gitDirty ? ' (working tree had uncommitted changes)' : ''}`);
  out.push(`- seeds: ${m.seeds.length} (${m.seeds.join(', ')}); ${m.workers} worker process(es); ${(m.wallSeconds / 60).toFixed(1)} min wall-clock, ${(m.cpuSeconds / 60).toFixed(1)} min of CPU in the benchmark processes (Optuna's Python processes not counted)`);
  out.push(`- epochs trained: ${m.epochsComputed} computed, ${m.epochsCached} answered again from the training cache (identical configurations of one seed; see \`bench/real/service.ts\`)`);
  out.push('');
  const checks = targetChecks(results.runs, methods, { multiFidelity: m.defaultMultiFidelity, bayesian: m.defaultBayesian });
  if (checks.length > 0) {
    out.push('## Targets', '');
    out.push('Medians over the seeds above, validation accuracy of the reported model (the tuner\'s rule: the best job at the highest resource reached).', '');
    out.push('| problem | target | measured | met |', '| --- | --- | --- | --- |');
    for (const c of checks) out.push(`| ${c.problem} | ${c.target} | ${c.measured} | ${c.met === null ? '-' : c.met ? 'yes' : '**no**'} |`);
    out.push('');
    const half = checks.filter((c) => c.target.includes('with at most 50% of the budget') && c.met !== null);
    if (half.length > 0) {
      const met = half.filter((c) => c.met).length;
      out.push(`The 50%-of-the-budget target asks for at least two problems: met on ${met} of ${half.length}${met >= Math.min(2, half.length) ? '' : ' (**missed**)'}. The others ask for every problem.`, '');
    }
  }
  for (const problem of REAL_PROBLEMS) {
    const cells = problemCells(results.runs, problem.id, methods, problem.fidelity.maxResource);
    if (cells.length === 0) continue;
    out.push(`## ${problem.id}: ${problem.title}`, '');
    out.push(problem.description, '');
    out.push(`Budget: ${problem.epochBudget} epochs (${problem.fifoJobs} full-length jobs of R = ${problem.fidelity.maxResource}); r_min = ${problem.fidelity.minResource}, eta = ${problem.fidelity.eta}; 4 jobs (trials) in parallel.`, '');
    out.push(
      '| method | median validation accuracy at 100% [IQR] | min-max | test accuracy of the reported model | at 25% | at 50% | reaches Optuna TPE+HB\'s final median at | W-L vs Optuna TPE+HB | vs Random: mean diff ± s.e. [W-L] | trials | best job at any rung below R | AMT\'s rule (best job at any rung): validation / test |',
    );
    out.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    const at = (c: MethodCell, f: number) => c.medianCurve[FRACTIONS.findIndex((x) => Math.abs(x - f) < 1e-9)] ?? null;
    for (const c of cells) {
      out.push(
        `| ${c.label} | ${f4(c.final.median)} [${f4(c.final.q25)}, ${f4(c.final.q75)}] | ${f4(c.final.min)}-${f4(c.final.max)} | ${f4(c.finalTest)} | ${f4(at(c, 0.25))} | ${f4(at(c, 0.5))} | ${
          c.method === OPTUNA_MF ? '(reference)' : pct(c.reachesOptunaAt)
        } | ${c.vsOptunaMf === null ? '-' : `${c.vsOptunaMf.wins}-${c.vsOptunaMf.losses}`} | ${
          c.vsRandom === null ? '-' : `${c.vsRandom.mean >= 0 ? '+' : ''}${c.vsRandom.mean.toFixed(4)} ± ${c.vsRandom.se.toFixed(4)} [${c.vsRandom.wins}-${c.vsRandom.losses}]`
        } | ${c.trials} | ${c.bestBelowR}/${c.seeds} | ${f4(c.finalAny)} / ${f4(c.finalAnyTest)} |`,
      );
    }
    out.push('');
  }
  out.push('## Method', '');
  out.push(
    '- Validation accuracy is the tuners\' objective (1,000 digits); test accuracy (1,000 other digits, never seen by a tuner) is that of the model the run reports, the job\'s own model at the epoch it reached.',
    '- "at x%": the incumbent once the run\'s finished jobs (Optuna: epochs) have trained x% of the epoch budget. Jobs still running at the cut count for nothing.',
    `- Test fractions evaluated: ${TEST_FRACTIONS.map((f) => `${f * 100}%`).join(', ')}.`,
  );
  return `${out.join('\n')}\n`;
}
