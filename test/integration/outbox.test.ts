// The outbox relay against the real store and the real Kafka: cost that follows the pending
// courses rather than all courses, leases fenced by owner, events the broker refuses parked,
// and the outbox's cap. Each test uses its own database and topic.
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { type Db, MongoClient, MongoNetworkError } from "mongodb";
import { AppError } from "../../lib/xerrors/index.ts";
import { KafkaEventPublisher } from "../../src/adapters/kafka/event-publisher.ts";
import fixture from "../../src/adapters/kafka/testdata/kafkajs-partitions.json";
import { toCourseDocument } from "../../src/adapters/mongo/course-document.ts";
import { MongoCourseRepository } from "../../src/adapters/mongo/course-repository.ts";
import { migrate } from "../../src/adapters/mongo/migrate.ts";
import { MIGRATIONS } from "../../src/adapters/mongo/migrations.ts";
import { MongoOutboxStore, OutboxMarkers } from "../../src/adapters/mongo/outbox-store.ts";
import * as uc from "../../src/app/courses.ts";
import { OutboxRelay, type RelayOptions } from "../../src/app/outbox-relay.ts";
import type { EventPublisher, OutboxEvent } from "../../src/app/outbox.ts";
import { Course } from "../../src/domain/course/course.ts";
import { courseBinary } from "../support/binary.ts";
import {
  createTopic as createTestTopic,
  duplicateIds,
  readTopic,
  type TestKafka,
  testKafka,
  withAdmin,
} from "../support/kafka.ts";
import { memoryStore, type OwnStore } from "../support/own-servers.ts";
import { stack, uniqueName, type StackEndpoints } from "../support/stack.ts";

let s: StackEndpoints;
let client: MongoClient;
let kafka: TestKafka;
const databases: Db[] = [];
/** The publisher's client settings for the stack's broker. */
const settings = () => ({
  clientId: "it-outbox",
  brokers: s.kafkaBrokers,
  connectionTimeout: 5000,
  requestTimeout: 10_000,
});

beforeAll(async () => {
  s = await stack();
  client = new MongoClient(s.mongoUrl);
  kafka = testKafka(s.kafkaBrokers);
});
afterAll(async () => {
  for (const db of databases) await db.dropDatabase().catch(() => {});
  await client.close();
});

async function freshDb(c = client): Promise<Db> {
  const db = c.db(uniqueName("it_outbox").replaceAll("-", "_"));
  databases.push(db);
  await migrate(db, MIGRATIONS);
  return db;
}

const deps = (db: Db, outboxMaxEvents = 1000) => ({
  courses: new MongoCourseRepository(db, new OutboxMarkers(db), { outboxMaxEvents }),
  clock: { now: () => new Date() },
  ids: { next: () => Bun.randomUUIDv7() },
});
const newCourse = (title: string, description = "d") => ({
  title,
  summary: "s",
  description,
  language: "en",
  level: "beginner" as const,
  instructor: { id: "i", name: "n" },
});
const options = (over: Partial<RelayOptions> = {}): RelayOptions => ({
  pollIntervalMs: 50,
  retryBackoffMaxMs: 200,
  leaseMs: 5_000,
  batchMaxCourses: 50,
  batchMaxEvents: 500,
  batchMaxBytes: 512 * 1024,
  maxAttempts: 3,
  ...over,
});

async function createTopic(
  name: string,
  configEntries: { name: string; value: string }[] = [],
  numPartitions = 3,
): Promise<void> {
  await createTestTopic(kafka, name, numPartitions, configEntries);
}

/** A fresh database and topic, and `count` new courses whose created events are pending. */
async function scenario(name: string, count: number) {
  const db = await freshDb();
  const topic = uniqueName(`it.outbox.${name}`);
  await createTopic(topic);
  const d = deps(db);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await uc.createCourse(d, newCourse(`${name} ${i} ${topic}`))).id);
  return { db, topic, d, ids };
}

