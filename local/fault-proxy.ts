/**
 * A fault-injecting proxy for the twin's AWS JSON services (DynamoDB on dynalite, the Step
 * Functions endpoint): it forwards every request to the real local service, except the calls a
 * rule selects, which get an AWS error instead (throttling by default), as the service would
 * send it. The real SDK clients of the handlers then meet the error exactly as in AWS: their own
 * retries first, then the tuner's error classification.
 *
 * Point a service at it through the SDK's endpoint variable, e.g.
 * `process.env.AWS_ENDPOINT_URL_DYNAMODB = proxy.endpoint` (the handlers rebuild their clients
 * when an endpoint variable changes).
 *
 * Protocol: AWS JSON 1.0/1.1, `POST /` with `X-Amz-Target: <Prefix>.<Operation>`; an error is
 * `{"__type": "<Name>", "message": "..."}` with its HTTP status.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback, type LoopbackServer } from './loopback';

/** The error a faulty call gets. */
export interface InjectedError {
  /** @default 'ThrottlingException' */
  readonly name?: string;
  /** @default 'Rate exceeded' */
  readonly message?: string;
  /** @default 400 */
  readonly status?: number;
}

interface Rule {
  readonly operation: string;
  remaining: number;
  readonly error: Required<InjectedError>;
}

/** A running proxy. */
export interface FaultProxy extends LoopbackServer {
  /**
   * The next `count` calls of `operation` (e.g. `UpdateItem`, `SendTaskSuccess`; `*` for any)
   * get `error` instead of reaching the service.
   */
  fail(operation: string, count: number, error?: InjectedError): void;
  /** Calls answered with an injected error so far, by operation. */
  readonly injected: Readonly<Record<string, number>>;
  /** Removes every rule. */
  reset(): void;
}

/** Start a proxy on loopback in front of `target` (`http://127.0.0.1:<port>`). */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const rules: Rule[] = [];
  const injected: Record<string, number> = {};

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    const out = httpRequest(
      { hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', (error) => {
      res.writeHead(502, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ __type: 'InternalServerError', message: `fault proxy: ${error.message}` }));
    });
    out.end(body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const operation = target.slice(target.lastIndexOf('.') + 1);
      const rule = rules.find((r) => r.remaining > 0 && (r.operation === '*' || r.operation === operation));
      if (rule === undefined) {
        forward(req, res, Buffer.concat(chunks));
        return;
      }
      rule.remaining--;
      injected[operation] = (injected[operation] ?? 0) + 1;
      const body = JSON.stringify({ __type: rule.error.name, message: rule.error.message });
      res.writeHead(rule.error.status, {
        'content-type': String(req.headers['content-type'] ?? 'application/x-amz-json-1.0'),
        'content-length': String(Buffer.byteLength(body)),
        'x-amzn-requestid': 'fault-proxy',
      });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 1000;
  const listening = await listenOnLoopback(server);
  return {
    endpoint: listening.endpoint,
    close: () => listening.close(),
    injected,
    fail(operation, count, error = {}) {
      rules.push({
        operation,
        remaining: count,
        error: { name: error.name ?? 'ThrottlingException', message: error.message ?? 'Rate exceeded', status: error.status ?? 400 },
      });
    },
    reset() {
      rules.length = 0;
    },
  };
}
