/**
 * The commands for a deployed tuner — `hpo start`, `hpo status`, `hpo results`, `hpo stop` —
 * against the local twin, which stands where the AWS account would: the CLI reaches it
 * through the SDK's own endpoint configuration (`AWS_ENDPOINT_URL_SFN`,
 * `AWS_ENDPOINT_URL_DYNAMODB`), exactly as it would reach AWS.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ListTrainingJobsCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { CliIo } from '../../cli/io';
import { main } from '../../cli/main';
import { LocalTwin } from '../../local/twin';
import { LOCAL_TABLE_NAME } from '../../local/workspace';
import { tuningInput } from '../helpers/inputs';
import { until } from '../helpers/until';

const TRAIN_SCRIPT = resolve(__dirname, '../fixtures/train-scripts/train.js');

let workDir: string;
let twin: LocalTwin;

function capture(cwd: string): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    isTTY: false,
    cwd,
    out: () => out,
    err: () => err,
  };
}


beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'hpo-deployed-cli-'));
  twin = await LocalTwin.start({ workDir, stopGracePeriodMs: 500 });
}, 60_000);

afterAll(async () => {
  await twin?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

function writeInput(name: string, staticHps: Record<string, string>, maxJobs: number): string {
  const input = tuningInput({ name, strategy: 'Random', maxJobs, maxParallel: 2, roleArn: null }) as unknown as Record<string, unknown>;
  (input.TrainingJobDefinition as Record<string, unknown>).StaticHyperParameters = staticHps;
  // A deployed tuner ignores LocalConfig; the twin uses it to run the jobs as processes.
  input.LocalConfig = { Command: ['node', TRAIN_SCRIPT] };
  const file = join(workDir, `${name}.json`);
  writeFileSync(file, JSON.stringify(input));
  return file;
}

describe('hpo start / status / results / stop on a deployed tuner (the twin)', () => {
  it('starts a run, follows it to the end and reads its results from the table', async () => {
    // Prepare
    const file = writeInput('cli-deployed', {}, 4);
    twin.registerLocalRun(JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>, workDir);
    const io = capture(workDir);
    // Act
    const started = await main(['start', file, '--state-machine', twin.stateMachineArn], io);
    // Assess
    expect(io.err()).toBe('');
    expect(started).toBe(0);
    expect(io.out()).toContain(`execution: ${twin.stateMachineArn.replace(':stateMachine:', ':execution:')}:cli-deployed`);
    const executionArn = `${twin.stateMachineArn.replace(':stateMachine:', ':execution:')}:cli-deployed`;
    const result = await twin.waitForExecution(executionArn, 60_000);
    expect(result.status).toBe('SUCCEEDED');

    const status = capture(workDir);
    expect(await main(['status', 'cli-deployed', '--table', LOCAL_TABLE_NAME], status)).toBe(0);
    expect(status.out()).toMatch(/^run cli-deployed: Completed$/m);
    expect(status.out()).toMatch(/jobs:\s+4 started, 4 completed, 0 failed, 0 stopped, 0 in flight/);

    const results = capture(workDir);
    expect(await main(['results', 'cli-deployed', '--table', LOCAL_TABLE_NAME, '--format', 'json'], results)).toBe(0);
    const parsed = JSON.parse(results.out()) as { trials: Array<{ rank: number; objective: number }> };
    expect(parsed.trials).toHaveLength(4);
    const objectives = parsed.trials.map((t) => t.objective);
    expect(objectives).toEqual([...objectives].sort((a, b) => b - a));
  }, 90_000);

  it('hpo stop stops the execution, and the tuner’s cleanup stops the training jobs', async () => {
    const file = writeInput('cli-deployed-stop', { sleep_ms: '1500' }, 6);
    twin.registerLocalRun(JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>, workDir);
    expect(await main(['start', file, '--state-machine', twin.stateMachineArn], capture(workDir))).toBe(0);
    const sagemaker = new SageMakerClient({ endpoint: twin.sagemakerEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
    const jobs = async () =>
      (await sagemaker.send(new ListTrainingJobsCommand({ NameContains: '-cli-deployed-stop-' }))).TrainingJobSummaries ?? [];
    await until(async () => (await jobs()).filter((j) => j.TrainingJobStatus === 'InProgress').length === 2, 30_000, 'two running jobs');

    const io = capture(workDir);
    expect(await main(['stop', 'cli-deployed-stop', '--state-machine', twin.stateMachineArn], io)).toBe(0);
    expect(io.out()).toContain('stopped execution cli-deployed-stop');

    await until(async () => (await jobs()).every((j) => j.TrainingJobStatus === 'Stopped'), 30_000, 'the jobs to stop');
    await twin.drainEvents();
    const status = capture(workDir);
    await until(async () => {
      await main(['status', 'cli-deployed-stop', '--table', LOCAL_TABLE_NAME], status);
      return /^run cli-deployed-stop: Stopped$/m.test(status.out()) && /0 in flight/.test(status.out());
    }, 30_000, 'the run to be recorded as stopped');
  }, 90_000);
});
