// The Course aggregate. It guards every rule about what may change when, and records a
// domain event for each change (the outbox publishes them).
//
// Rules (also in docs/API_README.md, "Lifecycle rules"):
//  1. A course starts as a draft. draft → published (publish), draft|published → archived
//     (archive), archived → draft (unarchive). Any other transition is a conflict.
//  2. Publishing requires a summary, a description and at least one lesson.
//  3. A published course keeps its slug (links to it must not break) and keeps at least one lesson.
//  4. An archived course is read-only until it is unarchived.
//  5. Only drafts and archived courses may be deleted; a published one must be archived first.
//  6. Every change increases the version by one; totalDuration is always the sum of lesson durations.
import { AppError } from "../../../lib/xerrors/index.ts";
import type { CourseEvent, CourseEventType } from "./events.ts";
import {
  LIMITS,
  Problems,
  type CourseSource,
  type CourseStatus,
  type Instructor,
  type Level,
  type Price,
  parseInstructor,
  parseLanguage,
  parseLevel,
  parsePrice,
  parseSlug,
  parseSource,
  parseTags,
  longerThan,
  NON_BLANK_PATTERN,
  parseText,
  parseTitle,
  searchTokens,
  slugify,
} from "./values.ts";

export interface Lesson {
  id: string;
  title: string;
  durationMinutes: number;
  /** 0-based, contiguous. */
  position: number;
}

export interface CourseState {
  id: string;
  slug: string;
  title: string;
  summary: string;
  description: string;
  language: string;
  level: Level;
  tags: string[];
  instructor: Instructor;
  price: Price | null;
  status: CourseStatus;
  lessons: Lesson[];
  enrollmentCount: number;
  source: CourseSource;
  createdAt: Date;
  updatedAt: Date;
  publishedAt: Date | null;
  archivedAt: Date | null;
  version: number;
}

export interface NewCourse {
  /** An id reserved by the caller (an import records it before it creates); generated when absent. */
  id?: string;
  title: string;
  slug?: string;
  summary?: string;
  description?: string;
  language: string;
  level: Level;
  tags?: string[];
  instructor: Instructor;
  price?: Price | null;
  source?: CourseSource;
}

/** Fields a client may change; undefined means "leave as is", null price means "make free". */
export interface CourseChanges {
  title?: string;
  slug?: string;
  summary?: string;
  description?: string;
  language?: string;
  level?: Level;
  tags?: string[];
  instructor?: Instructor;
  price?: Price | null;
}

export interface LessonInput {
  title: string;
  durationMinutes: number;
}

/** Ports the aggregate needs from the outside world. */
export interface Clock {
  now(): Date;
}
export interface IdGenerator {
  /** Time-ordered ids (UUIDv7). */
  next(): string;
}

function fail(p: Problems, message = "The course is invalid; see errors for each field."): never {
  throw AppError.invalidArgument(message, p.list);
}

/**
 * A well-formed request the course's current state refuses (publish before it is complete, an
 * order that is not its lesson set): 409, with the same per-field errors as a 400.
 */
function refuse(p: Problems, message: string, code: string): never {
  throw AppError.conflict(message, { fields: p.list, code });
}

function parseLesson(input: LessonInput, p: Problems, field: string): LessonInput {
  const title = input.title.trim().replace(/\s+/g, " ");
  if (longerThan(input.title, LIMITS.lessonTitleMax) || !NON_BLANK_PATTERN.test(input.title))
    p.add(`${field}/title`, `must be 1 to ${LIMITS.lessonTitleMax} characters`);
  if (
    !Number.isInteger(input.durationMinutes) ||
    input.durationMinutes < 1 ||
    input.durationMinutes > LIMITS.lessonDurationMax
  ) {
    p.add(`${field}/durationMinutes`, `must be a whole number of minutes from 1 to ${LIMITS.lessonDurationMax}`);
  }
  return { title, durationMinutes: input.durationMinutes };
}

export class Course {
  private state: CourseState;
  private readonly events: CourseEvent[] = [];
  /** The version last read from or written to the store: the repository saves only over it. */
  private storedVersion: number;

  private constructor(state: CourseState, loadedVersion: number) {
    this.state = state;
    this.storedVersion = loadedVersion;
  }

  /** A new draft, validated; records course.created. */
  static create(input: NewCourse, ids: IdGenerator, clock: Clock): Course {
    const p = new Problems();
    const title = parseTitle(input.title, p);
    const slug = input.slug === undefined ? slugify(title) : parseSlug(input.slug, p);
    if (input.slug === undefined && !slug) p.add("/title", "must contain at least one letter or digit");
    const now = clock.now();
    const state: CourseState = {
      id: input.id ?? ids.next(),
      slug,
      title,
      summary: parseText(input.summary ?? "", LIMITS.summaryMax, p, "/summary"),
      description: parseText(input.description ?? "", LIMITS.descriptionMax, p, "/description"),
      language: parseLanguage(input.language, p),
      level: parseLevel(input.level, p),
      tags: parseTags(input.tags ?? [], p),
      instructor: parseInstructor(input.instructor, p),
      price: parsePrice(input.price ?? null, p),
      status: "draft",
      lessons: [],
      enrollmentCount: 0,
      source: parseSource(input.source ?? { kind: "manual" }, p),
      createdAt: now,
      updatedAt: now,
      publishedAt: null,
      archivedAt: null,
      version: 1,
    };
    if (!p.empty) fail(p);
    const course = new Course(state, 0);
    course.record("course.created", { course: course.snapshot });
    return course;
  }

