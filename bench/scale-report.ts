/**
 * Markdown tables of scale benchmark results (bench/scale.ts), for bench/RESULTS-SCALE.md.
 *
 *   npx tsx bench/scale-report.ts bench/results/scale-quick.json bench/results/scale-10000x100.json
 */
import { readFileSync } from 'node:fs';
import type { ScaleRunResult } from './scale';

function fmt(x: number | undefined, digits = 0): string {
  if (x === undefined || Number.isNaN(x)) return '–';
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function renderScaleTables(results: readonly ScaleRunResult[]): string {
  const lines: string[] = [];
  const label = (r: ScaleRunResult): string => `${r.strategy} ${fmt(r.jobs)}×${r.parallel}${r.store === 'memory' ? ' (in-memory store)' : ''}`;
  const pct = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '–' : `${(x * 100).toFixed(1)}%`);
  lines.push('| run | status | jobs recorded / created | ticks | executions | max history events | slot utilisation | until the last job starts | after it (share of the run) | virtual hours | wall s |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    lines.push(
      `| ${label(r)} | ${r.status} | ${fmt(r.jobsRecorded)} / ${fmt(r.jobsCreated)} | ${fmt(r.ticks)} | ${r.executions} | ${fmt(r.maxHistoryEvents)} | ${pct(r.slotUtilisation)} | ${pct(r.slotUtilisationBeforeLastStart)} | ${pct(r.tailShare)} | ${r.virtualHours.toFixed(1)} | ${fmt(r.wallSeconds)} |`,
    );
  }
  lines.push('');
  lines.push('Per 1,000 training jobs:');
  lines.push('');
  lines.push('| run | state transitions | Lambda invocations | Lambda GB-s | DynamoDB RRU | DynamoDB WRU | CreateTrainingJob | DescribeTrainingJob | StopTrainingJob | UpdateTrainingJob | log MB | $ Step Functions | $ Lambda | $ DynamoDB | $ Logs | **$ total** |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const p = r.perThousand;
    lines.push(
      `| ${label(r)} | ${fmt(p.stateTransitions)} | ${fmt(p.lambdaInvocations)} | ${fmt(p.lambdaGbSeconds, 1)} | ${fmt(p.readUnits)} | ${fmt(p.writeUnits)} | ${fmt(p.CreateTrainingJob)} | ${fmt(p.DescribeTrainingJob)} | ${fmt(p.StopTrainingJob ?? 0)} | ${fmt(p.UpdateTrainingJob ?? 0)} | ${fmt(p.logBytes / 1e6, 1)} | ${fmt(p.usdStepFunctions, 4)} | ${fmt(p.usdLambda, 4)} | ${fmt(p.usdDynamoDb, 4)} | ${fmt(p.usdLogs, 4)} | **${fmt(p.usdTotal, 4)}** |`,
    );
  }
  lines.push('');
  lines.push('Tick at n jobs ended (median of the ticks within ±2% of n; with dynalite, CPU includes dynalite serving the requests in the same process; with the in-memory store, read units are estimated from item sizes):');
  lines.push('');
  lines.push('| run | n | ticks | CPU ms | read units | wall ms |');
  lines.push('|---|---|---|---|---|---|');
  for (const r of results) for (const t of r.tickProbes) lines.push(`| ${label(r)} | ${fmt(t.n)} | ${t.ticks} | ${fmt(t.cpuMs, 1)} | ${fmt(t.readUnits, 1)} | ${fmt(t.ms, 1)} |`);
  lines.push('');
  lines.push('DynamoDB by function (units per 1,000 jobs, read / write):');
  lines.push('');
  const fns = [...new Set(results.flatMap((r) => Object.keys(r.dynamodb.byFunction)))];
  lines.push(`| run | ${fns.join(' | ')} |`);
  lines.push(`|---|${fns.map(() => '---').join('|')}|`);
  for (const r of results) {
    const k = r.jobsRecorded / 1000;
    lines.push(`| ${label(r)} | ${fns.map((f) => (r.dynamodb.byFunction[f] ? `${fmt(r.dynamodb.byFunction[f].read / k)} / ${fmt(r.dynamodb.byFunction[f].write / k)}` : '–')).join(' | ')} |`);
  }
  return lines.join('\n');
}

if (require.main === module) {
  const results: ScaleRunResult[] = [];
  for (const file of process.argv.slice(2)) results.push(...(JSON.parse(readFileSync(file, 'utf8')) as { results: ScaleRunResult[] }).results);
  process.stdout.write(`${renderScaleTables(results)}\n`);
}
