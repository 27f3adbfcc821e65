import { describe, expect, it } from "bun:test";
import { Course } from "../../domain/course/course.ts";
import { toCourse, toCourseDocument, toCourseState } from "./course-document.ts";

const clock = { now: () => new Date("2026-03-01T10:00:00Z") };
let n = 0;
const ids = { next: () => `0190-${++n}` };

describe("course document converters", () => {
  it("round-trip a course with lessons, price and catalog source", () => {
    const course = Course.create(
      {
        title: "Go for TS devs",
        summary: "s",
        description: "d",
        language: "en",
        level: "advanced",
        tags: ["go"],
        instructor: { id: "i", name: "Rob" },
        price: { amount: 500, currency: "USD" },
        source: { kind: "catalog", catalog: "cat", externalId: "7", url: "https://x.org/7" },
      },
      ids,
      clock,
    );
    course.addLesson({ title: "Types", durationMinutes: 12 }, ids, clock);
    course.addLesson({ title: "Channels", durationMinutes: 30 }, ids, clock);
    course.publish(clock);
    const doc = toCourseDocument(course);
    expect(doc).toMatchObject({
      _id: course.id,
      titleSort: "go for ts devs",
      totalDurationMinutes: 42,
      status: "published",
      version: 4,
    });
    expect(doc.searchTokens).toEqual(expect.arrayContaining(["go", "ts", "devs", "rob"]));
    const back = toCourse(doc);
    expect(back.snapshot).toEqual(course.snapshot);
    expect(back.loadedVersion).toBe(4);
  });

  it("orders lessons by position whatever order the store returns", () => {
    const course = Course.create(
      { title: "Order", language: "en", level: "beginner", instructor: { id: "i", name: "n" } },
      ids,
      clock,
    );
    course.addLesson({ title: "First", durationMinutes: 1 }, ids, clock);
    course.addLesson({ title: "Second", durationMinutes: 1 }, ids, clock);
    const doc = toCourseDocument(course);
    doc.lessons.reverse();
    expect(toCourseState(doc).lessons.map((l) => l.title)).toEqual(["First", "Second"]);
  });
});
