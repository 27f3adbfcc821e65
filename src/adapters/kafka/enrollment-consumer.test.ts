import { describe, expect, it } from "bun:test";
import { PermanentFailure, parseEnrollmentMessage } from "./enrollment-consumer.ts";

const event = (over: Record<string, unknown> = {}) =>
  Buffer.from(
    JSON.stringify({
      specversion: "1.0",
      id: "e1",
      source: "/enrollments",
      type: "enrollment.created",
      data: { courseId: "c1", studentId: "s1" },
      ...over,
    }),
  );
function reason(value: Buffer | null): string {
  try {
    parseEnrollmentMessage(value);
  } catch (e) {
    if (e instanceof PermanentFailure) return e.reason;
    throw e;
  }
  return "parsed";
}

describe("parseEnrollmentMessage", () => {
  it("reads a CloudEvents enrollment", () => {
    expect(parseEnrollmentMessage(event())).toEqual({
      id: "e1",
      source: "/enrollments",
      type: "enrollment.created",
      courseId: "c1",
      studentId: "s1",
    });
    expect(parseEnrollmentMessage(event({ type: "enrollment.cancelled" })).type).toBe("enrollment.cancelled");
  });

  it("names why a message can never be processed", () => {
    expect(reason(Buffer.from("{nope"))).toBe("invalid_json");
    expect(reason(null)).toBe("invalid_json");
    expect(reason(event({ data: { courseId: "c1" } }))).toBe("schema_violation");
    expect(reason(event({ specversion: "0.3" }))).toBe("schema_violation");
    expect(reason(event({ type: "enrollment.paused" }))).toBe("unsupported_type");
  });
});
