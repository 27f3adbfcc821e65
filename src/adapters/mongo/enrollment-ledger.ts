// Applies enrollment events exactly once without multi-document transactions (FerretDB has
// none): a processed-event record with a unique _id, plus the event id kept on the course while
// it is being applied, so a crash at any point neither loses nor doubles a count.
//   1. insert {_id: key, state: pending}     (duplicate key: done → no-op; pending → resume)
//   2. course: $inc count, $push key         (guarded by key ∉ pendingEnrollmentEvents)
//   3. record: state done
//   4. course: $pull key
import type { Collection, Db, MongoServerError } from "mongodb";
import { AppError } from "../../../lib/xerrors/index.ts";
import type { ApplyOutcome, EnrollmentLedger } from "../../app/enrollments.ts";
import { COURSES, type StoredCourseDocument } from "./course-document.ts";
import type { DocumentLocks } from "./document-lock.ts";
import { storeError } from "./store-error.ts";
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

  constructor(
    db: Db,
    private readonly locks: DocumentLocks,
  ) {
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
      if ((e as MongoServerError)?.code !== 11000) throw e;
      const seen = await this.processed.findOne({ _id: key });
      if (seen?.state === "done") return "duplicate";
    }
    const guard = { _id: courseId, deletedAt: null, pendingEnrollmentEvents: { $ne: key }, ...(delta < 0 ? { enrollmentCount: { $gt: 0 } } : {}) };
    const res = await this.locks.run(courseId, () => this.courses.updateOne(guard, { $inc: { enrollmentCount: delta }, $push: { pendingEnrollmentEvents: key } }));
    let outcome: ApplyOutcome = "applied";
    if (res.matchedCount === 0) {
      const course = await this.courses.findOne({ _id: courseId, deletedAt: null });
      if (!course) {
        // Not applied anywhere: forget the claim so the event can be replayed once the course exists.
        await this.processed.deleteOne({ _id: key, state: "pending" });
        throw AppError.notFound(`No course with id ${courseId}.`, { context: { courseId } });
      }
      // Already applied before a crash (key on the course), or a cancel at zero.
      outcome = course.pendingEnrollmentEvents?.includes(key) ? "applied" : "clamped";
    }
    await this.processed.updateOne({ _id: key }, { $set: { state: "done", processedAt: new Date(), outcome } });
    await this.locks.run(courseId, () => this.courses.updateOne({ _id: courseId }, { $pull: { pendingEnrollmentEvents: key } }));
    return outcome;
  }

  async expire(before: Date): Promise<number> {
    const res = await this.processed.deleteMany({ state: "done", processedAt: { $lt: before } });
    return res.deletedCount;
  }
}
