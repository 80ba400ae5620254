/**
 * Reading AMT's string-typed range bounds, and the size of a grid.
 */

/**
 * The number written in `s` (decimal or exponent notation, e.g. `"1e-4"`, `"-0.5"`), or
 * undefined when `s` is not exactly a finite number.
 *
 * @param s - a range bound as written in the input
 */
export function parseDecimal(s: string): number | undefined {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return undefined;
  const value = Number(s);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * The integer written in `s` (digits with an optional sign, e.g. `"16"`), or undefined when
 * `s` is not exactly a safe integer.
 *
 * @param s - a range bound as written in the input
 */
export function parseInteger(s: string): number | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const value = Number(s);
  return Number.isSafeInteger(value) ? value : undefined;
}

/**
 * The number of grid combinations: the product of the numbers of distinct values.
 *
 * @param valueLists - the `Values` of each categorical range
 */
export function gridSize(valueLists: readonly (readonly string[])[]): number {
  return valueLists.reduce((size, values) => size * new Set(values).size, 1);
}
