/**
 * A local EventBridge endpoint: `PutEvents` over the AWS JSON 1.1 protocol on 127.0.0.1, onto
 * a {@link LocalEventBus}, so the real `@aws-sdk/client-eventbridge` works against the twin.
 * Every accepted entry becomes an event in the shape EventBridge delivers to targets (it is
 * routed to the bus's subscriptions and kept in its history).
 *
 * Protocol, as @aws-sdk/client-eventbridge 3.1142 speaks it: `POST /`, `X-Amz-Target:
 * AWSEvents.PutEvents`, `Content-Type: application/x-amz-json-1.1`, PascalCase members, `Time`
 * as epoch seconds. The answer is `{FailedEntryCount, Entries: [{EventId} | {ErrorCode,
 * ErrorMessage}]}`, one per entry in order, as EventBridge answers: a refused entry is not an
 * HTTP error. Errors of the whole request are HTTP 400 `{"__type": "<Name>", "message"}`.
 * Requests are not authenticated (the twin's authorizing proxy in front does IAM).
 *
 * Only the default bus exists (`default`, or its ARN in the twin's account and region).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../loopback';
import type { EventBridgeEvent, LocalEventBus } from './bus';
import { parseJsonObject, readBodyLimited } from '../http-body';

/** A running local EventBridge endpoint. */
export interface EventBridgeEndpoint {
  /** E.g. `http://127.0.0.1:41236`, for `AWS_ENDPOINT_URL_EVENTBRIDGE`. */
  readonly endpoint: string;
  close(): Promise<void>;
}

/** Options of {@link startEventBridgeEndpoint}. */
export interface EventBridgeEndpointOptions {
  readonly region: string;
  readonly account: string;
}

const MAX_BODY_BYTES = 1024 * 1024;
/** EventBridge's limits: 10 entries per call, 256 KB per call. */
const MAX_ENTRIES = 10;
const MAX_ENTRY_BYTES = 256 * 1024;

type Body = Record<string, unknown>;
type EntryAnswer = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

class RequestError extends Error {
  constructor(
    override readonly name: string,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: Body): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/x-amz-json-1.1',
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': randomUUID(),
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return readBodyLimited(req, MAX_BODY_BYTES, () => new RequestError('ValidationException', `request body larger than ${MAX_BODY_BYTES} bytes`));
}

/** The event of one entry, or the entry's error. */
function toEvent(entry: Body, options: EventBridgeEndpointOptions): EventBridgeEvent | { ErrorCode: string; ErrorMessage: string } {
  const bus = entry.EventBusName;
  const defaultArn = `arn:aws:events:${options.region}:${options.account}:event-bus/default`;
  if (bus !== undefined && bus !== 'default' && bus !== defaultArn) {
    return { ErrorCode: 'InvalidArgument', ErrorMessage: `the local twin has only the default event bus, got EventBusName '${String(bus)}'` };
  }
  for (const member of ['Source', 'DetailType', 'Detail'] as const) {
    if (typeof entry[member] !== 'string' || entry[member] === '') {
      return { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter ${member} is not valid. Reason: ${member} is a required argument.` };
    }
  }
  if (Buffer.byteLength(JSON.stringify(entry)) > MAX_ENTRY_BYTES) {
    return { ErrorCode: 'InvalidArgument', ErrorMessage: `the entry is larger than ${MAX_ENTRY_BYTES} bytes` };
  }
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail as string);
  } catch {
    detail = undefined;
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  const time = typeof entry.Time === 'number' ? new Date(entry.Time * 1000) : new Date();
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': entry.DetailType as string,
    source: entry.Source as string,
    account: options.account,
    time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: options.region,
    resources: Array.isArray(entry.Resources) ? entry.Resources.map(String) : [],
    detail: detail as Record<string, unknown>,
  };
}

function putEvents(bus: LocalEventBus, body: Body, options: EventBridgeEndpointOptions): Body {
  const entries = body.Entries;
  if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_ENTRIES) {
    throw new RequestError('ValidationException', `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and ${MAX_ENTRIES}`);
  }
  const answers: EntryAnswer[] = [];
  const events: EventBridgeEvent[] = [];
  for (const entry of entries as unknown[]) {
    const result = toEvent(typeof entry === 'object' && entry !== null ? (entry as Body) : {}, options);
    if ('ErrorCode' in result) {
      answers.push(result);
    } else {
      answers.push({ EventId: result.id });
      events.push(result);
    }
  }
  if (events.length > 0 && !bus.put(...events)) throw new RequestError('InternalException', 'the local event bus is closed');
  return { FailedEntryCount: answers.filter((a) => 'ErrorCode' in a).length, Entries: answers };
}

async function handle(bus: LocalEventBus, options: EventBridgeEndpointOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const target = String(req.headers['x-amz-target'] ?? '');
  if (req.method !== 'POST' || target !== 'AWSEvents.PutEvents') {
    return send(res, 400, { __type: 'UnknownOperationException', message: `the local eventbridge endpoint does not serve '${target}' (serves PutEvents)` });
  }
  try {
    const body = parseJsonObject<Body>(await readBody(req));
    if (body === undefined) {
      return send(res, 400, { __type: 'SerializationException', message: 'the request body is not valid JSON' });
    }
    send(res, 200, putEvents(bus, body, options));
  } catch (err) {
    if (err instanceof RequestError) return send(res, err.name === 'InternalException' ? 500 : 400, { __type: err.name, message: err.message });
    send(res, 500, { __type: 'InternalException', message: err instanceof Error ? err.message : String(err) });
  }
}

/** Starts the endpoint on 127.0.0.1, on an ephemeral port. */
export async function startEventBridgeEndpoint(bus: LocalEventBus, options: EventBridgeEndpointOptions): Promise<EventBridgeEndpoint> {
  const server = createServer((req, res) => void handle(bus, options, req, res));
  return listenOnLoopback(server);
}
