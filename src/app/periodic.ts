// A job that runs every `intervalMs` until its worker is told to stop (housekeeping, relays).
import { describe as describeError } from "../../lib/xerrors/index.ts";
import { log, withLogFields } from "../../lib/xlog/index.ts";
import { sleepUnlessAborted, type Worker } from "../../lib/xshutdown/index.ts";

export function runPeriodically(
  name: string,
  intervalMs: number,
  job: () => Promise<unknown>,
  worker: Worker,
): Promise<void> {
  return withLogFields({ job: name }, async () => {
    while (!worker.signal.aborted) {
      try {
        const result = await job();
        log().debug({ result }, "job ran");
      } catch (e) {
        log().warn({ error: describeError(e) }, "job failed; will retry at the next interval");
      }
      await sleepUnlessAborted(intervalMs, worker.signal);
    }
    worker.drained();
  });
}
