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
  /** Who made the change: the bearer token's subject, or scraper:<source>. */
  actor?: string;
}

/** The pending events of one course, leased to one relay at a time. */
export interface OutboxClaim {
  courseId: string;
  /** Every pending event of the course, oldest first. */
  events: OutboxEvent[];
  /** Failed publish attempts of the course's first event so far (they belong to that event). */
  attempts: number;
  /** The store's fencing token for this lease (opaque to the relay). */
  lease: string;
}

/** The broker refused the course's first remaining event: its attempts so far, and when to try again. */
export interface OutboxFailure {
  reason: string;
  retryAt: Date;
  /** The refused event (the course's first remaining one): the attempts are its own. */
  eventId: string;
  attempts: number;
}

export interface OutboxCompletion {
  claim: OutboxClaim;
  publishedIds: string[];
  failure?: OutboxFailure;
}

export interface OutboxBacklog {
  events: number;
  courses: number;
  oldestAgeMs: number;
  parked: number;
}

export interface OutboxStore {
  /** Leases up to `maxCourses` courses with pending events, oldest first, for `leaseMs`. */
  claim(maxCourses: number, leaseMs: number): Promise<OutboxClaim[]>;
  /** Extends the leases this relay still holds; returns the course ids it lost. */
  renew(claims: OutboxClaim[], leaseMs: number): Promise<string[]>;
  /**
   * Removes the published events and releases the lease, only while this relay holds it
   * (false: the lease was lost and nothing was changed). With a failure, the course's first
   * remaining event has failed `attempts` times (recorded for that event) and waits until `retryAt`.
   */
  complete(claim: OutboxClaim, publishedIds: string[], failure?: OutboxFailure): Promise<boolean>;
  /** complete() for a whole batch in a few round trips; returns the course ids whose lease was lost. */
  completeAll(completions: OutboxCompletion[]): Promise<string[]>;
  /** Releases the lease without publishing (the broker is away: no attempt is counted). */
  release(claim: OutboxClaim): Promise<void>;
  /** Moves an event that cannot be published out of the course's outbox, with the reason. */
  park(claim: OutboxClaim, event: OutboxEvent, reason: string): Promise<void>;
  /** Pending events, courses and the oldest age: computed from the store, O(pending). */
  backlog(now: Date): Promise<OutboxBacklog>;
  /** Finds courses with pending events but no pending marker (a crash between the two writes). */
  repairMarkers(): Promise<number>;
  /** Puts every parked event back in its course's outbox; returns how many. */
  requeueParked(): Promise<number>;
}

/** The broker refused an event for a reason retrying will not fix (too large, invalid). */
export class EventRejectedError extends Error {
  override readonly name = "EventRejectedError";
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`the broker rejected the event: ${reason}`, options);
  }
}

export interface EventPublisher {
  /**
   * Publishes events, in order per course, acknowledged by all in-sync replicas. Throws
   * EventRejectedError when the broker refuses them for good, anything else while it is away.
   */
  publish(events: OutboxEvent[]): Promise<void>;
}

/** Wakes a waiting relay at once when this process wrote events (instead of at its next poll). */
export class OutboxWakeup {
  private waiter?: () => void;
  private pending = false;

  notify(): void {
    this.pending = true;
    this.waiter?.();
  }

  /** Resolves after `ms`, on notify(), or on abort, whichever comes first. */
  wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.pending || signal.aborted) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        this.waiter = undefined;
        this.pending = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener("abort", done, { once: true });
      this.waiter = done;
    });
  }
}
