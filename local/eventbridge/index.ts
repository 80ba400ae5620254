/** The local EventBridge stand-in: an in-process bus and event-pattern matching. */
export { LocalEventBus, EventBusError } from './bus';
export type { EventBridgeEvent, EventHandler, LocalEventBusOptions, Subscription } from './bus';
export { matchesPattern, assertValidPattern } from './pattern';
export type { EventPattern, PatternMatcher } from './pattern';
