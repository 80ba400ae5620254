/**
 * Converts the Java regular expressions of AWS API models to JavaScript RegExps.
 *
 * The service matches a pattern against the whole value (Java `Matcher.matches()`), so the
 * result is anchored at both ends. Java-only syntax seen in the SageMaker model is
 * translated: POSIX classes such as `\p{Alnum}`, and escapes of punctuation that JavaScript's
 * `u` mode rejects (`\-` outside a character class). Unicode categories (`\p{L}`) and
 * lookbehind are native in JavaScript with the `u` flag.
 */

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  Alnum: 'A-Za-z0-9',
  Alpha: 'A-Za-z',
  Digit: '0-9',
  Upper: 'A-Z',
  Lower: 'a-z',
  XDigit: '0-9A-Fa-f',
  Space: ' \\t\\n\\x0B\\f\\r',
  Punct: '!-\\/:-@\\[-`{-~',
};

/** Characters that may be escaped in a `u`-mode JavaScript pattern outside a class. */
const JS_SYNTAX = new Set('^$\\.*+?()[]{}|/'.split(''));

const cache = new Map<string, RegExp>();

/**
 * Translates a Java pattern to JavaScript source (unanchored).
 *
 * @throws Error for Java constructs JavaScript cannot express (possessive quantifiers,
 *   atomic groups, `\Q...\E`), naming the pattern.
 */
export function javaPatternToJsSource(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const n = pattern[i + 1];
      if (n === undefined) throw new Error(`pattern ends with a lone backslash: ${pattern}`);
      if (n === 'Q' || n === 'E') throw new Error(`\\Q...\\E quoting is not supported: ${pattern}`);
      if ((n === 'p' || n === 'P') && pattern[i + 2] === '{') {
        const end = pattern.indexOf('}', i + 3);
        if (end < 0) throw new Error(`unterminated \\p{...} in pattern: ${pattern}`);
        const name = pattern.slice(i + 3, end);
        const posix = POSIX_CLASSES[name];
        if (posix !== undefined) {
          if (n === 'P' && inClass) throw new Error(`negated POSIX class inside a class: ${pattern}`);
          if (n === 'P') out += `[^${posix}]`;
          else out += inClass ? posix : `[${posix}]`;
        } else {
          out += pattern.slice(i, end + 1); // Unicode property: native with the u flag
        }
        i = end;
        continue;
      }
      if (/[A-Za-z0-9]/.test(n)) out += `\\${n}`;
      else if (JS_SYNTAX.has(n) || (inClass && n === '-')) out += `\\${n}`;
      else out += n; // Java allows escaping any punctuation; u-mode JavaScript does not
      i++;
      continue;
    }
    if (inClass) {
      if (c === '[') throw new Error(`nested character classes are not supported: ${pattern}`);
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (pattern[i + 1] === '^') out += pattern[++i];
      if (pattern[i + 1] === ']') out += `\\${pattern[++i]}`; // a leading ] is a literal in Java
      continue;
    }
    if ((c === '+' || c === '*' || c === '?' || c === '}') && pattern[i + 1] === '+') {
      throw new Error(`possessive quantifiers are not supported: ${pattern}`);
    }
    if (c === '(' && pattern[i + 1] === '?' && pattern[i + 2] === '>') {
      throw new Error(`atomic groups are not supported: ${pattern}`);
    }
    out += c;
  }
  return out;
}

/**
 * Compiles a Java model pattern into a JavaScript RegExp that must match the whole value.
 *
 * @param pattern the pattern as the API model has it, e.g. `[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`
 * @returns a cached RegExp `^(?:...)$` with the `u` flag
 */
export function compileModelPattern(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    re = new RegExp(`^(?:${javaPatternToJsSource(pattern)})$`, 'u');
    cache.set(pattern, re);
  }
  return re;
}

/**
 * Compiles a MetricDefinitions regex (Python/Java style, searched anywhere in a log line).
 *
 * @returns an unanchored RegExp, or undefined when the regex cannot be expressed in JavaScript
 */
export function compileMetricRegex(regex: string): RegExp | undefined {
  try {
    return new RegExp(javaPatternToJsSource(regex), 'u');
  } catch {
    try {
      return new RegExp(regex);
    } catch {
      return undefined;
    }
  }
}
