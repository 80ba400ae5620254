import { DescribeExecutionCommand, ListExecutionsCommand, SendTaskHeartbeatCommand, SFNClient } from '@aws-sdk/client-sfn';
import { connect } from 'node:net';
import { type Harness, STATE_MACHINE_ARN, startHarness } from './fixtures';

const INPUT = JSON.stringify({ runId: 'run-1', wake: null });

function portIsClosed(endpoint: string): Promise<boolean> {
  const { hostname, port } = new URL(endpoint);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('local Step Functions endpoint', () => {
  let h: Harness;
  const saved = { sfn: process.env.AWS_ENDPOINT_URL_SFN, all: process.env.AWS_ENDPOINT_URL };

  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
    for (const [key, value] of [['AWS_ENDPOINT_URL_SFN', saved.sfn], ['AWS_ENDPOINT_URL', saved.all]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it.each([['AWS_ENDPOINT_URL_SFN'], ['AWS_ENDPOINT_URL']])(
    'is found by a client configured only through %s',
    async (variable) => {
      // Prepare: the handlers' client is created with no endpoint, like in Lambda
      delete process.env.AWS_ENDPOINT_URL_SFN;
      delete process.env.AWS_ENDPOINT_URL;
      process.env[variable] = h.endpoint.endpoint;
      const client = new SFNClient({ region: 'us-east-1' });
      const { executionArn } = h.sfn.startExecution({ stateMachineArn: STATE_MACHINE_ARN, input: INPUT, name: 'env' });
      await h.sfn.waitForExecution(executionArn);

      // Act
      const described = await client.send(new DescribeExecutionCommand({ executionArn }));
      client.destroy();

      // Assess
      expect(described).toMatchObject({ executionArn, status: 'SUCCEEDED', name: 'env', input: INPUT });
      expect(described.startDate).toBeInstanceOf(Date);
      expect(JSON.parse(described.output!)).toMatchObject({ runId: 'run-1', tick: { decision: 'done' } });
    },
  );

  it('lists executions and answers SDK-shaped errors for unknown tokens', async () => {
    const { executionArn } = h.sfn.startExecution({ stateMachineArn: STATE_MACHINE_ARN, input: INPUT });
    await h.sfn.waitForExecution(executionArn);
    const listed = await h.client.send(new ListExecutionsCommand({ stateMachineArn: STATE_MACHINE_ARN, statusFilter: 'SUCCEEDED' }));
    expect(listed.executions?.map((e) => e.executionArn)).toEqual([executionArn]);
    const heartbeat = await h.client.send(new SendTaskHeartbeatCommand({ taskToken: 'x'.repeat(2000) })).catch((e: unknown) => e as Error);
    expect(heartbeat).toMatchObject({ name: 'InvalidToken', $metadata: { httpStatusCode: 400 } });
  });

  it('leaves nothing listening after close', async () => {
    const { endpoint } = h.endpoint;
    await h.close();
    expect(await portIsClosed(endpoint)).toBe(true);
  });
});
