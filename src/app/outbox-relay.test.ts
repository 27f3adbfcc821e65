// The relay's rules with in-memory fakes behind its own ports (the real store and Kafka are in
// test/integration/outbox.test.ts).
import { describe, expect, it } from "bun:test";
import { OutboxRelay, type RelayOptions } from "./outbox-relay.ts";
import {
  EventRejectedError,
  OutboxWakeup,
  type EventPublisher,
  type OutboxClaim,
  type OutboxCompletion,
  type OutboxEvent,
  type OutboxFailure,
  type OutboxStore,
} from "./outbox.ts";

class MemoryOutbox implements OutboxStore {
  readonly pending = new Map<string, OutboxEvent[]>();
  /** Attempts per event id (they belong to the event, as in the real store). */
  readonly attempts = new Map<string, number>();
  readonly notBefore = new Map<string, number>();
  readonly parkedEvents: { event: OutboxEvent; reason: string }[] = [];

  add(courseId: string, count: number, size = 10): void {
    const list = this.pending.get(courseId) ?? [];
    for (let i = 0; i < count; i++) {
      const v = list.length + 1;
      list.push({
        id: `${courseId}-${v}`,
        type: "course.updated",
        courseId,
        courseVersion: v,
        occurredAt: new Date(),
        data: { pad: "x".repeat(size) },
      });
    }
    this.pending.set(courseId, list);
  }
  async claim(max: number): Promise<OutboxClaim[]> {
    const now = Date.now();
    return [...this.pending.entries()]
      .filter(([id, events]) => events.length && (this.notBefore.get(id) ?? 0) <= now)
      .slice(0, max)
      .map(([courseId, events]) => ({
        courseId,
        events: [...events],
        attempts: this.attempts.get(events[0]!.id) ?? 0,
        lease: "t",
      }));
  }
  async renew(): Promise<string[]> {
    return [];
  }
  async complete(claim: OutboxClaim, publishedIds: string[], failure?: OutboxFailure): Promise<boolean> {
    return (await this.completeAll([{ claim, publishedIds, ...(failure ? { failure } : {}) }])).length === 0;
  }
  async completeAll(completions: OutboxCompletion[]): Promise<string[]> {
    for (const { claim, publishedIds, failure } of completions) {
      this.pending.set(
        claim.courseId,
        (this.pending.get(claim.courseId) ?? []).filter((e) => !publishedIds.includes(e.id)),
      );
      if (failure) {
        this.attempts.set(failure.eventId, failure.attempts);
        this.notBefore.set(claim.courseId, failure.retryAt.getTime());
      }
    }
    return [];
  }
  async release(): Promise<void> {}
  async park(claim: OutboxClaim, event: OutboxEvent, reason: string): Promise<void> {
    this.parkedEvents.push({ event, reason });
    this.pending.set(
      claim.courseId,
      (this.pending.get(claim.courseId) ?? []).filter((e) => e.id !== event.id),
    );
  }
  async backlog() {
    return { events: 0, courses: 0, oldestAgeMs: 0, parked: this.parkedEvents.length };
  }
  async repairMarkers() {
    return 0;
  }
  async requeueParked() {
    return 0;
  }
}

class RecordingPublisher implements EventPublisher {
  readonly calls: OutboxEvent[][] = [];
  constructor(private readonly refuse: (e: OutboxEvent) => boolean = () => false) {}
  async publish(events: OutboxEvent[]): Promise<void> {
    if (events.some(this.refuse)) throw new EventRejectedError("MESSAGE_TOO_LARGE");
    this.calls.push(events);
  }
  get published() {
    return this.calls.flat();
  }
}

const opts = (over: Partial<RelayOptions> = {}): RelayOptions => ({
  pollIntervalMs: 1,
  retryBackoffMaxMs: 1,
  leaseMs: 1000,
  batchMaxCourses: 10,
  batchMaxEvents: 100,
  batchMaxBytes: 1 << 20,
  maxAttempts: 3,
  ...over,
});

