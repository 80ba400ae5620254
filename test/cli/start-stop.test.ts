import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { consoleUrl, runStart } from '../../cli/commands/start';
import { isRunExecution, runStop, STOP_CAUSE } from '../../cli/commands/stop';
import { CliError } from '../../cli/io';
import { awsErrorToCliError } from '../../cli/results-source';
import { startSfnEndpoint, type SfnEndpoint } from '../../local/stepfunctions/endpoint';
import { LocalStepFunctions } from '../../local/stepfunctions/runner';
import { tuningInput } from '../helpers/inputs';
import { captureIo, runCommand, tempWorkspace } from './results-world';

const SM = 'arn:aws:states:us-east-1:000000000000:stateMachine:HpoTuner';
// A stand-in for the tuner: holds every execution RUNNING for a minute (until stopped).
const holdDefinition = {
  StartAt: 'Hold',
  States: { Hold: { Type: 'Wait', Seconds: 60, Next: 'Done' }, Done: { Type: 'Succeed' } },
};

describe('hpo start / hpo stop against the local Step Functions endpoint', () => {
  const ws = tempWorkspace();
  const saved = { endpoint: process.env.AWS_ENDPOINT_URL_SFN, region: process.env.AWS_REGION };
  let sfn: LocalStepFunctions;
  let endpoint: SfnEndpoint;

  beforeEach(async () => {
    sfn = new LocalStepFunctions({ stateMachines: [{ definition: holdDefinition, stateMachineArn: SM, handlers: {} }] });
    endpoint = await startSfnEndpoint(sfn);
    process.env.AWS_ENDPOINT_URL_SFN = endpoint.endpoint;
    process.env.AWS_REGION = 'us-east-1';
  });
  afterEach(async () => {
    sfn.close();
    await endpoint.close();
    for (const [key, value] of [['AWS_ENDPOINT_URL_SFN', saved.endpoint], ['AWS_REGION', saved.region]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });
  afterAll(() => ws.cleanup());

  function writeInput(file: string, input: unknown): string {
    writeFileSync(join(ws.cwd, file), JSON.stringify(input, null, 2));
    return file;
  }

  async function cli(command: typeof runStart, args: string[]): Promise<{ code: number; out: string; err: string }> {
    const io = captureIo(ws.cwd);
    const code = await runCommand(command, args, io);
    return { code, out: io.out, err: io.err };
  }

  it('starts an execution named after the run, with the input, and prints its ARN and console URL', async () => {
    const input = tuningInput({ name: 'mnist-hb' });
    const file = writeInput('tuning.json', input);

    const { code, out, err } = await cli(runStart, [file, '--state-machine', SM]);

    expect({ code, err }).toEqual({ code: 0, err: '' });
    const arn = 'arn:aws:states:us-east-1:000000000000:execution:HpoTuner:mnist-hb';
    const described = sfn.describeExecution(arn);
    expect(described.status).toBe('RUNNING');
    expect(JSON.parse(described.input)).toEqual(input);
    expect(out).toContain(`  execution: ${arn}\n`);
    expect(out).toContain(`  console:   https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/${arn}\n`);
    expect(consoleUrl('eu-west-1', 'x')).toBe('https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/x');
  });

  it('prints the validator\'s warnings before starting, and starts', async () => {
    // Prepare: a metric regex JavaScript cannot compile is a warning, not an error
    const input = tuningInput({ name: 'warned' }) as unknown as { TrainingJobDefinition: { AlgorithmSpecification: { MetricDefinitions: unknown[] } } };
    input.TrainingJobDefinition.AlgorithmSpecification.MetricDefinitions.push({ Name: 'loss', Regex: 'loss=([0-9.]+' });
    const file = writeInput('warned.json', input);
    // Act
    const { code, err } = await cli(runStart, [file, '--state-machine', SM]);
    // Assess
    expect(code).toBe(0);
    expect(err).toBe(
      'warning $.TrainingJobDefinition.AlgorithmSpecification.MetricDefinitions[1].Regex: metric "loss": Regex does not compile as a JavaScript regular expression: the local twin cannot read this metric\n' +
        'warned.json: 1 warning; starting anyway\n',
    );
    expect(sfn.listExecutions().map((e) => e.name)).toEqual(['warned']);
  });

  it('--name names the execution', async () => {
    const file = writeInput('named.json', tuningInput({ name: 'base' }));
    expect((await cli(runStart, [file, '--state-machine', SM, '--name', 'base-try2'])).code).toBe(0);
    expect(sfn.listExecutions().map((e) => e.name)).toEqual(['base-try2']);
  });

  it('an invalid input exits 2 with its problems and starts nothing', async () => {
    const input = tuningInput({ name: 'bad' }) as unknown as { HyperParameterTuningJobConfig: { ResourceLimits: Record<string, unknown> } };
    input.HyperParameterTuningJobConfig.ResourceLimits.MaxNumberOfTrainingJobs = 0;
    const file = writeInput('bad.json', input);

    const { code, out, err } = await cli(runStart, [file, '--state-machine', SM]);

    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain('MaxNumberOfTrainingJobs');
    expect(err).toMatch(/bad\.json: \d+ errors?; nothing was started\n$/);
    expect(sfn.listExecutions()).toEqual([]);
  });

  it('a run name already started gives a clear message (and no second execution)', async () => {
    const file = writeInput('dup.json', tuningInput({ name: 'dup' }));
    expect((await cli(runStart, [file, '--state-machine', SM])).code).toBe(0);

    const again = await cli(runStart, [file, '--state-machine', SM]);

    expect(again.code).toBe(1);
    expect(again.err).toMatch(/^error: a run named dup was already started on this state machine \(RUNNING since [0-9T:.-]+Z\): choose another HyperParameterTuningJobName\n$/);
    expect(sfn.listExecutions()).toHaveLength(1);
  });

  it('names a state machine that does not exist, and refuses a malformed ARN', async () => {
    const file = writeInput('x.json', tuningInput({ name: 'x' }));
    const missing = 'arn:aws:states:us-east-1:000000000000:stateMachine:Nope';
    const gone = await cli(runStart, [file, '--state-machine', missing]);
    expect(gone.code).toBe(1);
    expect(gone.err).toBe(
      `error: state machine ${missing} does not exist: check --state-machine (the StateMachineArn output of the stack) and that your credentials are for account 000000000000\n`,
    );
    const bad = await cli(runStart, [file, '--state-machine', 'HpoTuner']);
    expect(bad).toMatchObject({ code: 2, err: "error: --state-machine must be a state machine ARN (arn:aws:states:<region>:<account>:stateMachine:<name>), got 'HpoTuner'\n" });
    const none = await cli(runStart, [file]);
    expect(none.err).toBe("error: --state-machine <arn> is required: the StateMachineArn output of the tuner's stack; see hpo start --help\n");
  });

  it('hpo stop stops the running continuation <run>-g2, and nothing else', async () => {
    // Prepare: generation 0 handed over (ended), generation 2 runs; another run runs too
    const first = sfn.startExecution({ stateMachineArn: SM, name: 'mnist', input: '{}' });
    sfn.stopExecution(first.executionArn);
    const g2 = sfn.startExecution({ stateMachineArn: SM, name: 'mnist-g2', input: '{}' });
    const other = sfn.startExecution({ stateMachineArn: SM, name: 'mnist-gx', input: '{}' });

    // Act
    const { code, out } = await cli(runStop, ['mnist', '--state-machine', SM]);

    // Assess
    expect(code).toBe(0);
    expect(sfn.describeExecution(g2.executionArn)).toMatchObject({ status: 'ABORTED', cause: STOP_CAUSE });
    expect(sfn.describeExecution(other.executionArn).status).toBe('RUNNING');
    expect(out).toContain(`stopped execution mnist-g2 (${g2.executionArn})\n`);
    expect(out).toContain("the tuner's cleanup (an EventBridge rule on the stopped execution) now stops the run's training jobs");
    expect(out).toContain('check with: hpo status mnist --table <ResultsTableName>\n');
  });

  it('hpo stop with nothing running exits 1 with a clear message', async () => {
    const done = sfn.startExecution({ stateMachineArn: SM, name: 'idle', input: '{}' });
    sfn.stopExecution(done.executionArn);

    const { code, out, err } = await cli(runStop, ['idle', '--state-machine', SM]);

    expect({ code, out }).toEqual({ code: 1, out: '' });
    expect(err).toBe(
      "error: no running execution of run 'idle' on HpoTuner (looked for idle and idle-g<N>): it may have ended already; see hpo status idle --table <ResultsTableName>\n",
    );
  });

  it('matches a run and its continuations only', () => {
    expect(isRunExecution('a', 'a')).toBe(true);
    expect(isRunExecution('a', 'a-g12')).toBe(true);
    expect(isRunExecution('a', 'a-g')).toBe(false);
    expect(isRunExecution('a', 'a-b-g1')).toBe(false);
    expect(isRunExecution('a', 'ab')).toBe(false);
  });

  it('maps missing region and credentials to clear messages', () => {
    const credentials = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    expect((awsErrorToCliError(credentials) as CliError).message).toMatch(/^no AWS credentials found: /);
    expect((awsErrorToCliError(new Error('Region is missing')) as CliError).message).toMatch(/^no AWS region configured: set AWS_REGION/);
    const denied = Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' });
    expect((awsErrorToCliError(denied, { operation: 'states:StartExecution on X' }) as CliError).message).toBe(
      'access denied to states:StartExecution on X: User is not authorized',
    );
    const bug = new TypeError('x is undefined');
    expect(awsErrorToCliError(bug)).toBe(bug);
  });
});
