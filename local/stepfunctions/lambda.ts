/**
 * Calling a Lambda handler in-process the way Step Functions' Lambda integration would.
 *
 * - Success: `lambda:invoke` returns the Invoke API response with the payload parsed from JSON:
 *   `{ ExecutedVersion, Payload, SdkHttpMetadata, SdkResponseMetadata, StatusCode: 200 }`.
 * - Function error: the Task fails with `Error` = the Lambda `errorType` (the Node.js runtime
 *   uses the thrown error's `name`) and `Cause` = the function error payload as a JSON string,
 *   `{"errorMessage": ..., "errorType": ..., "trace": [...]}`.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { StatesTaskError, terminalError } from './errors';

/**
 * The Lambda context a handler receives. The same shape as `Context` from `@types/aws-lambda`,
 * so handlers typed `(event, context: Context)` run unchanged.
 */
export type LambdaContextLike = Context;

/**
 * A Lambda handler called in-process.
 *
 * Declared with method syntax so that handlers with narrower event types, e.g.
 * `(event: TickInput, context: Context) => Promise<TickOutput>`, are accepted.
 */
export type LambdaHandler = {
  bivarianceHack(event: unknown, context: LambdaContextLike): Promise<unknown>;
}['bivarianceHack'];

/** The largest state output Step Functions accepts (256 KiB); more fails `States.DataLimitExceeded`. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

/** Lambda's own timeout ceiling (15 minutes): what `getRemainingTimeInMillis` counts down from. */
const LAMBDA_TIMEOUT_MS = 15 * 60 * 1000;

/** The output of `arn:aws:states:::lambda:invoke`. */
export interface LambdaInvokeEnvelope {
  readonly ExecutedVersion: '$LATEST';
  readonly Payload: unknown;
  readonly SdkHttpMetadata: {
    readonly AllHttpHeaders: Readonly<Record<string, readonly string[]>>;
    readonly HttpHeaders: Readonly<Record<string, string>>;
    readonly HttpStatusCode: 200;
  };
  readonly SdkResponseMetadata: { readonly RequestId: string };
  readonly StatusCode: 200;
}

/** The error payload Lambda returns when a Node.js function throws. */
export interface LambdaFunctionError {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace: readonly string[];
}

/** Builds the context for one invocation of `functionName`. */
export function lambdaContext(functionName: string, region: string, account: string): LambdaContextLike {
  const deadline = Date.now() + LAMBDA_TIMEOUT_MS;
  const requestId = randomUUID();
  const unsupported = (what: string) => (): never => {
    throw new Error(`context.${what}() is a deprecated Lambda API the local twin does not support: return or throw instead`);
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${account}:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${new Date().toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${requestId.replace(/-/g, '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  };
}

/** The function name in a `FunctionName` parameter (name, ARN, partial ARN, or a placeholder). */
export function functionNameOf(functionName: unknown, fallback: string): string {
  if (typeof functionName !== 'string' || functionName === '') return fallback;
  const match = /function:([^:]+)/.exec(functionName);
  return match ? match[1] : functionName;
}

/** Lambda's function error payload for a thrown value, as the Node.js runtime builds it. */
export function toFunctionError(thrown: unknown): LambdaFunctionError {
  if (thrown instanceof Error) {
    return {
      errorType: thrown.name,
      errorMessage: thrown.message,
      trace: (thrown.stack ?? `${thrown.name}: ${thrown.message}`).split('\n'),
    };
  }
  return { errorType: typeof thrown === 'string' ? 'string' : 'Error', errorMessage: String(thrown), trace: [] };
}

/** Round-trips a handler result through JSON, as the Lambda service does (`undefined` -> `null`). */
function asJson(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? null : (JSON.parse(text) as unknown);
}

/** Fails with `States.DataLimitExceeded` (not catchable here) when a result is over 256 KiB. */
export function checkPayloadSize(value: unknown, stateName: string): void {
  const bytes = Buffer.byteLength(JSON.stringify(value) ?? 'null', 'utf8');
  if (bytes > MAX_PAYLOAD_BYTES) {
    throw terminalError(
      'States.DataLimitExceeded',
      `The state/task '${stateName}' returned a result with a size exceeding the maximum number of bytes service limit (${bytes} > ${MAX_PAYLOAD_BYTES}).`,
    );
  }
}

/**
 * Invokes a handler like Lambda: JSON in, JSON out; a throw becomes a {@link StatesTaskError}
 * named by the error type with Lambda's function error JSON as its cause.
 */
export async function invokeHandler(handler: LambdaHandler, payload: unknown, context: LambdaContextLike): Promise<unknown> {
  let result: unknown;
  try {
    result = await handler(asJson(payload), context);
  } catch (thrown) {
    const functionError = toFunctionError(thrown);
    throw new StatesTaskError(functionError.errorType, JSON.stringify(functionError));
  }
  return asJson(result);
}

/** Wraps a payload in the `lambda:invoke` response envelope. */
export function invokeEnvelope(payload: unknown, requestId: string): LambdaInvokeEnvelope {
  const date = new Date().toUTCString();
  const length = String(Buffer.byteLength(JSON.stringify(payload), 'utf8'));
  const traceId = `root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replace(/-/g, '').slice(0, 24)}`;
  const headers: Record<string, string> = {
    Connection: 'keep-alive',
    'Content-Length': length,
    'Content-Type': 'application/json',
    Date: date,
    'X-Amz-Executed-Version': '$LATEST',
    'x-amzn-Remapped-Content-Length': '0',
    'x-amzn-RequestId': requestId,
    'X-Amzn-Trace-Id': traceId,
  };
  return {
    ExecutedVersion: '$LATEST',
    Payload: payload,
    SdkHttpMetadata: {
      AllHttpHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
      HttpHeaders: headers,
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: 200,
  };
}
