// MongoCourseRepository against the real store (mongo-java-server here, MongoDB where available).
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { type Db, MongoClient } from "mongodb";
import { AppError } from "../../lib/xerrors/index.ts";
import { MongoCourseRepository } from "../../src/adapters/mongo/course-repository.ts";
import { OutboxMarkers } from "../../src/adapters/mongo/outbox-store.ts";
import { migrate } from "../../src/adapters/mongo/migrate.ts";
import { MIGRATIONS } from "../../src/adapters/mongo/migrations.ts";
import { Course, type NewCourse } from "../../src/domain/course/course.ts";
import type { CourseSort } from "../../src/domain/course/repository.ts";
import { stack, uniqueName } from "../support/stack.ts";

let client: MongoClient;
let db: Db;
let repo: MongoCourseRepository;
let t = Date.parse("2026-01-01T00:00:00Z");
const clock = {
  now: () => {
    t += 1000;
    return new Date(t);
  },
};
const ids = { next: () => Bun.randomUUIDv7() };

const base: NewCourse = {
  title: "Course",
  summary: "s",
  description: "d",
  language: "en",
  level: "beginner",
  instructor: { id: "i-1", name: "Ada" },
};
async function make(over: Partial<NewCourse> = {}): Promise<Course> {
  const c = Course.create({ ...base, ...over }, ids, clock);
  await repo.insert(c);
  return c;
}
async function kindOf(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => undefined,
    (e) => e,
  );
  return e instanceof AppError ? e.kind : `not an AppError: ${e}`;
}

beforeAll(async () => {
  client = new MongoClient((await stack()).mongoUrl);
  db = client.db(uniqueName("it_repo").replaceAll("-", "_"));
  await migrate(db, MIGRATIONS);
  repo = new MongoCourseRepository(db, new OutboxMarkers(db), { outboxMaxEvents: 1000 });
});
afterAll(async () => {
  await db.dropDatabase().catch(() => {});
  await client.close();
});

