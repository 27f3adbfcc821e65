// The idempotency store, the enrollment ledger and the leases against the real store.
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { type Db, MongoClient } from "mongodb";
import { MongoCourseRepository } from "../../src/adapters/mongo/course-repository.ts";
import { MongoEnrollmentLedger } from "../../src/adapters/mongo/enrollment-ledger.ts";
import { MongoOutboxStore, OutboxMarkers } from "../../src/adapters/mongo/outbox-store.ts";
import * as uc from "../../src/app/courses.ts";
import { applyEnrollmentEvent, enrollmentKey } from "../../src/app/enrollments.ts";
import { MongoIdempotencyStore } from "../../src/adapters/mongo/idempotency-store.ts";
import { type Held, MongoLeases } from "../../src/adapters/mongo/lease.ts";
import { migrate } from "../../src/adapters/mongo/migrate.ts";
import { MIGRATIONS } from "../../src/adapters/mongo/migrations.ts";
import { Course } from "../../src/domain/course/course.ts";
import { AppError } from "../../lib/xerrors/index.ts";
import { stack, uniqueName } from "../support/stack.ts";

let client: MongoClient;
let db: Db;
beforeAll(async () => {
  client = new MongoClient((await stack()).mongoUrl);
  db = client.db(uniqueName("it_stores").replaceAll("-", "_"));
  await migrate(db, MIGRATIONS);
});
afterAll(async () => {
  await db.dropDatabase().catch(() => {});
  await client.close();
});

const response = { status: 201, headers: { location: "/v1/courses/x" }, body: '{"id":"x"}' };

describe("MongoIdempotencyStore", () => {
  it("claims a new key once, replays it after completion, and tells a different body apart", async () => {
    const store = new MongoIdempotencyStore(db);
    const claim = await store.claim("k1", "fp-a", "course-1");
    expect(claim).toMatchObject({ state: "new", resourceId: "course-1" });
    // A second request meets the claim with the id it reserved.
    expect(await store.claim("k1", "fp-a", "course-2")).toEqual({ state: "in_progress", resourceId: "course-1" });
    expect(await store.complete("k1", (claim as { token: number }).token, response)).toBe(true);
    expect(await store.claim("k1", "fp-a")).toEqual({ state: "replay", response });
    expect(await store.claim("k1", "fp-b")).toEqual({ state: "mismatch" });
  });

  it("forgets a released key, takes over a stale claim with the id it reserved, and expires old keys", async () => {
    const store = new MongoIdempotencyStore(db, { ttlMs: 1500, staleAfterMs: 300 });
    const first = (await store.claim("k2", "fp", "r-1")) as { token: number };
    await store.release("k2", first.token);
    const second = (await store.claim("k2", "fp", "r-2")) as { state: string; token: number; resourceId: string };
    expect(second).toMatchObject({ state: "new", resourceId: "r-2" });
    await Bun.sleep(350);
    // Never finished (a crash): past its window a retry takes it over, creating under the same id.
    const third = (await store.claim("k2", "fp", "r-3")) as { state: string; token: number; resourceId: string };
    expect(third).toMatchObject({ state: "new", resourceId: "r-2" });
    // The first holder may no longer complete or release it.
    expect(await store.complete("k2", second.token, response)).toBe(false);
    await store.release("k2", second.token);
    expect(await store.claim("k2", "fp")).toMatchObject({ state: "in_progress" });
    expect(await store.complete("k2", third.token, response)).toBe(true);
    await Bun.sleep(1600);
    expect(await store.expire(new Date())).toBeGreaterThanOrEqual(1);
    expect(await db.collection("idempotency_keys").countDocuments({ _id: "k2" as never })).toBe(0);
  });

  it("a recovered response completes the claim whoever holds it", async () => {
    const store = new MongoIdempotencyStore(db);
    await store.claim("k3", "fp", "r-9");
    await store.completeRecovered("k3", response);
    expect(await store.claim("k3", "fp")).toEqual({ state: "replay", response });
  });
});

