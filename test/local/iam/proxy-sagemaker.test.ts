// The authorizing proxy in front of the real SageMaker emulator, driven by the real
// @aws-sdk/client-sagemaker with each function's access key, the tuner's real policies deciding.
import { CreateTrainingJobCommand, DescribeTrainingJobCommand, SageMakerClient, StopTrainingJobCommand, UpdateTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import { PermissionsLedger, startAuthorizingProxy, type AuthorizingProxy } from '../../../local/iam';
import { startHarness, trainRequest, type Harness } from '../sagemaker/helpers';
import { ACCOUNT, errorOf, jobArn, JOB_PREFIX, REGION, SYNTH_TIMEOUT_MS, tunerIam } from './fixtures';

const KEYS = { tick: 'AKIDTICK', cleanup: 'AKIDCLEANUP' } as const;

describe('authorizing proxy: SageMaker', () => {
  // Synthesizing the construct takes seconds, more on a busy machine: once, before the tests.
  beforeAll(() => void tunerIam(), SYNTH_TIMEOUT_MS);

  let h: Harness;
  let proxy: AuthorizingProxy;
  let ledger: PermissionsLedger;
  const clients: SageMakerClient[] = [];
  const clientAs = (accessKeyId: string): SageMakerClient => {
    const client = new SageMakerClient({ endpoint: proxy.endpoint, region: REGION, credentials: { accessKeyId, secretAccessKey: 'x' }, maxAttempts: 1 });
    clients.push(client);
    return client;
  };
  /** A job that runs long enough to be stopped (train.js sleeps between epochs). */
  const longJob = (name: string, roleArn = tunerIam().trainingRoleArn) =>
    trainRequest(name, { RoleArn: roleArn, HyperParameters: { epochs: '50', sleep_ms: '200' } });
  const statusOf = async (name: string) => (await h.client.send(new DescribeTrainingJobCommand({ TrainingJobName: name }))).TrainingJobStatus;

  beforeAll(async () => {
    h = await startHarness({}, 1);
  });
  beforeEach(async () => {
    const { principals } = tunerIam();
    ledger = new PermissionsLedger();
    proxy = await startAuthorizingProxy({
      service: 'sagemaker',
      target: h.sm.endpoint,
      principals: new Map([
        [KEYS.tick, principals.tick],
        [KEYS.cleanup, principals['on-execution-end']],
      ]),
      region: REGION,
      account: ACCOUNT,
      ledger,
    });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await proxy.close();
  });
  afterAll(async () => {
    await h.close();
  });

  it('lets tick create a job under its prefix with the training role, and not update it (only finalize and the cleanup release warm pools)', async () => {
    // Prepare
    const name = `${JOB_PREFIX}-run1-0001-r1`;
    const tick = clientAs(KEYS.tick);

    // Act
    const created = await tick.send(new CreateTrainingJobCommand(longJob(name)));
    const stop = await errorOf(tick.send(new UpdateTrainingJobCommand({ TrainingJobName: name, ResourceConfig: { KeepAlivePeriodInSeconds: 0 } })));

    // Assess: created through the proxy; the stop never reached the emulator
    expect(created.TrainingJobArn).toBe(jobArn(name));
    expect(stop.name).toBe('AccessDeniedException');
    expect(stop.$metadata?.httpStatusCode).toBe(400);
    expect(stop.message).toBe(
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/${tunerIam().principals.tick.roleArn.split('/').pop()}/tick is not authorized to perform: ` +
        `sagemaker:UpdateTrainingJob on resource: ${jobArn(name)} because no identity-based policy allows the sagemaker:UpdateTrainingJob action`,
    );
    expect(await statusOf(name)).toBe('InProgress');
    expect(ledger.entries().map((e) => [e.action, e.allowed, e.target])).toEqual([
      ['sagemaker:CreateTrainingJob', true, 'SageMaker.CreateTrainingJob'],
      ['iam:PassRole', true, 'SageMaker.CreateTrainingJob'],
      ['sagemaker:UpdateTrainingJob', false, 'SageMaker.UpdateTrainingJob'],
    ]);

    // and the cleanup function may stop it
    await clientAs(KEYS.cleanup).send(new StopTrainingJobCommand({ TrainingJobName: name }));
    expect(['Stopping', 'Stopped']).toContain(await statusOf(name));
  });

  it('denies a job outside the prefix, or passing another role, before the emulator sees it', async () => {
    // Prepare
    const tick = clientAs(KEYS.tick);
    const otherRole = `arn:aws:iam::${ACCOUNT}:role/SomeAdmin`;

    // Act
    const foreign = await errorOf(tick.send(new CreateTrainingJobCommand(longJob('other-run1-0001-r1'))));
    const passRole = await errorOf(tick.send(new CreateTrainingJobCommand(longJob(`${JOB_PREFIX}-run1-0002-r1`, otherRole))));

    // Assess
    expect(foreign).toMatchObject({ name: 'AccessDeniedException' });
    expect(foreign.message).toContain(`sagemaker:CreateTrainingJob on resource: ${jobArn('other-run1-0001-r1')}`);
    expect(passRole).toMatchObject({ name: 'AccessDeniedException' });
    expect(passRole.message).toMatch(new RegExp(`is not authorized to perform: iam:PassRole on resource: ${otherRole} because no identity-based policy allows the iam:PassRole action$`));
    for (const name of ['other-run1-0001-r1', `${JOB_PREFIX}-run1-0002-r1`]) {
      const missing = await errorOf(h.client.send(new DescribeTrainingJobCommand({ TrainingJobName: name })));
      expect(missing.name).toBe('ValidationException');
    }
  });

  it('passes the emulator\'s own answers back unchanged, errors included', async () => {
    const tick = clientAs(KEYS.tick);
    const missing = await errorOf(tick.send(new DescribeTrainingJobCommand({ TrainingJobName: `${JOB_PREFIX}-missing` })));
    const direct = await errorOf(h.client.send(new DescribeTrainingJobCommand({ TrainingJobName: `${JOB_PREFIX}-missing` })));
    expect({ name: missing.name, message: missing.message }).toEqual({ name: direct.name, message: direct.message });
    expect(ledger.entries()).toEqual([expect.objectContaining({ action: 'sagemaker:DescribeTrainingJob', allowed: true })]);
  });
});