  /** Rebuilds a stored course; stored data is trusted. The course keeps a copy of `state`. */
  static restore(state: CourseState): Course {
    return new Course(structuredClone(state), state.version);
  }

  /**
   * Rebuilds a stored course from state built for it and not kept by the caller (a repository's
   * fresh conversion of a document): no copy. A read is one conversion, not two deep clones.
   */
  static adopt(state: CourseState): Course {
    return new Course(state, state.version);
  }

  get loadedVersion(): number {
    return this.storedVersion;
  }

  /** Called by a repository once the current state is stored. */
  markPersisted(): void {
    this.storedVersion = this.state.version;
  }

  get id(): string {
    return this.state.id;
  }
  get version(): number {
    return this.state.version;
  }
  get status(): CourseStatus {
    return this.state.status;
  }

  /**
   * The current state, without a copy: for rendering it right away (a response). Read-only by
   * contract; anything kept or published takes a snapshot.
   */
  get view(): Readonly<CourseState> & { readonly totalDurationMinutes: number } {
    return { ...this.state, totalDurationMinutes: this.totalDurationMinutes };
  }

  /** A copy of the state, with derived values. */
  get snapshot(): CourseState & { totalDurationMinutes: number } {
    return { ...structuredClone(this.state), totalDurationMinutes: this.totalDurationMinutes };
  }

  get totalDurationMinutes(): number {
    return this.state.lessons.reduce((sum, l) => sum + l.durationMinutes, 0);
  }

  /** Words the course can be searched by. */
  get searchTokens(): string[] {
    const s = this.state;
    return searchTokens(s.title, s.summary, s.tags.join(" "), s.instructor.name, s.slug.replaceAll("-", " "));
  }

  /** Domain events recorded since the last call. */
  pullEvents(): CourseEvent[] {
    return this.events.splice(0, this.events.length);
  }

  /** Peek at pending events without taking them (the repository stores them with the change). */
  get pendingEvents(): readonly CourseEvent[] {
    return this.events;
  }

  update(changes: CourseChanges, clock: Clock): void {
    this.assertEditable();
    const p = new Problems();
    const s = this.state;
    const next: Partial<CourseState> = {};
    if (changes.title !== undefined) next.title = parseTitle(changes.title, p);
    if (changes.slug !== undefined && changes.slug !== s.slug) {
      if (s.status === "published" || s.publishedAt !== null) {
        throw AppError.conflict("The slug of a course that has been published cannot change; links to it would break.");
      }
      next.slug = parseSlug(changes.slug, p);
    }
    if (changes.summary !== undefined) next.summary = parseText(changes.summary, LIMITS.summaryMax, p, "/summary");
    if (changes.description !== undefined)
      next.description = parseText(changes.description, LIMITS.descriptionMax, p, "/description");
    if (changes.language !== undefined) next.language = parseLanguage(changes.language, p);
    if (changes.level !== undefined) next.level = parseLevel(changes.level, p);
    if (changes.tags !== undefined) next.tags = parseTags(changes.tags, p);
    if (changes.instructor !== undefined) next.instructor = parseInstructor(changes.instructor, p);
    if (changes.price !== undefined) next.price = parsePrice(changes.price, p);
    if (!p.empty) fail(p);
    if (s.status === "published") {
      const missing = this.publishProblems({ ...s, ...next });
      if (!missing.empty) refuse(missing, "A published course must keep a summary and a description.", "incomplete");
    }
    const changed = (Object.keys(next) as (keyof CourseState)[]).filter(
      (k) => JSON.stringify(next[k]) !== JSON.stringify(s[k]),
    );
    if (changed.length === 0) return;
    Object.assign(s, next);
    this.touch(clock, "course.updated", { changed, course: this.snapshot });
  }

  publish(clock: Clock): void {
    this.transition("published", ["draft"], "publish");
    const p = this.publishProblems(this.state);
    if (!p.empty) refuse(p, "The course cannot be published yet; see errors for what is missing.", "incomplete");
    this.state.status = "published";
    this.state.publishedAt = clock.now();
    this.touch(clock, "course.published", { course: this.snapshot });
  }

  archive(clock: Clock): void {
    this.transition("archived", ["draft", "published"], "archive");
    this.state.status = "archived";
    this.state.archivedAt = clock.now();
    this.touch(clock, "course.archived", { course: this.snapshot });
  }

  unarchive(clock: Clock): void {
    this.transition("draft", ["archived"], "unarchive");
    this.state.status = "draft";
    this.state.archivedAt = null;
    this.touch(clock, "course.unarchived", { course: this.snapshot });
  }

