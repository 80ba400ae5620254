/**
 * A local Step Functions endpoint: the AWS JSON 1.0 protocol on 127.0.0.1, backed by a
 * {@link LocalStepFunctions}, so the real `@aws-sdk/client-sfn` (and `aws stepfunctions`) work.
 *
 * Protocol, as @aws-sdk/client-sfn 3.1142 speaks it: `POST /`, `X-Amz-Target:
 * AWSStepFunctions.<Operation>`, `Content-Type: application/x-amz-json-1.0`, camelCase JSON
 * members, timestamps as epoch seconds. Errors are HTTP 400 with `{"__type": "<Name>",
 * "message": "..."}`: the SDK reads the code from `__type` (then `code`, then the
 * `x-amzn-errortype` header, dropping any `namespace#` prefix) and throws an error whose
 * `name` is that code, e.g. `TaskTimedOut`. Requests are not authenticated.
 *
 * Clients find it through `AWS_ENDPOINT_URL_SFN=<endpoint>` (or `AWS_ENDPOINT_URL`), which the
 * SDK's endpoint resolution reads at request time, or `new SFNClient({ endpoint })`.
 *
 * Operations: SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat, StartExecution,
 * StopExecution, DescribeExecution, ListExecutions (one page).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../loopback';
import { SfnServiceError } from './errors';
import type { ExecutionDescription, ExecutionStatus } from './events';
import type { LocalStepFunctions } from './runner';
import { parseJsonObject, readBodyLimited } from '../http-body';

/** A running local Step Functions endpoint. */
export interface SfnEndpoint {
  /** E.g. `http://127.0.0.1:41235`, for `AWS_ENDPOINT_URL_SFN` or `new SFNClient({ endpoint })`. */
  readonly endpoint: string;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

type Body = Record<string, unknown>;
type Operation = (local: LocalStepFunctions, body: Body) => Body;

const MAX_BODY_BYTES = 1024 * 1024;
const STATUSES: readonly ExecutionStatus[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT'];

function required(body: Body, member: string): string {
  const value = body[member];
  if (typeof value !== 'string' || value.length === 0) {
    throw new SfnServiceError('ValidationException', `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

function optional(body: Body, member: string): string | undefined {
  const value = body[member];
  return typeof value === 'string' ? value : undefined;
}

const epochSeconds = (date: Date | undefined): number | undefined => (date ? date.getTime() / 1000 : undefined);

function describe(d: ExecutionDescription): Body {
  return {
    executionArn: d.executionArn,
    stateMachineArn: d.stateMachineArn,
    name: d.name,
    status: d.status,
    startDate: epochSeconds(d.startDate),
    stopDate: epochSeconds(d.stopDate),
    input: d.input,
    inputDetails: { included: true },
    output: d.output,
    outputDetails: d.output === undefined ? undefined : { included: true },
    error: d.error,
    cause: d.cause,
  };
}

const OPERATIONS: Readonly<Record<string, Operation>> = {
  SendTaskSuccess: (local, body) => {
    local.sendTaskSuccess(required(body, 'taskToken'), required(body, 'output'));
    return {};
  },
  SendTaskFailure: (local, body) => {
    local.sendTaskFailure(required(body, 'taskToken'), optional(body, 'error'), optional(body, 'cause'));
    return {};
  },
  SendTaskHeartbeat: (local, body) => {
    local.sendTaskHeartbeat(required(body, 'taskToken'));
    return {};
  },
  StartExecution: (local, body) => {
    const started = local.startExecution({
      stateMachineArn: required(body, 'stateMachineArn'),
      input: optional(body, 'input'),
      name: optional(body, 'name'),
    });
    return { executionArn: started.executionArn, startDate: epochSeconds(started.startDate) };
  },
  StopExecution: (local, body) => {
    const stopped = local.stopExecution(required(body, 'executionArn'), {
      error: optional(body, 'error'),
      cause: optional(body, 'cause'),
    });
    return { stopDate: epochSeconds(stopped.stopDate) };
  },
  DescribeExecution: (local, body) => describe(local.describeExecution(required(body, 'executionArn'))),
  ListExecutions: (local, body) => {
    const statusFilter = optional(body, 'statusFilter');
    if (statusFilter !== undefined && !STATUSES.includes(statusFilter as ExecutionStatus)) {
      throw new SfnServiceError('ValidationException', `statusFilter must be one of ${STATUSES.join(', ')}, got '${statusFilter}'`);
    }
    const executions = local.listExecutions({
      stateMachineArn: optional(body, 'stateMachineArn'),
      statusFilter: statusFilter as ExecutionStatus | undefined,
    });
    const max = typeof body.maxResults === 'number' && body.maxResults > 0 ? body.maxResults : 1000;
    return {
      executions: executions.slice(0, max).map((d) => ({
        executionArn: d.executionArn,
        stateMachineArn: d.stateMachineArn,
        name: d.name,
        status: d.status,
        startDate: epochSeconds(d.startDate),
        stopDate: epochSeconds(d.stopDate),
      })),
    };
  },
};

function send(res: ServerResponse, status: number, body: Body): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/x-amz-json-1.0',
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': randomUUID(),
  });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  send(res, status, { __type: type, message });
}

function readBody(req: IncomingMessage): Promise<string> {
  return readBodyLimited(req, MAX_BODY_BYTES, () => new SfnServiceError('ValidationException', `request body larger than ${MAX_BODY_BYTES} bytes`));
}

async function handle(local: LocalStepFunctions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const target = String(req.headers['x-amz-target'] ?? '');
  const [prefix, operationName] = target.split('.');
  const operation = prefix === 'AWSStepFunctions' ? OPERATIONS[operationName ?? ''] : undefined;
  if (req.method !== 'POST' || operation === undefined) {
    return sendError(res, 400, 'UnknownOperationException', `the local step functions endpoint does not serve '${target}' (serves ${Object.keys(OPERATIONS).join(', ')})`);
  }
  try {
    const body = parseJsonObject<Body>(await readBody(req));
    if (body === undefined) {
      return sendError(res, 400, 'SerializationException', 'the request body is not valid JSON');
    }
    send(res, 200, operation(local, body));
  } catch (err) {
    if (err instanceof SfnServiceError) return sendError(res, err.httpStatus, err.name, err.message);
    sendError(res, 500, 'InternalFailure', err instanceof Error ? err.message : String(err));
  }
}

/** Starts the endpoint on 127.0.0.1, on an ephemeral port. */
export async function startSfnEndpoint(local: LocalStepFunctions): Promise<SfnEndpoint> {
  const server = createServer((req, res) => void handle(local, req, res));
  return listenOnLoopback(server);
}
