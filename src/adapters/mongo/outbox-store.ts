// The outbox as stored: events live in their course's document (written with the change, in
// one document write), and a small `outbox_pending` collection holds one marker per course with
// pending events. The relay only ever queries the markers — O(pending courses) — and reaches
// courses by _id. The marker is written before the course write and touched after it
// (OutboxMarkers); repairMarkers(), a slow sweep, remains for markers deleted by hand.
//
// A marker's lease is a fencing token (`lease`): claiming, renewing, completing and releasing
// all match it, so a relay that lost its lease changes nothing. `writes` counts appends: a
// marker is deleted only if no event was appended since it was claimed.
import type { Collection, Db } from "mongodb";
import type {
  OutboxBacklog,
  OutboxClaim,
  OutboxCompletion,
  OutboxEvent,
  OutboxFailure,
  OutboxStore,
} from "../../app/outbox.ts";
import {
  COURSES,
  type OutboxEntryDocument,
  type StoredCourseDocument,
  toOutboxEntry,
  toOutboxEvent,
} from "./course-document.ts";
import { OUTBOX_PARKED, OUTBOX_PENDING } from "./migrations.ts";
import { storeError } from "./store-error.ts";

const FREE = new Date(0);

export interface PendingMarker {
  _id: string;
  /** occurredAt of the course's oldest pending event. */
  since: Date;
  /** Pending events of the course (refreshed whenever the relay touches it). */
  events: number;
  /** Incremented by every append: a marker claimed at `writes` n is deleted only at n. */
  writes: number;
  /** The relay process holding the lease; "" when free. */
  owner: string;
  /** The fencing token of the current lease; "" when free. */
  lease: string;
  /** Not claimable before this time: the lease's end, or the next attempt after a failure. */
  leaseUntil: Date;
  /** Failed attempts at the event `attemptsOf` (the course's first pending event when counted). */
  attempts: number;
  /** The event the attempts belong to: once it is out (or parked), they count for nothing. */
  attemptsOf?: string;
  lastError?: string;
}

export interface ParkedEvent {
  _id: string;
  courseId: string;
  event: OutboxEntryDocument;
  reason: string;
  attempts: number;
  parkedAt: Date;
}

/**
 * Records that a course has pending events: written BEFORE the course write (a marker with
 * nothing pending is harmless: the relay deletes it), so that an acknowledged change can never
 * be left without one; touched again after it, so that a relay that claimed the marker in
 * between and found no events yet does not delete it (its `writes` moved on).
 */
export class OutboxMarkers {
  private readonly col: Collection<PendingMarker>;

  constructor(db: Db) {
    this.col = db.collection<PendingMarker>(OUTBOX_PENDING);
  }

  /** After the course write: the append is counted again, so the marker outlives a relay round that missed it. */
  async touch(courseId: string, since: Date): Promise<void> {
    await this.col.updateOne(
      { _id: courseId },
      {
        $min: { since },
        $inc: { writes: 1 },
        $setOnInsert: { events: 1, owner: "", lease: "", leaseUntil: FREE, attempts: 0 },
      },
      { upsert: true },
    );
  }

  async recordPending(courseId: string, since: Date, count: number): Promise<void> {
    await this.col.updateOne(
      { _id: courseId },
      {
        $min: { since },
        $inc: { events: count, writes: 1 },
        $setOnInsert: { owner: "", lease: "", leaseUntil: FREE, attempts: 0 },
      },
      { upsert: true },
    );
  }
}

interface Lease {
  token: string;
  writes: number;
}

const encodeLease = (l: Lease) => `${l.writes}|${l.token}`;
function decodeLease(s: string): Lease {
  const i = s.indexOf("|");
  return { writes: Number(s.slice(0, i)), token: s.slice(i + 1) };
}

export class MongoOutboxStore implements OutboxStore {
  private readonly courses: Collection<StoredCourseDocument>;
  private readonly markers: Collection<PendingMarker>;
  private readonly parked: Collection<ParkedEvent>;
  private readonly markerWriter: OutboxMarkers;
  private leases = 0;

  constructor(
    db: Db,
    /** This process, as it appears in the markers' `owner`. */
    private readonly owner: string,
  ) {
    this.courses = db.collection<StoredCourseDocument>(COURSES);
    this.markers = db.collection<PendingMarker>(OUTBOX_PENDING);
    this.parked = db.collection<ParkedEvent>(OUTBOX_PARKED);
    this.markerWriter = new OutboxMarkers(db);
  }

