// CourseRepository on MongoDB: optimistic concurrency on `version`, keyset pagination over an
// index for every sort, search through the indexed searchTokens array. Every query that names a
// course by _id names nothing else but a guard an index serves ({_id, version}): tombstones are
// checked in code, since on mongo-java-server an extra predicate turns a lookup into a scan.
import type { Collection, Db, Filter, Sort, UpdateResult, WithId } from "mongodb";
import { AppError } from "../../../lib/xerrors/index.ts";
import type { Course } from "../../domain/course/course.ts";
import {
  COURSE_SORTS,
  type Actor,
  type CoursePage,
  type CoursePageRequest,
  type CourseRepository,
  type CourseSort,
} from "../../domain/course/repository.ts";
import { searchTokens } from "../../domain/course/values.ts";
import { context, propagation } from "@opentelemetry/api";
import type { CourseEvent } from "../../domain/course/events.ts";
import { log } from "../../../lib/xlog/index.ts";
import type { OutboxMarkers } from "./outbox-store.ts";
import { isDuplicateKey, storeError } from "./store-error.ts";
import {
  COURSES,
  type CourseDocument,
  type OutboxEntryDocument,
  type StoredCourseDocument,
  toCourse,
  toCourseDocument,
  toCourseState,
} from "./course-document.ts";

/** Excludes tombstones (deleted courses whose deletion event is not published yet) from queries by other fields. */
const LIVE = { deletedAt: null } as const;
const isLive = (doc: StoredCourseDocument | null): doc is StoredCourseDocument => doc !== null && !doc.deletedAt;

/** The W3C traceparent of the active span, stored with events so traces continue through Kafka. */
function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

export function toOutboxEntries(
  events: readonly CourseEvent[],
  newId: () => string,
  actor: Actor,
): OutboxEntryDocument[] {
  const traceparent = currentTraceparent();
  return events.map((e) => ({
    id: newId(),
    type: e.type,
    courseVersion: e.courseVersion,
    occurredAt: e.occurredAt,
    data: e.data,
    ...(traceparent ? { traceparent } : {}),
    ...(actor ? { actor } : {}),
  }));
}

/** The update operator that appends events to the outbox in the same write as the change. */
function outboxAppend(entries: OutboxEntryDocument[]) {
  return entries.length === 0 ? {} : { $push: { outbox: { $each: entries } } };
}

export interface CourseRepositoryOptions {
  /** A course whose outbox holds this many events refuses further changes (503 outbox_full). */
  outboxMaxEvents: number;
  /** Called after events were written (the relay of this process wakes up at once). */
  onEventsWritten?: () => void;
  newEventId?: () => string;
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

function decodeCursor(raw: string, sort: CourseSort | undefined): Cursor {
  let c: Cursor;
  try {
    c = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    throw AppError.invalidArgument("The cursor is not valid.", [
      { field: "/cursor", message: "is not a cursor returned by this API" },
    ]);
  }
  if (
    typeof c?.v !== "string" ||
    typeof c?.id !== "string" ||
    !(COURSE_SORTS as readonly unknown[]).includes(c?.s) ||
    (c.s.endsWith("At") && Number.isNaN(Date.parse(c.v)))
  ) {
    throw AppError.invalidArgument("The cursor is not valid.", [
      { field: "/cursor", message: "is not a cursor returned by this API" },
    ]);
  }
  if (sort !== undefined && c.s !== sort)
    throw AppError.invalidArgument("The cursor belongs to another sort order.", [
      { field: "/cursor", message: `was issued for sort=${c.s}` },
    ]);
  return c;
}

export class MongoCourseRepository implements CourseRepository {
  private readonly col: Collection<StoredCourseDocument>;
  /** Pending events of each loaded course: the outbox cap is checked against the loaded version. */
  private readonly loadedOutbox = new WeakMap<Course, number>();
  /**
   * Courses this repository deleted. Only they can carry their tombstone's version (every other
   * copy was loaded before the deletion), so this is what keeps a write off a tombstone.
   */
  private readonly deleted = new WeakSet<Course>();
  private readonly newEventId: () => string;

