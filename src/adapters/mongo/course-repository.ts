// CourseRepository on MongoDB/FerretDB: optimistic concurrency on `version`, keyset pagination
// over an index for every sort, search through the indexed searchTokens array.
import type { Collection, Db, Filter, MongoServerError, Sort } from "mongodb";
import { AppError } from "../../../lib/xerrors/index.ts";
import type { Course } from "../../domain/course/course.ts";
import type { CoursePage, CoursePageRequest, CourseRepository, CourseSort } from "../../domain/course/repository.ts";
import { searchTokens } from "../../domain/course/values.ts";
import { context, propagation } from "@opentelemetry/api";
import type { CourseEvent } from "../../domain/course/events.ts";
import type { DocumentLocks } from "./document-lock.ts";
import { storeError } from "./store-error.ts";
import { COURSES, type CourseDocument, type OutboxEntryDocument, type StoredCourseDocument, toCourse, toCourseDocument, toCourseState } from "./course-document.ts";

/** Excludes tombstones: deleted courses whose deletion event is not published yet. */
const LIVE = { deletedAt: null } as const;

/** The W3C traceparent of the active span, stored with events so traces continue through Kafka. */
function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

export function toOutboxEntries(events: readonly CourseEvent[], newId: () => string): OutboxEntryDocument[] {
  const traceparent = currentTraceparent();
  return events.map((e) => ({
    id: newId(),
    type: e.type,
    courseVersion: e.courseVersion,
    occurredAt: e.occurredAt,
    data: e.data,
    ...(traceparent ? { traceparent } : {}),
  }));
}

/**
 * The update operators that append events to the outbox in the same write as the change.
 * pendingSince is absent (never null) while the outbox is empty, so $min sets it.
 */
function outboxAppend(entries: OutboxEntryDocument[]) {
  if (entries.length === 0) return {};
  return {
    $push: { outbox: { $each: entries } },
    $inc: { outboxSize: entries.length },
    $min: { pendingSince: entries[0]!.occurredAt },
  };
}

const SORT_FIELDS: Record<string, keyof CourseDocument> = {
  createdAt: "createdAt",
  updatedAt: "updatedAt",
  publishedAt: "publishedAt",
  title: "titleSort",
};

interface Cursor {
  /** The sort the cursor belongs to. */
  s: CourseSort;
  /** Last item's sort value (dates as ISO strings). */
  v: string;
  /** Last item's id: the tie-breaker. */
  id: string;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString("base64url");
}

function decodeCursor(raw: string, sort: CourseSort): Cursor {
  let c: Cursor;
  try {
    c = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    throw AppError.invalidArgument("The cursor is not valid.", [{ field: "/cursor", message: "is not a cursor returned by this API" }]);
  }
  if (typeof c?.v !== "string" || typeof c?.id !== "string" || typeof c?.s !== "string") {
    throw AppError.invalidArgument("The cursor is not valid.", [{ field: "/cursor", message: "is not a cursor returned by this API" }]);
  }
  if (c.s !== sort) throw AppError.invalidArgument("The cursor belongs to another sort order.", [{ field: "/cursor", message: `was issued for sort=${c.s}` }]);
  return c;
}

export class MongoCourseRepository implements CourseRepository {
  private readonly col: Collection<StoredCourseDocument>;

  constructor(
    db: Db,
    /** Shared with every other writer of course documents in this process (see DocumentLocks). */
    private readonly locks: DocumentLocks,
    private readonly newEventId: () => string = () => Bun.randomUUIDv7(),
  ) {
    this.col = db.collection<StoredCourseDocument>(COURSES);
  }

  async insert(course: Course): Promise<void> {
    const outbox = toOutboxEntries(course.pendingEvents, this.newEventId);
    try {
      await this.col.insertOne({ ...toCourseDocument(course), outbox, outboxSize: outbox.length, ...(outbox.length ? { pendingSince: outbox[0]!.occurredAt } : {}), deletedAt: null });
      course.markPersisted();
      course.pullEvents();
    } catch (e) {
      if ((e as MongoServerError)?.code === 11000) throw this.duplicate(course, e);
      throw storeError(e, "insert course");
    }
  }

  /** One document write: the new state and its events, only over the version that was loaded. */
  async save(course: Course): Promise<void> {
    // enrollmentCount belongs to the enrollment ledger: never overwrite it with a loaded copy.
    const { _id, enrollmentCount: _count, ...state } = toCourseDocument(course);
    const outbox = toOutboxEntries(course.pendingEvents, this.newEventId);
    let res;
    try {
      res = await this.locks.run(_id, () => this.col.updateOne({ _id, version: course.loadedVersion, ...LIVE }, { $set: state, ...outboxAppend(outbox) }));
    } catch (e) {
      if ((e as MongoServerError)?.code === 11000) throw this.duplicate(course, e);
      throw storeError(e, "save course");
    }
    if (res.matchedCount === 0) await this.explainMiss(course.id);
    course.markPersisted();
    course.pullEvents();
  }

