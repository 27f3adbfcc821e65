// Converters between the HTTP models of API v1 and the domain.
import { AppError, type FieldError } from "../../../../lib/xerrors/index.ts";
import type { CourseChanges, CourseState, NewCourse } from "../../../domain/course/course.ts";
import type { CourseDto, CourseCreateDto, CoursePatchDto } from "./models.ts";

export function toCourseDto(s: CourseState & { totalDurationMinutes?: number }): CourseDto {
  return {
    id: s.id,
    slug: s.slug,
    title: s.title,
    summary: s.summary,
    description: s.description,
    language: s.language,
    level: s.level,
    tags: [...s.tags],
    instructor: { id: s.instructor.id, name: s.instructor.name },
    price: s.price ? { amount: s.price.amount, currency: s.price.currency } : null,
    status: s.status,
    lessons: s.lessons.map((l) => ({
      id: l.id,
      title: l.title,
      durationMinutes: l.durationMinutes,
      position: l.position,
    })),
    totalDurationMinutes: s.totalDurationMinutes ?? s.lessons.reduce((sum, l) => sum + l.durationMinutes, 0),
    enrollmentCount: s.enrollmentCount,
    source:
      s.source.kind === "manual"
        ? { kind: "manual" }
        : { kind: "catalog", catalog: s.source.catalog, externalId: s.source.externalId, url: s.source.url },
    origin:
      s.source.kind === "manual"
        ? null
        : { source: s.source.catalog, externalId: s.source.externalId, link: s.source.url },
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    publishedAt: s.publishedAt?.toISOString() ?? null,
    archivedAt: s.archivedAt?.toISOString() ?? null,
    version: s.version,
  };
}

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
