import { describe, expect, it } from "bun:test";
import { InMemoryCourseRepository } from "../../test/support/in-memory-courses.ts";
import type { CourseDeps } from "./courses.ts";
import { type ImportItem, type ImportLedger, type ImportRecord, importItem } from "./imports.ts";

class MemoryLedger implements ImportLedger {
  readonly rows = new Map<string, ImportRecord>();
  async get(source: string, externalId: string) {
    return this.rows.get(`${source}|${externalId}`) ?? null;
  }
  async put(source: string, externalId: string, record: ImportRecord) {
    this.rows.set(`${source}|${externalId}`, { ...record });
  }
}

function setup() {
  const repo = new InMemoryCourseRepository();
  let n = 0;
  const d: CourseDeps = {
    courses: repo,
    clock: { now: () => new Date("2026-11-29T10:00:00Z") },
    ids: { next: () => `0193b8a4-7a10-7c2a-8d3e-${String(++n).padStart(12, "0")}` },
  };
  return { repo, d, ledger: new MemoryLedger() };
}

const item = (over: Partial<ImportItem["course"]> = {}, extra: Partial<ImportItem> = {}): ImportItem => ({
  externalId: "ext-1",
  link: "https://feed.example/1",
  course: {
    title: "Imported course",
    summary: "S",
    description: "D",
    language: "en",
    level: "beginner",
    tags: ["a"],
    instructor: { id: "i", name: "I" },
    ...over,
  },
  ...extra,
});
const events = (repo: InMemoryCourseRepository, id: string) => repo.rows.get(id)?.version ?? 0;

describe("importItem", () => {
  it("creates a draft with its origin, then leaves an unchanged item alone: no read, no write, no event", async () => {
    const { repo, d, ledger } = setup();
    const first = await importItem(d, ledger, "feed", item());
    expect(first.outcome).toBe("created");
    const id = (first as { courseId: string }).courseId;
    expect(repo.rows.get(id)).toMatchObject({
      title: "Imported course",
      status: "draft",
      version: 1,
      source: { kind: "catalog", catalog: "feed", externalId: "ext-1", url: "https://feed.example/1" },
    });
    let reads = 0;
    const findById = repo.findById.bind(repo);
    repo.findById = (x) => {
      reads++;
      return findById(x);
    };
    expect(await importItem(d, ledger, "feed", item())).toEqual({ outcome: "unchanged", courseId: id });
    expect(reads).toBe(0);
    expect(events(repo, id)).toBe(1);
  });

  it("applies a changed item as one update (one new version)", async () => {
    const { repo, d, ledger } = setup();
    const { courseId } = (await importItem(d, ledger, "feed", item())) as { courseId: string };
    expect(await importItem(d, ledger, "feed", item({ summary: "New summary" }))).toEqual({
      outcome: "updated",
      courseId,
    });
    expect(repo.rows.get(courseId)).toMatchObject({ summary: "New summary", version: 2 });
  });

  it("the same external id in two sources is two courses; the same title gets a unique slug", async () => {
    const { repo, d, ledger } = setup();
    const a = (await importItem(d, ledger, "one", item())) as { courseId: string };
    const b = (await importItem(d, ledger, "two", item())) as { courseId: string };
    expect(a.courseId).not.toBe(b.courseId);
    expect(repo.rows.get(a.courseId)!.slug).toBe("imported-course");
    expect(repo.rows.get(b.courseId)!.slug).toMatch(/^imported-course-[0-9a-f]{8}$/);
  });

  it("gives a title without Latin letters or digits a slug of its own", async () => {
    const { repo, d, ledger } = setup();
    const { courseId } = (await importItem(d, ledger, "feed", item({ title: "Курс по Bun" }))) as { courseId: string };
    const { courseId: other } = (await importItem(d, ledger, "feed", {
      ...item({ title: "出南京泰山" }),
      externalId: "ext-2",
    })) as { courseId: string };
    expect(repo.rows.get(courseId)!.slug).toBe("bun");
    expect(repo.rows.get(other)!.slug).toMatch(/^course-[0-9a-f]{12}$/);
  });

  it("recovers from a crash between reserving the id and creating the course: same id, one course", async () => {
    const { repo, d, ledger } = setup();
    await ledger.put("feed", "ext-1", { courseId: "0193b8a4-7a10-7c2a-8d3e-00000000beef", hash: null });
    expect(await importItem(d, ledger, "feed", item())).toEqual({
      outcome: "created",
      courseId: "0193b8a4-7a10-7c2a-8d3e-00000000beef",
    });
    expect(repo.rows.size).toBe(1);
  });

  it("rejects an item the domain refuses, with the reason, and writes nothing", async () => {
    const { repo, d, ledger } = setup();
    const out = await importItem(d, ledger, "feed", item({ language: "not a language" }));
    expect(out).toMatchObject({ outcome: "failed", reason: expect.stringContaining("/language") });
    expect(repo.rows.size).toBe(0);
  });

  it("catalog items: lessons and status applied, a withdrawn course archived", async () => {
    const { repo, d, ledger } = setup();
    const lessons = [
      { title: "One", durationMinutes: 10 },
      { title: "Two", durationMinutes: 20 },
    ];
    const { courseId } = (await importItem(d, ledger, "cat", item({}, { lessons, status: "published" }))) as {
      courseId: string;
    };
    expect(repo.rows.get(courseId)).toMatchObject({
      status: "published",
      lessons: [{ title: "One" }, { title: "Two" }],
    });
    await importItem(
      d,
      ledger,
      "cat",
      item({}, { lessons: [{ title: "One", durationMinutes: 15 }], status: "published" }),
    );
    expect(repo.rows.get(courseId)!.lessons).toMatchObject([{ title: "One", durationMinutes: 15 }]);
    expect(
      await importItem(
        d,
        ledger,
        "cat",
        item({}, { lessons: [{ title: "One", durationMinutes: 15 }], status: "published", withdrawn: true }),
      ),
    ).toEqual({ outcome: "updated", courseId });
    expect(repo.rows.get(courseId)!.status).toBe("archived");
  });
});
