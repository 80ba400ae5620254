/**
 * Number, time and table formatting shared by the CLI's renderers. Pure functions.
 */
import { visibleLength } from './ansi';

/** An objective value with up to 6 significant digits (`0.931234`, `1.5e-7`, `-12.5`). */
export function formatObjective(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  const rounded = Number(value.toPrecision(6));
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

/**
 * A hyperparameter value (SageMaker's string form) for a table: numbers other than integers
 * are shown with 4 significant digits; anything else as it is.
 */
export function formatHyperParameter(value: string | undefined): string {
  if (value === undefined) return '-';
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value.trim())) return value;
  const n = Number(value);
  if (!Number.isFinite(n) || Number.isInteger(n)) return value;
  return String(Number(n.toPrecision(4)));
}

/** A duration: `42s`, `3m 05s`, `1h 02m`, `2d 03h`. Negative or non-finite values read `0s`. */
export function formatDuration(seconds: number): string {
  const s = Number.isFinite(seconds) && seconds > 0 ? Math.floor(seconds) : 0;
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86_400)}d ${pad(Math.floor((s % 86_400) / 3600))}h`;
}

/** Seconds between two ISO timestamps (or `now`), or NaN when one does not parse. */
export function secondsBetween(fromIso: string | undefined, to: string | Date | undefined): number {
  const from = fromIso === undefined ? Number.NaN : Date.parse(fromIso);
  const end = to === undefined ? Number.NaN : to instanceof Date ? to.getTime() : Date.parse(to);
  return (end - from) / 1000;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** `HH:MM:SS` in local time, or `--:--:--` when the timestamp does not parse. */
export function formatClock(iso: string | undefined): string {
  const t = iso === undefined ? Number.NaN : Date.parse(iso);
  if (!Number.isFinite(t)) return '--:--:--';
  const d = new Date(t);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** `YYYY-MM-DD HH:MM` in local time, or `-`. */
export function formatDateTime(iso: string | undefined): string {
  const t = iso === undefined ? Number.NaN : Date.parse(iso);
  if (!Number.isFinite(t)) return '-';
  const d = new Date(t);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

/** `n word` or `n words`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** How a column is aligned. */
export type Align = 'left' | 'right';

/** A column of {@link layoutTable}. */
export interface Column {
  readonly header: string;
  readonly align?: Align;
}

/**
 * Lay out a table: columns as wide as their widest cell, two spaces apart, trailing blanks
 * trimmed. Returns the header line followed by one line per row.
 */
export function layoutTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string[] {
  const widths = columns.map((c, i) => Math.max(visibleLength(c.header), ...rows.map((r) => visibleLength(r[i] ?? ''))));
  const line = (cells: readonly string[]): string =>
    columns
      .map((c, i) => {
        const cell = cells[i] ?? '';
        const fill = ' '.repeat(widths[i] - visibleLength(cell));
        return c.align === 'right' ? fill + cell : cell + fill;
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...rows.map(line)];
}

/** One CSV field per RFC 4180: quoted (quotes doubled) when it holds a comma, quote or line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A CSV document per RFC 4180: a header row, then the rows, each ending in CRLF. */
export function toCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [header, ...rows].map((r) => `${r.map(csvField).join(',')}\r\n`).join('');
}
