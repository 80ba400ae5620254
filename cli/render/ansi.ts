/**
 * A tiny ANSI helper: colors only when enabled, and width arithmetic that ignores escapes.
 * No dependencies; the caller decides whether color is on (see {@link colorEnabled}).
 */

/** Text styles; each returns its input unchanged when color is off. */
export interface Style {
  readonly enabled: boolean;
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

const ESC = '\u001b[';
// SGR and the cursor/erase sequences LiveDisplay writes.
const ANSI_PATTERN = /\u001b\[[0-9;?]*[A-Za-z]/g;

function sgr(open: number, close: number, enabled: boolean): (s: string) => string {
  return enabled ? (s) => (s === '' ? s : `${ESC}${open}m${s}${ESC}${close}m`) : (s) => s;
}

/** Styles that color when `enabled`, and are the identity otherwise. */
export function style(enabled: boolean): Style {
  return {
    enabled,
    bold: sgr(1, 22, enabled),
    dim: sgr(2, 22, enabled),
    red: sgr(31, 39, enabled),
    green: sgr(32, 39, enabled),
    yellow: sgr(33, 39, enabled),
    cyan: sgr(36, 39, enabled),
  };
}

/**
 * Whether to color output: only on a terminal, never when `NO_COLOR` is set to a non-empty
 * value (https://no-color.org) or `TERM=dumb`.
 */
export function colorEnabled(isTTY: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  if (!isTTY) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return env.TERM !== 'dumb';
}

/** `s` without ANSI escape sequences. */
export function stripAnsi(s: string): string {
  return s.replace(ANSI_PATTERN, '');
}

/** Columns `s` takes on a terminal (code points, escapes ignored). */
export function visibleLength(s: string): number {
  return [...stripAnsi(s)].length;
}

/**
 * `s` cut to at most `width` visible columns, ending in `…` when cut. Escape sequences are
 * kept (a reset is appended when any was cut through), so a colored line stays well formed.
 */
export function truncate(s: string, width: number): string {
  if (visibleLength(s) <= width) return s;
  if (width <= 0) return '';
  let out = '';
  let shown = 0;
  let sawEscape = false;
  const tokens = s.split(/(\u001b\[[0-9;?]*[A-Za-z])/);
  for (const token of tokens) {
    if (token.startsWith('\u001b[')) {
      out += token;
      sawEscape = true;
      continue;
    }
    for (const ch of token) {
      if (shown === width - 1) return `${out}…${sawEscape ? `${ESC}0m` : ''}`;
      out += ch;
      shown++;
    }
  }
  return out;
}

/** Move the cursor up `n` lines to column 1 and erase from there to the end of the screen. */
export function eraseLinesAbove(n: number): string {
  return n > 0 ? `${ESC}${n}A\r${ESC}J` : '';
}
