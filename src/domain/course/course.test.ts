import { describe, expect, it } from "bun:test";
import { AppError, hasKind } from "../../../lib/xerrors/index.ts";
import { Course, type Clock, type IdGenerator, type NewCourse } from "./course.ts";
import { searchTokens, slugify } from "./values.ts";

class FixedClock implements Clock {
  t = new Date("2026-01-01T00:00:00Z");
  now() {
    return new Date(this.t);
  }
  advance(ms: number) {
    this.t = new Date(this.t.getTime() + ms);
  }
}
class SeqIds implements IdGenerator {
  n = 0;
  next() {
    return `id-${++this.n}`;
  }
}

const valid: NewCourse = {
  title: "  Intro to   Bun ",
  summary: "Learn Bun",
  description: "# Bun\nFast.",
  language: "en-us",
  level: "beginner",
  tags: ["Bun", "typescript", "bun"],
  instructor: { id: "i-1", name: "Ada" },
  price: { amount: 1999, currency: "EUR" },
};

function draft(over: Partial<NewCourse> = {}) {
  const clock = new FixedClock();
  const ids = new SeqIds();
  const course = Course.create({ ...valid, ...over }, ids, clock);
  return { course, clock, ids };
}

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("expected an AppError");
}

function publishable() {
  const d = draft();
  d.course.addLesson({ title: "Install", durationMinutes: 10 }, d.ids, d.clock);
  return d;
}

describe("creating a course", () => {
  it("normalises its values and starts as a draft at version 1", () => {
    const { course } = draft();
    const s = course.snapshot;
    expect(s).toMatchObject({
      title: "Intro to Bun",
      slug: "intro-to-bun",
      language: "en-US",
      tags: ["bun", "typescript"],
      status: "draft",
      version: 1,
      enrollmentCount: 0,
      source: { kind: "manual" },
      publishedAt: null,
    });
    expect(course.pullEvents().map((e) => e.type)).toEqual(["course.created"]);
  });

  it("derives the slug from the title, folding diacritics", () => {
    expect(slugify("Café & Crème: Level 2!")).toBe("cafe-creme-level-2");
    expect(draft({ title: "Ünïcode Basics" }).course.snapshot.slug).toBe("unicode-basics");
  });

  it("reports every invalid field at once", () => {
    const err = errorOf(() =>
      draft({
        title: "x",
        language: "english!",
        level: "expert" as never,
        price: { amount: -5, currency: "euro" },
        slug: "Bad Slug",
        instructor: { id: "", name: "" },
      }),
    );
    expect(err.kind).toBe("invalid_argument");
    expect(err.fields.map((f) => f.field).sort()).toEqual([
      "/instructor/id",
      "/instructor/name",
      "/language",
      "/level",
      "/price/amount",
      "/price/currency",
      "/slug",
      "/title",
    ]);
  });

  it("treats a null price as free and refuses a zero price", () => {
    expect(draft({ price: null }).course.snapshot.price).toBeNull();
    expect(errorOf(() => draft({ price: { amount: 0, currency: "EUR" } })).fields[0]!.field).toBe("/price/amount");
  });

  it("keeps an external catalog source and validates its url", () => {
    expect(
      draft({ source: { kind: "catalog", catalog: "openlearn", externalId: "42", url: "https://example.org/c/42" } })
        .course.snapshot.source,
    ).toEqual({ kind: "catalog", catalog: "openlearn", externalId: "42", url: "https://example.org/c/42" });
    expect(
      errorOf(() => draft({ source: { kind: "catalog", catalog: "x", externalId: "1", url: "ftp://nope" } })).fields[0]!
        .field,
    ).toBe("/source/url");
  });
});

describe("lifecycle", () => {
  it("refuses to publish a course without lessons, summary or description", () => {
    const { course, clock } = draft({ summary: "", description: "" });
    const err = errorOf(() => course.publish(clock));
    expect(err.kind).toBe("conflict");
    expect(err.code).toBe("incomplete");
    expect(err.fields.map((f) => f.field)).toEqual(["/summary", "/description", "/lessons"]);
    expect(course.status).toBe("draft");
  });

  it("publishes a complete draft, stamping publishedAt and bumping the version", () => {
    const { course, clock } = publishable();
    clock.advance(1000);
    course.publish(clock);
    expect(course.status).toBe("published");
    expect(course.snapshot.publishedAt).toEqual(clock.now());
    expect(course.version).toBe(3);
    expect(course.pullEvents().map((e) => e.type)).toEqual([
      "course.created",
      "course.lesson_added",
      "course.published",
    ]);
  });

  it("allows only the documented transitions", () => {
    const { course, clock } = publishable();
    expect(errorOf(() => course.unarchive(clock)).kind).toBe("conflict");
    course.publish(clock);
    expect(errorOf(() => course.publish(clock)).kind).toBe("conflict");
    course.archive(clock);
    expect(errorOf(() => course.archive(clock)).kind).toBe("conflict");
    expect(errorOf(() => course.publish(clock)).kind).toBe("conflict");
    course.unarchive(clock);
    expect(course.status).toBe("draft");
    expect(course.snapshot.archivedAt).toBeNull();
  });

  it("makes an archived course read-only", () => {
    const { course, clock, ids } = publishable();
    course.archive(clock);
    expect(errorOf(() => course.update({ title: "New title" }, clock)).kind).toBe("conflict");
    expect(errorOf(() => course.addLesson({ title: "More", durationMinutes: 5 }, ids, clock)).kind).toBe("conflict");
  });

  it("deletes drafts and archived courses, never published ones", () => {
    const d = draft();
    d.course.delete(d.clock);
    expect(d.course.pullEvents().at(-1)!.type).toBe("course.deleted");
    const p = publishable();
    p.course.publish(p.clock);
    expect(
      hasKind(
        errorOf(() => p.course.delete(p.clock)),
        "conflict",
      ),
    ).toBe(true);
    p.course.archive(p.clock);
    p.course.delete(p.clock);
  });
});

