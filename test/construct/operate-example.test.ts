/** The README's operating example synthesizes, cdk-nag clean, with what it promises. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { MonitoredTunerStack } from '../../examples/operate/monitored-tuner';

describe('examples/operate/monitored-tuner.ts', () => {
  let outdir: string;
  let stack: MonitoredTunerStack;
  let template: Template;
  let findings: string[];
  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hpo-operate-'));
    const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    stack = new MonitoredTunerStack(app, 'MonitoredTunerStack');
    Validations.of(stack.tuner.bucket).acknowledge({ id: 'AwsSolutions-S1', reason: 'Example without an access-log bucket; pass serverAccessLogsBucket to the tuner to turn server access logs on.' });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    template = Template.fromStack(stack);
    app.synth();
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: Array<{ violations: Array<{ ruleName: string; severity: string; violatingConstructs: Array<{ constructPath: string }> }> }>;
    };
    findings = report.pluginReports.flatMap((p) => p.violations.flatMap((v) => v.violatingConstructs.map((c) => `${v.severity} ${v.ruleName} @ ${c.constructPath}`)));
  });
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  it('has a dashboard and three alarms that notify the on-call topic', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const onCall = { Ref: stack.getLogicalId(stack.node.findChild('OnCall').node.defaultChild as never) };
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Array<{ Properties: { AlarmActions: unknown } }>;
    expect(alarms).toHaveLength(3);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([onCall]);
  });

  it('routes the end of every run to the notifications topic', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['hpo.tuner'],
        'detail-type': ['HPO Tuning Run Status Change'],
        detail: { status: ['Completed', 'Failed', 'Stopped'], tuner: [stack.tuner.jobNamePrefix] },
      },
      Targets: [{ Arn: { Ref: stack.getLogicalId(stack.node.findChild('RunNotifications').node.defaultChild as never) } }],
    });
  });

  it('passes cdk-nag AwsSolutions', () => {
    expect(findings).toEqual([]);
  });
});
