/**
 * Text formats of the report: times, durations, money, counts.
 */

/** An ISO timestamp as `2025-03-01 14:05:09 UTC`; the input itself when it does not parse. */
export function formatTime(iso: string | Date | undefined): string {
  if (iso === undefined) return '—';
  const t = iso instanceof Date ? iso.getTime() : Date.parse(iso);
  if (!Number.isFinite(t)) return String(iso);
  return `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Seconds as `45 s`, `12 min 05 s`, `3 h 07 min`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** US dollars with cents (`$1,234.50`); fractions of a cent as `<$0.01`. */
export function formatUsd(usd: number): string {
  if (usd > 0 && usd < 0.005) return '<$0.01';
  return `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** The cost of `seconds` of billed time at `pricePerHour`. */
export function costOf(seconds: number, pricePerHour: number): number {
  return (seconds / 3600) * pricePerHour;
}

/** `1 job`, `3 jobs`. */
export function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

/** The unit elapsed seconds are best shown in, given the largest value. */
export function timeUnit(maxSeconds: number): { readonly name: string; readonly seconds: number } {
  if (maxSeconds < 120) return { name: 's', seconds: 1 };
  if (maxSeconds < 2 * 3600) return { name: 'min', seconds: 60 };
  return { name: 'h', seconds: 3600 };
}
