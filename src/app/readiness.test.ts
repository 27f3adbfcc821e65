import { describe, expect, it } from "bun:test";
import { checkReadiness, type DependencyCheck } from "./readiness.ts";

const ok = (name: string): DependencyCheck => ({ name, check: async () => {} });
const failing = (name: string): DependencyCheck => ({ name, check: async () => Promise.reject(new Error("refused")) });
const hanging = (name: string): DependencyCheck => ({ name, check: () => new Promise(() => {}) });

describe("checkReadiness", () => {
  it("reports each dependency separately", async () => {
    const r = await checkReadiness([ok("mongo"), failing("kafka")], 500);
    expect(r.map((x) => [x.name, x.ok])).toEqual([
      ["mongo", true],
      ["kafka", false],
    ]);
  });

  it("does not wait longer than the timeout for a hanging dependency", async () => {
    const t0 = Date.now();
    const r = await checkReadiness([hanging("kafka"), ok("mongo")], 100);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(r[0]!.ok).toBe(false);
    expect(String(r[0]!.error)).toContain("timed out");
  });
});
