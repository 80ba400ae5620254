/**
 * The construct's Python package (issue 11): `npm run build:python` builds the wheel from the
 * jsii assembly (scripts/build-python.sh), and the Python embedding example uses only what the
 * wheel's generated API offers.
 *
 * What cannot be checked here: importing the wheel needs the jsii runtime and aws-cdk-lib for
 * Python from PyPI, which this workplace cannot reach. The wheel is checked as a file instead:
 * its API, its dependencies and the npm tarball it embeds (the code it runs).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describeUnless } from '../helpers/skip';

const ROOT = resolve(__dirname, '..', '..');
const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';

function pythonProblem(): string | undefined {
  try {
    execFileSync(PYTHON, ['-c', 'import setuptools, wheel, pip'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return `${PYTHON} with pip, setuptools and wheel is not installed (Debian: python3-pip python3-setuptools python3-wheel)`;
  }
}

/** Runs a Python snippet with the arguments; returns what it printed. */
function python(code: string, ...args: string[]): string {
  return execFileSync(PYTHON, ['-c', code, ...args], { encoding: 'utf8' });
}

describeUnless(pythonProblem(), 'the Python wheel', () => {
  let wheel: string;
  /** The generated module's source. */
  let module: string;

  beforeAll(() => {
    execFileSync('bash', [join(ROOT, 'scripts', 'build-python.sh')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 });
    const dir = join(ROOT, 'dist', 'python');
    const wheels = readdirSync(dir).filter((f) => f.endsWith('.whl'));
    expect(wheels).toHaveLength(1);
    wheel = join(dir, wheels[0]);
    module = python('import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read("sagemaker_hpo_tuner/__init__.py").decode())', wheel);
  }, 300_000);

  it('is a pure-Python wheel named after the package, for Python 3.10+', () => {
    expect(wheel).toMatch(/sagemaker_hpo_tuner-\d+\.\d+\.\d+-py3-none-any\.whl$/);
    const metadata = python('import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(z.read(next(n for n in z.namelist() if n.endswith("METADATA"))).decode())', wheel);
    expect(metadata).toMatch(/^Requires-Python: >=3\.10/m);
    // The peers of the npm package become the Python package's requirements.
    expect(metadata).toMatch(/^Requires-Dist: aws-cdk-lib \(?<3\.0\.0,>=2\.180\.0\)?$/m);
    expect(metadata).toMatch(/^Requires-Dist: constructs \(?<11\.0\.0,>=10\.0\.5\)?$/m);
    expect(metadata).toMatch(/^Requires-Dist: jsii \(?</m);
  });

  it('exposes the public API: the construct, its props, LogLevel, TunerAlarms', () => {
    for (const name of ['HyperparameterTuner', 'HyperparameterTunerProps', 'LogLevel', 'TunerAlarms']) expect(module).toMatch(new RegExp(`^class ${name}\\b`, 'm'));
    expect(module).toMatch(/def grant_start_execution\(/);
  });

  it('embeds the npm package with its prebuilt Lambda bundles (what the Python construct deploys)', () => {
    const files = python(
      'import io, sys, tarfile, zipfile\n' +
        'z = zipfile.ZipFile(sys.argv[1])\n' +
        'name = next(n for n in z.namelist() if n.endswith(".jsii.tgz"))\n' +
        'print("\\n".join(tarfile.open(fileobj=io.BytesIO(z.read(name))).getnames()))',
      wheel,
    ).split('\n');
    for (const handler of ['validate', 'init', 'tick', 'wait-for-change', 'finalize', 'on-training-event', 'on-execution-end']) {
      expect(files).toContain(`package/assets/lambda/${handler}/index.js`);
    }
    expect(files).toContain('package/dist/lib/index.js');
  });

  it('examples/embed/python/app.py compiles and passes only keyword arguments the generated constructor takes', () => {
    const app = join(ROOT, 'examples', 'embed', 'python', 'app.py');
    expect(existsSync(app)).toBe(true);
    const used = JSON.parse(
      python(
        'import ast, json, sys\n' +
          'tree = ast.parse(open(sys.argv[1]).read())\n' +
          'calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "HyperparameterTuner"]\n' +
          'print(json.dumps(sorted({k.arg for c in calls for k in c.keywords})))',
        app,
      ),
    ) as string[];
    expect(used.length).toBeGreaterThan(0);
    const signature = /class HyperparameterTuner\([\s\S]*?def __init__\(([\s\S]*?)\) -> None:/.exec(module)?.[1] ?? '';
    const accepted = [...signature.matchAll(/^\s+(\w+): /gm)].map((m) => m[1]);
    expect(accepted).toContain('training_roles');
    for (const name of used) expect([name, accepted.includes(name)]).toEqual([name, true]);
  });
});
