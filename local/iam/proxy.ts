/**
 * An authorizing reverse proxy in front of one local AWS JSON-protocol service (dynalite, the
 * SageMaker emulator, the local Step Functions endpoint), on 127.0.0.1.
 *
 * For each request: read the body, find the caller's access key id in the SigV4
 * `Authorization` header (`Credential=<AKID>/<date>/<region>/<service>/aws4_request`), and
 * look the key up in `principals`. A key that is not there (the CLI and the tests sign with
 * `local`), or no signature at all, passes unchecked and unrecorded. Otherwise every IAM call
 * of the request ({@link callsForRequest}) is authorized in order and recorded in the ledger;
 * the first denied call is answered as AWS answers it (`AccessDeniedException`), and the
 * backend never sees the request. An allowed request is forwarded unchanged (method, path,
 * headers, body) and the backend's answer is streamed back.
 *
 * Both ends are loopback only: the proxy listens on 127.0.0.1 and refuses a non-loopback target.
 */
import { type IncomingMessage, type ServerResponse, Agent, createServer, request as httpRequest } from 'node:http';
import { listenOnLoopback } from '../loopback';
import { authorize, type Authorization } from './authorize';
import { callsForRequest, InvalidRequestError, s3Calls, UnknownOperationError, type JsonService } from './calls';
import { accessDeniedAnswer, type HttpAnswer, unknownOperationAnswer, validationAnswer } from './denial';
import type { PermissionsLedger } from './ledger';
import type { IamCall, Principal } from './types';

/** Options of {@link startAuthorizingProxy}. */
export interface AuthorizingProxyOptions {
  readonly service: JsonService;
  /** The service's own endpoint, `http://127.0.0.1:<port>` (loopback only). */
  readonly target: string;
  /** Access key id -> the principal that signs with it. */
  readonly principals: ReadonlyMap<string, Principal>;
  /** The region and account of the resources' ARNs (and `aws:RequestedRegion`). */
  readonly region: string;
  readonly account: string;
  readonly ledger: PermissionsLedger;
  /**
   * The state machine ARN of a task token's execution (Step Functions only).
   *
   * @default - task-token calls are authorized against `*`
   */
  readonly resourceForTaskToken?: (token: string) => string | undefined;
}

