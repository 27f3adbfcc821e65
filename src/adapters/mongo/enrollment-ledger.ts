// Applies enrollment events exactly once without multi-document transactions (the stack's store
// has none): a processed-event record with a unique _id, plus the event id kept on the course
// while it is being applied, so a crash at any point neither loses nor doubles a count.
//   1. insert {_id: key, state: pending}     (duplicate key: done → no-op; pending → resume)
//   2. read the course; if the key is not on it: $inc count, $push key, guarded by the
//      revision read ({_id, enrollmentRev}: an index serves it, and any concurrent change
//      makes the guard miss and the step re-read)
//   3. record: state done
//   4. course: $pull key
// Two appliers of one key (a rebalance hands the partition to B while A still applies): step 3
// comes before step 4, so a key missing from the course is re-checked against the record read
// AFTER the course: done means another applier finished (and pulled the key) — a duplicate; still
// pending means nobody has pushed it yet, and the revision guard lets only one of them push.
import type { Collection, Db } from "mongodb";
import { AppError } from "../../../lib/xerrors/index.ts";
import type { ApplyOutcome, EnrollmentLedger } from "../../app/enrollments.ts";
import { COURSES, type StoredCourseDocument } from "./course-document.ts";
import { isDuplicateKey, storeError } from "./store-error.ts";
import { PROCESSED_EVENTS } from "./migrations.ts";

interface ProcessedEvent {
  _id: string;
  courseId: string;
  delta: number;
  state: "pending" | "done";
  receivedAt: Date;
  processedAt?: Date;
  outcome?: ApplyOutcome;
}

export class MongoEnrollmentLedger implements EnrollmentLedger {
  private readonly courses: Collection<StoredCourseDocument>;
  private readonly processed: Collection<ProcessedEvent>;

  constructor(db: Db) {
    this.courses = db.collection<StoredCourseDocument>(COURSES);
    this.processed = db.collection<ProcessedEvent>(PROCESSED_EVENTS);
  }

  async apply(key: string, courseId: string, delta: 1 | -1): Promise<ApplyOutcome> {
    try {
      return await this.applyOnce(key, courseId, delta);
    } catch (e) {
      throw storeError(e, "apply enrollment event");
    }
  }

  private async applyOnce(key: string, courseId: string, delta: 1 | -1): Promise<ApplyOutcome> {
    try {
      await this.processed.insertOne({ _id: key, courseId, delta, state: "pending", receivedAt: new Date() });
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
      const seen = await this.processed.findOne({ _id: key });
      if (seen?.state === "done") return "duplicate";
    }
    const outcome = await this.applyToCourse(key, courseId, delta);
    // Another applier finished it: its record and the course are already final.
    if (outcome === "duplicate") return outcome;
    await this.processed.updateOne({ _id: key }, { $set: { state: "done", processedAt: new Date(), outcome } });
    await this.courses.updateOne({ _id: courseId }, { $pull: { pendingEnrollmentEvents: key } });
    return outcome;
  }

  private async applyToCourse(key: string, courseId: string, delta: 1 | -1): Promise<ApplyOutcome> {
    for (;;) {
      const course = await this.courses.findOne(
        { _id: courseId },
        { projection: { deletedAt: 1, enrollmentCount: 1, enrollmentRev: 1, pendingEnrollmentEvents: 1 } },
      );
      if (!course || course.deletedAt) {
        // Not applied anywhere: forget the claim so the event can be replayed once the course exists.
        await this.processed.deleteOne({ _id: key, state: "pending" });
        throw AppError.notFound(`No course with id ${courseId}.`, { context: { courseId } });
      }
      // Already applied before a crash: the key is still on the course.
      if (course.pendingEnrollmentEvents?.includes(key)) return "applied";
      // Not on the course: applied and finished by another applier since, or not applied yet.
      const record = await this.processed.findOne({ _id: key }, { projection: { state: 1 } });
      if (record?.state === "done") return "duplicate";
      if (delta < 0 && (course.enrollmentCount ?? 0) <= 0) return "clamped";
      if (course.enrollmentRev === undefined) {
        // A course stored before migration 0004 set the revision (rare: the migration sets it on all).
        await this.courses.updateOne(
          { _id: courseId, enrollmentRev: { $exists: false } },
          { $set: { enrollmentRev: 0 } },
        );
        continue;
      }
      const rev = course.enrollmentRev;
      const res = await this.courses.updateOne(
        { _id: courseId, enrollmentRev: rev },
        { $inc: { enrollmentCount: delta, enrollmentRev: 1 }, $push: { pendingEnrollmentEvents: key } },
      );
      if (res.matchedCount === 1) return "applied";
    }
  }

  async expire(before: Date): Promise<number> {
    const res = await this.processed.deleteMany({ state: "done", processedAt: { $lt: before } });
    return res.deletedCount;
  }
}
