/**
 * `hpo start <tuning.json> --state-machine <arn>`: validate a tuning input, then start a run
 * on a deployed tuner (Step Functions `StartExecution`).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { formatProblems, parseTuningInput } from '../../core/input';
import { CliError, type CliIo } from '../io';
import { describeWarnings } from './validate';
import { plural } from '../render';
import { awsErrorToCliError, parseFlags } from '../results-source';

/** Help text of `hpo start`. */
export const startHelp = `usage: hpo start <tuning.json> --state-machine <arn> [--name <execution name>]

Validate a tuning input exactly like hpo validate, then start a run on a deployed tuner:
a Step Functions execution of its state machine with the input as is. Nothing starts when
the input is invalid.

options:
  --state-machine <arn>   the tuner's state machine: the StateMachineArn output of the stack
  --name <name>           execution name (default: the input's HyperParameterTuningJobName,
                          which hpo stop looks for)
  -h, --help              show this help

Credentials come from the usual AWS settings (AWS_PROFILE, aws sso login, ...); the region
is the state machine's.

exit codes: 0 started, 1 AWS refused the request, 2 invalid input or bad arguments`;

/** A state machine ARN's parts. */
export interface StateMachineArn {
  readonly arn: string;
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly name: string;
}

const STATE_MACHINE_ARN = /^arn:(aws[a-z-]*):states:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):stateMachine:([A-Za-z0-9_-]{1,80})$/;
const EXECUTION_NAME = /^[A-Za-z0-9_-]{1,80}$/;

/**
 * Parse `--state-machine`.
 *
 * @throws CliError when missing or not a state machine ARN
 */
export function parseStateMachineArn(value: string | undefined, command: string): StateMachineArn {
  if (value === undefined) {
    throw new CliError(`--state-machine <arn> is required: the StateMachineArn output of the tuner's stack; see hpo ${command} --help`);
  }
  const match = STATE_MACHINE_ARN.exec(value);
  if (match === null) {
    throw new CliError(`--state-machine must be a state machine ARN (arn:aws:states:<region>:<account>:stateMachine:<name>), got '${value}'`);
  }
  const [, partition, region, account, name] = match;
  return { arn: value, partition, region, account, name };
}

/** The ARN of the execution `name` of a state machine. */
export function executionArnOf(sm: StateMachineArn, name: string): string {
  return `arn:${sm.partition}:states:${sm.region}:${sm.account}:execution:${sm.name}:${name}`;
}

/** The Step Functions console page of an execution. */
export function consoleUrl(region: string, executionArn: string): string {
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}

/** A Step Functions client in the state machine's region (endpoint and credentials: the SDK's chain). */
export function sfnClient(sm: StateMachineArn): SFNClient {
  return new SFNClient({ region: sm.region });
}

/**
 * A `CliError` (exit 1) for Step Functions errors a user can fix, else the error as it was.
 */
export function sfnErrorToCliError(error: unknown, sm: StateMachineArn, operation: string): unknown {
  if (!(error instanceof Error)) return error;
  switch (error.name) {
    case 'StateMachineDoesNotExist':
      return new CliError(
        `state machine ${sm.arn} does not exist: check --state-machine (the StateMachineArn output of the stack) and that your credentials are for account ${sm.account}`,
        1,
      );
    case 'StateMachineDeleting':
      return new CliError(`state machine ${sm.arn} is being deleted`, 1);
    case 'InvalidArn':
      return new CliError(`--state-machine: ${error.message}`, 1);
    case 'ExecutionLimitExceeded':
      return new CliError(`too many running executions on ${sm.name}: ${error.message}`, 1);
    default:
      return awsErrorToCliError(error, { operation: `states:${operation} on ${sm.arn}` });
  }
}

