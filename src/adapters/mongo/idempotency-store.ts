// Idempotency keys in MongoDB. mongo-java-server accepts TTL indexes but never expires anything
// (measured: a document past its TTL still there after 80 s), so expired keys are deleted by the
// housekeeping loop (expire()) and ignored on read. Guarded deletes by {_id, createdAt} and
// {_id, state} are served by unique indexes of those exact fields (migration 0004).
import type { Collection, Db, MongoServerError } from "mongodb";
import type { Claim, IdempotencyStore, StoredResponse } from "../../app/idempotency.ts";
import { storeError } from "./store-error.ts";
import { IDEMPOTENCY_KEYS } from "./migrations.ts";

interface KeyDocument {
  _id: string;
  fingerprint: string;
  state: "in_progress" | "done";
  response?: StoredResponse;
  createdAt: Date;
  expiresAt: Date;
}

export interface IdempotencyOptions {
  /** How long a completed key replays. */
  ttlMs: number;
  /** After this long an unfinished claim (a crashed request) can be taken over. */
  staleAfterMs: number;
}

export class MongoIdempotencyStore implements IdempotencyStore {
  private readonly col: Collection<KeyDocument>;

  constructor(
    db: Db,
    private readonly opts: IdempotencyOptions = { ttlMs: 24 * 3600_000, staleAfterMs: 60_000 },
  ) {
    this.col = db.collection<KeyDocument>(IDEMPOTENCY_KEYS);
  }

  async claim(key: string, fingerprint: string): Promise<Claim> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = new Date();
      try {
        await this.col.insertOne({
          _id: key,
          fingerprint,
          state: "in_progress",
          createdAt: now,
          expiresAt: new Date(now.getTime() + this.opts.ttlMs),
        });
        return { state: "new" };
      } catch (e) {
        if ((e as MongoServerError)?.code !== 11000) throw storeError(e, "claim idempotency key");
      }
      const existing = await this.col
        .findOne({ _id: key })
        .catch((e) => Promise.reject(storeError(e, "read idempotency key")));
      if (!existing) continue;
      const stale =
        existing.state === "in_progress" && now.getTime() - existing.createdAt.getTime() > this.opts.staleAfterMs;
      if (existing.expiresAt <= now || stale) {
        await this.col.deleteOne({ _id: key, createdAt: existing.createdAt });
        continue;
      }
      if (existing.fingerprint !== fingerprint) return { state: "mismatch" };
      if (existing.state === "done" && existing.response) return { state: "replay", response: existing.response };
      return { state: "in_progress" };
    }
    return { state: "in_progress" };
  }

  async complete(key: string, response: StoredResponse): Promise<void> {
    await this.col
      .updateOne({ _id: key }, { $set: { state: "done", response } })
      .catch((e) => Promise.reject(storeError(e, "store idempotent response")));
  }

  async release(key: string): Promise<void> {
    await this.col.deleteOne({ _id: key, state: "in_progress" });
  }

  async expire(now: Date): Promise<number> {
    const res = await this.col.deleteMany({ expiresAt: { $lte: now } });
    return res.deletedCount;
  }
}
