/**
 * An in-process stand-in for an EventBridge event bus: events in the shape EventBridge
 * delivers to targets, rules as event patterns, and asynchronous delivery.
 */
import { assertValidPattern, matchesPattern, type EventPattern } from './pattern';

/** An event as EventBridge delivers it to a rule's target. */
export interface EventBridgeEvent<TDetail = Record<string, unknown>> {
  readonly version: string;
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  /** ISO-8601 time, second precision, e.g. `2024-05-01T12:00:00Z`. */
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: TDetail;
}

/** Handler of a subscription; may be async. Its errors go to the bus's `onError`. */
export type EventHandler = (event: EventBridgeEvent) => void | Promise<void>;

/** A live subscription (the local counterpart of a rule with one target). */
export interface Subscription {
  readonly pattern: EventPattern;
  /** Stops delivery to this handler; deliveries already scheduled still run. */
  unsubscribe(): void;
}

/** Options of {@link LocalEventBus}. */
export interface LocalEventBusOptions {
  /**
   * Called when a handler throws or rejects; never rethrown into the emitter.
   *
   * @default - the error is written to stderr
   */
  readonly onError?: (error: unknown, event: EventBridgeEvent) => void;
  /**
   * How many past events {@link LocalEventBus.history} keeps.
   *
   * @default 1000
   */
  readonly historyLimit?: number;
}

/** The bus was closed, or a wait timed out. */
export class EventBusError extends Error {
  override readonly name = 'EventBusError';
}

interface Sub {
  readonly pattern: EventPattern;
  readonly handler: EventHandler;
  active: boolean;
}

/**
 * In-process event bus.
 *
 * `put` never throws because of a handler and never runs handlers synchronously: each
 * matching handler runs in a later macrotask (like EventBridge's asynchronous delivery).
 * `drain()` waits for every delivery in flight, including ones scheduled while draining.
 */
export class LocalEventBus {
  private readonly subs = new Set<Sub>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly past: EventBridgeEvent[] = [];
  private readonly onError: (error: unknown, event: EventBridgeEvent) => void;
  private readonly historyLimit: number;
  private closed = false;

  /** @param options error hook and history size */
  constructor(options: LocalEventBusOptions = {}) {
    this.onError =
      options.onError ??
      ((error, event) => process.stderr.write(`local event bus: a handler failed on ${event['detail-type']} ${event.id}: ${String(error)}\n`));
    this.historyLimit = options.historyLimit ?? 1000;
  }

  /**
   * Publishes events to every matching subscription.
   *
   * @returns false (and delivers nothing) when the bus is closed
   */
  put(...events: EventBridgeEvent[]): boolean {
    if (this.closed) return false;
    for (const event of events) {
      this.past.push(event);
      if (this.past.length > this.historyLimit) this.past.shift();
      for (const sub of this.subs) {
        if (!matchesPattern(sub.pattern, event)) continue;
        const delivery = new Promise<void>((resolve) => {
          setImmediate(() => {
            if (!sub.active) return resolve();
            Promise.resolve()
              .then(() => sub.handler(event))
              .catch((error: unknown) => this.safeOnError(error, event))
              .finally(resolve);
          });
        });
        this.inFlight.add(delivery);
        void delivery.finally(() => this.inFlight.delete(delivery));
      }
    }
    return true;
  }

  /**
   * Registers a handler for events matching an EventBridge pattern.
   *
   * @throws Error when the pattern is malformed or the bus is closed
   */
  subscribe(pattern: EventPattern, handler: EventHandler): Subscription {
    if (this.closed) throw new EventBusError('the local event bus is closed');
    assertValidPattern(pattern);
    const sub: Sub = { pattern, handler, active: true };
    this.subs.add(sub);
    return {
      pattern,
      unsubscribe: () => {
        sub.active = false;
        this.subs.delete(sub);
      },
    };
  }

  /**
   * Resolves with the next event (published after this call) that matches the pattern.
   *
   * @param timeoutMs how long to wait before rejecting with an EventBusError
   */
  waitFor(pattern: EventPattern, timeoutMs: number): Promise<EventBridgeEvent> {
    if (this.closed) return Promise.reject(new EventBusError('the local event bus is closed'));
    return new Promise((resolve, reject) => {
      let sub: Subscription | undefined = undefined;
      const timer = setTimeout(() => {
        sub?.unsubscribe();
        reject(new EventBusError(`no event matching ${JSON.stringify(pattern)} within ${timeoutMs} ms`));
      }, timeoutMs);
      sub = this.subscribe(pattern, (event) => {
        clearTimeout(timer);
        sub?.unsubscribe();
        resolve(event);
      });
    });
  }

  /** Past events (oldest first, at most `historyLimit`), optionally filtered by a pattern. */
  history(pattern?: EventPattern): EventBridgeEvent[] {
    return pattern ? this.past.filter((e) => matchesPattern(pattern, e)) : [...this.past];
  }

  /** Waits until no delivery is in flight. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Stops accepting events and subscriptions, then waits for deliveries in flight. */
  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
    for (const sub of this.subs) sub.active = false;
    this.subs.clear();
  }

  private safeOnError(error: unknown, event: EventBridgeEvent): void {
    try {
      this.onError(error, event);
    } catch {
      // an error hook that throws must not break delivery
    }
  }
}
