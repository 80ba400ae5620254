/**
 * Operating a deployed tuner: the alarms (on by default), the dashboard (off by default), the
 * run status event rule and the tuner's own metrics, on the synthesized template.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { HyperparameterTuner } from '../../lib';
import { fn, FUNCTION_IDS, makeTuner, NO_BUNDLING, type Fixture, type Handler } from './helpers';


const ref = (f: Fixture, construct: { node: { defaultChild?: unknown } }) => ({ Ref: f.stack.getLogicalId(construct.node.defaultChild as never) });

/** The dashboard's body, with every token rendered as a placeholder, parsed. */
function dashboardBody(f: Fixture): { widgets: Array<{ type: string; properties: Record<string, unknown> }> } {
  const dashboards = f.template.findResources('AWS::CloudWatch::Dashboard');
  const [dashboard] = Object.values(dashboards) as Array<{ Properties: { DashboardBody: unknown } }>;
  const body = dashboard.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] };
  // Tokens (Ref, Fn::GetAtt) sit inside JSON strings of the body.
  return JSON.parse(body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('')) as never;
}

describe('alarms (default: on, no actions)', () => {
  let f: Fixture;
  beforeAll(() => {
    f = makeTuner();
  });

  test('three alarms, exposed as tuner.alarms, without actions', () => {
    f.template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    expect(f.tuner.alarms).toBeDefined();
    for (const alarm of Object.values(f.tuner.alarms!)) {
      expect(alarm).toBeInstanceOf(cloudwatch.Alarm);
    }
    for (const props of Object.values(f.template.findResources('AWS::CloudWatch::Alarm')) as Array<{ Properties: Record<string, unknown> }>) {
      expect(props.Properties.AlarmActions).toBeUndefined();
      expect(props.Properties).toMatchObject({
        Threshold: 1,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
  });

  test('a failed run: failed or timed-out executions, or runs that ended Failed', () => {
    const alarm = f.stack.resolve((f.tuner.alarms!.runFailed.node.defaultChild as cloudwatch.CfnAlarm).metrics) as Array<Record<string, unknown>>;
    const expression = alarm.find((m) => m.expression !== undefined);
    expect(expression).toMatchObject({ expression: 'FILL(executionsFailed, 0) + FILL(executionsTimedOut, 0) + FILL(runsFailed, 0)', returnData: true });
    const metrics = Object.fromEntries(
      alarm
        .filter((m) => m.metricStat !== undefined)
        .map((m) => [m.id, (m.metricStat as { metric: { metricName: string; namespace: string; dimensions: unknown[] }; stat: string }).metric]),
    );
    expect(metrics.executionsFailed).toMatchObject({ namespace: 'AWS/States', metricName: 'ExecutionsFailed', dimensions: [{ name: 'StateMachineArn', value: ref(f, f.tuner.stateMachine) }] });
    expect(metrics.executionsTimedOut).toMatchObject({ namespace: 'AWS/States', metricName: 'ExecutionsTimedOut' });
    expect(metrics.runsFailed).toEqual({ namespace: 'HpoTuner', metricName: 'RunsFailed', dimensions: [{ name: 'Tuner', value: f.tuner.jobNamePrefix }] });
  });

  test('failed training jobs of this tuner', () => {
    f.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'HpoTuner',
      MetricName: 'TrainingJobsFailed',
      Dimensions: [{ Name: 'Tuner', Value: f.tuner.jobNamePrefix }],
      Statistic: 'Sum',
      Period: 300,
    });
  });

  test('messages in the dead-letter queue', () => {
    f.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [f.stack.getLogicalId(f.tuner.eventDeadLetterQueue.node.defaultChild as never), 'QueueName'] } }],
      Statistic: 'Maximum',
    });
  });

  test('no dashboard unless asked for', () => {
    f.template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    expect(f.tuner.dashboard).toBeUndefined();
  });

  test('users add actions to the exposed alarms', () => {
    const g = makeTuner({}, undefined, (tuner, stack) => {
      tuner.alarms!.deadLetters.addAlarmAction(new actions.SnsAction(new sns.Topic(stack, 'Ops')));
    });
    g.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Ops') }],
    });
  });
});

