/**
 * The seed scenario for real: examples/pytorch-sagemaker/train.py tuned by `hpo local` (the real
 * CLI process, the local twin, PyTorch training processes) on real Fashion-MNIST as Debian's
 * dataset-fashion-mnist ships it (gzipped IDX files), with a promotion that resumes from its
 * checkpoint. A small budget: ASHA over 1 and 2 epochs, 4 jobs, 2000 training images.
 *
 * Needs a Python with PyTorch (`python3`, `/usr/bin/python3`, or HPO_TEST_PYTHON) and the data
 * set (`/usr/share/datasets/fashion-mnist`, or HPO_TEST_FASHION_MNIST); .ci/run installs
 * Debian's python3-torch, python3-torchvision and dataset-fashion-mnist. Skipped, with the
 * reason printed, where they are missing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openLocalStore, runPaths } from '../../local/workspace';
import { describeUnless } from '../helpers/skip';
import { runHpo } from '../helpers/hpo-cli';

const ROOT = resolve(__dirname, '../..');
const EXAMPLE = join(ROOT, 'examples/pytorch-sagemaker');
const RUN = 'pytorch-ci';

/** The first Python that imports torch, with its torch version. */
function findTorchPython(): { python: string; torch: string } | undefined {
  const candidates = [process.env.HPO_TEST_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => p !== undefined && p !== '');
  for (const python of [...new Set(candidates)]) {
    try {
      const torch = execFileSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 }).trim();
      return { python, torch };
    } catch {
      // not installed there, or no torch: try the next
    }
  }
  return undefined;
}

function findData(): string | undefined {
  const candidates = [process.env.HPO_TEST_FASHION_MNIST, '/usr/share/datasets/fashion-mnist'].filter((p): p is string => p !== undefined && p !== '');
  return candidates.find((dir) => existsSync(join(dir, 'train-images-idx3-ubyte.gz')) || existsSync(join(dir, 'train-images-idx3-ubyte')));
}

const found = findTorchPython();
const data = findData();
const skipReason =
  found === undefined
    ? 'no Python with PyTorch (python3, /usr/bin/python3 or HPO_TEST_PYTHON; apt-get install python3-torch); CI installs it'
    : data === undefined
      ? 'no Fashion-MNIST in /usr/share/datasets/fashion-mnist or HPO_TEST_FASHION_MNIST (apt-get install dataset-fashion-mnist); CI installs it'
      : undefined;

/** examples/pytorch-sagemaker/tuning.local.json with a CI budget, this machine's Python and data. */
function ciInput(python: string, dataDir: string): Record<string, unknown> {
  const input = JSON.parse(readFileSync(join(EXAMPLE, 'tuning.local.json'), 'utf8')) as Record<string, Record<string, unknown>>;
  input.HyperParameterTuningJobName = RUN as unknown as Record<string, unknown>;
  const config = input.HyperParameterTuningJobConfig;
  config.Strategy = 'ASHA';
  config.StrategyConfig = { HyperbandStrategyConfig: { MinResource: 1, MaxResource: 2, ReductionFactor: 2, ResourceHyperParameter: 'epochs' } };
  config.ResourceLimits = { MaxNumberOfTrainingJobs: 4, MaxParallelTrainingJobs: 2 };
  // The learning rates that train in one epoch (the example's range reaches 1e-6, which does not).
  config.ParameterRanges = { ContinuousParameterRanges: [{ Name: 'lr', MinValue: '0.0005', MaxValue: '0.01', ScalingType: 'Logarithmic' }] };
  const definition = input.TrainingJobDefinition as { StaticHyperParameters: Record<string, string> };
  definition.StaticHyperParameters = { ...definition.StaticHyperParameters, 'train-size': '2000', 'eval-size': '1000' };
  input.LocalConfig = { ...input.LocalConfig, Command: [python, 'train.py'], WorkingDirectory: EXAMPLE, Channels: { training: dataDir } };
  return input;
}

describeUnless(skipReason, 'examples/pytorch-sagemaker under hpo local (PyTorch, real Fashion-MNIST)', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'hpo-pytorch-'));
    console.log(`pytorch-local: ${found?.python} with torch ${found?.torch}, data ${data}`);
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('trains every job on the real data, and a promoted trial resumes from its checkpoint', async () => {
    // Prepare
    const file = join(home, 'tuning.json');
    writeFileSync(file, JSON.stringify(ciInput(found!.python, data!), null, 2));
    // Act
    const result = await runHpo(['local', file], { home, cwd: home });
    // Assess
    const paths = runPaths(join(home, '.hpo'), RUN);
    const log = (job: string): string => readFileSync(join(paths.jobs, job, 'output', 'log.txt'), 'utf8');
    expect(result.stderr).not.toMatch(/this is a bug/);
    expect({ code: result.code, stderr: result.stderr.slice(-2000) }).toMatchObject({ code: 0 });
    const opened = await openLocalStore(paths.dynamodb);
    try {
      const jobs = await opened.store.listJobs(RUN);
      expect(jobs).toHaveLength(4);
      expect(jobs.filter((j) => j.status !== 'Completed').map((j) => `${j.jobName}: ${j.status} ${j.failureReason ?? ''}`)).toEqual([]);
      for (const job of jobs) {
        expect(log(job.jobName)).toMatch(/^data: Fashion-MNIST \(2000 training, 1000 evaluation images, crc32 [0-9a-f]{8}\)$/m);
        expect(job.objective).toBeGreaterThan(0.5); // ten classes: chance is 0.1
      }
      const promoted = jobs.filter((j) => j.fromMilestone === 1 && j.milestone === 2);
      expect(promoted.length).toBeGreaterThanOrEqual(1);
      for (const job of promoted) {
        const text = log(job.jobName);
        expect(text).toMatch(/^resumed from epoch=1 /m);
        expect(text).not.toMatch(/^epoch=1 /m); // only the missing epoch is trained
        expect(text).toMatch(/^epoch=2 /m);
      }
      expect((await opened.store.getRun(RUN))?.status).toBe('Completed');
    } finally {
      await opened.close();
    }
  }, 240_000);
});