  /** Throws unless rule 5 allows deleting; records course.deleted. */
  delete(clock: Clock): void {
    if (this.state.status === "published") {
      throw AppError.conflict("A published course cannot be deleted; archive it first.");
    }
    this.touch(clock, "course.deleted", { courseId: this.state.id, slug: this.state.slug });
  }

  addLesson(input: LessonInput, ids: IdGenerator, clock: Clock, position?: number): Lesson {
    this.assertEditable();
    const p = new Problems();
    const parsed = parseLesson(input, p, "");
    const lessons = this.state.lessons;
    if (lessons.length >= LIMITS.lessonsMax) p.add("/", `a course holds at most ${LIMITS.lessonsMax} lessons`);
    // Past the end means at the end (as a client counting stale lessons would want).
    if (position !== undefined && (!Number.isInteger(position) || position < 0))
      p.add("/position", "must be a whole number from 0");
    if (!p.empty) fail(p, "The lesson is invalid; see errors for each field.");
    const lesson: Lesson = { id: ids.next(), ...parsed, position: 0 };
    lessons.splice(Math.min(position ?? lessons.length, lessons.length), 0, lesson);
    this.renumber();
    this.touch(clock, "course.lesson_added", {
      lesson: structuredClone(lesson),
      totalDurationMinutes: this.totalDurationMinutes,
    });
    return structuredClone(this.lesson(lesson.id));
  }

  updateLesson(lessonId: string, changes: Partial<LessonInput>, clock: Clock): Lesson {
    this.assertEditable();
    const lesson = this.lesson(lessonId);
    const p = new Problems();
    const parsed = parseLesson(
      { title: changes.title ?? lesson.title, durationMinutes: changes.durationMinutes ?? lesson.durationMinutes },
      p,
      "",
    );
    if (!p.empty) fail(p, "The lesson is invalid; see errors for each field.");
    if (parsed.title === lesson.title && parsed.durationMinutes === lesson.durationMinutes)
      return structuredClone(lesson);
    Object.assign(lesson, parsed);
    this.touch(clock, "course.lesson_updated", {
      lesson: structuredClone(lesson),
      totalDurationMinutes: this.totalDurationMinutes,
    });
    return structuredClone(lesson);
  }

  removeLesson(lessonId: string, clock: Clock): void {
    this.assertEditable();
    const lesson = this.lesson(lessonId);
    if (this.state.status === "published" && this.state.lessons.length === 1) {
      throw AppError.conflict("A published course must keep at least one lesson.");
    }
    this.state.lessons = this.state.lessons.filter((l) => l.id !== lesson.id);
    this.renumber();
    this.touch(clock, "course.lesson_removed", { lessonId, totalDurationMinutes: this.totalDurationMinutes });
  }

  /** Puts the lessons in the given order; the list must name every lesson exactly once. */
  reorderLessons(lessonIds: string[], clock: Clock): void {
    this.assertEditable();
    const current = this.state.lessons.map((l) => l.id);
    const same =
      lessonIds.length === current.length &&
      new Set(lessonIds).size === lessonIds.length &&
      lessonIds.every((id) => current.includes(id));
    if (!same) {
      const p = new Problems();
      p.add("/lessonIds", "must list every lesson of the course exactly once");
      refuse(p, "The new order must name every lesson exactly once.", "lesson_set_mismatch");
    }
    if (lessonIds.every((id, i) => current[i] === id)) return;
    const byId = new Map(this.state.lessons.map((l) => [l.id, l]));
    this.state.lessons = lessonIds.map((id) => byId.get(id)!);
    this.renumber();
    this.touch(clock, "course.lessons_reordered", { lessonIds });
  }

  private lesson(id: string): Lesson {
    const l = this.state.lessons.find((x) => x.id === id);
    if (!l) throw AppError.notFound(`The course has no lesson ${id}.`);
    return l;
  }

  private renumber(): void {
    for (const [i, l] of this.state.lessons.entries()) l.position = i;
  }

  private publishProblems(s: Pick<CourseState, "summary" | "description" | "lessons">): Problems {
    const p = new Problems();
    if (!s.summary) p.add("/summary", "is required to publish", "required_to_publish");
    if (!s.description) p.add("/description", "is required to publish", "required_to_publish");
    if (s.lessons.length === 0) p.add("/lessons", "at least one lesson is required to publish", "required_to_publish");
    return p;
  }

  private assertEditable(): void {
    if (this.state.status === "archived")
      throw AppError.conflict("An archived course is read-only; unarchive it first.");
  }

  private transition(to: CourseStatus, from: CourseStatus[], action: string): void {
    if (!from.includes(this.state.status)) {
      throw AppError.conflict(`Cannot ${action} a course that is ${this.state.status}.`, {
        context: { from: this.state.status, to },
      });
    }
  }

  private touch(clock: Clock, type: CourseEventType, data: Record<string, unknown>): void {
    this.state.version += 1;
    this.state.updatedAt = clock.now();
    this.record(type, data);
  }

  private record(type: CourseEventType, data: Record<string, unknown>): void {
    this.events.push({
      type,
      courseId: this.state.id,
      courseVersion: this.state.version,
      occurredAt: this.state.updatedAt,
      data,
    });
  }
}
