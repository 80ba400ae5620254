/** EventBridgeRunEventPublisher: one PutEvents entry, and AWS's answers as the tuner's error classes (SDK mocked). */
import { EventBridgeClient, EventBridgeServiceException, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { EventBridgeRunEventPublisher } from '../../lambda/adapters/aws/eventbridge-run-events';
import { PermissionDenied, RequestRejected, TransientError } from '../../core/orchestrator/errors';
import type { RunStatusChangeDetail } from '../../core/orchestrator/run-events';

const events = mockClient(EventBridgeClient);
const publisher = new EventBridgeRunEventPublisher(new EventBridgeClient({ region: 'us-east-1' }));
const detail: RunStatusChangeDetail = {
  tuner: 'hpo-abc',
  runId: 'run-1',
  status: 'Completed',
  reason: 'MaxNumberOfTrainingJobs reached',
  executionArn: 'arn:aws:states:us-east-1:123456789012:execution:Tuner:run-1',
  strategy: 'Random',
  objective: { type: 'Maximize', metricName: 'accuracy' },
  bestTrainingJob: { trainingJobName: 'hpo-abc-run-1-0001-r1', trialId: 1, resource: 1, objectiveValue: 0.9 },
  trainingJobs: { started: 2, completed: 2, failed: 0, stopped: 0, inProgress: 0, maxTrainingJobs: 2 },
  startedAt: '2026-01-01T00:00:00.000Z',
  endedAt: '2026-01-01T00:10:00.000Z',
};

function serviceError(name: string, status: number): EventBridgeServiceException {
  return new EventBridgeServiceException({ name, message: `${name} message`, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status } });
}

beforeEach(() => events.reset());

describe('EventBridgeRunEventPublisher', () => {
  it('puts one entry on the default bus: source hpo.tuner, the detail-type, the detail as JSON, the execution as resource', async () => {
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    await publisher.publish(detail);
    const [call] = events.commandCalls(PutEventsCommand);
    expect(call.args[0].input).toEqual({
      Entries: [{ Source: 'hpo.tuner', DetailType: 'HPO Tuning Run Status Change', Detail: JSON.stringify(detail), Resources: [detail.executionArn] }],
    });
  });

  it.each([
    ['ThrottlingException', 400, TransientError],
    ['InternalException', 500, TransientError],
    ['AccessDeniedException', 400, PermissionDenied],
    ['ValidationException', 400, RequestRejected],
  ])('turns %s (%i) into the tuner\'s error class', async (name, status, errorClass) => {
    events.on(PutEventsCommand).rejects(serviceError(name, status));
    const error = await publisher.publish(detail).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(errorClass);
    expect((error as Error).message).toContain(`events:PutEvents on 'run-1'`);
  });

  it('reports an entry EventBridge refused (HTTP 200, FailedEntryCount 1): retryable codes as TransientError, others as RequestRejected', async () => {
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }] });
    await expect(publisher.publish(detail)).rejects.toBeInstanceOf(TransientError);
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' }] });
    await expect(publisher.publish(detail)).rejects.toThrow(/did not put the event \(MalformedDetail: Detail is malformed\.\)/);
  });
});
