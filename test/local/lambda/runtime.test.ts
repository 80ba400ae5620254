/**
 * The twin's Lambda runtime: sandboxes in worker threads with the function's own environment,
 * timeout and error reporting, as the Node.js Lambda runtime does.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LambdaFunctionError, LambdaServiceError, LocalLambdaFunction, type LocalFunctionConfig } from '../../../local/lambda/runtime';

let dir: string;
const functions: LocalLambdaFunction[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hpo-lambda-'));
  writeFileSync(
    join(dir, 'index.js'),
    `
    let invocations = 0;
    class DomainError extends Error { constructor(m) { super(m); this.name = 'DomainError'; } }
    exports.handler = async (event, context) => {
      invocations += 1;
      if (event.kind === 'env') return { color: process.env.COLOR, key: process.env.AWS_ACCESS_KEY_ID, fn: process.env.AWS_LAMBDA_FUNCTION_NAME };
      if (event.kind === 'throw') throw new DomainError('it went wrong');
      if (event.kind === 'sleep') { await new Promise((r) => setTimeout(r, event.ms)); return { slept: event.ms }; }
      if (event.kind === 'count') return { invocations };
      if (event.kind === 'context') return { name: context.functionName, remaining: context.getRemainingTimeInMillis(), id: context.awsRequestId };
      if (event.kind === 'big') return 'x'.repeat(7 * 1024 * 1024);
      return event;
    };`,
  );
});

afterAll(async () => {
  await Promise.all(functions.map((f) => f.close()));
  rmSync(dir, { recursive: true, force: true });
});

function make(overrides: Partial<LocalFunctionConfig> = {}): LocalLambdaFunction {
  const fn = new LocalLambdaFunction({
    name: 'fn',
    arn: 'arn:aws:lambda:us-east-1:000000000000:function:fn',
    codeDir: dir,
    handler: 'index.handler',
    environment: { COLOR: 'blue' },
    runtimeEnvironment: { AWS_ACCESS_KEY_ID: 'ASIA1', AWS_LAMBDA_FUNCTION_NAME: 'fn' },
    timeoutSeconds: 5,
    memoryMb: 256,
    ...overrides,
  });
  functions.push(fn);
  return fn;
}

describe('LocalLambdaFunction', () => {
  it('gives each function its own environment, never the caller\'s', async () => {
    // Prepare
    process.env.COLOR = 'from-the-test-process';
    const a = make();
    const b = make({ name: 'other', environment: { COLOR: 'red' }, runtimeEnvironment: { AWS_ACCESS_KEY_ID: 'ASIA2', AWS_LAMBDA_FUNCTION_NAME: 'other' } });
    // Act
    const [ra, rb] = await Promise.all([a.invoke({ kind: 'env' }), b.invoke({ kind: 'env' })]);
    delete process.env.COLOR;
    // Assess
    expect(ra).toEqual({ color: 'blue', key: 'ASIA1', fn: 'fn' });
    expect(rb).toEqual({ color: 'red', key: 'ASIA2', fn: 'other' });
  });

  it('reports a thrown error as the runtime does: errorType from error.name, message, trace', async () => {
    const error = await make().invoke({ kind: 'throw' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LambdaFunctionError);
    expect((error as LambdaFunctionError).toJSON()).toMatchObject({ errorType: 'DomainError', errorMessage: 'it went wrong' });
    expect((error as LambdaFunctionError).trace[0]).toBe('DomainError: it went wrong');
  });

  it('fails an invocation that overruns the timeout with Sandbox.Timedout, and discards its sandbox', async () => {
    const fn = make({ timeoutSeconds: 1 });
    const error = await fn.invoke({ kind: 'sleep', ms: 3000 }).catch((e: unknown) => e);
    expect((error as LambdaFunctionError).errorType).toBe('Sandbox.Timedout');
    expect((error as LambdaFunctionError).errorMessage).toMatch(/Task timed out after 1\.00 seconds$/);
    // The next invocation gets a fresh sandbox (a cold start): the module state is new.
    await expect(fn.invoke({ kind: 'count' })).resolves.toEqual({ invocations: 1 });
    expect(fn.stats).toMatchObject({ timeouts: 1, coldStarts: 2 });
  });

  it('reuses a warm sandbox (module state survives), and opens another for concurrent invocations', async () => {
    const fn = make();
    await fn.invoke({ kind: 'count' });
    await expect(fn.invoke({ kind: 'count' })).resolves.toEqual({ invocations: 2 });
    await Promise.all([fn.invoke({ kind: 'sleep', ms: 200 }), fn.invoke({ kind: 'sleep', ms: 200 })]);
    expect(fn.stats.coldStarts).toBe(2);
  });

  it('passes a Lambda context with the function name, request id and remaining time', async () => {
    const out = (await make({ timeoutSeconds: 30 }).invoke({ kind: 'context' })) as { name: string; remaining: number; id: string };
    expect(out.name).toBe('fn');
    expect(out.remaining).toBeGreaterThan(25_000);
    expect(out.remaining).toBeLessThanOrEqual(30_000);
    expect(out.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('enforces the payload limits: 256 KB for events, 6 MB for requests and responses', async () => {
    const fn = make();
    const event = { data: 'x'.repeat(300 * 1024) };
    await expect(fn.invoke(event, 'Event')).rejects.toBeInstanceOf(LambdaServiceError);
    await expect(fn.invoke(event, 'Event')).rejects.toThrow(/smaller than 262144 bytes/);
    await expect(fn.invoke(event)).resolves.toEqual(event);
    const error = await fn.invoke({ kind: 'big' }).catch((e: unknown) => e);
    expect((error as LambdaFunctionError).errorType).toBe('Function.ResponseSizeTooLarge');
  });

  it('writes the function\'s output to its log file', async () => {
    const logFile = join(dir, 'logs', 'fn.log');
    writeFileSync(join(dir, 'logger.js'), 'exports.handler = async () => { console.log("hello from the sandbox"); return 1; };');
    const fn = make({ handler: 'logger.handler', logFile });
    await fn.invoke({});
    await fn.close();
    expect(readFileSync(logFile, 'utf8')).toContain('hello from the sandbox');
  });

  it('says so when the handler is not exported', async () => {
    const error = await make({ handler: 'index.missing' }).invoke({}).catch((e: unknown) => e);
    expect((error as LambdaFunctionError).errorType).toBe('Runtime.HandlerNotFound');
  });
});
