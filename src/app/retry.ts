// Retrying a step that needs a dependency which may not be up yet (store, broker).
import { describe as describeError } from "../../lib/xerrors/index.ts";
import { log } from "../../lib/xlog/index.ts";
import { sleepUnlessAborted } from "../../lib/xshutdown/index.ts";

/**
 * The wait before retry number `attempt` (1-based): `initialMs` doubled per earlier attempt, capped
 * at `maxMs` (the exponent stops growing long before a number could overflow). The one backoff
 * rule of the service: start-up steps, the scraper, the relay, the enrollment consumer.
 */
export function backoffMs(attempt: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
}

export interface RetryOptions {
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Runs `step` until it succeeds or `signal` aborts, doubling the wait between failures
 * (0.5 s, 1 s, 2 s … 30 s by default). Resolves true on success, false when stopped first.
 */
export async function retryUntilDone(
  what: string,
  signal: AbortSignal,
  step: () => Promise<void>,
  opts: RetryOptions = {},
): Promise<boolean> {
  const initial = opts.initialDelayMs ?? 500;
  const max = opts.maxDelayMs ?? 30_000;
  for (let attempt = 1; !signal.aborted; attempt++) {
    try {
      await step();
      return true;
    } catch (e) {
      const waitMs = backoffMs(attempt, initial, max);
      log().warn({ error: describeError(e), attempt, retryInMs: waitMs }, `${what} failed; retrying`);
      await sleepUnlessAborted(waitMs, signal);
    }
  }
  return false;
}
