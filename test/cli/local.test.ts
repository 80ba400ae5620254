/**
 * `hpo local` as a user runs it: the real CLI process (bin/hpo.js), the local twin, real
 * training processes. Non-TTY output, so the plain log lines are what we read.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openLocalStore, runPaths } from '../../local/workspace';
import { tuningInput } from '../helpers/inputs';
import { until } from '../helpers/until';

const ROOT = resolve(__dirname, '../..');
const TRAIN_SCRIPT = resolve(ROOT, 'test/fixtures/train-scripts/train.js');

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function startHpo(args: string[], home: string): { child: ChildProcess; done: Promise<Finished>; output: () => string } {
  const child = spawn(process.execPath, [join(ROOT, 'bin/hpo.js'), ...args], {
    cwd: home,
    env: { ...process.env, HPO_HOME: join(home, '.hpo'), NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Finished>((resolveDone) => child.on('close', (code) => resolveDone({ code, stdout, stderr })));
  return { child, done, output: () => stdout + stderr };
}

/** Writes a tuning input for local mode; `localOnly` leaves out the cloud-only fields (local defaults apply). */
function writeInput(home: string, name: string, options: Parameters<typeof tuningInput>[0], staticHps: Record<string, string> = {}, localOnly = false): string {
  const input = tuningInput({ name, roleArn: null, ...options }) as unknown as Record<string, unknown>;
  const definition = input.TrainingJobDefinition as Record<string, unknown>;
  definition.StaticHyperParameters = staticHps;
  if (localOnly) {
    for (const key of ['OutputDataConfig', 'ResourceConfig', 'StoppingCondition']) delete definition[key];
    delete (definition.AlgorithmSpecification as Record<string, unknown>).TrainingImage;
  }
  input.LocalConfig = { Command: ['node', TRAIN_SCRIPT] };
  const file = join(home, `${name}.json`);
  writeFileSync(file, JSON.stringify(input, null, 2));
  return file;
}


