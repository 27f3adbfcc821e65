// HTTP conditional requests on a course's version: ETag, If-Match, If-None-Match.
import { AppError } from "../../../../lib/xerrors/index.ts";

/** The ETag of a course at a version: a strong validator, the version number quoted. */
export const etagOf = (version: number) => `"${version}"`;

function tags(header: string): string[] {
  return header
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
}

/**
 * The version an If-Match header requires, undefined when absent or "*".
 * An ETag this API never issues can match nothing: the request fails with 412.
 */
export function expectedVersion(ifMatch: string | null | undefined): number | undefined {
  if (ifMatch === null || ifMatch === undefined || ifMatch.trim() === "" || ifMatch.trim() === "*") return undefined;
  const list = tags(ifMatch);
  if (list.length !== 1) throw AppError.preconditionFailed("If-Match must name exactly one ETag of this course.");
  const m = list[0]!.match(/^(?:W\/)?"(\d+)"$/);
  if (!m) throw AppError.preconditionFailed("If-Match does not match the course's ETag.");
  return Number(m[1]);
}

/** True when If-None-Match names the current ETag (or is "*"): the client's copy is fresh. */
export function notModified(ifNoneMatch: string | null | undefined, version: number): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === "*") return true;
  return tags(ifNoneMatch).some((t) => t.replace(/^W\//, "") === etagOf(version));
}
