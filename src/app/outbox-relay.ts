// The outbox relay: leases the courses with the oldest pending events, publishes a batch of
// their events in one producer call (per-course order kept), then removes exactly those events.
// At-least-once: a crash between publish and removal re-publishes, never loses. An event the
// broker refuses for good is parked after `maxAttempts` and stops blocking its course.
import { describe as describeError } from "../../lib/xerrors/index.ts";
import { log, withLogFields } from "../../lib/xlog/index.ts";
import { sleepUnlessAborted, type Worker } from "../../lib/xshutdown/index.ts";
import { backoffMs } from "./retry.ts";
import {
  EventRejectedError,
  OutboxWakeup,
  type EventPublisher,
  type OutboxClaim,
  type OutboxCompletion,
  type OutboxEvent,
  type OutboxFailure,
  type OutboxStore,
} from "./outbox.ts";

export interface RelayOptions {
  /** How often an idle relay looks for events written by other processes. */
  pollIntervalMs: number;
  retryBackoffMaxMs: number;
  /** Lease on the claimed courses; renewed every third of it while publishing. */
  leaseMs: number;
  /** Caps of one producer call: courses claimed, events, and bytes of serialised events. */
  batchMaxCourses: number;
  batchMaxEvents: number;
  batchMaxBytes: number;
  /** Attempts before an event the broker refuses is parked. */
  maxAttempts: number;
}

export interface RelayObserver {
  published(count: number): void;
  failed(): void;
  parked(reason: string): void;
  leaseLost(count: number): void;
}

const noop: RelayObserver = { published() {}, failed() {}, parked() {}, leaseLost() {} };

interface Slice {
  claim: OutboxClaim;
  events: OutboxEvent[];
}

/** Approximate size of an event on the wire in bytes (UTF-8, not UTF-16 units), for the batch's byte cap. */
const sizeOf = (e: OutboxEvent) => Buffer.byteLength(JSON.stringify(e.data)) + 512;

export class OutboxRelay {
  constructor(
    private readonly store: OutboxStore,
    private readonly publisher: EventPublisher,
    private readonly opts: RelayOptions,
    private readonly observer: RelayObserver = noop,
    readonly wakeup: OutboxWakeup = new OutboxWakeup(),
  ) {}

  /** Publishes until nothing is claimable; returns how many events went out. */
  async drainOnce(signal?: AbortSignal): Promise<number> {
    let sent = 0;
    while (!signal?.aborted) {
      const round = await this.round();
      if (round.claimed === 0) break;
      sent += round.sent;
    }
    return sent;
  }

  /** One batch: claim, publish, complete. */
  async round(): Promise<{ claimed: number; sent: number }> {
    const claims = await this.store.claim(this.opts.batchMaxCourses, this.opts.leaseMs);
    if (claims.length === 0) return { claimed: 0, sent: 0 };
    const renewal = setInterval(() => void this.renew(claims), Math.max(50, this.opts.leaseMs / 3));
    try {
      const slices = this.slice(claims);
      const events = slices.flatMap((s) => s.events);
      try {
        await this.publisher.publish(events);
      } catch (e) {
        if (!(e instanceof EventRejectedError)) {
          await Promise.all(claims.map((c) => this.store.release(c).catch(() => {})));
          throw e;
        }
        return { claimed: claims.length, sent: await this.isolate(slices) };
      }
      this.observer.published(events.length);
      await this.complete(slices.map((s) => ({ claim: s.claim, publishedIds: s.events.map((e) => e.id) })));
      return { claimed: claims.length, sent: events.length };
    } finally {
      clearInterval(renewal);
    }
  }

  /** Takes each course's events oldest first, whole prefixes only, within the batch caps. */
  private slice(claims: OutboxClaim[]): Slice[] {
    let events = 0;
    let bytes = 0;
    return claims.map((claim) => {
      const taken: OutboxEvent[] = [];
      for (const e of claim.events) {
        const size = sizeOf(e);
        const first = events === 0;
        if (!first && (events + 1 > this.opts.batchMaxEvents || bytes + size > this.opts.batchMaxBytes)) break;
        taken.push(e);
        events++;
        bytes += size;
      }
      return { claim, events: taken };
    });
  }

