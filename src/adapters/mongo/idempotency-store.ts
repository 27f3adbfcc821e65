// Idempotency keys in MongoDB. mongo-java-server accepts TTL indexes but never expires anything
// (measured: a document past its TTL still there after 80 s), so expired keys are deleted by the
// housekeeping loop (expire()) and ignored on read. Guarded deletes by {_id, createdAt} and
// {_id, state} are served by unique indexes of those exact fields (migration 0004).
import type { Collection, Db } from "mongodb";
import type { Claim, IdempotencyStore, StoredResponse } from "../../app/idempotency.ts";
import { isDuplicateKey, storeError } from "./store-error.ts";
import { IDEMPOTENCY_KEYS } from "./migrations.ts";

interface KeyDocument {
  _id: string;
  fingerprint: string;
  /** The id the request creates its resource under, reserved with the claim. */
  resourceId?: string;
  state: "in_progress" | "done";
  response?: StoredResponse;
  createdAt: Date;
  expiresAt: Date;
}

export interface IdempotencyOptions {
  /** How long a completed key replays. */
  ttlMs: number;
  /**
   * After this long an unfinished claim (a crashed request, or one whose release failed) can be
   * taken over (api.idempotencyInProgressTimeout; at least http.requestTimeout).
   */
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

  async claim(key: string, fingerprint: string, resourceId?: string): Promise<Claim> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = new Date();
      try {
        await this.col.insertOne({
          _id: key,
          fingerprint,
          state: "in_progress",
          ...(resourceId ? { resourceId } : {}),
          createdAt: now,
          expiresAt: new Date(now.getTime() + this.opts.ttlMs),
        });
        return { state: "new", token: now.getTime(), ...(resourceId ? { resourceId } : {}) };
      } catch (e) {
        if (!isDuplicateKey(e)) throw storeError(e, "claim idempotency key");
      }
      const existing = await this.col
        .findOne({ _id: key })
        .catch((e) => Promise.reject(storeError(e, "read idempotency key")));
      if (!existing) continue;
      if (existing.expiresAt <= now) {
        await this.col
          .deleteOne({ _id: key, createdAt: existing.createdAt })
          .catch((e) => Promise.reject(storeError(e, "expire idempotency key")));
        continue;
      }
      if (existing.fingerprint !== fingerprint) return { state: "mismatch" };
      if (existing.state === "done" && existing.response) return { state: "replay", response: existing.response };
      const stale = now.getTime() - existing.createdAt.getTime() > this.opts.staleAfterMs;
      if (stale) {
        // Taken over with the id it reserved: a re-run creates under the same id, never twice.
        const res = await this.col
          .updateOne({ _id: key, createdAt: existing.createdAt }, { $set: { createdAt: now } })
          .catch((e) => Promise.reject(storeError(e, "take over idempotency key")));
        if (res.matchedCount === 1)
          return {
            state: "new",
            token: now.getTime(),
            ...(existing.resourceId ? { resourceId: existing.resourceId } : {}),
          };
        continue;
      }
      return { state: "in_progress", ...(existing.resourceId ? { resourceId: existing.resourceId } : {}) };
    }
    return { state: "in_progress" };
  }

  async complete(key: string, token: number, response: StoredResponse): Promise<boolean> {
    const res = await this.col
      .updateOne({ _id: key, createdAt: new Date(token) }, { $set: { state: "done", response } })
      .catch((e) => Promise.reject(storeError(e, "store idempotent response")));
    return res.matchedCount === 1;
  }

  async completeRecovered(key: string, response: StoredResponse): Promise<void> {
    await this.col
      .updateOne({ _id: key, state: "in_progress" }, { $set: { state: "done", response } })
      .catch((e) => Promise.reject(storeError(e, "store recovered idempotent response")));
  }

  async release(key: string, token: number): Promise<void> {
    await this.col
      .deleteOne({ _id: key, createdAt: new Date(token) })
      .catch((e) => Promise.reject(storeError(e, "release idempotency key")));
  }

  async expire(now: Date): Promise<number> {
    const res = await this.col.deleteMany({ expiresAt: { $lte: now } });
    return res.deletedCount;
  }
}