/** A real producer whose every call takes `delayMs` longer: a slow broker as the relay sees it. */
function slow(publisher: EventPublisher, delayMs: number, calls: OutboxEvent[][]): EventPublisher {
  return {
    publish: async (events) => {
      calls.push(events);
      await Bun.sleep(delayMs);
      await publisher.publish(events);
    },
  };
}

describe("outbox relay", () => {
  it("claims at 20,000 courses with the same store work as at 1,000: its queries follow the pending courses", async () => {
    let store: OwnStore | undefined;
    // Every command the relay sends, with the documents each returned (counted, not timed: the
    // elapsed-time ratio this test used to assert belongs to bench/outbox.ts).
    interface Seen {
      command: string;
      collection: string;
      filters: Record<string, unknown>[];
      returned: number;
    }
    let recording: Seen[] | undefined;
    const byRequest = new Map<number, Seen>();
    const scaleClient = await (async () => {
      store = await memoryStore(s);
      const client = new MongoClient(store.url, { monitorCommands: true });
      client.on("commandStarted", (e) => {
        if (!recording) return;
        const c = e.command as Record<string, unknown>;
        const filters = [
          c.filter,
          ...((c.updates as { q: unknown }[] | undefined) ?? []).map((u) => u.q),
          ...((c.deletes as { q: unknown }[] | undefined) ?? []).map((d) => d.q),
        ].filter(Boolean) as Record<string, unknown>[];
        const seen = { command: e.commandName, collection: String(c[e.commandName]), filters, returned: 0 };
        recording.push(seen);
        byRequest.set(e.requestId, seen);
      });
      client.on("commandSucceeded", (e) => {
        const seen = byRequest.get(e.requestId);
        const cursor = (e.reply as { cursor?: { firstBatch?: unknown[]; nextBatch?: unknown[] } }).cursor;
        if (seen) seen.returned = (cursor?.firstBatch ?? cursor?.nextBatch ?? []).length;
      });
      return client;
    })();
    try {
      const db = await freshDb(scaleClient);
      const courses = db.collection("courses");
      let n = 0;
      const ids = { next: () => `${Bun.randomUUIDv7()}-${n++}` };
      const clock = { now: () => new Date() };
      const fill = async (count: number) => {
        for (let done = 0; done < count; done += 1000) {
          const docs = Array.from({ length: Math.min(1000, count - done) }, (_, i) => {
            const c = Course.create(newCourse(`Quiet course ${done + i} ${n}`), ids, clock);
            return { ...toCourseDocument(c), outbox: [], deletedAt: null, enrollmentRev: 0 };
          });
          await courses.insertMany(docs as never[]);
        }
      };
      const d = deps(db);
      const outbox = new MongoOutboxStore(db, "it-scale");
      let pending = 0;
      /** The commands of one claim + complete of 20 courses with one pending event each. */
      const claimWork = async () => {
        for (let i = 0; i < 20; i++) await uc.createCourse(d, newCourse(`Pending ${pending++}`));
        recording = [];
        const claims = await outbox.claim(20, 5000);
        await outbox.completeAll(claims.map((c) => ({ claim: c, publishedIds: c.events.map((e) => e.id) })));
        const seen = recording;
        recording = undefined;
        expect(claims).toHaveLength(20);
        return seen;
      };
      await fill(1_000);
      const at1k = await claimWork();
      await fill(19_000);
      expect(await courses.countDocuments()).toBeGreaterThanOrEqual(20_000);
      const at20k = await claimWork();
      const returned = (seen: Seen[]) => seen.reduce((sum, x) => sum + x.returned, 0);
      console.error(
        `[outbox] claim+complete of 20 courses: ${at1k.length} commands returning ${returned(at1k)} documents at 1,000 courses, ${at20k.length} returning ${returned(at20k)} at 20,000`,
      );
      // The same commands, returning the same documents, whatever the number of quiet courses.
      const shape = (seen: Seen[]) => seen.map((x) => `${x.command} ${x.collection} ${x.returned}`);
      expect(shape(at20k)).toEqual(shape(at1k));
      expect(returned(at20k)).toBeLessThanOrEqual(4 * 20);
      // Courses are only ever reached by _id: no query that could walk the collection.
      const onCourses = at20k.filter((x) => x.collection === "courses");
      expect(onCourses.length).toBeGreaterThan(0);
      for (const x of onCourses) for (const f of x.filters) expect(Object.keys(f)).toContain("_id");
    } finally {
      await scaleClient.close();
      await store?.stop();
    }
  }, 240_000);

  it("publishes a burst in batches, each course's events in order, and leaves no marker behind", async () => {
    const { db, topic, d, ids: created } = await scenario("burst", 60);
    for (const id of created.slice(0, 20)) await uc.updateCourse(d, id, { summary: "second" }, undefined);
    const calls: OutboxEvent[][] = [];
    const publisher = new KafkaEventPublisher(settings(), topic, "/courses");
    const relay = new OutboxRelay(
      new MongoOutboxStore(db, "it-burst"),
      slow(publisher, 0, calls),
      options({ batchMaxEvents: 25 }),
    );
    try {
      expect(await relay.drainOnce()).toBe(80);
    } finally {
      await publisher.close();
    }
    // Several events per producer call, never more than the cap.
    expect(calls.length).toBeLessThanOrEqual(6);
    expect(Math.max(...calls.map((c) => c.length))).toBeLessThanOrEqual(25);
    const msgs = await readTopic(kafka, topic, (m) => m.length >= 80);
    // The whole topic: exactly the 80 events, none twice.
    expect(msgs).toHaveLength(80);
    expect(duplicateIds(msgs)).toEqual([]);
    for (const id of created.slice(0, 20)) {
      expect(msgs.filter((m) => m.key === id).map((m) => JSON.parse(m.value).type)).toEqual([
        "courses.course.created.v1",
        "courses.course.updated.v1",
      ]);
    }
    expect(await db.collection("outbox_pending").countDocuments()).toBe(0);
    expect(await db.collection("courses").countDocuments({ "outbox.0": { $exists: true } })).toBe(0);
  }, 60_000);

  it("puts each course's events on the partition kafkajs put them on (per-course order survives the client change)", async () => {
    const topic = uniqueName("it.outbox.partitions");
    await createTopic(topic, [], 6);
    const six = fixture.partitionCounts.indexOf(6);
    const keys = Object.keys(fixture.partitions).filter((k) => /^[0-9a-f-]{36}$/.test(k));
    const publisher = new KafkaEventPublisher(settings(), topic, "/courses");
    try {
      await publisher.publish(
        keys.map((courseId, i) => ({
          id: `e-${i}`,
          type: "course.created",
          courseId,
          courseVersion: 1,
          occurredAt: new Date(),
          data: {},
        })),
      );
    } finally {
      await publisher.close();
    }
    const msgs = await readTopic(kafka, topic, (m) => m.length >= keys.length);
    expect(msgs).toHaveLength(keys.length);
    const moved = msgs.filter(
      (m) => m.partition !== fixture.partitions[m.key as keyof typeof fixture.partitions]![six],
    );
    expect(moved.map((m) => `${m.key} on ${m.partition}`)).toEqual([]);
    expect(new Set(msgs.map((m) => m.partition)).size).toBe(6);
  }, 60_000);

  it("two relays on one store: the lease has an owner, is renewed while a slow broker publishes, and fences the one that lost it", async () => {
    const { db, topic, d, ids } = await scenario("lease", 10);
    const publisherA = new KafkaEventPublisher(settings(), topic, "/courses");
    const publisherB = new KafkaEventPublisher(settings(), topic, "/courses");
    const callsA: OutboxEvent[][] = [];
    const callsB: OutboxEvent[][] = [];
    // A publishes for 3 leases' time: without renewal B would take the courses over mid-publish.
    const relayA = new OutboxRelay(
      new MongoOutboxStore(db, "relay-A"),
      slow(publisherA, 1_500, callsA),
      options({ leaseMs: 500 }),
    );
    const relayB = new OutboxRelay(
      new MongoOutboxStore(db, "relay-B"),
      slow(publisherB, 0, callsB),
      options({ leaseMs: 500 }),
    );
    try {
      const a = relayA.round();
      await Bun.sleep(100);
      const marker = await db.collection<{ _id: string; owner: string }>("outbox_pending").findOne({ _id: ids[0]! });
      expect(marker!.owner).toBe("relay-A");
      for (let i = 0; i < 6; i++) {
        expect((await relayB.round()).claimed).toBe(0);
        await Bun.sleep(200);
      }
      expect((await a).sent).toBe(10);
      expect(callsB).toHaveLength(0);
    } finally {
      await publisherA.close();
      await publisherB.close();
    }
    // The whole topic: each of the 10 events exactly once, though two relays ran.
    const msgs = await readTopic(kafka, topic, (m) => m.length >= 10);
    expect(msgs).toHaveLength(10);
    expect(duplicateIds(msgs)).toEqual([]);
    expect(new Set(msgs.map((m) => m.key))).toEqual(new Set(ids));

    // A relay that stalled past its lease changes nothing once another holds the course.
    const c = await uc.createCourse(d, newCourse(`Fenced ${topic}`));
    const storeA = new MongoOutboxStore(db, "relay-A");
    const storeB = new MongoOutboxStore(db, "relay-B");
    const [stale] = await storeA.claim(1, 200);
    await Bun.sleep(300);
    const [taken] = await storeB.claim(1, 5_000);
    expect(taken!.courseId).toBe(c.id);
    expect(
      await storeA.complete(
        stale!,
        stale!.events.map((e) => e.id),
      ),
    ).toBe(false);
    await storeA.release(stale!);
    const doc = await db.collection<{ _id: string; outbox: unknown[] }>("courses").findOne({ _id: c.id });
    expect(doc!.outbox).toHaveLength(1);
    expect((await db.collection<{ _id: string; owner: string }>("outbox_pending").findOne({ _id: c.id }))!.owner).toBe(
      "relay-B",
    );
    expect(
      await storeB.complete(
        taken!,
        taken!.events.map((e) => e.id),
      ),
    ).toBe(true);
    expect(await db.collection("outbox_pending").countDocuments({ _id: c.id as never })).toBe(0);
  }, 60_000);

  it("parks an event the broker refuses after maxAttempts, lets the other courses through, and re-queues it on request", async () => {
    const db = await freshDb();
    const topic = uniqueName("it.outbox.poison");
    // The broker refuses any record batch over 8 KiB on this topic: the big course's event, never
    // a batch of a few small ones.
    await createTopic(topic, [{ name: "max.message.bytes", value: "8192" }]);
    const d = deps(db);
    const big = await uc.createCourse(d, newCourse(`Too big ${topic}`, "x".repeat(20_000)));
    const small: string[] = [];
    for (let i = 0; i < 5; i++) small.push((await uc.createCourse(d, newCourse(`Small ${i} ${topic}`))).id);
    const publisher = new KafkaEventPublisher(settings(), topic, "/courses");
    const parked: string[] = [];
    const store = new MongoOutboxStore(db, "it-poison");
    const relay = new OutboxRelay(
      store,
      publisher,
      options({ maxAttempts: 2, pollIntervalMs: 20, retryBackoffMaxMs: 50 }),
      { published() {}, failed() {}, leaseLost() {}, parked: (r) => parked.push(r) },
    );
    try {
      // Attempt 1 fails and waits its backoff; attempt 2 parks.
      await relay.drainOnce();
      await Bun.sleep(100);
      await relay.drainOnce();
      // Partitions whose record batch the broker accepted before the refusal may see a small
      // course twice (at-least-once); each one arrives.
      const msgs = await readTopic(kafka, topic, (m) => new Set(m.map((x) => x.key)).size >= 5);
      expect(new Set(msgs.map((m) => m.key))).toEqual(new Set(small));
      expect(parked).toEqual(["MESSAGE_TOO_LARGE"]);
      const p = await db
        .collection<{ _id: string; courseId: string; reason: string; attempts: number; event: { type: string } }>(
          "outbox_parked",
        )
        .findOne({});
      expect(p).toMatchObject({
        courseId: big.id,
        reason: "MESSAGE_TOO_LARGE",
        attempts: 2,
        event: { type: "course.created" },
      });
      expect((await store.backlog(new Date())).parked).toBe(1);
      // Nothing blocks any more: no pending marker, no pending event.
      expect(await db.collection("outbox_pending").countDocuments()).toBe(0);

      // The same producer's next batch, after the refusal, reaches the topic: every record of it.
      // (kafkajs's idempotent producer reported such a batch as sent while the broker dropped its
      // records on the partitions that had taken part of the refused batch, as duplicates.)
      const later: string[] = [];
      for (let i = 0; i < 6; i++) later.push((await uc.createCourse(d, newCourse(`Later ${i} ${topic}`))).id);
      await relay.drainOnce();
      expect(await db.collection("outbox_pending").countDocuments()).toBe(0);
      const all = await readTopic(kafka, topic, (m) => later.every((id) => m.some((x) => x.key === id)));
      expect(later.map((id) => all.filter((m) => m.key === id).length)).toEqual(later.map(() => 1));

      // The operator raises the topic's limit and re-queues through the command the docs name.
      await withAdmin(kafka, (admin) =>
        admin.alterConfigs({
          resources: [
            { resourceType: 2, resourceName: topic, configs: [{ name: "max.message.bytes", value: "1048588" }] },
          ],
        }),
      );
      const cli = Bun.spawn([await courseBinary(), "outbox", "retry-parked"], {
        cwd: `${import.meta.dir}/../..`,
        env: {
          ...process.env,
          COURSES_MONGO_URL: s.mongoUrl,
          COURSES_MONGO_DATABASE: db.databaseName,
          COURSES_LOG_LEVEL: "warn",
        },
        stdout: "pipe",
        stderr: "pipe",
      });
      expect(await cli.exited).toBe(0);
      expect(await new Response(cli.stdout).text()).toContain("re-queued 1 parked event");
      expect(await db.collection("outbox_parked").countDocuments()).toBe(0);
      await eventuallyDrained(relay);
      const after = await readTopic(kafka, topic, (m) => m.some((x) => x.key === big.id));
      expect(after.filter((m) => m.key === big.id).map((m) => JSON.parse(m.value).type)).toEqual([
        "courses.course.created.v1",
      ]);
    } finally {
      await publisher.close();
    }
  }, 90_000);

  it("refuses changes to a course whose outbox is full with 503 outbox_full, and changes nothing", async () => {
    const db = await freshDb();
    const d = deps(db, 3);
    const c = await uc.createCourse(d, newCourse("Capped outbox"));
    await uc.updateCourse(d, c.id, { summary: "two" }, undefined);
    await uc.updateCourse(d, c.id, { summary: "three" }, undefined);
    const err = await uc.updateCourse(d, c.id, { summary: "four" }, undefined).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ kind: "unavailable", code: "outbox_full" });
    const stored = await db
      .collection<{ _id: string; summary: string; version: number; outbox: unknown[] }>("courses")
      .findOne({ _id: c.id });
    expect(stored).toMatchObject({ summary: "three", version: 3 });
    expect(stored!.outbox).toHaveLength(3);
    expect(await uc.deleteCourse(d, c.id, undefined).catch((e) => e.code)).toBe("outbox_full");
  });

  it("an acknowledged change always has its marker: written before the course write, touched after it", async () => {
    const db = await freshDb();
    const store = new MongoOutboxStore(db, "it-markers");
    const real = new OutboxMarkers(db);
    const repo = (markers: OutboxMarkers) => ({
      ...deps(db),
      courses: new MongoCourseRepository(db, markers, { outboxMaxEvents: 1000 }),
    });
    // The write after the change fails (the store went away just then): the marker is there anyway.
    const touchFails = Object.assign(Object.create(real) as OutboxMarkers, {
      touch: async () => {
        throw new Error("store went away");
      },
    });
    const a = await uc.createCourse(repo(touchFails), newCourse("Marker after fails"));
    const claimed = await store.claim(10, 5000);
    expect(claimed.map((c) => c.courseId)).toEqual([a.id]);
    expect(claimed[0]!.events.map((e) => e.type)).toEqual(["course.created"]);
    await store.completeAll(claimed.map((claim) => ({ claim, publishedIds: claim.events.map((e) => e.id) })));
    // The marker cannot be written before the change: the change is refused, nothing is stored.
    const beforeFails = Object.assign(Object.create(real) as OutboxMarkers, {
      recordPending: async () => {
        throw new MongoNetworkError("connection reset");
      },
    });
    const refused = await uc.createCourse(repo(beforeFails), newCourse("Marker before fails")).catch((e) => e);
    expect((refused as AppError).kind).toBe("unavailable");
    expect(await db.collection("courses").countDocuments({ title: "Marker before fails" })).toBe(0);
    // A relay round between the marker and the course write finds nothing and deletes nothing
    // that the change needs: the marker is touched after the write.
    const racing = Object.assign(Object.create(real) as OutboxMarkers, {
      recordPending: async (courseId: string, since: Date, count: number) => {
        await real.recordPending(courseId, since, count);
        const early = await store.claim(10, 5000);
        expect(early.flatMap((c) => c.events)).toEqual([]);
        await store.completeAll(early.map((claim) => ({ claim, publishedIds: [] })));
      },
    });
    const b = await uc.createCourse(repo(racing), newCourse("Marker raced"));
    const [later] = await store.claim(10, 5000);
    expect(later?.courseId).toBe(b.id);
    expect(later?.events.map((e) => e.type)).toEqual(["course.created"]);
  });

  it("attempts belong to the event at the head of a course's outbox (real store)", async () => {
    const db = await freshDb();
    const d = deps(db);
    const c = await uc.createCourse(d, newCourse("Attempts"));
    await uc.updateCourse(d, c.id, { summary: "changed" }, undefined);
    const store = new MongoOutboxStore(db, "it-attempts");
    const [first] = await store.claim(10, 5000);
    const [created, updated] = first!.events;
    expect(first!.attempts).toBe(0);
    // course.created refused twice.
    await store.completeAll([
      {
        claim: first!,
        publishedIds: [],
        failure: { reason: "X", retryAt: new Date(0), eventId: created!.id, attempts: 2 },
      },
    ]);
    const [second] = await store.claim(10, 5000);
    expect(second!.attempts).toBe(2);
    // It goes out; the next event's count starts from nothing, not from 2.
    await store.completeAll([{ claim: second!, publishedIds: [created!.id] }]);
    const [third] = await store.claim(10, 5000);
    expect(third!.events.map((e) => e.id)).toEqual([updated!.id]);
    expect(third!.attempts).toBe(0);
    // A round in which the course got no event published keeps the count of its head event.
    await store.completeAll([
      {
        claim: third!,
        publishedIds: [],
        failure: { reason: "X", retryAt: new Date(0), eventId: updated!.id, attempts: 1 },
      },
    ]);
    const [fourth] = await store.claim(10, 5000);
    await store.completeAll([{ claim: fourth!, publishedIds: [] }]);
    const [fifth] = await store.claim(10, 5000);
    expect(fifth!.attempts).toBe(1);
  });

  it("recreates a marker lost between the course write and the marker write", async () => {
    const db = await freshDb();
    const c = await uc.createCourse(deps(db), newCourse("Lost marker"));
    await db.collection("outbox_pending").deleteMany({});
    const store = new MongoOutboxStore(db, "it-sweep");
    expect(await store.claim(10, 5000)).toEqual([]);
    expect(await store.repairMarkers()).toBe(1);
    expect(await store.repairMarkers()).toBe(0);
    const [claim] = await store.claim(10, 5000);
    expect(claim!.courseId).toBe(c.id);
    expect(claim!.events.map((e) => e.type)).toEqual(["course.created"]);
  });
});

async function eventuallyDrained(relay: OutboxRelay): Promise<void> {
  for (let i = 0; i < 50; i++) {
    if ((await relay.drainOnce()) > 0) return;
    await Bun.sleep(100);
  }
  throw new Error("the relay published nothing within 5 s");
}
