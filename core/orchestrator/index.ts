/** The orchestrator's use cases: each Lambda handler calls exactly one of these. */
export * from './backend';
export * from './errors';
export * from './failures';
export * from './finalize';
export * from './init';
export * from './job-event';
export * from './naming';
export * from './records';
export * from './results';
export * from './run-events';
export * from './stop';
export * from './tick';
export * from './training-job-request';
export * from './wait';
export * from './waker';
