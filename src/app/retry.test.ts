import { describe, expect, it } from "bun:test";
import { retryUntilDone } from "./retry.ts";

describe("retryUntilDone", () => {
  it("retries with growing waits until the step succeeds", async () => {
    const at: number[] = [];
    const ok = await retryUntilDone(
      "flaky",
      new AbortController().signal,
      async () => {
        at.push(Date.now());
        if (at.length < 3) throw new Error("not yet");
      },
      { initialDelayMs: 20, maxDelayMs: 1000 },
    );
    expect(ok).toBe(true);
    expect(at).toHaveLength(3);
    expect(at[2]! - at[1]!).toBeGreaterThan(at[1]! - at[0]!);
  });

  it("gives up when stopped, without waiting out the delay", async () => {
    const c = new AbortController();
    setTimeout(() => c.abort(), 30);
    const t0 = Date.now();
    const ok = await retryUntilDone("never", c.signal, async () => Promise.reject(new Error("down")), {
      initialDelayMs: 10_000,
    });
    expect(ok).toBe(false);
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});