describe('alarm props', () => {
  test('alarmActions go on every alarm', () => {
    let topic: sns.Topic | undefined;
    const f = makeTuner({}, (stack) => {
      topic = new sns.Topic(stack, 'Ops');
      return { alarmActions: [new actions.SnsAction(topic)] };
    });
    const alarms = Object.values(f.template.findResources('AWS::CloudWatch::Alarm')) as Array<{ Properties: { AlarmActions: unknown } }>;
    expect(alarms).toHaveLength(3);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: f.stack.getLogicalId(topic!.node.defaultChild as never) }]);
  });

  test('alarms: false creates none', () => {
    const f = makeTuner({ alarms: false });
    f.template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    expect(f.tuner.alarms).toBeUndefined();
  });

  test('alarms: false with alarmActions is refused', () => {
    expect(() =>
      makeTuner({}, (stack) => ({ alarms: false, alarmActions: [new actions.SnsAction(new sns.Topic(stack, 'T'))] })),
    ).toThrow(/either alarms: false or alarmActions, not both/);
  });

  test('dashboardName without dashboard is refused, and so is a malformed name', () => {
    expect(() => makeTuner({ dashboardName: 'hpo' })).toThrow(/dashboardName requires dashboard: true/);
    expect(() => makeTuner({ dashboard: true, dashboardName: 'no spaces' })).toThrow(/dashboardName must be 1-255 characters .* got 'no spaces'/);
  });
});

describe('dashboard: true', () => {
  let f: Fixture;
  let body: ReturnType<typeof dashboardBody>;
  beforeAll(() => {
    f = makeTuner({ dashboard: true, dashboardName: 'hpo-tuner' });
    body = dashboardBody(f);
  });

  const graph = (title: string) => {
    const widget = body.widgets.find((w) => w.properties.title === title);
    expect(widget).toBeDefined();
    return widget!.properties as { metrics: unknown[][] };
  };
  /** [namespace, metricName] of each line of a graph (CloudWatch's `metrics` array shorthand: "." repeats). */
  const lines = (title: string): string[] => {
    let namespace = '';
    let name = '';
    return graph(title).metrics.map((m) => {
      namespace = m[0] === '.' ? namespace : String(m[0]);
      name = m[1] === '.' ? name : String(m[1]);
      return `${namespace} ${name}`;
    });
  };

  test('one named dashboard, exposed as tuner.dashboard', () => {
    f.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    f.template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'hpo-tuner' });
    expect(f.tuner.dashboard).toBeInstanceOf(cloudwatch.Dashboard);
  });

  test('runs started, completed, failed and stopped', () => {
    expect(lines('Runs')).toEqual(['HpoTuner RunsStarted', 'HpoTuner RunsCompleted', 'HpoTuner RunsFailed', 'HpoTuner RunsStopped']);
  });

  test('training jobs by status', () => {
    expect(lines('Training jobs by status')).toEqual(['HpoTuner TrainingJobsCompleted', 'HpoTuner TrainingJobsFailed', 'HpoTuner TrainingJobsStopped']);
  });

  test('training jobs in progress (all runs) and the best objective of each run, by search expressions', () => {
    const search = (metric: string, stat: string) =>
      `SEARCH('{HpoTuner,Tuner,Run} MetricName="${metric}" Tuner="${f.tuner.jobNamePrefix}"', '${stat}', 300)`;
    const expression = (title: string) => (graph(title).metrics[0][0] as { expression: string }).expression;
    expect(expression('Training jobs in progress')).toBe(`SUM(${search('TrainingJobsInProgress', 'Maximum')})`);
    expect(expression('Best objective by run')).toBe(search('BestObjective', 'Average'));
  });

  test('no warning about the search expressions', () => {
    const warnings = f.stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:warning'));
    expect(warnings).toEqual([]);
  });

  test('state machine executions', () => {
    expect(lines('State machine executions')).toEqual([
      'AWS/States ExecutionsStarted',
      'AWS/States ExecutionsSucceeded',
      'AWS/States ExecutionsFailed',
      'AWS/States ExecutionsAborted',
      'AWS/States ExecutionsTimedOut',
    ]);
  });

  test.each([
    ['Lambda errors', 'Errors'],
    ['Lambda throttles', 'Throttles'],
    ['Lambda duration (max)', 'Duration'],
  ])('%s of every function', (title, metricName) => {
    expect(lines(title)).toEqual(Object.keys(FUNCTION_IDS).map(() => `AWS/Lambda ${metricName}`));
    const labels = graph(title).metrics.map((m) => (m[m.length - 1] as { label?: string }).label);
    expect(labels).toEqual(Object.keys(FUNCTION_IDS));
  });

  test('dead-letter queue depth and the alarms', () => {
    expect(lines('Dead-letter queue depth')).toEqual(['AWS/SQS ApproximateNumberOfMessagesVisible']);
    const alarms = body.widgets.find((w) => w.properties.title === 'Alarms');
    expect(alarms?.properties.alarms).toHaveLength(3);
  });

  test('without alarms, the dashboard has no alarm widget', () => {
    const g = makeTuner({ dashboard: true, alarms: false });
    expect(dashboardBody(g).widgets.some((w) => w.properties.title === 'Alarms')).toBe(false);
  });

  test('the function metrics name the tuner\'s functions', () => {
    // The FunctionName dimension of each line refers to the function (a Ref: TOKEN in the parsed body).
    for (const line of graph('Lambda errors').metrics) expect(line.slice(2, 4)).toEqual(['FunctionName', 'TOKEN']);
    const joined = JSON.stringify(f.template.findResources('AWS::CloudWatch::Dashboard'));
    for (const handler of Object.keys(FUNCTION_IDS) as Handler[]) expect(joined).toContain(JSON.stringify(ref(f, fn(f, handler))));
  });
});

