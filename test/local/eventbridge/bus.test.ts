// The local EventBridge bus: pattern matching semantics and asynchronous delivery.
import { assertValidPattern, EventBusError, LocalEventBus, matchesPattern, type EventBridgeEvent } from '../../../local/eventbridge';

function sagemakerEvent(name: string, status: string, extra: Record<string, unknown> = {}): EventBridgeEvent {
  return {
    version: '0',
    id: `${name}-${status}`,
    'detail-type': 'SageMaker Training Job State Change',
    source: 'aws.sagemaker',
    account: '000000000000',
    time: '2024-05-01T12:00:00Z',
    region: 'us-east-1',
    resources: [`arn:aws:sagemaker:us-east-1:000000000000:training-job/${name}`],
    detail: { TrainingJobName: name, TrainingJobStatus: status, ...extra },
  };
}

describe('matchesPattern', () => {
  const e = sagemakerEvent('hpo-run1-t1-r1', 'Completed', { Count: 5, Tags: ['a', 'b'] });

  test('exact values, nested detail and prefix (the tuner rule)', () => {
    const rule = {
      source: ['aws.sagemaker'],
      'detail-type': ['SageMaker Training Job State Change'],
      detail: { TrainingJobName: [{ prefix: 'hpo-run1-' }], TrainingJobStatus: ['Completed', 'Failed', 'Stopped'] },
    };
    expect(matchesPattern(rule, e)).toBe(true);
    expect(matchesPattern({ ...rule, detail: { ...rule.detail, TrainingJobName: [{ prefix: 'hpo-run2-' }] } }, e)).toBe(false);
    expect(matchesPattern({ source: ['aws.batch'] }, e)).toBe(false);
    expect(matchesPattern({ detail: { Missing: { Deeper: ['x'] } } }, e)).toBe(false);
  });

  test('anything-but: values, lists and prefix; never matches a missing field', () => {
    expect(matchesPattern({ detail: { TrainingJobStatus: [{ 'anything-but': 'InProgress' }] } }, e)).toBe(true);
    expect(matchesPattern({ detail: { TrainingJobStatus: [{ 'anything-but': ['Completed', 'Failed'] }] } }, e)).toBe(false);
    expect(matchesPattern({ detail: { TrainingJobName: [{ 'anything-but': { prefix: 'hpo-' } }] } }, e)).toBe(false);
    expect(matchesPattern({ detail: { Nope: [{ 'anything-but': 'x' }] } }, e)).toBe(false);
  });

  test('arrays in the event, exists, numeric, suffix and equals-ignore-case', () => {
    expect(matchesPattern({ detail: { Tags: ['b'] } }, e)).toBe(true);
    expect(matchesPattern({ detail: { Tags: ['c'] } }, e)).toBe(false);
    expect(matchesPattern({ detail: { Count: [{ exists: true }], Nope: [{ exists: false }] } }, e)).toBe(true);
    expect(matchesPattern({ detail: { Count: [{ exists: false }] } }, e)).toBe(false);
    expect(matchesPattern({ detail: { Count: [{ numeric: ['>', 3, '<=', 5] }] } }, e)).toBe(true);
    expect(matchesPattern({ detail: { Count: [{ numeric: ['>', 5] }] } }, e)).toBe(false);
    expect(matchesPattern({ detail: { Count: [5] } }, e)).toBe(true);
    expect(matchesPattern({ detail: { TrainingJobName: [{ suffix: '-r1' }] } }, e)).toBe(true);
    expect(matchesPattern({ detail: { TrainingJobStatus: [{ 'equals-ignore-case': 'completed' }] } }, e)).toBe(true);
  });

  test('malformed patterns are rejected', () => {
    expect(() => assertValidPattern({ source: [] })).toThrow(/empty arrays/);
    expect(() => assertValidPattern({ source: 'aws.sagemaker' })).toThrow(/expected an object/);
  });
});

describe('LocalEventBus', () => {
  test('delivers asynchronously, in order, only to matching subscribers', async () => {
    const bus = new LocalEventBus();
    const got: string[] = [];
    bus.subscribe({ detail: { TrainingJobName: [{ prefix: 'a-' }] } }, (ev) => {
      got.push(ev.id);
    });
    bus.put(sagemakerEvent('a-1', 'InProgress'), sagemakerEvent('b-1', 'InProgress'), sagemakerEvent('a-1', 'Completed'));
    expect(got).toEqual([]); // nothing runs synchronously
    await bus.drain();
    expect(got).toEqual(['a-1-InProgress', 'a-1-Completed']);
    expect(bus.history({ detail: { TrainingJobName: ['b-1'] } })).toHaveLength(1);
    await bus.close();
  });

  test('handler errors go to onError and never reach the emitter or other handlers', async () => {
    const errors: unknown[] = [];
    const bus = new LocalEventBus({ onError: (err) => errors.push(err) });
    const ok: string[] = [];
    bus.subscribe({ source: ['aws.sagemaker'] }, () => {
      throw new Error('boom');
    });
    bus.subscribe({ source: ['aws.sagemaker'] }, async () => {
      await Promise.reject(new Error('async boom'));
    });
    bus.subscribe({ source: ['aws.sagemaker'] }, (ev) => {
      ok.push(ev.id);
    });
    expect(() => bus.put(sagemakerEvent('x', 'Failed'))).not.toThrow();
    await bus.drain();
    expect(errors.map((e) => (e as Error).message).sort()).toEqual(['async boom', 'boom']);
    expect(ok).toEqual(['x-Failed']);
    await bus.close();
  });

  test('waitFor resolves with the next match and times out otherwise; unsubscribe stops delivery', async () => {
    const bus = new LocalEventBus();
    const waiting = bus.waitFor({ detail: { TrainingJobStatus: ['Completed'] } }, 1000);
    bus.put(sagemakerEvent('j', 'InProgress'), sagemakerEvent('j', 'Completed'));
    expect((await waiting).id).toBe('j-Completed');
    await expect(bus.waitFor({ source: ['never'] }, 20)).rejects.toBeInstanceOf(EventBusError);
    const got: string[] = [];
    const sub = bus.subscribe({ source: ['aws.sagemaker'] }, (ev) => {
      got.push(ev.id);
    });
    sub.unsubscribe();
    bus.put(sagemakerEvent('k', 'Completed'));
    await bus.drain();
    expect(got).toEqual([]);
    await bus.close();
  });

  test('drain waits for slow handlers; a closed bus accepts nothing', async () => {
    const bus = new LocalEventBus();
    let done = false;
    bus.subscribe({ source: ['aws.sagemaker'] }, async () => {
      await new Promise((r) => setTimeout(r, 30));
      done = true;
    });
    bus.put(sagemakerEvent('slow', 'Completed'));
    await bus.close(); // drains first
    expect(done).toBe(true);
    expect(bus.put(sagemakerEvent('late', 'Completed'))).toBe(false);
    expect(() => bus.subscribe({ source: ['x'] }, () => undefined)).toThrow(EventBusError);
    await expect(bus.waitFor({ source: ['x'] }, 10)).rejects.toBeInstanceOf(EventBusError);
  });
});
