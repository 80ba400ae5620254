// The authorizing proxy in front of the local Step Functions endpoint, driven by the real
// @aws-sdk/client-sfn: task-token calls are authorized against the token's state machine,
// which the twin's token registry knows (LocalStepFunctions.stateMachineArnForTaskToken).
import { DescribeExecutionCommand, SendTaskSuccessCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PermissionsLedger, startAuthorizingProxy, type AuthorizingProxy } from '../../../local/iam';
import { defaultHandlers, Inbox, startHarness, type Harness } from '../stepfunctions/fixtures';
import { ACCOUNT, errorOf, REGION, STATE_MACHINE_ARN, SYNTH_TIMEOUT_MS, tunerIam } from './fixtures';

const KEYS = { wait: 'AKIDWAIT', tick: 'AKIDTICK' } as const;
const INPUT = JSON.stringify({ runId: 'run-1', wake: null });

describe('authorizing proxy: Step Functions', () => {
  // Synthesizing the construct takes seconds, more on a busy machine: once, before the tests.
  beforeAll(() => void tunerIam(), SYNTH_TIMEOUT_MS);

  let h: Harness;
  let proxy: AuthorizingProxy;
  let ledger: PermissionsLedger;
  let waits: Inbox<{ taskToken: string }>;
  const clients: SFNClient[] = [];
  const clientAs = (accessKeyId: string): SFNClient => {
    const client = new SFNClient({ endpoint: proxy.endpoint, region: REGION, credentials: { accessKeyId, secretAccessKey: 'x' }, maxAttempts: 1 });
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    // one wait, then done
    waits = new Inbox();
    let ticks = 0;
    h = await startHarness({
      handlers: {
        ...defaultHandlers(),
        Tick: async () => ({ decision: ++ticks === 2 ? 'done' : 'wait' }),
        WaitForChange: async (event) => {
          waits.push(event as { taskToken: string });
          return { stored: true };
        },
      },
    });
    const { principals } = tunerIam();
    ledger = new PermissionsLedger();
    proxy = await startAuthorizingProxy({
      service: 'sfn',
      target: h.endpoint.endpoint,
      principals: new Map([
        [KEYS.wait, principals['wait-for-change']],
        [KEYS.tick, principals.tick],
      ]),
      region: REGION,
      account: ACCOUNT,
      ledger,
      resourceForTaskToken: (token) => h.sfn.stateMachineArnForTaskToken(token),
    });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await proxy.close();
    await h.close();
  });

  it('lets wait-for-change wake its own state machine, and not tick', async () => {
    // Prepare
    const { executionArn } = h.sfn.startExecution({ stateMachineArn: STATE_MACHINE_ARN, input: INPUT });
    const { taskToken } = await waits.next();

    // Act
    const denied = await errorOf(clientAs(KEYS.tick).send(new SendTaskSuccessCommand({ taskToken, output: '{}' })));
    expect(h.sfn.describeExecution(executionArn).status).toBe('RUNNING');
    await clientAs(KEYS.wait).send(new SendTaskSuccessCommand({ taskToken, output: '{"reason":"woken"}' }));

    // Assess
    expect(denied.name).toBe('AccessDeniedException');
    expect(denied.message).toBe(
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/${tunerIam().principals.tick.roleArn.split('/').pop()}/tick is not authorized to perform: ` +
        `states:SendTaskSuccess on resource: ${STATE_MACHINE_ARN} because no identity-based policy allows the states:SendTaskSuccess action`,
    );
    expect((await h.sfn.waitForExecution(executionArn)).status).toBe('SUCCEEDED');
    expect(ledger.entries().map((e) => [e.principal, e.action, e.resource, e.allowed])).toEqual([
      ['tick', 'states:SendTaskSuccess', STATE_MACHINE_ARN, false],
      ['wait-for-change', 'states:SendTaskSuccess', STATE_MACHINE_ARN, true],
    ]);
  });

  it('knows the machine of a closed token too, and of none the service never issued', async () => {
    const { executionArn } = h.sfn.startExecution({ stateMachineArn: STATE_MACHINE_ARN, input: INPUT });
    const { taskToken } = await waits.next();
    await clientAs(KEYS.wait).send(new SendTaskSuccessCommand({ taskToken, output: '{}' }));
    await h.sfn.waitForExecution(executionArn);

    // a used token: authorized against its machine, then the service answers TaskTimedOut
    const reuse = await errorOf(clientAs(KEYS.wait).send(new SendTaskSuccessCommand({ taskToken, output: '{}' })));
    expect(reuse.name).toBe('TaskTimedOut');
    expect(h.sfn.stateMachineArnForTaskToken(taskToken)).toBe(STATE_MACHINE_ARN);
    // a forged token: authorized against '*', which the role's grant does not cover
    const forged = await errorOf(clientAs(KEYS.wait).send(new SendTaskSuccessCommand({ taskToken: 'forged', output: '{}' })));
    expect(forged.name).toBe('AccessDeniedException');
    expect(forged.message).toContain('states:SendTaskSuccess on resource: * because');
    expect(h.sfn.stateMachineArnForTaskToken('forged')).toBeUndefined();
  });

  it('denies what no function of the tuner may do: starting or describing executions', async () => {
    const tick = clientAs(KEYS.tick);
    const start = await errorOf(tick.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, input: INPUT })));
    const describe = await errorOf(tick.send(new DescribeExecutionCommand({ executionArn: `arn:aws:states:${REGION}:${ACCOUNT}:execution:HpoTuner:x` })));
    expect([start, describe].map((e) => e.name)).toEqual(['AccessDeniedException', 'AccessDeniedException']);
    expect(h.sfn.listExecutions()).toEqual([]);
  });
});