  async claim(maxCourses: number, leaseMs: number): Promise<OutboxClaim[]> {
    const now = new Date();
    try {
      const free = await this.markers
        .find({ leaseUntil: { $lte: now } }, { projection: { _id: 1, writes: 1, attempts: 1, attemptsOf: 1 } })
        .sort({ since: 1, _id: 1 })
        .limit(maxCourses)
        .toArray();
      if (free.length === 0) return [];
      const token = `${this.owner}/${++this.leases}`;
      const ids = free.map((m) => m._id);
      // Atomic per marker: of two relays racing for one, only the first still sees it free.
      const res = await this.markers.updateMany(
        { _id: { $in: ids }, leaseUntil: { $lte: now } },
        { $set: { owner: this.owner, lease: token, leaseUntil: new Date(now.getTime() + leaseMs) } },
      );
      // Got them all (the usual case): no need to ask which. A `writes` read before the claim
      // can only be older than the marker's, which keeps the marker one round longer.
      const owned =
        res.modifiedCount === ids.length
          ? free
          : await this.markers
              .find(
                { _id: { $in: ids }, lease: token },
                { projection: { _id: 1, writes: 1, attempts: 1, attemptsOf: 1 } },
              )
              .sort({ since: 1, _id: 1 })
              .toArray();
      if (owned.length === 0) return [];
      const docs = await this.courses
        .find({ _id: { $in: owned.map((m) => m._id) } }, { projection: { outbox: 1 } })
        .toArray();
      const outboxes = new Map(docs.map((d) => [d._id, d.outbox ?? []]));
      return owned.map((m) => {
        const events = (outboxes.get(m._id) ?? []).map((e) => toOutboxEvent(m._id, e));
        // Attempts are the head event's own: counted for another event, they do not carry over.
        const mine = m.attemptsOf === undefined || m.attemptsOf === events[0]?.id;
        return {
          courseId: m._id,
          events,
          attempts: mine ? (m.attempts ?? 0) : 0,
          lease: encodeLease({ token, writes: m.writes }),
        };
      });
    } catch (e) {
      throw storeError(e, "claim outbox");
    }
  }

  async renew(claims: OutboxClaim[], leaseMs: number): Promise<string[]> {
    if (claims.length === 0) return [];
    const { token } = decodeLease(claims[0]!.lease);
    const ids = claims.map((c) => c.courseId);
    const res = await this.markers.updateMany(
      { _id: { $in: ids }, lease: token },
      { $set: { leaseUntil: new Date(Date.now() + leaseMs) } },
    );
    if (res.matchedCount === ids.length) return [];
    const held = new Set(
      (await this.markers.find({ _id: { $in: ids }, lease: token }, { projection: { _id: 1 } }).toArray()).map(
        (m) => m._id,
      ),
    );
    return ids.filter((id) => !held.has(id));
  }

  async complete(claim: OutboxClaim, publishedIds: string[], failure?: OutboxFailure): Promise<boolean> {
    return (await this.completeAll([{ claim, publishedIds, ...(failure ? { failure } : {}) }])).length === 0;
  }

  /**
   * For every completion: pull the published events from the course, then delete its marker if
   * nothing is left and nothing was appended since the claim, else free it (counting a failure).
   * A handful of bulk round trips for the whole batch, whatever its size.
   */
  async completeAll(completions: OutboxCompletion[]): Promise<string[]> {
    if (completions.length === 0) return [];
    const { token } = decodeLease(completions[0]!.claim.lease);
    const ids = completions.map((c) => c.claim.courseId);
    try {
      // Fenced: a relay whose lease was taken over leaves the events to the new holder.
      const held = new Set(
        (await this.markers.find({ _id: { $in: ids }, lease: token }, { projection: { _id: 1 } }).toArray()).map(
          (m) => m._id,
        ),
      );
      const mine = completions.filter((c) => held.has(c.claim.courseId));
      const lost = ids.filter((id) => !held.has(id));
      if (mine.length === 0) return lost;
      const mineIds = mine.map((c) => c.claim.courseId);
      // Event ids are unique across courses: one update pulls every published event of the batch.
      const published = mine.flatMap((c) => c.publishedIds);
      if (published.length)
        await this.courses.updateMany({ _id: { $in: mineIds } }, { $pull: { outbox: { id: { $in: published } } } });
      const docs = new Map(
        (
          await this.courses
            .find({ _id: { $in: mineIds } }, { projection: { outbox: 1, deletedAt: 1, version: 1 } })
            .toArray()
        ).map((d) => [d._id, d]),
      );
      const emptied = mine.filter((c) => (docs.get(c.claim.courseId)?.outbox ?? []).length === 0);
      // A deleted course disappears once its last event (course.deleted) is out; the version
      // guard (an indexed {_id, version}) keeps it if anything touched it since.
      const tombstones = emptied.map((c) => docs.get(c.claim.courseId)).filter((d) => d?.deletedAt);
      if (tombstones.length)
        await this.courses.bulkWrite(
          tombstones.map((d) => ({ deleteOne: { filter: { _id: d!._id, version: d!.version } } })),
          { ordered: false },
        );
      if (emptied.length) {
        await this.markers.deleteMany({
          lease: token,
          $or: emptied.map((c) => ({ _id: c.claim.courseId, writes: decodeLease(c.claim.lease).writes })),
        });
      }
      // What is left holds events (or got new ones since the claim): free it for the next round.
      const left = new Set(
        (await this.markers.find({ _id: { $in: mineIds }, lease: token }, { projection: { _id: 1 } }).toArray()).map(
          (m) => m._id,
        ),
      );
      const frees = mine.filter((c) => left.has(c.claim.courseId));
      if (frees.length) {
        await this.markers.bulkWrite(
          frees.map(({ claim, failure }) => {
            const remaining = docs.get(claim.courseId)?.outbox ?? [];
            const freed = { owner: "", lease: "", leaseUntil: failure?.retryAt ?? FREE };
            const progress = remaining.length
              ? { since: new Date(remaining[0]!.occurredAt), events: remaining.length }
              : {};
            // A failure records the refused event's own count; a course none of whose events
            // was tried this round keeps its head event's count as it is.
            const update = failure
              ? {
                  $set: {
                    ...freed,
                    ...progress,
                    lastError: failure.reason,
                    attempts: failure.attempts,
                    attemptsOf: failure.eventId,
                  },
                }
              : { $set: { ...freed, ...progress } };
            return { updateOne: { filter: { _id: claim.courseId, lease: token }, update } };
          }),
          { ordered: false },
        );
      }
      return lost;
    } catch (e) {
      throw storeError(e, "mark outbox events published");
    }
  }