describe("MongoEnrollmentLedger", () => {
  async function course(): Promise<string> {
    let n = 0;
    const c = Course.create(
      { title: `Ledger ${uniqueName("c")}`, language: "en", level: "beginner", instructor: { id: "i", name: "n" } },
      { next: () => `${Bun.randomUUIDv7()}-${n++}` },
      { now: () => new Date() },
    );
    await new MongoCourseRepository(db, new OutboxMarkers(db), { outboxMaxEvents: 1000 }).insert(c);
    return c.id;
  }
  const count = async (id: string) =>
    (await db.collection<{ _id: string; enrollmentCount: number }>("courses").findOne({ _id: id }))!.enrollmentCount;

  it("applies each event once, never goes below zero, and refuses unknown courses", async () => {
    const ledger = new MongoEnrollmentLedger(db);
    const id = await course();
    expect(await ledger.apply("src#1", id, 1)).toBe("applied");
    expect(await ledger.apply("src#1", id, 1)).toBe("duplicate");
    expect(await ledger.apply("src#2", id, -1)).toBe("applied");
    expect(await ledger.apply("src#3", id, -1)).toBe("clamped");
    expect(await count(id)).toBe(0);
    const err = await ledger.apply("src#4", "no-such-course", 1).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).kind).toBe("not_found");
    // Not recorded: the same event can succeed once the course exists.
    expect(await db.collection("processed_events").countDocuments({ _id: "src#4" as never })).toBe(0);
  });

  it("finishes an event a crash left half-applied without counting it twice", async () => {
    const ledger = new MongoEnrollmentLedger(db);
    const id = await course();
    // State after steps 1 and 2 of a crashed apply: record pending, count incremented, key on the course.
    await db
      .collection<{ _id: string }>("processed_events")
      .insertOne({ _id: "crash#1", courseId: id, delta: 1, state: "pending", receivedAt: new Date() } as never);
    await db
      .collection<{ _id: string }>("courses")
      .updateOne({ _id: id }, { $inc: { enrollmentCount: 1 }, $push: { pendingEnrollmentEvents: "crash#1" } } as never);
    expect(await ledger.apply("crash#1", id, 1)).toBe("applied");
    expect(await count(id)).toBe(1);
    const doc = await db.collection<{ _id: string; pendingEnrollmentEvents: string[] }>("courses").findOne({ _id: id });
    expect(doc!.pendingEnrollmentEvents).toEqual([]);
    expect(await ledger.apply("crash#1", id, 1)).toBe("duplicate");
  });

  /**
   * A database whose calls of one method on one collection pause after the real call, until
   * released: drives two appliers of one key through an exact interleaving on the real store.
   */
  function pausing(collection: string, method: "insertOne" | "findOne") {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let reached!: () => void;
    const paused = new Promise<void>((r) => (reached = r));
    let armed = true;
    const proxied = new Proxy(db, {
      get(target, prop, receiver) {
        if (prop !== "collection") return Reflect.get(target, prop, receiver);
        return (name: string) => {
          const real = target.collection(name);
          if (name !== collection) return real;
          return new Proxy(real, {
            get(c, p, r) {
              const v = Reflect.get(c, p, r);
              if (p !== method || typeof v !== "function") return typeof v === "function" ? v.bind(c) : v;
              return async (...args: unknown[]) => {
                const result = await v.apply(c, args);
                if (armed) {
                  armed = false;
                  reached();
                  await gate;
                }
                return result;
              };
            },
          });
        };
      },
    });
    return { db: proxied, paused, release };
  }

  it("two appliers of one key after a rebalance: B resumes a pending record while A finishes — counted once", async () => {
    const id = await course();
    // A claims the key and applies; B (the partition's new owner) meets the duplicate key, reads
    // the record still pending, and pauses there while A marks it done and pulls the key.
    const b = pausing("processed_events", "findOne");
    const ledgerA = new MongoEnrollmentLedger(db);
    const ledgerB = new MongoEnrollmentLedger(b.db);
    await db
      .collection<{ _id: string }>("processed_events")
      .insertOne({ _id: "rebalance#1", courseId: id, delta: 1, state: "pending", receivedAt: new Date() } as never);
    const applyB = ledgerB.apply("rebalance#1", id, 1);
    await b.paused;
    expect(await ledgerA.apply("rebalance#1", id, 1)).toBe("applied");
    b.release();
    expect(await applyB).toBe("duplicate");
    expect(await count(id)).toBe(1);
    const record = await db
      .collection<{ _id: string; outcome: string }>("processed_events")
      .findOne({ _id: "rebalance#1" });
    expect(record).toMatchObject({ state: "done", outcome: "applied" });
  });

  it("two appliers of one key: A pauses after its claim while B applies and finishes — counted once", async () => {
    const id = await course();
    const a = pausing("processed_events", "insertOne");
    const ledgerA = new MongoEnrollmentLedger(a.db);
    const ledgerB = new MongoEnrollmentLedger(db);
    const applyA = ledgerA.apply("rebalance#2", id, 1);
    await a.paused;
    expect(await ledgerB.apply("rebalance#2", id, 1)).toBe("applied");
    a.release();
    expect(await applyA).toBe("duplicate");
    expect(await count(id)).toBe(1);
  });

  it("loses no write when the API, the ledger and the relay change one course at the same time", async () => {
    const repo = new MongoCourseRepository(db, new OutboxMarkers(db), { outboxMaxEvents: 1000 });
    const outbox = new MongoOutboxStore(db, "it-relay");
    const ledger = new MongoEnrollmentLedger(db);
    const deps = { courses: repo, clock: { now: () => new Date() }, ids: { next: () => Bun.randomUUIDv7() } };
    const id = await course();
    const n = 15;
    const relay = (async () => {
      for (let i = 0; i < 3 * n; i++) {
        for (const claim of await outbox.claim(10, 5000))
          await outbox.complete(
            claim,
            claim.events.map((e) => e.id),
          );
        await Bun.sleep(1);
      }
    })();
    // One API client editing, while enrollments arrive and the relay publishes, all on one document.
    const editor = (async () => {
      for (let i = 0; i < n; i++)
        await uc.addLesson(deps, id, { title: `Lesson ${i}`, durationMinutes: 1 }, undefined, undefined);
    })();
    await Promise.all([
      editor,
      ...Array.from({ length: n }, (_, i) => ledger.apply(`concurrent#${id}#${i}`, id, 1)),
      relay,
    ]);
    const doc = await db
      .collection<{ _id: string; lessons: unknown[]; enrollmentCount: number; version: number }>("courses")
      .findOne({ _id: id });
    expect(doc!.lessons).toHaveLength(n);
    expect(doc!.enrollmentCount).toBe(n);
    expect(doc!.version).toBe(1 + n);
  });

  it("keeps two events apart whose source and id only collide when joined with '#'", async () => {
    const ledger = new MongoEnrollmentLedger(db);
    const id = await course();
    const a = { source: "/enr#X", id: "1", type: "enrollment.created" as const, courseId: id, studentId: "s1" };
    const b = { source: "/enr", id: "X#1", type: "enrollment.created" as const, courseId: id, studentId: "s2" };
    expect(enrollmentKey(a)).not.toBe(enrollmentKey(b));
    expect(await applyEnrollmentEvent(ledger, a)).toBe("applied");
    expect(await applyEnrollmentEvent(ledger, b)).toBe("applied");
    expect(await applyEnrollmentEvent(ledger, b)).toBe("duplicate");
    expect(await count(id)).toBe(2);
  });

  it("two processes each doing 100 guarded updates of one course lose none", async () => {
    const id = await course();
    const child = (tag: string) =>
      Bun.spawn(
        [
          "bun",
          `${import.meta.dir}/fixtures/update-child.ts`,
          client.options.hosts.map((h) => `mongodb://${h.host}:${h.port}/`)[0]!,
          db.databaseName,
          id,
          "100",
          tag,
        ],
        { stdout: "pipe", stderr: "inherit" },
      );
    const [a, b] = [child("A"), child("B")];
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);
    const reports = [
      JSON.parse(await new Response(a.stdout).text()),
      JSON.parse(await new Response(b.stdout).text()),
    ] as { done: number; retries: number }[];
    console.error(
      `[stores] cross-process updates: ${reports.map((r) => `${r.done} done, ${r.retries} retried`).join("; ")}`,
    );
    const doc = await db
      .collection<{ _id: string; version: number; outbox: { type: string; courseVersion: number }[] }>("courses")
      .findOne({ _id: id });
    // Every update is one version and one event: a lost update would leave a version out or twice.
    expect(doc!.version).toBe(1 + 200);
    const updates = doc!.outbox.filter((e) => e.type === "course.updated").map((e) => e.courseVersion);
    expect(updates).toHaveLength(200);
    expect(new Set(updates).size).toBe(200);
    expect(Math.min(...updates)).toBe(2);
    expect(Math.max(...updates)).toBe(201);
  }, 120_000);

  it("expires processed records after the retention", async () => {
    const ledger = new MongoEnrollmentLedger(db);
    const id = await course();
    await ledger.apply("old#1", id, 1);
    expect(await ledger.expire(new Date(Date.now() + 1000))).toBeGreaterThanOrEqual(1);
    expect(await db.collection("processed_events").countDocuments({ _id: "old#1" as never })).toBe(0);
  });
});

