/**
 * The example app, synthesized for real: esbuild bundles the seven handlers (local, no
 * Docker), cdk-nag (AwsSolutions, as a CDK validation plugin) must report nothing, and
 * cfn-lint must pass on the template when it is installed.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { HpoTunerStack } from '../../lib/hpo-tuner-stack';
import { testUnless } from '../helpers/skip';

jest.setTimeout(300_000);

interface ValidationReport {
  readonly pluginReports: Array<{
    readonly pluginName: string;
    readonly conclusion: string;
    readonly violations: Array<{ readonly ruleName: string; readonly severity: string; readonly violatingConstructs: Array<{ readonly constructPath: string }> }>;
  }>;
}

describe('example app (HpoTunerStack)', () => {
  let outdir: string;
  let stack: HpoTunerStack;
  let synthError: unknown;
  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hpo-tuner-app-'));
    const app = new App({ outdir });
    stack = new HpoTunerStack(app, 'HpoTunerStack');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    try {
      app.synth();
    } catch (e) {
      synthError = e;
    }
  });
  afterAll(() => {
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  test('cdk-nag AwsSolutions reports no unacknowledged error or warning', () => {
    const reportFile = path.join(outdir, 'validation-report.json');
    const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as ValidationReport;
    const findings = report.pluginReports.flatMap((p) =>
      p.violations.flatMap((v) => v.violatingConstructs.map((c) => `${v.severity} ${v.ruleName} @ ${c.constructPath}`)),
    );
    expect(findings).toEqual([]);
    expect(synthError).toBeUndefined();
  });

  test('the acknowledgements carry reasons', () => {
    const acks = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.entries(m.data as Record<string, string>));
    expect(acks.length).toBeGreaterThan(10);
    for (const [id, reason] of acks) {
      expect(id).toMatch(/AwsSolutions-(IAM5\[.+\]|IAM4\[.+\]|L1|S1|SQS3|SF1)$/);
      expect(reason.length).toBeGreaterThan(40);
    }
  });

  test('bundles every handler with esbuild (CommonJS, minified, source map)', () => {
    const fns = Template.fromStack(stack).findResources('AWS::Lambda::Function');
    expect(Object.keys(fns)).toHaveLength(7);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'HpoTunerStack.assets.json'), 'utf8')) as {
      files: Record<string, { source: { path: string; packaging?: string } }>;
    };
    const bundles = Object.values(manifest.files).filter((a) => a.source.packaging === 'zip');
    expect(bundles).toHaveLength(7);
    for (const { source } of bundles) {
      const dir = path.join(outdir, source.path);
      expect(fs.readdirSync(dir).sort()).toEqual(['index.js', 'index.js.map']);
      const code = fs.readFileSync(path.join(dir, 'index.js'), 'utf8');
      expect(code.length / code.split('\n').length).toBeGreaterThan(1000); // minified: long lines
      expect(code).toMatch(/sourceMappingURL=index\.js\.map/);
    }
  });

  test('outputs the state machine ARN, table name and bucket name', () => {
    const outputs = Template.fromStack(stack).findOutputs('*');
    expect(Object.keys(outputs).sort()).toEqual(['BucketName', 'JobNamePrefix', 'ResultsTableName', 'StateMachineArn', 'TrainingRoleArn']);
  });

  const which = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  testUnless(which.error || which.status !== 0 ? 'cfn-lint is not on PATH (pip install cfn-lint)' : undefined, 'cfn-lint passes on the template', () => {
    const template = path.join(outdir, 'HpoTunerStack.template.json');
    let output = '';
    try {
      // The repository's .cfnlintrc applies (run from the repository root).
      output = execFileSync('cfn-lint', [template], { cwd: path.join(__dirname, '..', '..'), encoding: 'utf8' });
    } catch (e) {
      output = String((e as { stdout?: string }).stdout ?? e);
    }
    expect(output.trim()).toBe('');
  });
});
