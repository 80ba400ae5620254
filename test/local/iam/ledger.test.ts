import { authorize, PermissionsLedger, renderPermissionsMarkdown, unusedGrants, type IamCall, type Principal } from '../../../local/iam';
import { ACCOUNT, jobArn, JOB_PREFIX, TABLE_ARN, SYNTH_TIMEOUT_MS, tunerIam } from './fixtures';

const TWIN_SERVICES = ['dynamodb', 'sagemaker', 'states', 'iam', 's3'];

async function record(ledger: PermissionsLedger, principal: Principal, target: string, call: IamCall, times = 1): Promise<void> {
  for (let i = 0; i < times; i++) ledger.record(principal.name, target, await authorize(principal, call));
}

describe('PermissionsLedger', () => {
  // Synthesizing the construct takes seconds, more on a busy machine: once, before the tests.
  beforeAll(() => void tunerIam(), SYNTH_TIMEOUT_MS);

  const fn: Principal = {
    name: 'fn',
    roleArn: `arn:aws:iam::${ACCOUNT}:role/Fn`,
    policies: [
      {
        name: 'data',
        document: {
          Version: '2012-10-17',
          Statement: [
            { Sid: 'Items', Effect: 'Allow', Action: 'dynamodb:*Item', Resource: TABLE_ARN },
            { Effect: 'Allow', Action: ['logs:PutLogEvents'], Resource: '*' },
            { Effect: 'Deny', Action: 'dynamodb:DeleteItem', Resource: '*' },
          ],
        },
      },
    ],
  };

  it('counts each distinct call and lists the denied ones', async () => {
    // Prepare
    const ledger = new PermissionsLedger();

    // Act
    await record(ledger, fn, 'DynamoDB_20120810.GetItem', { action: 'dynamodb:GetItem', resource: TABLE_ARN }, 3);
    await record(ledger, fn, 'DynamoDB_20120810.DeleteItem', { action: 'dynamodb:DeleteItem', resource: TABLE_ARN });
    ledger.recordProblem('fn', 'DynamoDB_20120810.ExecuteStatement', 'the local twin does not know how to authorize DynamoDB_20120810.ExecuteStatement');

    // Assess
    expect(ledger.entries('fn')).toEqual([
      expect.objectContaining({ action: 'dynamodb:GetItem', resource: TABLE_ARN, allowed: true, target: 'DynamoDB_20120810.GetItem', count: 3 }),
      expect.objectContaining({ action: 'dynamodb:DeleteItem', allowed: false, count: 1 }),
    ]);
    expect(ledger.entries('other')).toEqual([]);
    expect(ledger.denied().map((e) => e.action)).toEqual(['dynamodb:DeleteItem']);
    expect(ledger.problems()).toEqual([expect.objectContaining({ principal: 'fn', target: 'DynamoDB_20120810.ExecuteStatement' })]);
    ledger.clear();
    expect([ledger.entries(), ledger.problems()]).toEqual([[], []]);
  });

  it('finds the unused actions of each Allow statement, wildcards expanded', async () => {
    const ledger = new PermissionsLedger();
    await record(ledger, fn, 'DynamoDB_20120810.GetItem', { action: 'dynamodb:GetItem', resource: TABLE_ARN });
    await record(ledger, fn, 'DynamoDB_20120810.PutItem', { action: 'dynamodb:PutItem', resource: TABLE_ARN });

    // Act
    const all = await unusedGrants([fn], ledger.entries());
    const twinOnly = await unusedGrants([fn], ledger.entries(), { services: TWIN_SERVICES });

    // Assess: dynamodb:*Item is GetItem, PutItem, UpdateItem, DeleteItem, BatchGetItem, ... per iam-data
    expect(all).toEqual([
      expect.objectContaining({ principal: 'fn', policy: 'data', statement: 0, sid: 'Items', resources: [TABLE_ARN] }),
      { principal: 'fn', policy: 'data', statement: 1, actions: ['logs:PutLogEvents'], resources: ['*'] },
    ]);
    expect(all[0].actions).toEqual(expect.arrayContaining(['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem']));
    expect(all[0].actions).not.toContain('dynamodb:GetItem');
    expect(all[0].actions).not.toContain('dynamodb:PutItem');
    expect(twinOnly.map((u) => u.statement)).toEqual([0]);
  });

  it('counts a call as using only the statements that allowed it', async () => {
    const two: Principal = {
      ...fn,
      policies: [
        { name: 'a', document: { Statement: [{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: TABLE_ARN }] } },
        { name: 'b', document: { Statement: [{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: `${TABLE_ARN}/index/*` }] } },
      ],
    };
    const ledger = new PermissionsLedger();
    await record(ledger, two, 'DynamoDB_20120810.GetItem', { action: 'dynamodb:GetItem', resource: TABLE_ARN });
    expect(await unusedGrants([two], ledger.entries())).toEqual([{ principal: 'fn', policy: 'b', statement: 0, actions: ['dynamodb:GetItem'], resources: [`${TABLE_ARN}/index/*`] }]);
  });

  it('expands NotAction within the services asked for', async () => {
    const not: Principal = { ...fn, policies: [{ name: 'n', document: { Statement: [{ Effect: 'Allow', NotAction: 'states:*', Resource: '*' }] } }] };
    const [unused] = await unusedGrants([not], [], { services: ['states', 'sagemaker'] });
    expect(unused.actions).toContain('sagemaker:CreateTrainingJob');
    expect(unused.actions.some((a) => a.startsWith('states:'))).toBe(false);
  });

  it('renders a Markdown table per function: permission, resource pattern, the calls that used it', async () => {
    // Prepare: the real tick role, some calls of a tick
    const { tick } = tunerIam().principals;
    const ledger = new PermissionsLedger();
    await record(ledger, tick, 'SageMaker.CreateTrainingJob', { action: 'sagemaker:CreateTrainingJob', resource: jobArn(`${JOB_PREFIX}-r-0001-r1`) }, 2);
    await record(ledger, tick, 'SageMaker.CreateTrainingJob', { action: 'sagemaker:CreateTrainingJob', resource: jobArn(`${JOB_PREFIX}-r-0002-r1`) });
    await record(ledger, tick, 'DynamoDB_20120810.Query', { action: 'dynamodb:Query', resource: `${TABLE_ARN}/index/gsi1` }, 4);
    await record(ledger, tick, 'SageMaker.UpdateTrainingJob', { action: 'sagemaker:UpdateTrainingJob', resource: jobArn(`${JOB_PREFIX}-r-0001-r1`) });

    // Act
    const md = await renderPermissionsMarkdown([tick], ledger.entries(), {
      services: TWIN_SERVICES,
      formatResource: (r) => r.replace(ACCOUNT, '<account>'),
    });

    // Assess
    const lines = md.split('\n');
    expect(lines.slice(0, 6)).toEqual([
      '### tick',
      '',
      '| Permission | Resource | Used by |',
      '| --- | --- | --- |',
      '| `dynamodb:Query` | `arn:aws:dynamodb:us-east-1:<account>:table/HpoResults/index/*` | Query ×4 |',
      `| \`sagemaker:CreateTrainingJob\` | \`arn:aws:sagemaker:us-east-1:<account>:training-job/${JOB_PREFIX}-*\` | CreateTrainingJob ×3 |`,
    ]);
    expect(md).toContain('Granted, not used:');
    expect(md).toMatch(/- .*`dynamodb:GetItem`.* on `arn:aws:dynamodb:us-east-1:<account>:table\/HpoResults`/);
    expect(md).toMatch(/`iam:PassRole` on `arn:aws:iam::<account>:role\/TunerTrainingRole/);
    expect(md).not.toContain('logs:');
    expect(md).toContain(`Denied:\n\n- \`sagemaker:UpdateTrainingJob\` on \`arn:aws:sagemaker:us-east-1:<account>:training-job/${JOB_PREFIX}-r-0001-r1\` (UpdateTrainingJob ×1)`);
  });
});
