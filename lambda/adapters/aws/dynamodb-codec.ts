/**
 * How run fields, logs and records are encoded in the results table's items: native strings
 * where the store owns the value, JSON text for arbitrary numbers (./dynamodb-run-store.ts, "Item
 * layout"), gzip'd JSON for the input and the commit log.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { JobRecord, ResultEntry, RunRecord, TrialRecord } from '../../../core/orchestrator/records';
import type { RunPatchField } from '../run-store-rules';
import type { Item } from './dynamodb-table';

/** Largest gzip'd write-ahead log a commit may carry (the run item must stay below 400 KB). */
export const MAX_PENDING_BYTES = 300_000;

/** Run fields stored as native strings. */
export const RUN_TEXT_FIELDS = ['runId', 'status', 'executionArn', 'createdAt', 'updatedAt', 'endedAt', 'statusReason', 'endStatus', 'checkpoints'] as const;
/** Run fields stored as JSON text. */
export const RUN_JSON_FIELDS = ['seed', 'counters', 'best', 'jobsSinceImprovement', 'spec', 'warnings', 'activeJobs', 'resultCount', 'failureTally', 'jobDurations', 'earlyStopping'] as const;

/** The write-ahead log of one tick commit. */
export interface PendingLog {
  readonly trials: readonly TrialRecord[];
  readonly jobs: readonly JobRecord[];
  /** Absent in logs written before the results log existed. */
  readonly results?: readonly ResultEntry[];
}

/** Helper for expression attribute names and values. */
export class Expression {
  private readonly names: Record<string, string> = {};
  private readonly values: Record<string, unknown> = {};
  private count = 0;

  name(attribute: string): string {
    const placeholder = `#${attribute}`;
    this.names[placeholder] = attribute;
    return placeholder;
  }

  value(value: unknown): string {
    const placeholder = `:v${this.count++}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  attributes(): { ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues: Record<string, unknown> } {
    return { ExpressionAttributeNames: this.names, ExpressionAttributeValues: this.values };
  }
}

export function encodeRunField(field: RunPatchField, value: unknown): unknown {
  return (RUN_JSON_FIELDS as readonly string[]).includes(field) ? JSON.stringify(value) : value;
}

export function decodeRun(item: Item): RunRecord {
  const run: Record<string, unknown> = {};
  for (const field of RUN_TEXT_FIELDS) if (typeof item[field] === 'string') run[field] = item[field];
  for (const field of RUN_JSON_FIELDS) if (item[field] !== undefined) run[field] = parseJson(item[field], field);
  run.version = item.version;
  run.tickSeq = item.tickSeq;
  run.input = gunzipJson(item.input, 'input');
  return run as unknown as RunRecord;
}

export function encodePending(log: PendingLog): Uint8Array {
  const bytes = gzipJson(log);
  if (bytes.byteLength > MAX_PENDING_BYTES) {
    throw new RangeError(
      `tick commit too large: ${log.trials.length} trials and ${log.jobs.length} jobs take ${bytes.byteLength} bytes gzip'd, at most ${MAX_PENDING_BYTES} allowed`,
    );
  }
  return bytes;
}

export function decodePending(value: unknown): PendingLog {
  return gunzipJson(value, 'pending') as PendingLog;
}

export function gzipJson(value: unknown): Uint8Array {
  return new Uint8Array(gzipSync(JSON.stringify(value)));
}

export function gunzipJson(value: unknown, what: string): unknown {
  if (!(value instanceof Uint8Array)) throw new TypeError(`stored ${what} is not binary`);
  return JSON.parse(gunzipSync(value).toString('utf8'));
}

export function parseJson(value: unknown, what: string): unknown {
  if (typeof value !== 'string') throw new TypeError(`stored ${what} is not JSON text`);
  return JSON.parse(value);
}