describe("OutboxRelay", () => {
  it("sends a backlog in producer calls within the event and byte caps, each course's events in order", async () => {
    const store = new MemoryOutbox();
    for (const c of ["a", "b", "c", "d"]) store.add(c, 7, 100);
    const publisher = new RecordingPublisher();
    const sent = await new OutboxRelay(
      store,
      publisher,
      opts({ batchMaxEvents: 5, batchMaxBytes: 4 * 700 }),
    ).drainOnce();
    expect(sent).toBe(28);
    for (const call of publisher.calls) {
      expect(call.length).toBeLessThanOrEqual(4);
      expect(call.length).toBeGreaterThan(0);
    }
    for (const c of ["a", "b", "c", "d"])
      expect(publisher.published.filter((e) => e.courseId === c).map((e) => e.courseVersion)).toEqual([
        1, 2, 3, 4, 5, 6, 7,
      ]);
  });

  it("counts the byte cap in UTF-8 bytes: events of CJK text stay within it", async () => {
    const store = new MemoryOutbox();
    for (const c of ["a", "b"]) {
      store.add(c, 6, 0);
      for (const e of store.pending.get(c)!) e.data = { title: "日本語の講座".repeat(150) }; // 2,700 bytes, 900 units
    }
    const publisher = new RecordingPublisher();
    const cap = 8000;
    expect(await new OutboxRelay(store, publisher, opts({ batchMaxBytes: cap })).drainOnce()).toBe(12);
    for (const call of publisher.calls) {
      const bytes = call.reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e.data)) + 512, 0);
      expect(bytes).toBeLessThanOrEqual(cap);
    }
  });

  it("counts a refused event's own attempts: those of an earlier event that went out do not carry over", async () => {
    const store = new MemoryOutbox();
    store.add("c", 2);
    // c-1 is refused twice (a batch call and its isolation), then goes out; c-2 every time.
    let refusalsOfFirst = 0;
    const publisher = new RecordingPublisher((e) => e.id === "c-2" || (e.id === "c-1" && ++refusalsOfFirst <= 2));
    const relay = new OutboxRelay(store, publisher, opts({ maxAttempts: 3 }));
    const attemptsSeen: number[] = [];
    const claim = store.claim.bind(store);
    store.claim = async (max: number) => {
      const claims = await claim(max);
      for (const c of claims) attemptsSeen.push(c.attempts);
      return claims;
    };
    for (let i = 0; i < 8 && store.parkedEvents.length === 0; i++) {
      await relay.drainOnce();
      await Bun.sleep(5);
    }
    expect(publisher.published.map((e) => e.id)).toEqual(["c-1"]);
    expect(store.parkedEvents.map((p) => p.event.id)).toEqual(["c-2"]);
    // c-1 at the head: 0, then 1 (out in that round, where c-2 fails once); c-2: 1, 2, and its
    // own third refusal parks it. Counted per course, c-2 would start at c-1's count.
    expect(attemptsSeen).toEqual([0, 1, 1, 2]);
  });

  it("publishes one event larger than the byte cap alone instead of stalling on it", async () => {
    const store = new MemoryOutbox();
    store.add("huge", 1, 10_000);
    const publisher = new RecordingPublisher();
    expect(await new OutboxRelay(store, publisher, opts({ batchMaxBytes: 2048 })).drainOnce()).toBe(1);
  });

  it("parks a refused event after maxAttempts and lets its course's later events and other courses through", async () => {
    const store = new MemoryOutbox();
    store.add("poison", 3);
    store.add("fine", 2);
    const publisher = new RecordingPublisher((e) => e.id === "poison-1");
    const relay = new OutboxRelay(store, publisher, opts({ maxAttempts: 3 }));
    for (let i = 0; i < 5; i++) {
      await relay.drainOnce();
      await Bun.sleep(5);
    }
    expect(store.parkedEvents.map((p) => [p.event.id, p.reason])).toEqual([["poison-1", "MESSAGE_TOO_LARGE"]]);
    expect(publisher.published.map((e) => e.id).sort()).toEqual(["fine-1", "fine-2", "poison-2", "poison-3"]);
    expect(publisher.published.filter((e) => e.courseId === "poison").map((e) => e.id)).toEqual([
      "poison-2",
      "poison-3",
    ]);
  });
});

describe("OutboxWakeup", () => {
  // Ten-minute waits under a 5 s test timeout: only the notifications can end them in time.
  it("ends a wait at once on notify, and keeps a notify that came before the wait", async () => {
    const w = new OutboxWakeup();
    const signal = new AbortController().signal;
    setTimeout(() => w.notify(), 10);
    await w.wait(600_000, signal);
    w.notify();
    await w.wait(600_000, signal);
  }, 5_000);
});