  async release(claim: OutboxClaim): Promise<void> {
    const { token } = decodeLease(claim.lease);
    await this.markers.updateOne(
      { _id: claim.courseId, lease: token },
      { $set: { owner: "", lease: "", leaseUntil: FREE } },
    );
  }

  async park(claim: OutboxClaim, event: OutboxEvent, reason: string): Promise<void> {
    const { token } = decodeLease(claim.lease);
    try {
      await this.parked.updateOne(
        { _id: event.id },
        {
          $setOnInsert: {
            courseId: claim.courseId,
            event: toOutboxEntry(event),
            reason,
            attempts: claim.attempts + 1,
            parkedAt: new Date(),
          },
        },
        { upsert: true },
      );
      await this.courses.updateOne({ _id: claim.courseId }, { $pull: { outbox: { id: event.id } } });
      await this.markers.updateOne(
        { _id: claim.courseId, lease: token },
        { $set: { attempts: 0 }, $unset: { lastError: "" } },
      );
    } catch (e) {
      throw storeError(e, "park outbox event");
    }
  }

  async backlog(now: Date): Promise<OutboxBacklog> {
    const [sum] = await this.markers
      .aggregate<{ events: number; courses: number; oldest: Date | null }>([
        { $group: { _id: null, events: { $sum: "$events" }, courses: { $sum: 1 }, oldest: { $min: "$since" } } },
      ])
      .toArray();
    const parked = await this.parked.countDocuments();
    const oldest = sum?.oldest ? new Date(sum.oldest).getTime() : now.getTime();
    return {
      events: sum?.events ?? 0,
      courses: sum?.courses ?? 0,
      oldestAgeMs: Math.max(0, now.getTime() - oldest),
      parked,
    };
  }

  async repairMarkers(): Promise<number> {
    // The one query that reads every course: run at start and on a slow timer, never per event.
    const pending = await this.courses.find({ "outbox.0": { $exists: true } }, { projection: { outbox: 1 } }).toArray();
    let repaired = 0;
    for (const doc of pending) {
      const outbox = doc.outbox!;
      const res = await this.markers.updateOne(
        { _id: doc._id },
        {
          $min: { since: new Date(outbox[0]!.occurredAt) },
          $setOnInsert: { events: outbox.length, writes: 0, owner: "", lease: "", leaseUntil: FREE, attempts: 0 },
        },
        { upsert: true },
      );
      repaired += res.upsertedCount;
    }
    return repaired;
  }

  async requeueParked(): Promise<number> {
    let requeued = 0;
    for (const p of await this.parked.find({}).sort({ parkedAt: 1 }).toArray()) {
      await this.putBack(p);
      await this.markerWriter.recordPending(p.courseId, new Date(p.event.occurredAt), 1);
      await this.parked.deleteOne({ _id: p._id });
      requeued++;
    }
    return requeued;
  }

  /** Ahead of the course's other pending events: it is older than they are. */
  private async putBack(p: ParkedEvent): Promise<void> {
    const push = { $push: { outbox: { $each: [p.event], $position: 0 } } };
    for (;;) {
      const course = await this.courses.findOne({ _id: p.courseId }, { projection: { deletedAt: 1, version: 1 } });
      if (!course) {
        // The course was deleted and its tombstone removed: a tombstone again, until the event is out.
        const tombstone = {
          slug: `~deleted~${p.courseId}`,
          title: "",
          status: "archived",
          version: 1,
          lessons: [],
          searchTokens: [],
          deletedAt: new Date(),
          enrollmentRev: 0,
        };
        await this.courses.updateOne({ _id: p.courseId }, { ...push, $setOnInsert: tombstone } as never, {
          upsert: true,
        });
        return;
      }
      if (!course.deletedAt) {
        await this.courses.updateOne({ _id: p.courseId }, push);
        return;
      }
      // A tombstone may be removed by a relay at its version: move the version on.
      const res = await this.courses.updateOne(
        { _id: p.courseId, version: course.version },
        { ...push, $inc: { version: 1 } },
      );
      if (res.matchedCount === 1) return;
    }
  }
}
