/**
 * Where malformed JSON goes wrong, as line and column.
 *
 * `JSON.parse` error messages differ between Node versions and often carry no position, so
 * this small scanner walks the JSON grammar (RFC 8259) and reports the first error itself.
 */

/** The first syntax error of a JSON text. */
export interface JsonSyntaxError {
  /** 0-based character offset. */
  readonly offset: number;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
  /** Lowercase description, e.g. `expected ',' or '}' after a property value, got '"'`. */
  readonly message: string;
}

class Failure {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

function describe(ch: string | undefined): string {
  if (ch === undefined) return 'the end of the input';
  if (ch === '\n') return 'a line break';
  return `'${ch}'`;
}

class Scanner {
  private pos = 0;

  constructor(private readonly s: string) {}

  document(): void {
    this.space();
    this.value();
    this.space();
    if (this.pos < this.s.length) throw new Failure(this.pos, `unexpected ${describe(this.s[this.pos])} after the JSON value`);
  }

  private fail(expected: string): never {
    throw new Failure(this.pos, `expected ${expected}, got ${describe(this.s[this.pos])}`);
  }

  private space(): void {
    while (this.pos < this.s.length && ' \t\n\r'.includes(this.s[this.pos])) this.pos++;
  }

  private value(): void {
    const ch = this.s[this.pos];
    if (ch === '{') return this.object();
    if (ch === '[') return this.array();
    if (ch === '"') return this.string();
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return this.number();
    for (const word of ['true', 'false', 'null']) {
      if (this.s.startsWith(word, this.pos)) {
        this.pos += word.length;
        return;
      }
    }
    this.fail('a value');
  }

  private object(): void {
    this.pos++;
    this.space();
    if (this.s[this.pos] === '}') {
      this.pos++;
      return;
    }
    for (;;) {
      this.space();
      if (this.s[this.pos] !== '"') this.fail(this.s[this.pos] === '}' ? 'a property name (no trailing comma)' : 'a property name in double quotes');
      this.string();
      this.space();
      if (this.s[this.pos] !== ':') this.fail("':' after a property name");
      this.pos++;
      this.space();
      this.value();
      this.space();
      const ch = this.s[this.pos];
      this.pos++;
      if (ch === '}') return;
      if (ch !== ',') {
        this.pos--;
        this.fail("',' or '}' after a property value");
      }
    }
  }

  private array(): void {
    this.pos++;
    this.space();
    if (this.s[this.pos] === ']') {
      this.pos++;
      return;
    }
    for (;;) {
      this.space();
      if (this.s[this.pos] === ']') this.fail('a value (no trailing comma)');
      this.value();
      this.space();
      const ch = this.s[this.pos];
      this.pos++;
      if (ch === ']') return;
      if (ch !== ',') {
        this.pos--;
        this.fail("',' or ']' after an array item");
      }
    }
  }

  private string(): void {
    this.pos++;
    for (;;) {
      const ch = this.s[this.pos];
      if (ch === undefined) this.fail('a closing \'"\'');
      if (ch === '"') {
        this.pos++;
        return;
      }
      if (ch < ' ') this.fail('no control characters in a string (escape line breaks as \\n)');
      if (ch === '\\') {
        this.pos++;
        const esc = this.s[this.pos];
        if (esc === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.s.slice(this.pos + 1, this.pos + 5))) this.fail('four hex digits after \\u');
          this.pos += 5;
          continue;
        }
        if (esc === undefined || !'"\\/bfnrt'.includes(esc)) this.fail('a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)');
      }
      this.pos++;
    }
  }

  private number(): void {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.s.slice(this.pos));
    if (match === null) this.fail('a number');
    this.pos += match[0].length;
  }
}

/**
 * The first syntax error in `text`, or undefined when `text` is valid JSON.
 *
 * @param text - a JSON document
 */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  try {
    new Scanner(text).document();
    return undefined;
  } catch (e) {
    if (!(e instanceof Failure)) throw e;
    const before = text.slice(0, e.offset);
    const line = before.split('\n').length;
    const column = e.offset - before.lastIndexOf('\n');
    return { offset: e.offset, line, column, message: e.message };
  }
}
