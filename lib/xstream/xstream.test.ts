import { describe, expect, it } from "bun:test";
import { readAtMost } from "./index.ts";

/** A stream of `chunks` chunks of `size` bytes that records how many were pulled. */
function counted(chunks: number, size: number) {
  const state = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (state.pulled === chunks) return c.close();
      state.pulled++;
      c.enqueue(new Uint8Array(size).fill(state.pulled));
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

describe("readAtMost", () => {
  it("returns every byte of a stream within the limit, in order", async () => {
    const { stream } = counted(3, 4);
    expect([...(await readAtMost(stream, 12, () => new Error("too large")))]).toEqual([
      1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3,
    ]);
  });
  it("stops at the first chunk past the limit: the rest is never pulled, the stream is cancelled", async () => {
    const { stream, state } = counted(1000, 1024);
    await expect(readAtMost(stream, 10 * 1024, () => new Error("too large"))).rejects.toThrow("too large");
    expect(state.pulled).toBeLessThan(15);
    expect(state.cancelled).toBe(true);
  });
  it("reads no stream as empty", async () => {
    expect((await readAtMost(null, 0, () => new Error("x"))).byteLength).toBe(0);
  });
});
