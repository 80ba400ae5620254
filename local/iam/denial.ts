/**
 * The HTTP answers the authorizing proxy gives instead of the service's, shaped as AWS sends
 * them so the SDK v3 clients throw what they would throw in AWS.
 *
 * JSON-protocol errors: HTTP 400, `x-amzn-ErrorType` header, a JSON body with `__type` and
 * the text. @aws-sdk/core reads the code from `__type` (then `code`, then the header), drops
 * a `namespace#` prefix and a `:suffix`, reads the text from `message` or `Message`, and
 * throws an error whose `name` is the code. None of the three clients models
 * `AccessDeniedException`, so it surfaces as the client's `<Service>ServiceException` named
 * `AccessDeniedException`, `$fault: 'client'`, HTTP status 400, not retried.
 *
 * The services render it as their coral front ends do:
 * - DynamoDB and Step Functions (JSON 1.0): `{"__type":"com.amazon.coral.service#AccessDeniedException","Message":"User: ..."}`;
 * - SageMaker and EventBridge (JSON 1.1): `{"__type":"AccessDeniedException","Message":"User: ..."}`.
 */
import { randomUUID } from 'node:crypto';
import type { JsonService } from './calls';

/** An HTTP answer: status, headers and body. */
export interface HttpAnswer {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const CONTENT_TYPES: Readonly<Record<JsonService, string>> = {
  dynamodb: 'application/x-amz-json-1.0',
  sfn: 'application/x-amz-json-1.0',
  sagemaker: 'application/x-amz-json-1.1',
  logs: 'application/x-amz-json-1.1',
  events: 'application/x-amz-json-1.1',
};

const CORAL_NAMESPACE = 'com.amazon.coral.service';

/** `namespace`: the `__type` prefix the JSON 1.0 services send (the JSON 1.1 ones, SageMaker, CloudWatch Logs and EventBridge, send none). */
function errorAnswer(service: JsonService, code: string, message: string, namespace?: string): HttpAnswer {
  const type = namespace !== undefined && service !== 'sagemaker' && service !== 'logs' && service !== 'events' ? `${namespace}#${code}` : code;
  const body = JSON.stringify({ __type: type, Message: message });
  return {
    statusCode: 400,
    headers: {
      'content-type': CONTENT_TYPES[service],
      'content-length': String(Buffer.byteLength(body)),
      'x-amzn-errortype': `${code}:http://internal.amazon.com/coral/${CORAL_NAMESPACE}/`,
      'x-amzn-requestid': randomUUID(),
    },
    body,
  };
}

/**
 * AWS's answer to a call denied by identity policies.
 *
 * @param message the text from `authorize` (`User: ... is not authorized to perform: ...`)
 */
export function accessDeniedAnswer(service: JsonService, message: string): HttpAnswer {
  return errorAnswer(service, 'AccessDeniedException', message, CORAL_NAMESPACE);
}

/** AWS's answer to a request that lacks a required member. */
export function validationAnswer(service: JsonService, message: string): HttpAnswer {
  return errorAnswer(service, 'ValidationException', message, 'com.amazon.coral.validate');
}

/**
 * The twin's answer to a request it cannot authorize (an operation unknown to calls.ts). Not
 * an AWS shape: it names the gap, so the failing handler's error says what to add.
 */
export function unknownOperationAnswer(service: JsonService, message: string): HttpAnswer {
  return errorAnswer(service, 'UnknownOperationException', message);
}