describe("MongoLeases", () => {
  const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);
  it("one holder at a time: renewed only by its holder, taken over only once expired, released only by its holder", async () => {
    const leases = new MongoLeases(db, "it_leases");
    expect(await leases.acquire("src", "a", 1000, at(0))).toBe(true);
    expect(await leases.acquire("src", "b", 1000, at(500))).toBe(false);
    expect(await leases.acquire("src", "a", 1000, at(500))).toBe(false); // not re-entrant
    expect(await leases.renew("src", "a", 1000, at(900))).toBe(true); // now until 1900
    expect(await leases.renew("src", "b", 1000, at(900))).toBe(false);
    expect(await leases.acquire("src", "b", 1000, at(1500))).toBe(false);
    const takeovers: Held[] = [];
    expect(await leases.acquire("src", "b", 1000, at(2000), (h) => takeovers.push(h))).toBe(true);
    expect(takeovers).toEqual([{ owner: "a", expiresAt: at(1900) }]);
    // The old holder finds out at its next renewal, and its release frees nothing.
    expect(await leases.renew("src", "a", 1000, at(2100))).toBe(false);
    await leases.release("src", "a");
    expect(await leases.acquire("src", "c", 1000, at(2200))).toBe(false);
    await leases.release("src", "b");
    expect(await leases.acquire("src", "c", 1000, at(2300))).toBe(true);
  });
  it("many takers of one expired lease: exactly one wins", async () => {
    const leases = new MongoLeases(db, "it_leases");
    expect(await leases.acquire("race", "old", 1000, at(0))).toBe(true);
    const won = await Promise.all(
      Array.from({ length: 12 }, (_, i) => leases.acquire("race", `taker-${i}`, 1000, at(5000))),
    );
    expect(won.filter(Boolean)).toHaveLength(1);
    const holder = `taker-${won.indexOf(true)}`;
    expect(await leases.renew("race", holder, 1000, at(5100))).toBe(true);
  });
});
