import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { CliIo } from '../../cli/io';
import { main } from '../../cli/main';

const ROOT = join(__dirname, '..', '..');

interface Captured {
  readonly io: CliIo;
  readonly out: () => string;
  readonly err: () => string;
}

function capture(cwd = ROOT): Captured {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: (s) => {
        out += s;
      },
      stderr: (s) => {
        err += s;
      },
      isTTY: false,
      cwd,
    },
    out: () => out,
    err: () => err,
  };
}

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const c = capture();
  const code = await main(argv, c.io);
  return { code, out: c.out(), err: c.err() };
}

describe('hpo validate', () => {
  it('prints a summary and exits 0 for a valid input', async () => {
    expect(await run('validate', 'examples/hyperband/tuning.json')).toEqual({
      code: 0,
      out: 'examples/hyperband/tuning.json: valid (Hyperband, 3 parameters, 50 training jobs)\n',
      err: '',
    });
  });

  it('counts the grid for Grid', async () => {
    const { code, out } = await run('validate', 'examples/grid/tuning.json');
    expect(code).toBe(0);
    expect(out).toBe('examples/grid/tuning.json: valid (Grid, 3 parameters, 18 training jobs)\n');
  });

  it('prints every problem and a count, and exits 2 for an invalid input', async () => {
    const { code, out, err } = await run('validate', 'examples/invalid/tuning.json');
    expect(code).toBe(2);
    expect(err).toBe('');
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe(
      'error   $.HyperParameterTuningJobName: invalid HyperParameterTuningJobName "resnet_tuning_2024": expected letters, digits and hyphens, starting and ending with a letter or digit',
    );
    expect(lines).toContain(
      'error   $.TrainingJobDefinition.ResourceConfig.InstanceType: invalid InstanceType "ml.g4dn.xlarg": allowed one of the 145 SageMaker training instance types (did you mean "ml.g4dn.xlarge"?)',
    );
    expect(lines[9]).toBe('examples/invalid/tuning.json: 9 problems (9 errors, 0 warnings)');
  });

  it('prints warnings without failing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hpo-validate-'));
    try {
      const input = JSON.parse(readFileSync(join(ROOT, 'examples/bayesian/tuning.json'), 'utf8')) as Record<string, Record<string, unknown>>;
      input.HyperParameterTuningJobConfig.TrainingJobEarlyStoppingType = 'Auto';
      // A built-in algorithm: no MetricDefinitions regex, so early stopping cannot read the objective.
      input.TrainingJobDefinition.AlgorithmSpecification = { AlgorithmName: 'xgboost', TrainingInputMode: 'File' };
      writeFileSync(join(dir, 'tuning.json'), JSON.stringify(input));
      const c = capture(dir);
      expect(await main(['validate', 'tuning.json'], c.io)).toBe(0);
      expect(c.out()).toBe(
        'warning $.HyperParameterTuningJobConfig.TrainingJobEarlyStoppingType: ignored TrainingJobEarlyStoppingType "Auto": early stopping reads the objective after each epoch with its MetricDefinitions regex, and this definition has none for the objective (a built-in algorithm); jobs train to the end\n' +
          'tuning.json: valid (Bayesian, 4 parameters, 30 training jobs), 1 warning\n',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports malformed JSON with its position and exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hpo-validate-'));
    try {
      writeFileSync(join(dir, 'bad.json'), '{\n  "HyperParameterTuningJobName": "x",\n}\n');
      const c = capture(dir);
      expect(await main(['validate', 'bad.json'], c.io)).toBe(2);
      expect(c.out()).toBe(
        "error   $: malformed JSON at line 3, column 1: expected a property name (no trailing comma), got '}'\nbad.json: 1 problem (1 error, 0 warnings)\n",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an input with LocalConfig and no cloud placeholders is valid for hpo local, and says what a deployed run needs', async () => {
    const file = 'examples/pytorch-sagemaker/tuning.local.json';
    expect(await run('validate', file)).toEqual({
      code: 0,
      out:
        `${file}: valid for hpo local (Hyperband, 1 parameter, 12 training jobs)\n` +
        'a deployed run (hpo start) also needs: TrainingJobDefinition.AlgorithmSpecification.TrainingImage, ' +
        'TrainingJobDefinition.ResourceConfig, TrainingJobDefinition.StoppingCondition (hpo local uses local defaults for them)\n',
      err: '',
    });
    const json = JSON.parse((await run('validate', file, '--json')).out) as { valid: boolean; deployedRunNeeds: string[] };
    expect(json.valid).toBe(true);
    expect(json.deployedRunNeeds).toHaveLength(3);
  });

  it('prints {valid, problems} with --json', async () => {
    const valid = await run('validate', '--json', 'examples/asha/tuning.json');
    expect(valid.code).toBe(0);
    expect(JSON.parse(valid.out)).toEqual({ valid: true, problems: [], deployedRunNeeds: [] });
    const invalid = await run('validate', 'examples/invalid/tuning.json', '--json');
    expect(invalid.code).toBe(2);
    const doc = JSON.parse(invalid.out) as { valid: boolean; problems: { path: string; message: string; severity: string; value?: unknown }[] };
    expect(doc.valid).toBe(false);
    expect(doc.problems).toHaveLength(9);
    expect(doc.problems[0]).toEqual({
      path: '$.HyperParameterTuningJobName',
      message: 'invalid HyperParameterTuningJobName "resnet_tuning_2024": expected letters, digits and hyphens, starting and ending with a letter or digit',
      value: 'resnet_tuning_2024',
      severity: 'error',
    });
  });

  it('exits 2 with "cannot read" for a missing file', async () => {
    expect(await run('validate', 'nope/tuning.json')).toEqual({ code: 2, out: '', err: 'error: cannot read nope/tuning.json: no such file\n' });
  });

  it('exits 2 for a folder, no file, two files or an unknown option', async () => {
    expect(await run('validate', 'examples')).toEqual({ code: 2, out: '', err: 'error: cannot read examples: is a directory\n' });
    expect(await run('validate')).toEqual({ code: 2, out: '', err: 'error: hpo validate takes exactly one file, got 0; usage: hpo validate <file> [--json]\n' });
    expect((await run('validate', 'a.json', 'b.json')).code).toBe(2);
    expect(await run('validate', '--strict', 'a.json')).toEqual({ code: 2, out: '', err: 'error: unknown option --strict for hpo validate; allowed: --json, --help\n' });
  });
});

describe('hpo dispatcher', () => {
  it('prints help listing the commands', async () => {
    const { code, out } = await run('--help');
    expect(code).toBe(0);
    expect(out).toMatch(/^usage: hpo <command> \[options\]/);
    expect(out).toMatch(/\n {2}validate {3}check a tuning input/);
    expect(out).toMatch(/\n {2}plan {7}/);
  });

  it('prints a command help with <command> --help', async () => {
    const { code, out } = await run('validate', '--help');
    expect(code).toBe(0);
    expect(out).toMatch(/^usage: hpo validate <file> \[--json\]\n/);
    expect((await run('plan', '-h')).out).toMatch(/^usage: hpo plan/);
  });

  it('prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(await run('--version')).toEqual({ code: 0, out: `${pkg.version}\n`, err: '' });
  });

  it('exits 2 with the list of commands for an unknown command or none', async () => {
    const { code, out, err } = await run('valdate');
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(/^error: unknown command "valdate" \(did you mean "validate"\?\); commands: validate, local, plan, results, status, report, start, stop\n/);
    expect((await run()).code).toBe(2);
  });

  it('turns an unexpected error into "this is a bug" without a stack, unless HPO_DEBUG=1', async () => {
    const failing: CliIo = {
      stdout: () => {
        throw new Error('stdout closed');
      },
      stderr: () => undefined,
      isTTY: false,
      cwd: ROOT,
    };
    let err = '';
    const io: CliIo = { ...failing, stderr: (s) => void (err += s) };
    const before = process.env.HPO_DEBUG;
    try {
      delete process.env.HPO_DEBUG;
      expect(await main(['validate', 'examples/grid/tuning.json'], io)).toBe(1);
      expect(err).toBe('error: stdout closed\nthis is a bug, please report it (set HPO_DEBUG=1 to see the stack trace)\n');
      err = '';
      process.env.HPO_DEBUG = '1';
      expect(await main(['validate', 'examples/grid/tuning.json'], io)).toBe(1);
      expect(err).toMatch(/^error: stdout closed\nthis is a bug.*\nError: stdout closed\n {4}at /);
    } finally {
      if (before === undefined) delete process.env.HPO_DEBUG;
      else process.env.HPO_DEBUG = before;
    }
  });
});

describe('bin/hpo.js', () => {
  it('runs hpo validate as a real process', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['bin/hpo.js', 'validate', 'examples/hyperband/tuning.json'], { cwd: ROOT });
    expect(stdout).toBe('examples/hyperband/tuning.json: valid (Hyperband, 3 parameters, 50 training jobs)\n');
  });
});
