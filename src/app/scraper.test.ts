// The scraper's orchestration with in-memory ports: leases, validators, backoff, concurrency.
// The real store, HTTP and the binary are exercised by test/integration/scraper.test.ts.
import { describe, expect, it } from "bun:test";
import { InMemoryCourseRepository } from "../../test/support/in-memory-courses.ts";
import type { ImportLedger, ImportRecord } from "./imports.ts";
import {
  formatSummary,
  type ReadResult,
  Scraper,
  type ScraperStore,
  type SourceConfig,
  type SourceState,
} from "./scraper.ts";

class MemoryStore implements ScraperStore {
  leases = new Map<string, string>();
  states = new Map<string, SourceState>();
  async acquire(source: string, owner: string) {
    if (this.leases.has(source)) return false;
    this.leases.set(source, owner);
    return true;
  }
  async renew() {
    return true;
  }
  async release(source: string, owner: string) {
    if (this.leases.get(source) === owner) this.leases.delete(source);
  }
  async state(source: string) {
    return this.states.get(source) ?? { failures: 0 };
  }
  async saveState(source: string, state: SourceState) {
    this.states.set(source, state);
  }
}
class MemoryLedger implements ImportLedger {
  rows = new Map<string, ImportRecord>();
  async get(s: string, e: string) {
    return this.rows.get(`${s}|${e}`) ?? null;
  }
  async put(s: string, e: string, r: ImportRecord) {
    this.rows.set(`${s}|${e}`, r);
  }
}

const item = (id: string) => ({
  ok: true as const,
  item: {
    externalId: id,
    link: `https://x.example/${id}`,
    course: { title: `Course ${id}`, language: "en", level: "beginner" as const, instructor: { id: "i", name: "I" } },
  },
});

function setup(read: (source: SourceConfig, signal: AbortSignal) => Promise<ReadResult>, concurrency = 4) {
  const store = new MemoryStore();
  let n = 0;
  const scraper = new Scraper(
    {
      courses: {
        courses: new InMemoryCourseRepository(),
        clock: { now: () => new Date() },
        ids: { next: () => `0193b8a4-7a10-7c2a-8d3e-${String(++n).padStart(12, "0")}` },
      },
      ledger: new MemoryLedger(),
      store,
      reader: { read: (s, _v, signal) => read(s, signal) },
    },
    [
      { name: "a", url: "https://a.example/", intervalMs: 60_000 },
      { name: "b", url: "https://b.example/", intervalMs: 60_000 },
    ],
    { owner: "me", leaseMs: 1000, concurrency, backoffInitialMs: 1000, backoffMaxMs: 8000 },
  );
  return { scraper, store };
}

describe("Scraper", () => {
  it("imports, saves the validators of a complete run, and releases its leases", async () => {
    const { scraper, store } = setup(async () => ({
      notModified: false,
      items: [item("1"), item("2"), { ok: false, reason: "bad" }],
      validators: { etag: '"e"' },
      bytes: 10,
    }));
    const [a] = await scraper.runOnce(new AbortController().signal);
    expect(a).toMatchObject({ source: "a", outcome: "imported", created: 2, failed: 1, bytes: 10 });
    expect(store.states.get("a")).toMatchObject({ etag: '"e"', failures: 0 });
    expect(store.leases.size).toBe(0);
    expect(formatSummary(a!)).toMatch(/^a: 2 created, 0 updated, 0 unchanged, 1 failed \(\d+ ms\)$/);
  });

  it("skips a source another process holds", async () => {
    const { scraper, store } = setup(async () => ({ notModified: true, bytes: 0 }));
    store.leases.set("b", "someone-else");
    const [a, b] = await scraper.runOnce(new AbortController().signal);
    expect(a!.outcome).toBe("not_modified");
    expect(b).toMatchObject({ outcome: "skipped", reason: "another process holds the source" });
    expect(store.leases.get("b")).toBe("someone-else");
  });

  it("a run cut short by shutdown keeps the old validators, so the next run reads everything", async () => {
    const controller = new AbortController();
    const { scraper, store } = setup(async () => {
      controller.abort();
      return { notModified: false, items: [item("1")], validators: { etag: '"new"' }, bytes: 1 };
    });
    await store.saveState("a", { etag: '"old"', failures: 0 });
    const [a] = await scraper.runOnce(controller.signal);
    expect(a).toMatchObject({ outcome: "failed", error: "stopped by shutdown" });
    expect(store.states.get("a")).toMatchObject({ etag: '"old"', failures: 1 });
    expect(store.leases.size).toBe(0);
  });

  it("counts a failure per source without stopping the others", async () => {
    const { scraper, store } = setup(async (s) => {
      if (s.name === "a") throw new Error("HTTP 500 from a.example");
      return { notModified: true, bytes: 0 };
    });
    const [a, b] = await scraper.runOnce(new AbortController().signal);
    expect(a).toMatchObject({ outcome: "failed", error: "HTTP 500 from a.example" });
    expect(b!.outcome).toBe("not_modified");
    expect(store.states.get("a")).toMatchObject({ failures: 1, lastError: "HTTP 500 from a.example" });
  });

  it("reads at most `concurrency` sources at once", async () => {
    let inFlight = 0;
    let most = 0;
    const { scraper } = setup(async () => {
      most = Math.max(most, ++inFlight);
      await Bun.sleep(20);
      inFlight--;
      return { notModified: true, bytes: 0 };
    }, 1);
    await scraper.runOnce(new AbortController().signal);
    expect(most).toBe(1);
  });

  it("backs off exponentially, capped, with jitter between half and all of the step", () => {
    const { scraper } = setup(async () => ({ notModified: true, bytes: 0 }));
    for (const [failures, step] of [
      [1, 1000],
      [2, 2000],
      [3, 4000],
      [4, 8000],
      [9, 8000],
    ] as const) {
      for (let i = 0; i < 20; i++) {
        const wait = scraper.backoff(failures);
        expect(wait).toBeGreaterThanOrEqual(step / 2);
        expect(wait).toBeLessThanOrEqual(step);
      }
    }
  });
});