let home: string;
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'hpo-local-cli-'));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('hpo local', () => {
  it('runs a Hyperband input to the end, prints the leaderboard and keeps the results on disk', async () => {
    // Prepare
    const file = writeInput(home, 'cli-hb', { strategy: 'Hyperband', mode: 'Synchronous', maxJobs: 13, maxParallel: 3, minResource: 1, maxResource: 9 });
    // Act
    const { done } = startHpo(['local', file], home);
    const result = await done;
    // Assess
    expect(result.stderr).not.toMatch(/this is a bug/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^run cli-hb: Completed, Hyperband, maximize accuracy; best: trial \d+, accuracy 0\.\d+ at epochs 9$/m);
    expect(result.stdout).toMatch(/^rank\s+trial\s+accuracy\s+epochs\s+status/m);
    expect(result.stdout).toContain('run cli-hb completed: budget used: 13 of 13 training jobs started');
    expect(result.stdout.match(/ completed hpo-cli-hb-\d{4}-r\d+ /g)).toHaveLength(13);
    expect(result.stdout.match(/ started hpo-cli-hb-\d{4}-r\d+ /g)).toHaveLength(13);
    const opened = await openLocalStore(runPaths(join(home, '.hpo'), 'cli-hb').dynamodb);
    try {
      const jobs = await opened.store.listJobs('cli-hb');
      expect(jobs).toHaveLength(13);
      expect(jobs.every((j) => j.status === 'Completed')).toBe(true);
      expect((await opened.store.getRun('cli-hb'))?.status).toBe('Completed');
    } finally {
      await opened.close();
    }
    const log = readFileSync(join(runPaths(join(home, '.hpo'), 'cli-hb').jobs, 'hpo-cli-hb-0000-r1', 'output', 'log.txt'), 'utf8');
    expect(log).toMatch(/^epoch=1 /m);
  }, 90_000);

  it('runs the same command again as a new run with a suffixed name, said in one line; prints warnings first', async () => {
    // Prepare: an input whose name is taken by the finished run above, with a metric regex JavaScript cannot compile
    const file = writeInput(home, 'cli-hb', { strategy: 'Random', maxJobs: 1, maxParallel: 1 });
    const input = JSON.parse(readFileSync(file, 'utf8')) as { TrainingJobDefinition: { AlgorithmSpecification: { MetricDefinitions: unknown[] } } };
    input.TrainingJobDefinition.AlgorithmSpecification.MetricDefinitions.push({ Name: 'loss', Regex: 'loss=([0-9.]+' });
    writeFileSync(file, JSON.stringify(input));
    // Act
    const again = await startHpo(['local', file], home).done;
    // Assess
    expect(again.stderr).not.toMatch(/this is a bug/);
    expect(again.code).toBe(0);
    const warning = again.stderr.indexOf('warning $.TrainingJobDefinition.AlgorithmSpecification.MetricDefinitions[1].Regex: metric "loss": Regex does not compile');
    expect(warning).toBeGreaterThanOrEqual(0);
    expect(again.stderr).toContain(`${file}: 1 warning; starting anyway\n`);
    expect(warning).toBeLessThan(again.stderr.indexOf('starting the local twin'));
    expect(again.stderr).toContain("run 'cli-hb' exists (Completed, 13 of 13 training jobs): starting a new run 'cli-hb-2'\n");
    expect(again.stdout).toMatch(/^run cli-hb-2: Completed, Random, maximize accuracy; best: trial 0, accuracy/m);
    expect(again.stdout).toContain('npx hpo results cli-hb-2');
  }, 90_000);

  it('refuses a --name that is taken, instead of mixing results', async () => {
    const file = writeInput(home, 'cli-hb', { strategy: 'Random', maxJobs: 1, maxParallel: 1 });
    const { done } = startHpo(['local', file, '--name', 'cli-hb'], home);
    const result = await done;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: run 'cli-hb' already exists in \.hpo\/runs\/cli-hb \(Completed, 13 of 13 training jobs\)\. Choose another --name/m);
  }, 60_000);

  it('Ctrl-C stops the running training processes, records them as stopped and keeps every result', async () => {
    // Prepare: slow jobs (1.5 s per epoch), so they are running when we interrupt; an input
    // without the cloud-only fields (local defaults apply)
    const file = writeInput(home, 'cli-interrupt', { strategy: 'Random', maxJobs: 4, maxParallel: 2 }, { sleep_ms: '1500' }, true);
    const run = startHpo(['local', file], home);
    await until(() => (run.output().match(/ started hpo-cli-interrupt-/g) ?? []).length >= 2, 60_000, 'two running jobs');
    // Act
    run.child.kill('SIGINT');
    const result = await run.done;
    // Assess
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('run cli-interrupt stopped: every result so far is kept');
    const opened = await openLocalStore(runPaths(join(home, '.hpo'), 'cli-interrupt').dynamodb);
    try {
      const jobs = await opened.store.listJobs('cli-interrupt');
      expect(jobs.length).toBeGreaterThanOrEqual(2);
      expect(jobs.filter((j) => j.status !== 'Stopped' && j.status !== 'Completed')).toEqual([]);
      expect(jobs.some((j) => j.status === 'Stopped')).toBe(true);
      const run = await opened.store.getRun('cli-interrupt');
      expect(run?.status).toBe('Stopped');
      const definition = (run?.input as { TrainingJobDefinition: Record<string, unknown> }).TrainingJobDefinition;
      expect(definition.ResourceConfig).toEqual({ InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 30 });
      // Left out: the tuner's bucket is the default (no local default needed).
      expect(definition.OutputDataConfig).toBeUndefined();
      const job = jobs.find((j) => j.status === 'Completed') ?? jobs[0];
      expect(job.jobName).toMatch(/^hpo-cli-interrupt-/);
    } finally {
      await opened.close();
    }
  }, 90_000);

  it('--resume continues a run stopped with Ctrl-C to the end of its budget', async () => {
    // Prepare: the run stopped with Ctrl-C above; a plain rerun would start a new run
    const file = join(home, 'cli-interrupt.json');
    // Act
    const resumed = await startHpo(['local', file, '--resume'], home).done;
    // Assess
    expect(resumed.stderr).not.toMatch(/this is a bug/);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/^run cli-interrupt completed: /m);
    const opened = await openLocalStore(runPaths(join(home, '.hpo'), 'cli-interrupt').dynamodb);
    try {
      const run = await opened.store.getRun('cli-interrupt');
      const jobs = await opened.store.listJobs('cli-interrupt');
      expect(run?.status).toBe('Completed');
      expect(run?.endedAt).toBeDefined();
      expect(jobs).toHaveLength(4); // the budget: the jobs stopped by Ctrl-C count
      expect(jobs.filter((j) => j.status !== 'Stopped' && j.status !== 'Completed')).toEqual([]);
      expect(jobs.some((j) => j.status === 'Stopped')).toBe(true);
    } finally {
      await opened.close();
    }
  }, 90_000);

  it('--resume refuses a run that finished, and a name with no run', async () => {
    const finished = await startHpo(['local', join(home, 'cli-hb.json'), '--resume'], home).done;
    expect(finished.code).toBe(2);
    expect(finished.stderr).toContain("error: --resume: run 'cli-hb' ended (Completed");
    const missing = await startHpo(['local', join(home, 'cli-hb.json'), '--resume', '--name', 'nothing-here'], home).done;
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: --resume: there is no run 'nothing-here' in \.hpo; local runs: cli-hb, cli-hb-2, cli-interrupt/m);
  }, 60_000);

  it('--resume continues a run whose process was killed, with every job it had started kept', async () => {
    // Prepare: kill hpo local (SIGKILL: no clean stop) while its first jobs run
    const file = writeInput(home, 'cli-resume', { strategy: 'Random', maxJobs: 5, maxParallel: 2 }, { sleep_ms: '300' });
    const first = startHpo(['local', file], home);
    await until(() => (first.output().match(/ started hpo-cli-resume-/g) ?? []).length >= 2, 60_000, 'two running jobs');
    first.child.kill('SIGKILL');
    await first.done;
    // Act
    const resumed = await startHpo(['local', file, '--resume'], home).done;
    // Assess
    expect(resumed.stderr).not.toMatch(/this is a bug/);
    expect(resumed.code).toBe(0);
    const opened = await openLocalStore(runPaths(join(home, '.hpo'), 'cli-resume').dynamodb);
    try {
      const run = await opened.store.getRun('cli-resume');
      const jobs = await opened.store.listJobs('cli-resume');
      expect(run?.status).toBe('Completed');
      expect(jobs).toHaveLength(5);
      const interrupted = jobs.filter((j) => j.failureReason === 'interrupted: the hpo local process that ran it ended');
      expect(interrupted.length).toBeGreaterThanOrEqual(1);
      expect(interrupted.every((j) => j.status === 'Stopped')).toBe(true);
      expect(jobs.filter((j) => j.status === 'Completed').length).toBe(5 - interrupted.length);
    } finally {
      await opened.close();
    }
  }, 120_000);

  it('a script that fails in every job: the run stops after 3 jobs, exit 1, the last lines say why and where the log is', async () => {
    // Prepare: every job dies at its first epoch (`ValueError: loss diverged at epoch 1`)
    const file = writeInput(home, 'cli-crash', { strategy: 'Random', maxJobs: 30, maxParallel: 1 }, { fail_at: '1' });
    // Act
    const result = await startHpo(['local', file], home).done;
    // Assess
    expect(result.stderr).not.toMatch(/this is a bug/);
    expect(result.code).toBe(1);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.slice(-2)).toEqual([
      'run cli-crash failed: the first 3 training jobs all failed (FailureConfig.MaxInitialFailures 3): all 3: "AlgorithmError: ValueError: loss diverged at epoch 1" (e.g. hpo-cli-crash-0000-r1)',
      'the log of hpo-cli-crash-0000-r1: .hpo/runs/cli-crash/jobs/hpo-cli-crash-0000-r1/output/log.txt',
    ]);
    expect(readFileSync(join(home, '.hpo/runs/cli-crash/jobs/hpo-cli-crash-0000-r1/output/log.txt'), 'utf8')).toContain('ValueError: loss diverged at epoch 1');
    expect(result.stdout.match(/ failed hpo-cli-crash-\d{4}-r\d+ .*: AlgorithmError: ValueError: loss diverged at epoch 1$/gm)).toHaveLength(3);
  }, 90_000);

  it('a metric regex that never matches: exit 1, and the last line says which regex to check against which log', async () => {
    // Prepare: 2 jobs, below the 3 first failures that would stop the run; the regex matches nothing
    const input = tuningInput({ name: 'cli-nometric', strategy: 'Random', maxJobs: 2, maxParallel: 2, roleArn: null }) as unknown as { TrainingJobDefinition: Record<string, unknown> } & Record<string, unknown>;
    input.TrainingJobDefinition.StaticHyperParameters = {};
    (input.TrainingJobDefinition.AlgorithmSpecification as { MetricDefinitions: unknown }).MetricDefinitions = [{ Name: 'accuracy', Regex: 'val_acc=([0-9.]+)' }];
    input.LocalConfig = { Command: ['node', TRAIN_SCRIPT] };
    const file = join(home, 'cli-nometric.json');
    writeFileSync(file, JSON.stringify(input));
    // Act
    const result = await startHpo(['local', file], home).done;
    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('run cli-nometric completed: ');
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe(
      "no training job reported the objective metric 'accuracy': check the regex of 'accuracy' in MetricDefinitions against the log (.hpo/runs/cli-nometric/jobs/hpo-cli-nometric-0000-r1/output/log.txt)",
    );
  }, 90_000);

  it('refuses an input without LocalConfig.Command, before starting anything', async () => {
    const input = tuningInput({ name: 'cli-nolocal' });
    const file = join(home, 'nolocal.json');
    writeFileSync(file, JSON.stringify(input));
    const result = await startHpo(['local', file], home).done;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('local mode needs LocalConfig.Command');
  }, 30_000);
});
