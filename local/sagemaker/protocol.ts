/**
 * The AWS JSON 1.1 protocol as SageMaker speaks it to @aws-sdk/client-sagemaker.
 *
 * Requests: `POST /`, `Content-Type: application/x-amz-json-1.1`, `X-Amz-Target:
 * SageMaker.<Operation>`, a JSON body; timestamps are epoch seconds (numbers).
 * Errors: HTTP 400 with `x-amzn-ErrorType: <Code>` and a JSON body `{"__type": "<Code>",
 * "message": "..."}`. The SDK (`loadJsonRpcErrorCode` in @smithy/core/protocols) reads the
 * code from `__type`, then `code`, then the header, strips any `namespace#` prefix and
 * `:suffix`, reads the text from `message` or `Message`, and throws an error whose `.name` is
 * the code: the modelled class (ResourceInUse, ResourceLimitExceeded, ResourceNotFound) or a
 * SageMakerServiceException named after the code (ValidationException, ThrottlingException).
 */

/** Target prefix of the `X-Amz-Target` header. */
export const TARGET_PREFIX = 'SageMaker.';

/** Content type of JSON 1.1 requests and responses. */
export const CONTENT_TYPE = 'application/x-amz-json-1.1';

/** Error codes the emulator answers with. */
export type ServiceErrorCode =
  | 'ValidationException'
  | 'ResourceInUse'
  | 'ResourceNotFound'
  /** CloudWatch Logs' (training-logs.ts). */
  | 'ResourceNotFoundException'
  | 'ResourceLimitExceeded'
  | 'ThrottlingException'
  | 'SerializationException'
  | 'UnknownOperationException'
  | 'InternalFailure';

/** An error the service returns to the client (rendered as an HTTP error response). */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';

  /**
   * @param code the wire error code (becomes the SDK error's `.name`)
   * @param message the service's message
   * @param statusCode HTTP status
   */
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    readonly statusCode = code === 'InternalFailure' ? 500 : 400,
  ) {
    super(message);
  }
}

/** The modelled SageMaker errors carry their text in `Message`; protocol errors in `message`. */
const MODELLED = new Set<ServiceErrorCode>(['ResourceInUse', 'ResourceNotFound', 'ResourceLimitExceeded']);

/** Renders a ServiceError as the HTTP response the SDK expects. */
export function errorResponse(error: ServiceError): { statusCode: number; headers: Record<string, string>; body: string } {
  const body = MODELLED.has(error.code)
    ? { __type: error.code, Message: error.message }
    : { __type: error.code, message: error.message };
  return {
    statusCode: error.statusCode,
    headers: { 'content-type': CONTENT_TYPE, 'x-amzn-errortype': error.code },
    body: JSON.stringify(body),
  };
}

/** JSON value tree whose timestamps may still be Dates. */
export type WireValue = string | number | boolean | null | undefined | Date | WireValue[] | { [k: string]: WireValue };

/**
 * Converts a response object to its JSON 1.1 wire form: Dates become epoch seconds
 * (fractional), undefined members are dropped.
 */
export function toWire(value: WireValue): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toWire(v);
    return out;
  }
  return value;
}
