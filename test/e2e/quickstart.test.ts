/**
 * The README's main command, as a newcomer runs it: `npx hpo local examples/quickstart/tuning.json`
 * (the real CLI process, the local twin, real training processes on real MNIST digits).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openLocalStore, runPaths } from '../../local/workspace';

const ROOT = resolve(__dirname, '../..');

/** What the script's untuned defaults reach in the same 9 epochs (examples/quickstart/README.md). */
const DEFAULTS_ACCURACY = 0.832;

it('tunes the quickstart model to a clearly better accuracy than its defaults, with exactly the planned jobs', async () => {
  const home = mkdtempSync(join(tmpdir(), 'hpo-quickstart-'));
  try {
    // Act
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      const child = spawn(process.execPath, [join(ROOT, 'bin/hpo.js'), 'local', 'examples/quickstart/tuning.json'], {
        cwd: ROOT,
        env: { ...process.env, HPO_HOME: join(home, '.hpo'), NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => done({ code, stdout, stderr }));
    });
    // Assess
    expect(result.stderr).not.toMatch(/this is a bug/);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('run quickstart-mnist completed: budget used: 40 of 40 training jobs started');
    const opened = await openLocalStore(runPaths(join(home, '.hpo'), 'quickstart-mnist').dynamodb);
    try {
      const run = await opened.store.getRun('quickstart-mnist');
      const jobs = await opened.store.listJobs('quickstart-mnist');
      expect(jobs).toHaveLength(40);
      expect(jobs.every((j) => j.status === 'Completed')).toBe(true);
      expect(run?.best?.milestone).toBe(9);
      expect(run?.best?.objective).toBeGreaterThan(DEFAULTS_ACCURACY + 0.05);
    } finally {
      await opened.close();
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}, 300_000);