  /**
   * Leaves a tombstone holding the course.deleted event (its slug freed at once); the relay
   * removes the document once every event of the course is published.
   */
  async delete(course: Course): Promise<void> {
    const outbox = toOutboxEntries(course.pendingEvents, this.newEventId);
    const s = course.snapshot;
    let res;
    try {
      res = await this.locks.run(course.id, () =>
        this.col.updateOne(
          { _id: course.id, version: course.loadedVersion, ...LIVE },
          { $set: { deletedAt: s.updatedAt, slug: `~deleted~${course.id}`, version: s.version, updatedAt: s.updatedAt }, ...outboxAppend(outbox) },
        ),
      );
    } catch (e) {
      throw storeError(e, "delete course");
    }
    if (res.matchedCount === 0) await this.explainMiss(course.id);
    course.markPersisted();
    course.pullEvents();
  }

  async findById(id: string): Promise<Course | null> {
    try {
      const doc = await this.col.findOne({ _id: id, ...LIVE });
      return doc ? toCourse(doc) : null;
    } catch (e) {
      throw storeError(e, "find course by id");
    }
  }

  async findBySlug(slug: string): Promise<Course | null> {
    try {
      const doc = await this.col.findOne({ slug, ...LIVE });
      return doc ? toCourse(doc) : null;
    } catch (e) {
      throw storeError(e, "find course by slug");
    }
  }

  async list(req: CoursePageRequest): Promise<CoursePage> {
    const desc = req.sort.startsWith("-");
    const field = SORT_FIELDS[req.sort.replace(/^-/, "")]!;
    const dir = desc ? -1 : 1;
    const and: Filter<StoredCourseDocument>[] = [LIVE];
    const f = req.filter;
    if (f.status) and.push({ status: f.status });
    if (f.tag) and.push({ tags: f.tag.trim().toLowerCase() });
    if (f.level) and.push({ level: f.level });
    if (f.language) and.push({ language: f.language });
    if (f.instructorId) and.push({ "instructor.id": f.instructorId });
    if (f.q !== undefined) {
      const tokens = searchTokens(f.q);
      // No word long enough to index: nothing can match it.
      if (tokens.length === 0) return { items: [], nextCursor: null };
      and.push({ searchTokens: { $all: tokens } });
    }
    // Courses never published have no publishedAt: that sort lists published ones only.
    if (field === "publishedAt") and.push({ publishedAt: { $ne: null } } as Filter<StoredCourseDocument>);
    if (req.cursor) {
      const c = decodeCursor(req.cursor, req.sort);
      const v = field === "titleSort" ? c.v : new Date(c.v);
      const op = desc ? "$lt" : "$gt";
      and.push({ $or: [{ [field]: { [op]: v } }, { [field]: v, _id: { [op]: c.id } }] } as Filter<StoredCourseDocument>);
    }
    const filter: Filter<StoredCourseDocument> = and.length ? { $and: and } : {};
    const sort: Sort = { [field]: dir, _id: dir };
    let docs: StoredCourseDocument[];
    try {
      docs = await this.col.find(filter).sort(sort).limit(req.limit + 1).toArray();
    } catch (e) {
      throw storeError(e, "list courses");
    }
    const page = docs.slice(0, req.limit);
    const last = page.at(-1);
    const more = docs.length > req.limit && last !== undefined;
    return {
      items: page.map(toCourseState),
      nextCursor: more ? encodeCursor({ s: req.sort, v: field === "titleSort" ? last.titleSort : new Date(last[field] as Date).toISOString(), id: last._id }) : null,
    };
  }

  private duplicate(course: Course, cause: unknown): AppError {
    return AppError.conflict(`The slug '${course.snapshot.slug}' is already taken by another course.`, { cause, fields: [{ field: "/slug", message: "is already taken", code: "taken" }] });
  }

  private async explainMiss(id: string): Promise<never> {
    const exists = await this.col.countDocuments({ _id: id, ...LIVE }, { limit: 1 }).catch((e) => Promise.reject(storeError(e, "check course")));
    if (exists) throw AppError.preconditionFailed("The course was changed by someone else; reload it and try again.");
    throw AppError.notFound(`No course with id ${id}.`);
  }
}
