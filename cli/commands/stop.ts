/**
 * `hpo stop <run> --state-machine <arn>`: stop a run on a deployed tuner by stopping its
 * running Step Functions execution; the tuner's cleanup then stops its training jobs.
 */
import { ListExecutionsCommand, StopExecutionCommand, type ExecutionListItem, type SFNClient } from '@aws-sdk/client-sfn';
import { CliError, type CliIo } from '../io';
import { checkRunName, parseFlags } from '../results-source';
import { parseStateMachineArn, sfnClient, sfnErrorToCliError, type StateMachineArn } from './start';

/** Help text of `hpo stop`. */
export const stopHelp = `usage: hpo stop <run> --state-machine <arn>

Stop a run on a deployed tuner: stops its running Step Functions execution (the run's first
execution <run> or a continuation <run>-g<N>). The tuner's cleanup (an EventBridge rule on the
stopped execution) then stops the run's training jobs and records the run as Stopped; every
result so far is kept.

options:
  --state-machine <arn>   the tuner's state machine: the StateMachineArn output of the stack
  -h, --help              show this help

exit codes: 0 stopped, 1 nothing of that run is running or AWS refused, 2 bad arguments`;

/** The cause recorded on the stopped execution. */
export const STOP_CAUSE = 'stopped by hpo stop';

/** Whether an execution name belongs to run `run`: `<run>` or a continuation `<run>-g<N>`. */
export function isRunExecution(run: string, executionName: string): boolean {
  if (executionName === run) return true;
  if (!executionName.startsWith(`${run}-g`)) return false;
  return /^\d+$/.test(executionName.slice(run.length + 2));
}

async function runningExecutions(client: SFNClient, sm: StateMachineArn, run: string): Promise<ExecutionListItem[]> {
  const found: ExecutionListItem[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListExecutionsCommand({ stateMachineArn: sm.arn, statusFilter: 'RUNNING', maxResults: 1000, nextToken }));
    for (const execution of page.executions ?? []) {
      if (execution.name !== undefined && isRunExecution(run, execution.name)) found.push(execution);
    }
    nextToken = page.nextToken;
  } while (nextToken !== undefined && nextToken !== '');
  return found;
}

/**
 * Run `hpo stop`: stops the run's running execution(s) and returns 0; when none is running,
 * throws a `CliError` with exit code 1.
 *
 * A continuation may start while the previous execution hands over: after stopping, the
 * executions are listed again (a few times) so a fresh continuation is stopped too.
 *
 * @param args - the arguments after `stop`
 * @param io - where to write
 */
export async function runStop(args: string[], io: CliIo): Promise<number> {
  const flags = parseFlags(args, 'stop', { '--state-machine': 'value' });
  if (flags.positionals.length !== 1) {
    throw new CliError(
      flags.positionals.length === 0
        ? 'missing the run name: hpo stop <run> --state-machine <arn>'
        : `hpo stop takes one run name, got ${flags.positionals.length}: ${flags.positionals.join(', ')}`,
    );
  }
  const run = flags.positionals[0];
  checkRunName(run);
  const sm = parseStateMachineArn(flags.values.get('--state-machine'), 'stop');
  const client = sfnClient(sm);
  const stopped: string[] = [];
  try {
    for (let round = 0; round < 3; round++) {
      const running = (await runningExecutions(client, sm, run)).filter((e) => e.executionArn !== undefined && !stopped.includes(e.executionArn));
      if (running.length === 0) break;
      for (const execution of running) {
        const arn = execution.executionArn as string;
        await client.send(new StopExecutionCommand({ executionArn: arn, cause: STOP_CAUSE }));
        stopped.push(arn);
        io.stdout(`stopped execution ${execution.name} (${arn})\n`);
      }
    }
  } catch (error) {
    throw sfnErrorToCliError(error, sm, stopped.length === 0 ? 'ListExecutions' : 'StopExecution');
  } finally {
    client.destroy();
  }
  if (stopped.length === 0) {
    throw new CliError(
      `no running execution of run '${run}' on ${sm.name} (looked for ${run} and ${run}-g<N>): it may have ended already; see hpo status ${run} --table <ResultsTableName>`,
      1,
    );
  }
  io.stdout(
    `the tuner's cleanup (an EventBridge rule on the stopped execution) now stops the run's training jobs and records the run as Stopped; results so far are kept.\n` +
      `check with: hpo status ${run} --table <ResultsTableName>\n`,
  );
  return 0;
}
