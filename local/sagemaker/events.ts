/**
 * "SageMaker Training Job State Change" events, in the shape EventBridge delivers them.
 *
 * Shape from the SageMaker Developer Guide, "Events that Amazon SageMaker sends to Amazon
 * EventBridge" (awsdocs/amazon-sagemaker-developer-guide,
 * doc_source/automating-sagemaker-with-eventbridge.md) and the field list of the EventBridge
 * schema (aws_cdk.mixins_preview.aws_sagemaker.events.SageMakerTrainingJobStateChange):
 * the detail carries TrainingJobName, TrainingJobArn, TrainingJobStatus, SecondaryStatus,
 * FailureReason (when Failed), HyperParameters, AlgorithmSpecification, RoleArn,
 * InputDataConfig, OutputDataConfig, ResourceConfig, VpcConfig, StoppingCondition,
 * ModelArtifacts, CreationTime, TrainingStartTime, TrainingEndTime, LastModifiedTime,
 * SecondaryStatusTransitions and Tags (a map). It does NOT carry FinalMetricDataList,
 * CheckpointConfig, WarmPoolStatus or billing times: consumers call DescribeTrainingJob.
 * Timestamps in the detail are epoch milliseconds (the guide's example shows them as
 * strings, e.g. "1583831889050"; we emit numbers). SageMaker may send an event more than
 * once per change.
 */
import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent, LocalEventBus } from '../eventbridge/bus';
import type { FaultInjector } from './faults';

/** The detail-type of training job events. */
export const TRAINING_JOB_STATE_CHANGE = 'SageMaker Training Job State Change';

/** Detail of a "SageMaker Training Job State Change" event. */
export interface TrainingJobStateChangeDetail {
  readonly TrainingJobName: string;
  readonly TrainingJobArn: string;
  readonly TrainingJobStatus: string;
  readonly SecondaryStatus: string;
  readonly FailureReason?: string;
  readonly HyperParameters?: Record<string, string>;
  readonly AlgorithmSpecification?: unknown;
  readonly RoleArn?: string;
  readonly InputDataConfig?: unknown;
  readonly OutputDataConfig?: unknown;
  readonly ResourceConfig?: unknown;
  readonly VpcConfig?: unknown;
  readonly StoppingCondition?: unknown;
  readonly ModelArtifacts?: { readonly S3ModelArtifacts: string };
  readonly CreationTime: number;
  readonly TrainingStartTime?: number;
  readonly TrainingEndTime?: number;
  readonly LastModifiedTime: number;
  readonly SecondaryStatusTransitions: readonly { Status: string; StartTime: number; EndTime?: number; StatusMessage?: string }[];
  readonly Tags: Record<string, string>;
  readonly [extra: string]: unknown;
}

/** A training job state change event. */
export type TrainingJobStateChangeEvent = EventBridgeEvent<TrainingJobStateChangeDetail>;

/** Formats a time as EventBridge does (`2018-10-06T12:26:13Z`, second precision). */
export function eventTime(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

/** Builds the envelope around a detail. */
export function stateChangeEvent(
  detail: TrainingJobStateChangeDetail,
  context: { readonly account: string; readonly region: string; readonly now: Date },
): TrainingJobStateChangeEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': TRAINING_JOB_STATE_CHANGE,
    source: 'aws.sagemaker',
    account: context.account,
    time: eventTime(context.now),
    region: context.region,
    resources: [detail.TrainingJobArn],
    detail,
  };
}

/** Publishes state-change events to the bus, applying injected event faults. */
export class StateChangePublisher {
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  /**
   * @param bus where events go
   * @param faults drop/duplicate/delay rules
   */
  constructor(
    private readonly bus: LocalEventBus,
    private readonly faults: FaultInjector,
  ) {}

  /** Publishes (or drops, duplicates, delays) one event. */
  publish(event: TrainingJobStateChangeEvent): void {
    if (this.closed) return;
    const fate = this.faults.eventFate(event.detail.TrainingJobName, event.detail.TrainingJobStatus);
    const copies = Array.from({ length: fate.copies }, (_, i) => (i === 0 ? event : { ...event, id: randomUUID() }));
    if (copies.length === 0) return;
    if (fate.delayMs <= 0) {
      this.bus.put(...copies);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.bus.put(...copies);
    }, fate.delayMs);
    this.timers.add(timer);
  }

  /** Cancels delayed events and publishes nothing more. */
  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
