// How a course is stored: the document model and its converters to and from the domain.
import type { OutboxEvent } from "../../app/outbox.ts";
import { Course, type CourseState, type Lesson } from "../../domain/course/course.ts";
import type { CourseEventType } from "../../domain/course/events.ts";
import type { CourseSource, CourseStatus, Level, Price } from "../../domain/course/values.ts";

export const COURSES = "courses";

export interface LessonDocument {
  id: string;
  title: string;
  durationMinutes: number;
  position: number;
}

export interface CourseDocument {
  _id: string;
  slug: string;
  title: string;
  /** Lowercased title, for a case-insensitive sort without a collation (the store has none). */
  titleSort: string;
  summary: string;
  description: string;
  language: string;
  level: Level;
  tags: string[];
  instructor: { id: string; name: string };
  price: Price | null;
  status: CourseStatus;
  lessons: LessonDocument[];
  totalDurationMinutes: number;
  enrollmentCount: number;
  source: CourseSource;
  /** Search words (see searchTokens), indexed as a multikey index. */
  searchTokens: string[];
  createdAt: Date;
  updatedAt: Date;
  publishedAt: Date | null;
  archivedAt: Date | null;
  version: number;
}

/** A pending domain event as stored in the course's outbox. */
export interface OutboxEntryDocument {
  id: string;
  type: string;
  courseVersion: number;
  occurredAt: Date;
  data: Record<string, unknown>;
  traceparent?: string;
  /** Who made the change (token subject, or scraper:<source>). */
  actor?: string;
}

/**
 * Fields that exist only in storage: the outbox (events written in the same document write as
 * the change: no multi-document transactions needed), the tombstone of a deleted course whose
 * events are not published yet, and the enrollment ledger's revision and in-flight events.
 */
export interface StoredCourseDocument extends CourseDocument {
  outbox?: OutboxEntryDocument[];
  deletedAt?: Date | null;
  /** Incremented by every enrollment change: the ledger's guard, served by the index {_id, enrollmentRev}. */
  enrollmentRev?: number;
  pendingEnrollmentEvents?: string[];
}

export function toOutboxEvent(courseId: string, e: OutboxEntryDocument): OutboxEvent {
  return {
    id: e.id,
    type: e.type as CourseEventType,
    courseId,
    courseVersion: e.courseVersion,
    occurredAt: new Date(e.occurredAt),
    data: e.data,
    ...(e.traceparent ? { traceparent: e.traceparent } : {}),
    ...(e.actor ? { actor: e.actor } : {}),
  };
}

export function toOutboxEntry(e: OutboxEvent): OutboxEntryDocument {
  return {
    id: e.id,
    type: e.type,
    courseVersion: e.courseVersion,
    occurredAt: e.occurredAt,
    data: e.data,
    ...(e.traceparent ? { traceparent: e.traceparent } : {}),
    ...(e.actor ? { actor: e.actor } : {}),
  };
}

export function toCourseDocument(course: Course): CourseDocument {
  // The view, not a snapshot: every member is copied below (a snapshot would clone it all first).
  const s = course.view;
  return {
    _id: s.id,
    slug: s.slug,
    title: s.title,
    titleSort: s.title.toLowerCase(),
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
    totalDurationMinutes: s.totalDurationMinutes,
    enrollmentCount: s.enrollmentCount,
    source: { ...s.source },
    searchTokens: course.searchTokens,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    publishedAt: s.publishedAt,
    archivedAt: s.archivedAt,
    version: s.version,
  };
}

export function toCourseState(doc: CourseDocument): CourseState {
  const lessons: Lesson[] = [...doc.lessons]
    .sort((a, b) => a.position - b.position)
    .map((l) => ({ id: l.id, title: l.title, durationMinutes: l.durationMinutes, position: l.position }));
  return {
    id: doc._id,
    slug: doc.slug,
    title: doc.title,
    summary: doc.summary,
    description: doc.description,
    language: doc.language,
    level: doc.level,
    tags: [...doc.tags],
    instructor: { id: doc.instructor.id, name: doc.instructor.name },
    price: doc.price ? { amount: doc.price.amount, currency: doc.price.currency } : null,
    status: doc.status,
    lessons,
    enrollmentCount: doc.enrollmentCount ?? 0,
    source: doc.source ?? { kind: "manual" },
    createdAt: new Date(doc.createdAt),
    updatedAt: new Date(doc.updatedAt),
    publishedAt: doc.publishedAt ? new Date(doc.publishedAt) : null,
    archivedAt: doc.archivedAt ? new Date(doc.archivedAt) : null,
    version: doc.version,
  };
}

export function toCourse(doc: CourseDocument): Course {
  // toCourseState builds the state afresh from the document: the course may own it.
  return Course.adopt(toCourseState(doc));
}
