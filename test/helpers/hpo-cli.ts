/** Runs the real `hpo` CLI (bin/hpo.js) as a user would, in its own process. */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/** What a finished `hpo` process printed, and its exit code. */
export interface HpoResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `hpo <args>` in `cwd` with `HPO_HOME=<home>/.hpo` and no colours; resolves when it exits. */
export function runHpo(args: readonly string[], options: { readonly home: string; readonly cwd?: string }): Promise<HpoResult> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/hpo.js'), ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, HPO_HOME: join(options.home, '.hpo'), NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}