async function readInput(file: string, cwd: string): Promise<string> {
  try {
    return await readFile(resolve(cwd, file), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : String(code ?? e);
    throw new CliError(`cannot read ${file}: ${reason}`);
  }
}

/** Describes an existing execution of that name, or undefined (none, or not allowed to look). */
async function existingExecution(client: SFNClient, arn: string): Promise<{ status: string; startDate?: Date } | undefined> {
  try {
    const found = await client.send(new DescribeExecutionCommand({ executionArn: arn }));
    return { status: found.status ?? 'UNKNOWN', startDate: found.startDate };
  } catch (error) {
    if (error instanceof Error && (error.name === 'ExecutionDoesNotExist' || error.name === 'AccessDeniedException')) return undefined;
    throw error;
  }
}

/**
 * Run `hpo start`: 0 when the execution started (its ARN and console URL printed), 2 when the
 * input is invalid (its problems printed, nothing started). Bad arguments throw a `CliError`
 * (exit 2), AWS refusals a `CliError` with exit code 1.
 *
 * @param args - the arguments after `start`
 * @param io - where to write; relative paths resolve against `cwd`
 */
export async function runStart(args: string[], io: CliIo): Promise<number> {
  const flags = parseFlags(args, 'start', { '--state-machine': 'value', '--name': 'value' });
  if (flags.positionals.length !== 1) {
    throw new CliError(
      flags.positionals.length === 0
        ? 'missing the tuning input: hpo start <tuning.json> --state-machine <arn>'
        : `hpo start takes one tuning input, got ${flags.positionals.length}: ${flags.positionals.join(', ')}`,
    );
  }
  const sm = parseStateMachineArn(flags.values.get('--state-machine'), 'start');
  const customName = flags.values.get('--name');
  if (customName !== undefined && !EXECUTION_NAME.test(customName)) {
    throw new CliError(`--name must be 1-80 letters, digits, hyphens or underscores, got '${customName}'`);
  }
  const file = flags.positionals[0];
  const text = await readInput(file, io.cwd);
  const parsed = parseTuningInput(text);
  if (!parsed.ok) {
    const errors = parsed.problems.filter((p) => p.severity === 'error').length;
    io.stderr(`${formatProblems(parsed.problems)}\n${file}: ${plural(errors, 'error')}; nothing was started\n`);
    return 2;
  }
  if (parsed.warnings.length > 0) io.stderr(describeWarnings(file, parsed.warnings));
  const runName = parsed.spec.runName;
  const name = customName ?? runName;
  const input = JSON.stringify(JSON.parse(text));
  const alreadyStarted = (status?: string, since?: Date): CliError =>
    new CliError(
      customName === undefined
        ? `a run named ${name} was already started on this state machine${status === undefined ? '' : ` (${status}${since ? ` since ${since.toISOString()}` : ''})`}: choose another HyperParameterTuningJobName`
        : `an execution named ${name} already exists on this state machine${status === undefined ? '' : ` (${status})`}: choose another --name`,
      1,
    );

  const client = sfnClient(sm);
  try {
    // StartExecution is idempotent for the same name and input while that execution runs:
    // it would return the running one. Say so instead of pretending to start a new run.
    const existing = await existingExecution(client, executionArnOf(sm, name));
    if (existing !== undefined) throw alreadyStarted(existing.status, existing.startDate);
    const started = await client.send(new StartExecutionCommand({ stateMachineArn: sm.arn, name, input }));
    const executionArn = started.executionArn ?? executionArnOf(sm, name);
    io.stdout(
      [
        `started run ${runName} (${parsed.spec.scheduler.maxTrainingJobs} training jobs at most)`,
        `  execution: ${executionArn}`,
        `  console:   ${consoleUrl(sm.region, executionArn)}`,
        `follow it:   hpo status ${runName} --table <ResultsTableName>`,
        `stop it:     hpo stop ${runName} --state-machine ${sm.arn}`,
        '',
      ].join('\n'),
    );
    return 0;
  } catch (error) {
    if (error instanceof CliError) throw error;
    if (error instanceof Error && error.name === 'ExecutionAlreadyExists') throw alreadyStarted();
    if (error instanceof Error && error.name === 'InvalidName') throw new CliError(`'${name}' is not a valid execution name: ${error.message}`, 1);
    throw sfnErrorToCliError(error, sm, 'StartExecution');
  } finally {
    client.destroy();
  }
}