describe("MongoCourseRepository", () => {
  it("stores and loads a course unchanged, by id and by slug", async () => {
    const c = Course.create(
      { ...base, title: "Round Trip", price: { amount: 100, currency: "EUR" }, tags: ["a", "b"] },
      ids,
      clock,
    );
    c.addLesson({ title: "One", durationMinutes: 5 }, ids, clock);
    await repo.insert(c);
    expect((await repo.findById(c.id))!.snapshot).toEqual(c.snapshot);
    expect((await repo.findBySlug("round-trip"))!.id).toBe(c.id);
    expect(await repo.findById("nope")).toBeNull();
  });

  it("refuses a second course with the same slug", async () => {
    await make({ title: "Unique Slug" });
    expect(await kindOf(make({ title: "Unique Slug" }))).toBe("conflict");
  });

  it("saves only over the version it loaded (optimistic concurrency)", async () => {
    const c = await make({ title: "Concurrent" });
    const a = (await repo.findById(c.id))!;
    const b = (await repo.findById(c.id))!;
    a.update({ summary: "from a" }, clock);
    await repo.save(a);
    b.update({ summary: "from b" }, clock);
    expect(await kindOf(repo.save(b))).toBe("precondition_failed");
    expect((await repo.findById(c.id))!.snapshot.summary).toBe("from a");
  });

  it("deletes only the version it loaded", async () => {
    const c = await make({ title: "To Delete" });
    const stale = (await repo.findById(c.id))!;
    const fresh = (await repo.findById(c.id))!;
    fresh.update({ summary: "changed" }, clock);
    await repo.save(fresh);
    expect(await kindOf(repo.delete(stale))).toBe("precondition_failed");
    const current = (await repo.findById(c.id))!;
    await repo.delete(current);
    expect(await repo.findById(c.id)).toBeNull();
    expect(await kindOf(repo.delete(current))).toBe("not_found");
  });

  it("filters by status, tag, level, language, instructor and search words", async () => {
    const k = uniqueName("k").replaceAll("-", "");
    const x = await make({ title: `Kotlin ${k} Basics`, tags: [k, "jvm"], level: "beginner", language: "de" });
    const y = await make({
      title: `Advanced ${k} Coroutines`,
      tags: [k],
      level: "advanced",
      language: "en",
      instructor: { id: "i-2", name: "Grace Hopper" },
    });
    const page = (filter: object) =>
      repo.list({ filter: { tag: k, ...filter }, sort: "-createdAt", limit: 10 }).then((p) => p.items.map((i) => i.id));
    expect(await page({})).toEqual([y.id, x.id]);
    expect(await page({ level: "advanced" })).toEqual([y.id]);
    expect(await page({ language: "de" })).toEqual([x.id]);
    expect(await page({ instructorId: "i-2" })).toEqual([y.id]);
    expect(await page({ q: "coroutines" })).toEqual([y.id]);
    expect(await page({ q: "GRACE kotlin" })).toEqual([]);
    expect(await page({ q: `grace ${k}` })).toEqual([y.id]);
    expect(await page({ q: "!" })).toEqual([]);
    y.addLesson({ title: "L", durationMinutes: 3 }, ids, clock);
    y.publish(clock);
    await repo.save(y);
    expect(await page({ status: "published" })).toEqual([y.id]);
    expect(await page({ status: "draft" })).toEqual([x.id]);
  });

  it("pages with cursors in every sort order without gaps or repeats, even with inserts in between", async () => {
    const k = uniqueName("p").replaceAll("-", "");
    const made: Course[] = [];
    let late: Course | undefined;
    for (let i = 0; i < 7; i++)
      made.push(await make({ title: `Paging ${String.fromCharCode(71 - i)} ${k}`, tags: [k] }));
    for (const sort of ["-createdAt", "createdAt", "title", "-title", "-updatedAt"] as CourseSort[]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const p = await repo.list({ filter: { tag: k }, sort, limit: 3, cursor });
        seen.push(...p.items.map((i) => i.id));
        cursor = p.nextCursor ?? undefined;
        if (pages === 0 && sort === "-createdAt") {
          // A course created after the first page: newer than everything, so it belongs before the cursor.
          late = await make({ title: `Paging late ${k}`, tags: [k] });
        }
        pages++;
      } while (cursor);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.sort()).toEqual(made.map((c) => c.id).sort());
      expect(pages).toBe(3);
      // From the next sort on, the late course is simply one of them.
      if (late && !made.includes(late)) made.push(late);
    }
    const byTitle = await repo.list({ filter: { tag: k }, sort: "title", limit: 2 });
    expect(byTitle.items.map((i) => i.title)).toEqual([`Paging A ${k}`, `Paging B ${k}`]);
  });

  it("rejects a cursor from another sort or a forged one", async () => {
    const k = uniqueName("c").replaceAll("-", "");
    for (let i = 0; i < 3; i++) await make({ title: `Cursor ${i} ${k}`, tags: [k] });
    const p = await repo.list({ filter: { tag: k }, sort: "title", limit: 1 });
    expect(await kindOf(repo.list({ filter: { tag: k }, sort: "-createdAt", limit: 1, cursor: p.nextCursor! }))).toBe(
      "invalid_argument",
    );
    expect(await kindOf(repo.list({ filter: {}, sort: "title", limit: 1, cursor: "garbage!" }))).toBe(
      "invalid_argument",
    );
  });

  it("reports an unreachable store as unavailable, not as a bug", async () => {
    const dead = new MongoClient("mongodb://127.0.0.1:1/", { serverSelectionTimeoutMS: 300 });
    try {
      const r = new MongoCourseRepository(dead.db("x"), new OutboxMarkers(dead.db("x")), { outboxMaxEvents: 1000 });
      expect(await kindOf(r.findById("x"))).toBe("unavailable");
    } finally {
      await dead.close();
    }
  });
});
