import { describe, expect, it } from "bun:test";
import { DocumentLocks } from "./document-lock.ts";

describe("DocumentLocks", () => {
  it("runs writers of one id one at a time, in arrival order, and others in parallel", async () => {
    const locks = new DocumentLocks();
    const log: string[] = [];
    const job = (id: string, name: string, ms: number) =>
      locks.run(id, async () => {
        log.push(`${name}+`);
        await Bun.sleep(ms);
        log.push(`${name}-`);
        return name;
      });
    const results = await Promise.all([job("a", "a1", 30), job("a", "a2", 5), job("b", "b1", 5)]);
    expect(results).toEqual(["a1", "a2", "b1"]);
    expect(log.indexOf("a1-")).toBeLessThan(log.indexOf("a2+"));
    expect(log.indexOf("b1-")).toBeLessThan(log.indexOf("a1-"));
  });

  it("keeps going after a failing writer and forgets idle ids", async () => {
    const locks = new DocumentLocks();
    await expect(locks.run("x", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await locks.run("x", async () => 42)).toBe(42);
    expect((locks as unknown as { tails: Map<string, unknown> }).tails.size).toBe(0);
  });
});
