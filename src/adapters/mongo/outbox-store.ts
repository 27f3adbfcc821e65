// The outbox as stored in course documents: claim the course with the oldest pending events,
// then remove exactly the published ones. Only $set/$unset with equality guards are used:
// FerretDB ignores $pull with a condition on sub-documents.
import type { Collection, Db } from "mongodb";
import type { OutboxBatch, OutboxEvent, OutboxStore } from "../../app/outbox.ts";
import type { CourseEventType } from "../../domain/course/events.ts";
import { COURSES, type StoredCourseDocument } from "./course-document.ts";
import type { DocumentLocks } from "./document-lock.ts";
import { storeError } from "./store-error.ts";

const CLEARED = { $unset: { pendingSince: "", relayLeaseUntil: "" } } as const;

export class MongoOutboxStore implements OutboxStore {
  private readonly col: Collection<StoredCourseDocument>;

  constructor(
    db: Db,
    private readonly locks: DocumentLocks,
  ) {
    this.col = db.collection<StoredCourseDocument>(COURSES);
  }

  async claimNext(leaseMs: number): Promise<OutboxBatch | null> {
    const now = new Date();
    const claimable = { pendingSince: { $exists: true }, $or: [{ relayLeaseUntil: { $exists: false } }, { relayLeaseUntil: { $lt: now } }] };
    let doc: StoredCourseDocument | null;
    try {
      const candidate = await this.col.find(claimable).sort({ pendingSince: 1 }).limit(1).next();
      if (!candidate) return null;
      doc = await this.locks.run(candidate._id, () =>
        this.col.findOneAndUpdate({ _id: candidate._id, ...claimable }, { $set: { relayLeaseUntil: new Date(now.getTime() + leaseMs) } }, { returnDocument: "after" }),
      );
    } catch (e) {
      throw storeError(e, "claim outbox");
    }
    if (!doc) return null;
    const events: OutboxEvent[] = (doc.outbox ?? []).map((e) => ({
      id: e.id,
      type: e.type as CourseEventType,
      courseId: doc._id,
      courseVersion: e.courseVersion,
      occurredAt: new Date(e.occurredAt),
      data: e.data,
      ...(e.traceparent ? { traceparent: e.traceparent } : {}),
    }));
    return { courseId: doc._id, events, version: doc.version };
  }

  async markPublished(batch: OutboxBatch): Promise<void> {
    await this.locks.run(batch.courseId, () => this.removePublished(batch));
  }

  private async removePublished(batch: OutboxBatch): Promise<void> {
    const sent = new Set(batch.events.map((e) => e.id));
    try {
      // Fast path: nothing was written to the course since the claim.
      const res = await this.col.updateOne({ _id: batch.courseId, version: batch.version }, { $set: { outbox: [], outboxSize: 0 }, ...CLEARED });
      if (res.matchedCount === 0) {
        // The course changed meanwhile (new events appended): keep exactly the unpublished ones.
        for (;;) {
          const doc = await this.col.findOne({ _id: batch.courseId });
          if (!doc) return;
          const remaining = (doc.outbox ?? []).filter((e) => !sent.has(e.id));
          const update = remaining.length
            ? { $set: { outbox: remaining, outboxSize: remaining.length, pendingSince: remaining[0]!.occurredAt }, $unset: { relayLeaseUntil: "" as const } }
            : { $set: { outbox: [], outboxSize: 0 }, ...CLEARED };
          const r = await this.col.updateOne({ _id: batch.courseId, version: doc.version }, update);
          if (r.matchedCount === 1) break;
        }
      }
      // A deleted course disappears once its last event (course.deleted) is out.
      await this.col.deleteOne({ _id: batch.courseId, deletedAt: { $ne: null }, outboxSize: 0 });
    } catch (e) {
      throw storeError(e, "mark outbox events published");
    }
  }

  async release(batch: OutboxBatch): Promise<void> {
    await this.locks.run(batch.courseId, () => this.col.updateOne({ _id: batch.courseId }, { $unset: { relayLeaseUntil: "" } }));
  }

  async backlog(now: Date): Promise<{ events: number; oldestAgeMs: number }> {
    const [sum] = await this.col.aggregate<{ events: number }>([{ $match: { pendingSince: { $exists: true } } }, { $group: { _id: null, events: { $sum: "$outboxSize" } } }]).toArray();
    const oldest = await this.col.find({ pendingSince: { $exists: true } }).sort({ pendingSince: 1 }).limit(1).toArray();
    const since = oldest[0]?.pendingSince;
    return { events: sum?.events ?? 0, oldestAgeMs: since ? Math.max(0, now.getTime() - new Date(since).getTime()) : 0 };
  }
}
