// The authorizing proxy in front of dynalite, driven by the real @aws-sdk/client-dynamodb with
// each function's access key, the tuner's real policies deciding.
import { DynamoDBClient, ExecuteStatementCommand, GetItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { createTable, startDynamoDb, type LocalDynamoDb } from '../../../local/dynamodb/dynalite';
import { accessKeyIdOf, PermissionsLedger, startAuthorizingProxy, type AuthorizingProxy } from '../../../local/iam';
import { ACCOUNT, errorOf, REGION, TABLE_ARN, TABLE_NAME, SYNTH_TIMEOUT_MS, tunerIam } from './fixtures';

const KEYS = { tick: 'AKIDTICK', validate: 'AKIDVALIDATE' } as const;

describe('authorizing proxy: DynamoDB', () => {
  // Synthesizing the construct takes seconds, more on a busy machine: once, before the tests.
  beforeAll(() => void tunerIam(), SYNTH_TIMEOUT_MS);

  let db: LocalDynamoDb;
  let proxy: AuthorizingProxy;
  let ledger: PermissionsLedger;
  const clients: DynamoDBClient[] = [];
  const clientAs = (accessKeyId: string, endpoint = proxy.endpoint): DynamoDBClient => {
    const client = new DynamoDBClient({ endpoint, region: REGION, credentials: { accessKeyId, secretAccessKey: 'x' }, maxAttempts: 1 });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    db = await startDynamoDb();
    await createTable(db.endpoint, TABLE_NAME);
  });
  beforeEach(async () => {
    const { principals } = tunerIam();
    ledger = new PermissionsLedger();
    proxy = await startAuthorizingProxy({
      service: 'dynamodb',
      target: db.endpoint,
      principals: new Map([
        [KEYS.tick, principals.tick],
        [KEYS.validate, principals.validate],
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
    await db.close();
  });

  it('forwards what the role allows, byte for byte, and records every call', async () => {
    // Prepare
    const tick = clientAs(KEYS.tick);
    const item = { pk: { S: 'RUN#r1' }, sk: { S: 'RUN' }, gsi1pk: { S: 'RUNS' }, gsi1sk: { S: 'r1' }, note: { S: 'größe ✓ 学習' } };

    // Act
    await tick.send(new PutItemCommand({ TableName: TABLE_NAME, Item: item }));
    const got = await tick.send(new GetItemCommand({ TableName: TABLE_NAME, Key: { pk: item.pk, sk: item.sk } }));
    const listed = await tick.send(new QueryCommand({ TableName: TABLE_NAME, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': { S: 'RUNS' } } }));

    // Assess
    expect(got.Item).toEqual(item);
    expect(listed.Items).toEqual([item]);
    expect(ledger.entries().map((e) => [e.principal, e.action, e.resource, e.allowed, e.target])).toEqual([
      ['tick', 'dynamodb:PutItem', TABLE_ARN, true, 'DynamoDB_20120810.PutItem'],
      ['tick', 'dynamodb:GetItem', TABLE_ARN, true, 'DynamoDB_20120810.GetItem'],
      ['tick', 'dynamodb:Query', `${TABLE_ARN}/index/gsi1`, true, 'DynamoDB_20120810.Query'],
    ]);
  });

  it('answers a denial as DynamoDB does: AccessDeniedException with the role session and the action', async () => {
    // Prepare: validate has no DynamoDB permission at all; tick none on another table
    const validate = clientAs(KEYS.validate);
    const tick = clientAs(KEYS.tick);

    // Act
    const denied = await errorOf(validate.send(new GetItemCommand({ TableName: TABLE_NAME, Key: { pk: { S: 'x' }, sk: { S: 'y' } } })));
    const otherTable = await errorOf(tick.send(new PutItemCommand({ TableName: 'Other', Item: { pk: { S: 'x' }, sk: { S: 'y' } } })));

    // Assess
    expect(denied.name).toBe('AccessDeniedException');
    expect(denied.$fault).toBe('client');
    expect(denied.$metadata?.httpStatusCode).toBe(400);
    expect(denied.message).toBe(
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/${tunerIam().principals.validate.roleArn.split('/').pop()}/validate is not authorized to perform: ` +
        `dynamodb:GetItem on resource: ${TABLE_ARN} because no identity-based policy allows the dynamodb:GetItem action`,
    );
    // denied before the table was looked at: the table does not exist, yet no ResourceNotFoundException
    expect(otherTable.name).toBe('AccessDeniedException');
    expect(otherTable.message).toContain(`dynamodb:PutItem on resource: arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/Other because`);
    expect(ledger.denied().map((e) => [e.principal, e.action])).toEqual([
      ['validate', 'dynamodb:GetItem'],
      ['tick', 'dynamodb:PutItem'],
    ]);
  });

  it('lets keys it does not know through unchecked and unrecorded', async () => {
    const cli = clientAs('local');
    await cli.send(new GetItemCommand({ TableName: TABLE_NAME, Key: { pk: { S: 'x' }, sk: { S: 'y' } } }));
    expect(ledger.entries()).toEqual([]);
  });

  it('refuses an operation it cannot authorize, naming it, and a request without its table', async () => {
    // Act
    const partiql = await errorOf(clientAs(KEYS.tick).send(new ExecuteStatementCommand({ Statement: `SELECT * FROM "${TABLE_NAME}"` })));
    const bare = await fetch(proxy.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.GetItem',
        authorization: `AWS4-HMAC-SHA256 Credential=${KEYS.tick}/20260101/${REGION}/dynamodb/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: JSON.stringify({ Key: {} }),
    });

    // Assess
    expect(partiql).toMatchObject({ name: 'UnknownOperationException', message: 'the local twin does not know how to authorize DynamoDB_20120810.ExecuteStatement' });
    expect(ledger.problems()).toEqual([{ principal: 'tick', target: 'DynamoDB_20120810.ExecuteStatement', message: partiql.message }]);
    expect(bare.status).toBe(400);
    expect(await bare.json()).toEqual({
      __type: 'com.amazon.coral.validate#ValidationException',
      Message: "1 validation error detected: Value null at 'TableName' failed to satisfy constraint: Member must not be null",
    });
  });

  it('answers a failure of its own as InternalFailure and records it as a problem', async () => {
    // Prepare: a principal whose policy IAM would not accept
    const broken = { name: 'broken', roleArn: `arn:aws:iam::${ACCOUNT}:role/Broken`, policies: [{ name: 'bad', document: { Statement: [{ Effect: 'Permit', Action: '*', Resource: '*' }] } }] };
    const own = await startAuthorizingProxy({ service: 'dynamodb', target: db.endpoint, principals: new Map([['AKIDBROKEN', broken as never]]), region: REGION, account: ACCOUNT, ledger });
    try {
      // Act
      const failed = await errorOf(clientAs('AKIDBROKEN', own.endpoint).send(new GetItemCommand({ TableName: TABLE_NAME, Key: { pk: { S: 'x' }, sk: { S: 'y' } } })));

      // Assess
      expect(failed.name).toBe('InternalFailure');
      expect(failed.message).toMatch(/^the authorizing proxy failed: iam-simulate cannot evaluate dynamodb:GetItem/);
      expect(ledger.problems()).toEqual([expect.objectContaining({ principal: 'broken', target: 'DynamoDB_20120810.GetItem' })]);
      expect(ledger.entries()).toEqual([]);
    } finally {
      await own.close();
    }
  });

  it('serves concurrent requests on keep-alive connections and closes without waiting for them', async () => {
    // Prepare
    const tick = clientAs(KEYS.tick);
    const key = { pk: { S: 'RUN#r1' }, sk: { S: 'RUN' } };

    // Act: 20 at once over the SDK's keep-alive agent, then close with those sockets still open
    const results = await Promise.all(Array.from({ length: 20 }, () => tick.send(new GetItemCommand({ TableName: TABLE_NAME, Key: key }))));
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise((resolve) => (timer = setTimeout(() => resolve('hung'), 3000)));
    const closed = await Promise.race([proxy.close().then(() => 'closed'), hung]);
    clearTimeout(timer);

    // Assess
    expect(results).toHaveLength(20);
    expect(ledger.entries()).toEqual([expect.objectContaining({ action: 'dynamodb:GetItem', count: 20 })]);
    expect(closed).toBe('closed');
    await expect(tick.send(new GetItemCommand({ TableName: TABLE_NAME, Key: key }))).rejects.toThrow(/ECONNREFUSED|socket hang up|ECONNRESET/);
  });

  it('only ever talks to loopback', async () => {
    const options = { service: 'dynamodb' as const, principals: new Map(), region: REGION, account: ACCOUNT, ledger };
    await expect(startAuthorizingProxy({ ...options, target: 'http://10.0.0.1:8000' })).rejects.toThrow('the proxy\'s target must be http://127.0.0.1:<port> (loopback only), got "http://10.0.0.1:8000"');
    await expect(startAuthorizingProxy({ ...options, target: 'https://127.0.0.1:8000' })).rejects.toThrow(/loopback only/);
    expect(new URL(proxy.endpoint).hostname).toBe('127.0.0.1');
    expect(accessKeyIdOf('AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0')).toBe('AKID');
    expect(accessKeyIdOf(undefined)).toBeUndefined();
  });
});
