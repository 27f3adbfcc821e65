// The outbox relay: publishes pending course events in order, then marks them sent.
// At-least-once: a crash between publish and mark re-publishes, never loses.
import { describe as describeError } from "../../lib/xerrors/index.ts";
import { log, withLogFields } from "../../lib/xlog/index.ts";
import { sleepUnlessAborted, type Worker } from "../../lib/xshutdown/index.ts";
import type { EventPublisher, OutboxStore } from "./outbox.ts";

export interface RelayOptions {
  pollIntervalMs: number;
  retryBackoffMaxMs: number;
  leaseMs: number;
}

export interface RelayObserver {
  published(count: number): void;
  failed(): void;
  backlog(events: number, oldestAgeMs: number): void;
}

/** How stale the backlog metrics may get while nothing is published and nothing fails. */
const BACKLOG_REFRESH_MS = 5_000;

const noop: RelayObserver = { published() {}, failed() {}, backlog() {} };

export class OutboxRelay {
  constructor(
    private readonly store: OutboxStore,
    private readonly publisher: EventPublisher,
    private readonly opts: RelayOptions,
    private readonly observer: RelayObserver = noop,
  ) {}

  /** Publishes until nothing is pending; returns how many events went out. */
  async drainOnce(signal?: AbortSignal): Promise<number> {
    let sent = 0;
    while (!signal?.aborted) {
      const batch = await this.store.claimNext(this.opts.leaseMs);
      if (!batch) break;
      try {
        await this.publisher.publish(batch.events);
      } catch (e) {
        await this.store.release(batch).catch(() => {});
        throw e;
      }
      await this.store.markPublished(batch);
      sent += batch.events.length;
      this.observer.published(batch.events.length);
    }
    return sent;
  }

  /** The loop: drain, report the backlog, wait; back off while publishing fails. */
  run(worker: Worker): Promise<void> {
    return withLogFields({ loop: "outbox-relay" }, async () => {
      let failures = 0;
      let backlogAt = 0;
      while (!worker.signal.aborted) {
        let wait = this.opts.pollIntervalMs;
        let changed = false;
        try {
          const sent = await this.drainOnce(worker.signal);
          changed = sent > 0;
          if (sent) log().debug({ sent }, "outbox events published");
          if (failures) log().info({ afterFailures: failures }, "publishing recovered");
          failures = 0;
        } catch (e) {
          failures++;
          changed = true;
          this.observer.failed();
          wait = Math.min(this.opts.retryBackoffMaxMs, this.opts.pollIntervalMs * 2 ** Math.min(failures, 10));
          log().warn({ error: describeError(e), failures, retryInMs: wait }, "publishing outbox events failed; they stay pending");
        }
        // Two queries: run them when the backlog moved or grew old, not on every idle poll.
        if (changed || Date.now() - backlogAt >= BACKLOG_REFRESH_MS) {
          backlogAt = Date.now();
          await this.store
            .backlog(new Date())
            .then((b) => this.observer.backlog(b.events, b.oldestAgeMs))
            .catch(() => {});
        }
        await sleepUnlessAborted(wait, worker.signal);
      }
      worker.drained();
    });
  }
}