/** A running proxy. */
export interface AuthorizingProxy {
  /** `http://127.0.0.1:<port>`: give it to the clients instead of the service's endpoint. */
  readonly endpoint: string;
  /** Stops listening, drops open connections (also keep-alive ones) and the backend's sockets. */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const CREDENTIAL = /Credential=([^/,\s]+)\//;
/** Hop-by-hop headers of the backend's answer: Node sets its own for the client connection. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade', 'te', 'trailer']);

/** The access key id of a SigV4-signed request, or undefined. */
export function accessKeyIdOf(authorization: string | undefined): string | undefined {
  return authorization === undefined ? undefined : CREDENTIAL.exec(authorization)?.[1];
}

function loopbackTarget(target: string): URL {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new Error(`the proxy's target must be an http url on loopback, got "${target}"`);
  }
  if (url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname)) {
    throw new Error(`the proxy's target must be http://127.0.0.1:<port> (loopback only), got "${target}"`);
  }
  return url;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new Error(`request body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function answer(res: ServerResponse, a: HttpAnswer): void {
  res.writeHead(a.statusCode, a.headers);
  res.end(a.body);
}

function parseJson(body: Buffer): unknown {
  try {
    return body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Starts an authorizing proxy on 127.0.0.1 (an ephemeral port).
 *
 * @throws Error when `target` is not an http URL on a loopback address
 * @example
 * const proxy = await startAuthorizingProxy({ service: 'sagemaker', target: sm.endpoint,
 *   principals: new Map([['AKIDTICK', tickPrincipal]]), region: 'us-east-1',
 *   account: '000000000000', ledger });
 * // the tick worker: AWS_ENDPOINT_URL_SAGEMAKER=proxy.endpoint, AWS_ACCESS_KEY_ID=AKIDTICK
 */
export async function startAuthorizingProxy(options: AuthorizingProxyOptions): Promise<AuthorizingProxy> {
  const target = loopbackTarget(options.target);
  const agent = new Agent({ keepAlive: true });
  const { service, principals, region, account, ledger } = options;

  /** Answers the request itself when it is denied or cannot be authorized; true if it did. */
  async function refused(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<boolean> {
    const principal = principals.get(accessKeyIdOf(req.headers.authorization) ?? '');
    if (principal === undefined) return false;
    const targetHeader = String(req.headers['x-amz-target'] ?? '');
    if (targetHeader === '' && service === 'sagemaker') return refusedS3(principal, req, res);
    const parsed = parseJson(body);
    // Not JSON: the service answers SerializationException; it can touch nothing.
    if (parsed === undefined) return false;
    let calls: IamCall[];
    try {
      calls = callsForRequest({ service, target: targetHeader, body: parsed, region, account }, { resourceForTaskToken: options.resourceForTaskToken });
    } catch (err) {
      if (err instanceof UnknownOperationError) {
        ledger.recordProblem(principal.name, targetHeader, err.message);
        answer(res, unknownOperationAnswer(service, err.message));
        return true;
      }
      if (err instanceof InvalidRequestError) {
        answer(res, validationAnswer(service, err.message));
        return true;
      }
      throw err;
    }
    for (const call of calls) {
      let decision: Authorization;
      try {
        decision = await authorize(principal, call, { region });
      } catch (err) {
        // A policy or call iam-simulate refuses: a bug to fix, reported like an unknown operation.
        ledger.recordProblem(principal.name, targetHeader, err instanceof Error ? err.message : String(err));
        throw err;
      }
      ledger.record(principal.name, targetHeader, decision);
      if (!decision.allowed) {
        answer(res, accessDeniedAnswer(service, decision.message ?? 'access denied'));
        return true;
      }
    }
    return false;
  }

  /**
   * An S3 REST request (the SageMaker emulator also serves the local S3's ListObjectsV2, path
   * style): `GET /<bucket>?list-type=2&prefix=<p>` is `s3:ListBucket` on the bucket with
   * `s3:prefix`; anything else is an operation the twin does not know how to authorize.
   */
  async function refusedS3(principal: Principal, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://local');
    const bucket = decodeURIComponent(url.pathname.replace(/^\/+/, '').replace(/\/+$/, ''));
    const operation = 'S3.ListObjectsV2';
    if (req.method !== 'GET' || bucket === '' || bucket.includes('/') || url.searchParams.get('list-type') !== '2') {
      const message = `the local twin does not know how to authorize the S3 request ${req.method ?? ''} ${url.pathname}`;
      ledger.recordProblem(principal.name, 'S3', message);
      answer(res, s3ErrorAnswer(501, 'NotImplemented', message));
      return true;
    }
    for (const call of s3Calls('list', bucket, url.searchParams.get('prefix') ?? '')) {
      const decision = await authorize(principal, call, { region });
      ledger.record(principal.name, operation, decision);
      if (!decision.allowed) {
        answer(res, s3ErrorAnswer(403, 'AccessDenied', decision.message ?? 'Access Denied'));
        return true;
      }
    }
    return false;
  }

  function forward(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const upstream = httpRequest(
      { protocol: target.protocol, hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
      (backend) => {
        const headers = Object.fromEntries(Object.entries(backend.headers).filter(([k]) => !HOP_BY_HOP.has(k.toLowerCase())));
        res.writeHead(backend.statusCode ?? 502, backend.statusMessage, headers);
        backend.pipe(res);
        backend.on('error', () => res.destroy());
      },
    );
    upstream.on('error', (err) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ __type: 'InternalFailure', message: `the local ${service} behind the authorizing proxy did not answer: ${err.message}` }));
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    upstream.end(body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const body = await readBody(req);
      if (await refused(req, res, body)) return;
      forward(req, res, body);
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ __type: 'InternalFailure', message: `the authorizing proxy failed: ${err instanceof Error ? err.message : String(err)}` }));
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  server.keepAliveTimeout = 5000;
  const listening = await listenOnLoopback(server);
  let closing: Promise<void> | undefined;
  return {
    endpoint: listening.endpoint,
    close(): Promise<void> {
      closing ??= (async () => {
        const stopped = listening.close();
        agent.destroy();
        await stopped;
      })();
      return closing;
    },
  };
}

/** An S3 error answer (REST-XML), as S3 gives it. */
function s3ErrorAnswer(statusCode: number, code: string, message: string): HttpAnswer {
  const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return {
    statusCode,
    headers: { 'content-type': 'application/xml' },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escape(message)}</Message></Error>`,
  };
}
