/**
 * The CLI's connection to the outside world, as an interface so commands run in-process in tests.
 */

/**
 * Where a command writes and where it runs.
 *
 * `stdout` and `stderr` write text exactly as given (commands add their own newlines).
 */
export interface CliIo {
  /** Write to standard output. */
  stdout(s: string): void;
  /** Write to standard error. */
  stderr(s: string): void;
  /** Whether standard output is a terminal (commands may format for humans). */
  isTTY: boolean;
  /** The folder relative paths are resolved against. */
  cwd: string;
}

/**
 * A `CliIo` bound to the current process: its stdout, stderr and working directory.
 */
export function processIo(): CliIo {
  return {
    stdout: (s) => {
      process.stdout.write(s);
    },
    stderr: (s) => {
      process.stderr.write(s);
    },
    isTTY: process.stdout.isTTY === true,
    cwd: process.cwd(),
  };
}

/**
 * An error the user can fix (bad arguments, unreadable file): `main` prints `error: <message>`
 * without a stack trace and exits with `exitCode`.
 */
export class CliError extends Error {
  /**
   * @param message - lowercase, says what was wrong and what is allowed
   * @param exitCode - the process exit code (2 for bad input or arguments)
   */
  constructor(
    message: string,
    readonly exitCode: number = 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
