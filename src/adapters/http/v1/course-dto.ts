// Converters between the HTTP models of API v1 and the domain.
import { AppError, type FieldError } from "../../../../lib/xerrors/index.ts";
import type { CourseChanges, CourseState, NewCourse } from "../../../domain/course/course.ts";
import type { CourseDto, CourseCreateDto, CoursePatchDto } from "./models.ts";
import { toCourseV1 } from "../../contract/course-v1.ts";

/** A course as API v1 answers it: the shared v1 contract (adapters/contract/course-v1.ts). */
export const toCourseDto: (s: CourseState & { totalDurationMinutes?: number }) => CourseDto = toCourseV1;

export function toNewCourse(dto: CourseCreateDto): NewCourse {
  return {
    title: dto.title,
    slug: dto.slug,
    summary: dto.summary,
    description: dto.description,
    language: dto.language,
    level: dto.level,
    tags: dto.tags,
    instructor: { id: dto.instructor.id, name: dto.instructor.name },
    price: dto.price === undefined ? null : dto.price,
    source: dto.source,
  };
}

/** RFC 7396: an absent member leaves the field, null removes it (where removing means something). */
export function toCourseChanges(patch: CoursePatchDto): CourseChanges {
  const required: FieldError[] = [];
  for (const k of ["title", "slug", "language", "level", "instructor"] as const) {
    if ((patch as Record<string, unknown>)[k] === null)
      required.push({ field: `/${k}`, message: "cannot be removed", code: "required" });
  }
  if (required.length) throw AppError.invalidArgument("The patch removes required fields.", required);
  return {
    title: patch.title,
    slug: patch.slug,
    summary: patch.summary === null ? "" : patch.summary,
    description: patch.description === null ? "" : patch.description,
    language: patch.language,
    level: patch.level,
    tags: patch.tags === null ? [] : patch.tags,
    instructor: patch.instructor,
    price: patch.price,
  };
}
