/**
 * The README's main command, as a newcomer runs it: `npx hpo local examples/quickstart/tuning.json`
 * (the real CLI process, the local twin, real training processes on real MNIST digits).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openLocalStore, runPaths } from '../../local/workspace';
import { runHpo, type HpoResult } from '../helpers/hpo-cli';

const ROOT = resolve(__dirname, '../..');

/** What the script's untuned defaults reach in the same 9 epochs (examples/quickstart/README.md). */
const DEFAULTS_ACCURACY = 0.832;

/** `npx hpo local <file>` in `cwd`, with its own HPO_HOME. */
function hpoLocal(file: string, home: string, cwd = ROOT): Promise<HpoResult> {
  return runHpo(['local', file], { home, cwd });
}

it('a quickstart script that crashes on import stops after the first few jobs, exit 1, with the error line and the log', async () => {
  // Prepare: the quickstart's own tuning.json, but its script needs a module that is not installed
  // (the commonest crash on import), as a user would see it after a bad edit.
  const home = mkdtempSync(join(tmpdir(), 'hpo-quickstart-crash-'));
  try {
    const dir = join(home, 'quickstart');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'train.js'),
      `require('an-uninstalled-plotting-library');\nrequire(${JSON.stringify(join(ROOT, 'examples/quickstart/train.js'))});\n`,
    );
    writeFileSync(join(dir, 'tuning.json'), readFileSync(join(ROOT, 'examples/quickstart/tuning.json')));
    // Act
    const result = await hpoLocal('quickstart/tuning.json', home, home);
    // Assess
    expect(result.stderr).not.toMatch(/this is a bug/);
    expect(result.code).toBe(1);
    const [status, logLine] = result.stdout.trimEnd().split('\n').slice(-2);
    expect(status).toMatch(
      /^run quickstart-mnist failed: the first ([34]) training jobs all failed \(FailureConfig.MaxInitialFailures 3\): all \1: "AlgorithmError: Error: Cannot find module 'an-uninstalled-plotting-library'" \(e\.g\. hpo-quickstart-mnist-000\d-r1\)$/,
    );
    expect(logLine).toMatch(/^the log of hpo-quickstart-mnist-000\d-r1: \.hpo\/runs\/quickstart-mnist\/jobs\/hpo-quickstart-mnist-000\d-r1\/output\/log\.txt$/);
    const opened = await openLocalStore(runPaths(join(home, '.hpo'), 'quickstart-mnist').dynamodb);
    try {
      const jobs = await opened.store.listJobs('quickstart-mnist');
      // 3 failed; with 2 jobs in parallel a 4th may have started: it is stopped, or it crashed (on
      // import, in well under a second) before the stop reached it. Never the 40 of the budget.
      const failed = jobs.filter((j) => j.status === 'Failed').length;
      expect(failed).toBeGreaterThanOrEqual(3);
      expect(jobs.length).toBeLessThanOrEqual(4);
      expect(jobs.every((j) => j.status === 'Failed' || j.status === 'Stopped')).toBe(true);
      expect((await opened.store.getRun('quickstart-mnist'))?.status).toBe('Failed');
    } finally {
      await opened.close();
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}, 120_000);

it('tunes the quickstart model to a clearly better accuracy than its defaults, with exactly the planned jobs', async () => {
  const home = mkdtempSync(join(tmpdir(), 'hpo-quickstart-'));
  try {
    // Act
    const result = await hpoLocal('examples/quickstart/tuning.json', home);
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
