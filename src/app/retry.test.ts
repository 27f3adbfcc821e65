import { describe, expect, it } from "bun:test";
import { captureLogs } from "../../lib/xlog/index.ts";
import { backoffMs, retryUntilDone } from "./retry.ts";

describe("backoffMs", () => {
  it("doubles from the initial wait per earlier attempt, up to the cap", () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffMs(n, 500, 10_000))).toEqual([
      500, 1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
  });

  it("stays at the cap however many attempts failed (no overflow to Infinity or NaN)", () => {
    expect(backoffMs(5_000, 500, 30_000)).toBe(30_000);
    expect(backoffMs(Number.MAX_SAFE_INTEGER, 1, 7)).toBe(7);
    // Attempt 0 or below is the first wait, not half of it.
    expect(backoffMs(0, 500, 30_000)).toBe(500);
  });
});

describe("retryUntilDone", () => {
  it("retries until the step succeeds, waiting the backoff rule's delays in between", async () => {
    let calls = 0;
    const cap = captureLogs();
    const ok = await cap.run(() =>
      retryUntilDone(
        "flaky",
        new AbortController().signal,
        async () => {
          calls++;
          if (calls < 4) throw new Error("not yet");
        },
        { initialDelayMs: 5, maxDelayMs: 12 },
      ),
    );
    expect(ok).toBe(true);
    expect(calls).toBe(4);
    const waits = cap.entries.filter((e) => e.msg === "flaky failed; retrying").map((e) => e.retryInMs);
    expect(waits).toEqual([5, 10, 12]);
  });

  it("gives up when stopped, without waiting out the delay", async () => {
    // An hour's delay: had it been waited out, the test would time out instead of passing.
    const c = new AbortController();
    let calls = 0;
    const stopped = retryUntilDone(
      "never",
      c.signal,
      async () => {
        calls++;
        throw new Error("down");
      },
      { initialDelayMs: 3_600_000 },
    );
    await Bun.sleep(20);
    c.abort();
    expect(await stopped).toBe(false);
    expect(calls).toBe(1);
  });
});