  constructor(
    db: Db,
    private readonly markers: OutboxMarkers,
    private readonly opts: CourseRepositoryOptions,
  ) {
    this.col = db.collection<StoredCourseDocument>(COURSES);
    this.newEventId = opts.newEventId ?? (() => Bun.randomUUIDv7());
  }

  async insert(course: Course, actor?: Actor): Promise<void> {
    const outbox = toOutboxEntries(course.pendingEvents, this.newEventId, actor);
    await this.eventsComing(course.id, outbox);
    try {
      await this.col.insertOne({ ...toCourseDocument(course), outbox, deletedAt: null, enrollmentRev: 0 });
    } catch (e) {
      if (isDuplicateKey(e)) throw this.duplicate(course, e);
      throw storeError(e, "insert course");
    }
    await this.eventsWritten(course.id, outbox);
    course.markPersisted();
    course.pullEvents();
  }

  /** One document write: the new state and its events, only over the version that was loaded. */
  async save(course: Course, actor?: Actor): Promise<void> {
    // enrollmentCount belongs to the enrollment ledger: never overwrite it with a loaded copy.
    const { _id, enrollmentCount: _count, ...state } = toCourseDocument(course);
    const outbox = toOutboxEntries(course.pendingEvents, this.newEventId, actor);
    this.checkWritable(course, outbox.length);
    await this.eventsComing(_id, outbox);
    let res: UpdateResult<StoredCourseDocument>;
    try {
      res = await this.col.updateOne({ _id, version: course.loadedVersion }, { $set: state, ...outboxAppend(outbox) });
    } catch (e) {
      if (isDuplicateKey(e)) throw this.duplicate(course, e);
      throw storeError(e, "save course");
    }
    if (res.matchedCount === 0) await this.explainMiss(course.id);
    await this.eventsWritten(_id, outbox);
    course.markPersisted();
    course.pullEvents();
  }

  /**
   * Leaves a tombstone holding the course.deleted event (its slug freed at once); the relay
   * removes the document once every event of the course is published.
   */
  async delete(course: Course, actor?: Actor): Promise<void> {
    const outbox = toOutboxEntries(course.pendingEvents, this.newEventId, actor);
    this.checkWritable(course, outbox.length);
    const s = course.view;
    await this.eventsComing(course.id, outbox);
    let res: UpdateResult<StoredCourseDocument>;
    try {
      res = await this.col.updateOne(
        { _id: course.id, version: course.loadedVersion },
        {
          $set: { deletedAt: s.updatedAt, slug: `~deleted~${course.id}`, version: s.version, updatedAt: s.updatedAt },
          ...outboxAppend(outbox),
        },
      );
    } catch (e) {
      throw storeError(e, "delete course");
    }
    if (res.matchedCount === 0) await this.explainMiss(course.id);
    this.deleted.add(course);
    await this.eventsWritten(course.id, outbox);
    course.markPersisted();
    course.pullEvents();
  }

  async findById(id: string): Promise<Course | null> {
    let doc: WithId<StoredCourseDocument> | null;
    try {
      doc = await this.col.findOne({ _id: id });
    } catch (e) {
      throw storeError(e, "find course by id");
    }
    return isLive(doc) ? this.loaded(doc) : null;
  }

  async findBySlug(slug: string): Promise<Course | null> {
    let doc: WithId<StoredCourseDocument> | null;
    try {
      // A tombstone's slug is ~deleted~<id>, so the unique slug index alone finds live courses.
      doc = await this.col.findOne({ slug });
    } catch (e) {
      throw storeError(e, "find course by slug");
    }
    return isLive(doc) ? this.loaded(doc) : null;
  }

  private loaded(doc: StoredCourseDocument): Course {
    const course = toCourse(doc);
    this.loadedOutbox.set(course, doc.outbox?.length ?? 0);
    return course;
  }

  /**
   * Before a change of a loaded course: not one this repository deleted, and bounded growth —
   * the outbox never grows toward MongoDB's 16 MB document limit.
   */
  private checkWritable(course: Course, adding: number): void {
    if (this.deleted.has(course)) throw AppError.notFound(`No course with id ${course.id}.`);
    const pending = this.loadedOutbox.get(course) ?? 0;
    if (adding > 0 && pending + adding > this.opts.outboxMaxEvents) {
      throw AppError.unavailable("This course has too many unpublished events; retry once they are published.", {
        code: "outbox_full",
        context: { courseId: course.id, pending, limit: this.opts.outboxMaxEvents },
      });
    }
  }