  /**
   * The broker refused something in the batch: publish course by course, event by event, to
   * find it; count its attempt, park it after maxAttempts, and let every other event through.
   */
  private async isolate(slices: Slice[]): Promise<number> {
    let sent = 0;
    for (const [i, { claim, events }] of slices.entries()) {
      const published: string[] = [];
      let failure: OutboxFailure | undefined;
      let attempts = claim.attempts;
      for (const e of events) {
        try {
          await this.publisher.publish([e]);
          published.push(e.id);
          this.observer.published(1);
          attempts = 0;
        } catch (err) {
          if (!(err instanceof EventRejectedError)) {
            // The broker went away mid-way: keep what went out, free the rest at once.
            await this.complete([{ claim, publishedIds: published }]);
            await Promise.all(slices.slice(i + 1).map((s) => this.store.release(s.claim).catch(() => {})));
            throw err;
          }
          this.observer.failed();
          if (attempts + 1 < this.opts.maxAttempts) {
            const retryInMs = this.backoff(attempts + 1);
            failure = {
              reason: err.reason,
              retryAt: new Date(Date.now() + retryInMs),
              eventId: e.id,
              attempts: attempts + 1,
            };
            log().warn(
              {
                courseId: claim.courseId,
                eventId: e.id,
                type: e.type,
                reason: err.reason,
                attempt: attempts + 1,
                retryInMs,
              },
              "the broker refused an event; it blocks its course until it goes out or is parked",
            );
            break;
          }
          await this.store.park({ ...claim, attempts }, e, err.reason);
          this.observer.parked(err.reason);
          log().error(
            { courseId: claim.courseId, eventId: e.id, type: e.type, reason: err.reason, attempts: attempts + 1 },
            "event parked in outbox_parked; `courses outbox retry-parked` re-queues it",
          );
          attempts = 0;
        }
      }
      sent += published.length;
      await this.complete([{ claim, publishedIds: published, ...(failure ? { failure } : {}) }]);
    }
    return sent;
  }

  private async complete(completions: OutboxCompletion[]): Promise<void> {
    const lost = await this.store.completeAll(completions);
    if (lost.length) {
      this.observer.leaseLost(lost.length);
      log().warn(
        { courses: lost.length },
        "outbox leases lost while publishing; the new holders re-publish (at-least-once)",
      );
    }
  }

  /** Wait before attempt n+1: doubling from the poll interval, capped. */
  private backoff(failures: number): number {
    return backoffMs(failures + 1, this.opts.pollIntervalMs, this.opts.retryBackoffMaxMs);
  }

  private async renew(claims: OutboxClaim[]): Promise<void> {
    try {
      const lost = await this.store.renew(claims, this.opts.leaseMs);
      if (lost.length) this.observer.leaseLost(lost.length);
    } catch (e) {
      log().warn({ error: describeError(e) }, "renewing outbox leases failed");
    }
  }

  /** The loop: drain, then wait for a wake-up or the poll interval; back off while publishing fails. */
  run(worker: Worker): Promise<void> {
    return withLogFields({ loop: "outbox-relay" }, async () => {
      let failures = 0;
      while (!worker.signal.aborted) {
        try {
          const sent = await this.drainOnce(worker.signal);
          if (sent) log().debug({ sent }, "outbox events published");
          if (failures) log().info({ afterFailures: failures }, "publishing recovered");
          failures = 0;
          await this.wakeup.wait(this.opts.pollIntervalMs, worker.signal);
        } catch (e) {
          failures++;
          this.observer.failed();
          const wait = this.backoff(failures);
          log().warn(
            { error: describeError(e), failures, retryInMs: wait },
            "publishing outbox events failed; they stay pending",
          );
          await sleepUnlessAborted(wait, worker.signal);
        }
      }
      worker.drained();
    });
  }
}
