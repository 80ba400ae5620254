/**
 * HTTP front of the SageMaker emulator: AWS JSON 1.1 on a loopback port, so the real
 * `@aws-sdk/client-sagemaker` (or any AWS CLI) talks to it with `endpoint` set. GET requests are
 * S3's ListObjectsV2 over the emulator's local S3 folder (s3-list.ts), for `AWS_ENDPOINT_URL_S3`;
 * `Logs_20140328.*` targets are CloudWatch Logs over the training jobs' output (training-logs.ts), for
 * `AWS_ENDPOINT_URL_CLOUDWATCH_LOGS`.
 * SigV4 signatures are accepted without verification.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../loopback';
import { SageMakerEmulator, type SageMakerEmulatorOptions } from './emulator';
import { CONTENT_TYPE, errorResponse, ServiceError, TARGET_PREFIX, toWire, type WireValue } from './protocol';
import { handleS3Request } from './s3-list';
import { LOGS_TARGET_PREFIX } from './training-logs';

/** Options of {@link startSageMakerEmulator}. */
export interface StartSageMakerEmulatorOptions extends SageMakerEmulatorOptions {
  /**
   * TCP port on 127.0.0.1.
   *
   * @default 0 (an ephemeral port)
   */
  readonly port?: number;
}

/** A running emulator and its HTTP endpoint. */
export interface RunningSageMakerEmulator {
  /** `http://127.0.0.1:<port>`: pass it as the SDK client's `endpoint`. */
  readonly endpoint: string;
  readonly emulator: SageMakerEmulator;
  /** Stops jobs, timers and the HTTP server. Nothing of the emulator is left running. */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ServiceError('SerializationException', 'request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, statusCode: number, headers: Record<string, string>, body: string): void {
  res.writeHead(statusCode, { ...headers, 'x-amzn-requestid': randomUUID(), 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

function parseJsonBody(text: string): unknown {
  try {
    return text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new ServiceError('SerializationException', 'the request body is not valid JSON');
  }
}

/** Handles one HTTP request against an emulator. */
export async function handleHttp(emulator: SageMakerEmulator, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method === 'GET') {
    // S3 ListObjectsV2 (path style) over the emulator's local S3: see s3-list.ts.
    const answer = handleS3Request(emulator.s3Root, req.method, req.url ?? '/');
    send(res, answer.statusCode, { 'content-type': 'application/xml' }, answer.body);
    return;
  }
  try {
    if (req.method !== 'POST') throw new ServiceError('UnknownOperationException', `${req.method} is not supported; use POST /`);
    const target = String(req.headers['x-amz-target'] ?? '');
    if (target.startsWith(LOGS_TARGET_PREFIX)) {
      // CloudWatch Logs of the training jobs (training-logs.ts), for AWS_ENDPOINT_URL_CLOUDWATCH_LOGS.
      const output = emulator.logs.handle(target.slice(LOGS_TARGET_PREFIX.length), parseJsonBody(await readBody(req)));
      send(res, 200, { 'content-type': CONTENT_TYPE }, JSON.stringify(output));
      return;
    }
    if (!target.startsWith(TARGET_PREFIX)) throw new ServiceError('UnknownOperationException', `missing or unknown X-Amz-Target: ${target || '(none)'}`);
    const text = await readBody(req);
    let input: unknown;
    try {
      input = text.trim() === '' ? {} : JSON.parse(text);
    } catch {
      throw new ServiceError('SerializationException', 'the request body is not valid JSON');
    }
    const output = await emulator.handle(target.slice(TARGET_PREFIX.length), input);
    send(res, 200, { 'content-type': CONTENT_TYPE }, JSON.stringify(toWire(output as WireValue)));
  } catch (e) {
    const err = e instanceof ServiceError ? e : new ServiceError('InternalFailure', e instanceof Error ? e.message : String(e));
    const r = errorResponse(err);
    send(res, r.statusCode, r.headers, r.body);
  }
}

/**
 * Starts the emulator behind an HTTP server on 127.0.0.1.
 *
 * @example
 * const sm = await startSageMakerEmulator({ rootDir: tmp });
 * const client = new SageMakerClient({ endpoint: sm.endpoint, region: 'us-east-1',
 *   credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
 * ...
 * await sm.close();
 */
export async function startSageMakerEmulator(options: StartSageMakerEmulatorOptions): Promise<RunningSageMakerEmulator> {
  const emulator = new SageMakerEmulator(options);
  const server: Server = createServer((req, res) => void handleHttp(emulator, req, res));
  server.keepAliveTimeout = 1000;
  const listening = await listenOnLoopback(server, options.port ?? 0);
  let closing: Promise<void> | undefined;
  return {
    endpoint: listening.endpoint,
    emulator,
    close: () => {
      closing ??= (async () => {
        const stopped = listening.close();
        await emulator.close();
        await stopped;
      })();
      return closing;
    },
  };
}