  /**
   * Before a write that appends events: the pending marker first. If it cannot be written the
   * change is refused (503, nothing written): an acknowledged change always has its marker.
   */
  private async eventsComing(courseId: string, outbox: OutboxEntryDocument[]): Promise<void> {
    if (outbox.length === 0) return;
    try {
      await this.markers.recordPending(courseId, outbox[0]!.occurredAt, outbox.length);
    } catch (e) {
      throw storeError(e, "record pending events");
    }
  }

  /** After it: the marker touched again (see OutboxMarkers), and this process's relay woken. */
  private async eventsWritten(courseId: string, outbox: OutboxEntryDocument[]): Promise<void> {
    if (outbox.length === 0) return;
    try {
      await this.markers.touch(courseId, outbox[0]!.occurredAt);
    } catch (e) {
      // The marker written before the change is there: the relay finds the events anyway.
      log().warn({ courseId, error: String(e) }, "pending marker not touched after the write");
    }
    this.opts.onEventsWritten?.();
  }

  async list(req: CoursePageRequest): Promise<CoursePage> {
    // A cursor carries its sort: the next page needs only the cursor.
    const after = req.cursor ? decodeCursor(req.cursor, req.sort) : undefined;
    const order: CourseSort = req.sort ?? after?.s ?? "-createdAt";
    const desc = order.startsWith("-");
    const field = SORT_FIELDS[order.replace(/^-/, "")]!;
    const dir = desc ? -1 : 1;
    const and: Filter<StoredCourseDocument>[] = [LIVE];
    const f = req.filter;
    if (f.status) and.push({ status: f.status });
    if (f.tag) and.push({ tags: f.tag.trim().toLowerCase() });
    if (f.level) and.push({ level: f.level });
    if (f.language) and.push({ language: f.language });
    if (f.instructorId) and.push({ "instructor.id": f.instructorId });
    if (f.source) and.push({ "source.catalog": f.source });
    if (f.q !== undefined) {
      const tokens = searchTokens(f.q);
      // No word long enough to index: nothing can match it.
      if (tokens.length === 0) return { items: [], nextCursor: null };
      and.push({ searchTokens: { $all: tokens } });
    }
    // Courses never published have no publishedAt: that sort lists published ones only.
    if (field === "publishedAt") and.push({ publishedAt: { $ne: null } } as Filter<StoredCourseDocument>);
    if (after) {
      const c = after;
      const v = field === "titleSort" ? c.v : new Date(c.v);
      const op = desc ? "$lt" : "$gt";
      and.push({
        $or: [{ [field]: { [op]: v } }, { [field]: v, _id: { [op]: c.id } }],
      } as Filter<StoredCourseDocument>);
    }
    const filter: Filter<StoredCourseDocument> = and.length ? { $and: and } : {};
    const sort: Sort = { [field]: dir, _id: dir };
    let docs: StoredCourseDocument[];
    try {
      docs = await this.col
        .find(filter)
        .sort(sort)
        .limit(req.limit + 1)
        .toArray();
    } catch (e) {
      throw storeError(e, "list courses");
    }
    const page = docs.slice(0, req.limit);
    const last = page.at(-1);
    const more = docs.length > req.limit && last !== undefined;
    return {
      items: page.map(toCourseState),
      nextCursor: more
        ? encodeCursor({
            s: order,
            v: field === "titleSort" ? last.titleSort : new Date(last[field] as Date).toISOString(),
            id: last._id,
          })
        : null,
    };
  }

  private duplicate(course: Course, cause: unknown): AppError {
    return AppError.conflict(`The slug '${course.view.slug}' is already taken by another course.`, {
      cause,
      fields: [{ field: "/slug", message: "is already taken", code: "taken" }],
    });
  }

  private async explainMiss(id: string): Promise<never> {
    const doc = await this.col
      .findOne({ _id: id }, { projection: { deletedAt: 1 } })
      .catch((e) => Promise.reject(storeError(e, "check course")));
    if (isLive(doc))
      throw AppError.preconditionFailed("The course was changed by someone else; reload it and try again.");
    throw AppError.notFound(`No course with id ${id}.`);
  }
}