describe('run status events', () => {
  test('onRunStatusChange: a rule on the default bus for this tuner\'s runs, narrowed by the caller', () => {
    const f = makeTuner({}, undefined, (tuner) => {
      tuner.onRunStatusChange('RunFailedRule', { eventPattern: { detail: { status: ['Failed'] } }, description: 'failed runs' });
    });
    f.template.hasResourceProperties('AWS::Events::Rule', {
      Description: 'failed runs',
      EventPattern: {
        source: ['hpo.tuner'],
        'detail-type': ['HPO Tuning Run Status Change'],
        detail: { status: ['Failed'], tuner: [f.tuner.jobNamePrefix] },
      },
    });
    const rule = Object.values(f.template.findResources('AWS::Events::Rule')).find((r) => (r as { Properties: { Description?: string } }).Properties.Description === 'failed runs') as { Properties: Record<string, unknown> };
    expect(rule.Properties.EventBusName).toBeUndefined();
  });

  test('the metric methods read the tuner\'s namespace and dimension', () => {
    const f = makeTuner();
    const t = f.tuner;
    const expected: Array<[cloudwatch.Metric, string]> = [
      [t.metricRunsStarted(), 'RunsStarted'],
      [t.metricRunsCompleted(), 'RunsCompleted'],
      [t.metricRunsFailed(), 'RunsFailed'],
      [t.metricRunsStopped(), 'RunsStopped'],
      [t.metricTrainingJobsCompleted(), 'TrainingJobsCompleted'],
      [t.metricTrainingJobsFailed(), 'TrainingJobsFailed'],
      [t.metricTrainingJobsStopped(), 'TrainingJobsStopped'],
    ];
    for (const [metric, name] of expected) {
      expect(metric).toMatchObject({ namespace: 'HpoTuner', metricName: name, dimensions: { Tuner: t.jobNamePrefix }, statistic: 'Sum' });
    }
    expect(t.metricRunsFailed().period.toSeconds()).toBe(300);
    expect(t.metricRunsFailed({ statistic: 'Maximum' }).statistic).toBe('Maximum');
  });
});

test('cdk-nag AwsSolutions reports nothing for a tuner with the dashboard, the alarms and a run status rule', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hpo-monitoring-'));
  try {
    const app = new App({ outdir, context: NO_BUNDLING });
    const stack = new Stack(app, 'MonitoredStack');
    const tuner = new HyperparameterTuner(stack, 'Tuner', { dashboard: true });
    tuner.onRunStatusChange('RunEnded', { eventPattern: { detail: { status: ['Completed', 'Failed', 'Stopped'] } } });
    Validations.of(tuner.bucket).acknowledge({ id: 'AwsSolutions-S1', reason: 'Test stack without an access-log bucket; server access logs are the user\'s choice (serverAccessLogsBucket).' });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    let error: unknown;
    try {
      app.synth();
    } catch (e) {
      error = e;
    }
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: Array<{ violations: Array<{ ruleName: string; severity: string; violatingConstructs: Array<{ constructPath: string }> }> }>;
    };
    const findings = report.pluginReports.flatMap((p) => p.violations.flatMap((v) => v.violatingConstructs.map((c) => `${v.severity} ${v.ruleName} @ ${c.constructPath}`)));
    expect(findings).toEqual([]);
    expect(error).toBeUndefined();
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});
