import { describe, expect, it } from "bun:test";
import { AppError } from "../../lib/xerrors/index.ts";
import { InMemoryCourseRepository } from "../../test/support/in-memory-courses.ts";
import { Course } from "../domain/course/course.ts";
import * as uc from "./courses.ts";

function deps() {
  let n = 0;
  const repo = new InMemoryCourseRepository();
  const d: uc.CourseDeps = {
    courses: repo,
    clock: { now: () => new Date("2026-01-01T00:00:00Z") },
    ids: { next: () => `id-${++n}` },
  };
  return { d, repo };
}
const input = {
  title: "Use cases",
  summary: "s",
  description: "d",
  language: "en",
  level: "beginner" as const,
  instructor: { id: "i", name: "n" },
};
async function kind(p: Promise<unknown>) {
  const e = await p.then(
    () => null,
    (x) => x,
  );
  return e instanceof AppError ? e.kind : String(e);
}

describe("course use cases", () => {
  it("create stores a draft the repository can find", async () => {
    const { d, repo } = deps();
    const c = await uc.createCourse(d, input);
    expect(repo.rows.get(c.id)?.status).toBe("draft");
    expect((await uc.getCourseBySlug(d, "use-cases")).id).toBe(c.id);
  });

  it("refuses a stale expected version before changing anything", async () => {
    const { d, repo } = deps();
    const c = await uc.createCourse(d, input);
    expect(await kind(uc.updateCourse(d, c.id, { summary: "x" }, { version: 5, enrollmentCount: 0 }))).toBe(
      "precondition_failed",
    );
    expect(repo.rows.get(c.id)?.summary).toBe("s");
  });

  it("answers in RFC 9110's order: a missing course or lesson 404 whatever If-Match says, then 412, then the change's own refusal", async () => {
    const { d, repo } = deps();
    const c = await uc.createCourse(d, input);
    const stale = { version: 9, enrollmentCount: 0 };
    const matchesNothing = { nothing: "a weak validator never matches" };
    // Not there: 404, even under a condition that could never hold.
    expect(await kind(uc.deleteCourse(d, "no-such-id", matchesNothing))).toBe("not_found");
    expect(await kind(uc.removeLesson(d, c.id, "no-such-lesson", stale))).toBe("not_found");
    // There: the precondition decides before what the change would refuse (publishing a draft
    // without lessons is a 409 of its own).
    expect(await kind(uc.publishCourse(d, c.id, stale))).toBe("precondition_failed");
    expect(await kind(uc.deleteCourse(d, c.id, matchesNothing))).toBe("precondition_failed");
    expect(await kind(uc.publishCourse(d, c.id, { version: 1, enrollmentCount: 0 }))).not.toBe("precondition_failed");
    // Nothing changed on the way.
    expect(repo.rows.get(c.id)?.status).toBe("draft");
    expect(repo.rows.get(c.id)?.version).toBe(1);
  });

  it("retries a concurrent save when the client set no precondition", async () => {
    const { d, repo } = deps();
    const c = await uc.createCourse(d, input);
    let interfered = false;
    repo.beforeSave = (course) => {
      if (interfered) return;
      interfered = true;
      // Another writer saves first.
      const other = Course.restore(repo.rows.get(course.id)!);
      other.update({ tags: ["other"] }, d.clock);
      repo.rows.set(other.id, other.snapshot);
    };
    const updated = await uc.updateCourse(d, c.id, { summary: "mine" }, undefined);
    expect(updated.snapshot).toMatchObject({ summary: "mine", tags: ["other"], version: 3 });
  });

  it("does not retry when the client's precondition was the one that lost", async () => {
    const { d, repo } = deps();
    const c = await uc.createCourse(d, input);
    repo.beforeSave = (course) => {
      const other = Course.restore(repo.rows.get(course.id)!);
      other.update({ tags: ["other"] }, d.clock);
      repo.rows.set(other.id, other.snapshot);
    };
    expect(await kind(uc.updateCourse(d, c.id, { summary: "mine" }, { version: 1, enrollmentCount: 0 }))).toBe(
      "precondition_failed",
    );
  });

  it("does not save when nothing changed", async () => {
    const { d, repo } = deps();
    const c = await uc.createCourse(d, input);
    let saves = 0;
    repo.beforeSave = () => void saves++;
    await uc.updateCourse(d, c.id, { title: "Use cases" }, undefined);
    expect(saves).toBe(0);
  });

  it("deletes only drafts and archived courses, and 404s unknown ids", async () => {
    const { d, repo } = deps();
    const c = await uc.createCourse(d, input);
    await uc.addLesson(d, c.id, { title: "L", durationMinutes: 1 }, undefined, undefined);
    await uc.publishCourse(d, c.id, undefined);
    expect(await kind(uc.deleteCourse(d, c.id, undefined))).toBe("conflict");
    await uc.archiveCourse(d, c.id, undefined);
    await uc.deleteCourse(d, c.id, undefined);
    expect(repo.rows.size).toBe(0);
    expect(await kind(uc.getCourse(d, c.id))).toBe("not_found");
  });
});
