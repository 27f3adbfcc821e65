// The v1 course contract: the one representation of a course that clients see, in API v1's
// responses and inside every course event on Kafka (docs/openapi.json's Course,
// docs/asyncapi.yaml's course). Both adapters import it from here, so an event's payload is this
// contract and not whatever the HTTP response happens to be; http/v1/models.ts checks at compile
// time that its Course schema describes exactly this type.
import type { CourseState } from "../../domain/course/course.ts";

export interface LessonV1 {
  id: string;
  title: string;
  durationMinutes: number;
  position: number;
}

export interface CourseV1 {
  id: string;
  slug: string;
  title: string;
  summary: string;
  description: string;
  language: string;
  level: "beginner" | "intermediate" | "advanced";
  tags: string[];
  instructor: { id: string; name: string };
  price: { amount: number; currency: string } | null;
  status: "draft" | "published" | "archived";
  lessons: LessonV1[];
  totalDurationMinutes: number;
  enrollmentCount: number;
  source: { kind: "manual" } | { kind: "catalog"; catalog: string; externalId: string; url: string };
  origin: { source: string; externalId: string; link: string } | null;
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
  archivedAt: string | null;
  version: number;
}

export function toCourseV1(s: CourseState & { totalDurationMinutes?: number }): CourseV1 {
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
