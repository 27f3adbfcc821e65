// Outages as an operator wants to read them: one warning when requests start failing with a 503
// for a reason (`store_unavailable`, `outbox_full`…), one line when a request succeeds again, with
// the count and the duration — not an error line per request while the store is down.
import { log } from "../../../lib/xlog/index.ts";

interface Outage {
  since: number;
  failed: number;
}

class Outages {
  private readonly open = new Map<string, Outage>();

  /** A request failed for `reason`: warns if this starts an outage, else only counts. */
  failed(reason: string, err: unknown): void {
    const o = this.open.get(reason);
    if (o) {
      o.failed++;
      return;
    }
    this.open.set(reason, { since: Date.now(), failed: 1 });
    log().warn({ reason, err }, "unavailable: requests answered 503 until this is over");
  }

  /** A request succeeded: every open outage is over (cheap when none is open). */
  succeeded(): void {
    if (this.open.size === 0) return;
    for (const [reason, o] of this.open)
      log().info(
        { reason, failedRequests: o.failed, ms: Date.now() - o.since },
        "unavailable no more: requests succeed again",
      );
    this.open.clear();
  }
}

export const outages = new Outages();