describe("editing", () => {
  it("changes only what is given, once per call, and records what changed", () => {
    const { course, clock } = draft();
    course.pullEvents();
    course.update({ title: "Bun in Depth", tags: ["bun"], price: null }, clock);
    expect(course.snapshot).toMatchObject({
      title: "Bun in Depth",
      tags: ["bun"],
      price: null,
      slug: "intro-to-bun",
      version: 2,
    });
    const [event] = course.pullEvents();
    expect(event!.data.changed).toEqual(["title", "tags", "price"]);
  });

  it("does not bump the version for a change that changes nothing", () => {
    const { course, clock } = draft();
    course.update({ title: "Intro to Bun" }, clock);
    expect(course.version).toBe(1);
  });

  it("keeps the slug of a published course", () => {
    const { course, clock } = publishable();
    course.publish(clock);
    expect(errorOf(() => course.update({ slug: "other" }, clock)).kind).toBe("conflict");
    course.update({ slug: "intro-to-bun", title: "Renamed" }, clock);
    expect(course.snapshot.title).toBe("Renamed");
  });

  it("keeps a published course publishable", () => {
    const { course, clock } = publishable();
    course.publish(clock);
    expect(errorOf(() => course.update({ summary: "" }, clock)).fields[0]!.field).toBe("/summary");
  });
});

describe("lessons", () => {
  it("adds lessons at the end or at a position, keeping positions contiguous and the total derived", () => {
    const { course, clock, ids } = draft();
    const a = course.addLesson({ title: "A lesson", durationMinutes: 10 }, ids, clock);
    const c = course.addLesson({ title: "C lesson", durationMinutes: 30 }, ids, clock);
    const b = course.addLesson({ title: "B lesson", durationMinutes: 20 }, ids, clock, 1);
    expect(course.snapshot.lessons.map((l) => [l.id, l.position])).toEqual([
      [a.id, 0],
      [b.id, 1],
      [c.id, 2],
    ]);
    expect(course.totalDurationMinutes).toBe(60);
  });

  it("validates lessons", () => {
    const { course, clock, ids } = draft();
    const err = errorOf(() => course.addLesson({ title: " ", durationMinutes: 0 }, ids, clock, -1));
    expect(err.fields.map((f) => f.field)).toEqual(["/title", "/durationMinutes", "/position"]);
  });

  it("adds a lesson whose position is past the end at the end", () => {
    const { course, clock, ids } = draft();
    course.addLesson({ title: "First", durationMinutes: 10 }, ids, clock);
    const last = course.addLesson({ title: "Last", durationMinutes: 10 }, ids, clock, 7);
    expect(last.position).toBe(1);
    expect(course.snapshot.lessons.map((l) => l.title)).toEqual(["First", "Last"]);
  });

  it("updates, removes and reorders lessons", () => {
    const { course, clock, ids } = draft();
    const a = course.addLesson({ title: "First", durationMinutes: 10 }, ids, clock);
    const b = course.addLesson({ title: "Second", durationMinutes: 20 }, ids, clock);
    course.updateLesson(a.id, { durationMinutes: 15 }, clock);
    expect(course.totalDurationMinutes).toBe(35);
    course.reorderLessons([b.id, a.id], clock);
    expect(course.snapshot.lessons.map((l) => l.title)).toEqual(["Second", "First"]);
    course.removeLesson(b.id, clock);
    expect(course.snapshot.lessons).toEqual([{ id: a.id, title: "First", durationMinutes: 15, position: 0 }]);
    expect(errorOf(() => course.removeLesson("nope", clock)).kind).toBe("not_found");
  });

  it("refuses an order that does not name every lesson exactly once", () => {
    const { course, clock, ids } = draft();
    const a = course.addLesson({ title: "First", durationMinutes: 10 }, ids, clock);
    course.addLesson({ title: "Second", durationMinutes: 20 }, ids, clock);
    expect(errorOf(() => course.reorderLessons([a.id, a.id], clock)).kind).toBe("conflict");
    expect(errorOf(() => course.reorderLessons([a.id], clock)).code).toBe("lesson_set_mismatch");
  });

  it("keeps the last lesson of a published course", () => {
    const { course, clock } = publishable();
    course.publish(clock);
    const only = course.snapshot.lessons[0]!;
    expect(errorOf(() => course.removeLesson(only.id, clock)).kind).toBe("conflict");
  });
});

describe("search tokens", () => {
  it("are lowercase words without diacritics from title, summary, tags and instructor", () => {
    const { course } = draft({ title: "Économie für Anfänger", summary: "C++ and C# basics", tags: ["finance"] });
    expect(course.searchTokens).toEqual(
      expect.arrayContaining(["economie", "fur", "anfanger", "c++", "c#", "basics", "finance", "ada"]),
    );
    expect(searchTokens("a b  cd")).toEqual(["cd"]);
  });
});
