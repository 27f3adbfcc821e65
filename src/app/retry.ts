// Retrying a step that needs a dependency which may not be up yet (store, broker).
import { describe as describeError } from "../../lib/xerrors/index.ts";
import { log } from "../../lib/xlog/index.ts";
import { sleepUnlessAborted } from "../../lib/xshutdown/index.ts";

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
      const waitMs = Math.min(max, initial * 2 ** (attempt - 1));
      log().warn({ error: describeError(e), attempt, retryInMs: waitMs }, `${what} failed; retrying`);
      await sleepUnlessAborted(waitMs, signal);
    }
  }
  return false;
}
