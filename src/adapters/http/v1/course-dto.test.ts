import { describe, expect, it } from "bun:test";
import { Course } from "../../../domain/course/course.ts";
import { toCourseChanges, toCourseDto, toNewCourse } from "./course-dto.ts";

const clock = { now: () => new Date("2026-05-01T12:00:00.000Z") };
let n = 0;
const ids = { next: () => `01900000-0000-7000-8000-00000000000${++n}` };

describe("HTTP course converters", () => {
  it("create DTO → domain → response DTO keeps every field", () => {
    const input = {
      title: "Rust for Bun devs",
      summary: "s",
      description: "d",
      language: "en",
      level: "intermediate" as const,
      tags: ["rust"],
      instructor: { id: "i", name: "Ferris" },
      price: { amount: 900, currency: "EUR" },
      source: { kind: "catalog" as const, catalog: "c", externalId: "e", url: "https://c.org/e" },
    };
    const course = Course.create(toNewCourse(input), ids, clock);
    course.addLesson({ title: "Ownership", durationMinutes: 25 }, ids, clock);
    const dto = toCourseDto(course.snapshot);
    expect(dto).toMatchObject({
      ...input,
      slug: "rust-for-bun-devs",
      status: "draft",
      totalDurationMinutes: 25,
      createdAt: "2026-05-01T12:00:00.000Z",
      publishedAt: null,
      archivedAt: null,
      version: 2,
    });
    expect(dto.lessons).toEqual([
      { id: course.snapshot.lessons[0]!.id, title: "Ownership", durationMinutes: 25, position: 0 },
    ]);
  });

  it("treats an absent price as free", () => {
    expect(
      toNewCourse({ title: "Free", language: "en", level: "beginner", instructor: { id: "i", name: "n" } }).price,
    ).toBeNull();
  });

  it("maps merge-patch nulls to cleared values and refuses to clear required fields", () => {
    expect(toCourseChanges({ summary: null, tags: null, price: null, title: "T2" })).toEqual({
      title: "T2",
      slug: undefined,
      summary: "",
      description: undefined,
      language: undefined,
      level: undefined,
      tags: [],
      instructor: undefined,
      price: null,
    });
    expect(() => toCourseChanges({ title: null } as never)).toThrow("removes required fields");
  });
});
