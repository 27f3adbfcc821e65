// The transactional outbox, seen from the use-case side: pending domain events stored with the
// change that caused them, and the ports the relay needs to publish them.
import type { CourseEventType } from "../domain/course/events.ts";

/** A domain event waiting to be published. */
export interface OutboxEvent {
  /** Unique, time-ordered (UUIDv7): the CloudEvents id, the consumers' deduplication key. */
  id: string;
  type: CourseEventType;
  courseId: string;
  courseVersion: number;
  occurredAt: Date;
  data: Record<string, unknown>;
  /** W3C trace context of the change, so the trace continues through Kafka. */
  traceparent?: string;
}

/** The pending events of one course, claimed by one relay at a time. */
export interface OutboxBatch {
  courseId: string;
  events: OutboxEvent[];
  /** The course version the batch was read at (the store's guard against lost updates). */
  version: number;
}

export interface OutboxStore {
  /** Claims the course whose pending events are oldest, for `leaseMs`; null when none is pending. */
  claimNext(leaseMs: number): Promise<OutboxBatch | null>;
  /** Removes the published events from the course's outbox and releases the claim. */
  markPublished(batch: OutboxBatch): Promise<void>;
  /** Releases a claim without publishing (the relay will retry). */
  release(batch: OutboxBatch): Promise<void>;
  /** Pending event count and the age of the oldest, for metrics. */
  backlog(now: Date): Promise<{ events: number; oldestAgeMs: number }>;
}

export interface EventPublisher {
  /** Publishes the events of one course, in order, acknowledged by all in-sync replicas. */
  publish(events: OutboxEvent[]): Promise<void>;
}
