// HTTP conditional requests on a course: ETag, If-Match, If-None-Match.
// The ETag covers every field of the representation: the content's version and the enrollment
// count (which changes without a new version): `"3"` for version 3 with no enrollments, `"3.17"`
// with 17. If-Match compares strongly (RFC 9110): a weak validator never matches.
import type { Expected } from "../../../app/courses.ts";

/** The strong ETag of a course's representation. */
export const etagOf = (version: number, enrollmentCount: number) =>
  enrollmentCount ? `"${version}.${enrollmentCount}"` : `"${version}"`;

function tags(header: string): string[] {
  return header
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
}

/**
 * The state an If-Match header requires, undefined when absent or "*". A weak validator, or an
 * ETag this API never issues, matches nothing: the change fails with 412 once the course (and
 * the lesson it names) is known to exist — a missing one is a 404 whatever If-Match says.
 */
export function expectedState(ifMatch: string | null | undefined): Expected {
  if (ifMatch === null || ifMatch === undefined || ifMatch.trim() === "" || ifMatch.trim() === "*") return undefined;
  const list = tags(ifMatch);
  if (list.length !== 1) return { nothing: "If-Match must name exactly one ETag of this course." };
  if (list[0]!.startsWith("W/"))
    return { nothing: "If-Match needs the course's strong ETag; a weak validator (W/) never matches." };
  const m = list[0]!.match(/^"(\d+)(?:\.(\d+))?"$/);
  if (!m) return { nothing: "If-Match does not match the course's ETag." };
  return { version: Number(m[1]), enrollmentCount: Number(m[2] ?? 0) };
}

/** True when If-None-Match names the current ETag (weak comparison) or is "*": the client's copy is fresh. */
export function notModified(ifNoneMatch: string | null | undefined, version: number, enrollmentCount: number): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === "*") return true;
  const current = etagOf(version, enrollmentCount);
  return tags(ifNoneMatch).some((t) => t.replace(/^W\//, "") === current);
}
