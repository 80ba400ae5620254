/**
 * A block of lines redrawn in place on a terminal, with log lines scrolling above it.
 */
import { eraseLinesAbove } from './ansi';

/** Where a {@link LiveDisplay} writes. */
export interface LiveDisplayOptions {
  /** Writes text exactly as given. */
  readonly write: (s: string) => void;
  /** On a terminal the block is redrawn in place; otherwise only change lines are written. */
  readonly isTTY: boolean;
}

/**
 * Shows a progress block that updates in place.
 *
 * On a TTY, `update` moves the cursor up over the block it drew last, erases it, writes the
 * change lines (they stay, scrolling up like a log) and draws the new block below them.
 * Elsewhere (a file, a CI log) it writes only the change lines, so the log stays readable.
 * Lines of the block must fit the terminal's width (see `renderProgress`), or wrapped lines
 * would be left behind.
 */
export class LiveDisplay {
  private drawn = 0;
  private lastBlock = '';

  constructor(private readonly options: LiveDisplayOptions) {}

  /** Whether the block is redrawn in place. */
  get isLive(): boolean {
    return this.options.isTTY;
  }

  /**
   * Show `changes` (log lines) and redraw `block`.
   *
   * @param block - the progress block (ignored when not a TTY)
   * @param changes - lines to add to the log, e.g. from `describeJobChange`
   */
  update(block: readonly string[], changes: readonly string[] = []): void {
    const log = changes.map((line) => `${line}\n`).join('');
    if (!this.options.isTTY) {
      if (log !== '') this.options.write(log);
      return;
    }
    const text = block.map((line) => `${line}\n`).join('');
    if (log === '' && text === this.lastBlock && this.drawn === block.length) return;
    this.options.write(`${eraseLinesAbove(this.drawn)}${log}${text}`);
    this.drawn = block.length;
    this.lastBlock = text;
  }

  /** Erase the block (on a TTY), e.g. before printing a message. */
  clear(): void {
    if (this.options.isTTY && this.drawn > 0) this.options.write(eraseLinesAbove(this.drawn));
    this.drawn = 0;
    this.lastBlock = '';
  }

  /** Leave the last block on screen: later output goes below it and `update` starts afresh. */
  finish(): void {
    this.drawn = 0;
    this.lastBlock = '';
  }
}
