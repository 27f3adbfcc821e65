// Named leases in a collection: one document per name (`_id`), held by an owner until `expiresAt`.
// Only inserts on the unique `_id` decide who wins (mongo-java-server indexes unique keys, a real
// MongoDB too); an expired lease is taken over by deleting exactly that document (owner and
// expiry in the filter) and inserting again, so two takers of one expired lease cannot both win.
// Used by the migrator (one lock for every starter) and the scraper (one lease per source).
import type { Collection, Db } from "mongodb";
import { isDuplicateKey } from "./store-error.ts";

export interface LeaseDoc {
  _id: string;
  owner: string;
  expiresAt: Date;
}

export interface Held {
  owner: string;
  expiresAt: Date;
}

export class MongoLeases {
  private readonly col: Collection<LeaseDoc>;
  constructor(db: Db, collection: string) {
    this.col = db.collection<LeaseDoc>(collection);
  }

  /**
   * Takes the lease `name` for `ttlMs` when it is free or expired (`onTakeover` hears of the
   * expired holder); false while anyone holds it, `owner` included (a lease is not re-entrant).
   */
  async acquire(
    name: string,
    owner: string,
    ttlMs: number,
    now: Date,
    onTakeover?: (previous: Held) => void,
  ): Promise<boolean> {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await this.col.insertOne({ _id: name, owner, expiresAt: new Date(now.getTime() + ttlMs) });
        return true;
      } catch (e) {
        if (!isDuplicateKey(e)) throw e;
      }
      const held = await this.col.findOne({ _id: name });
      if (!held) continue;
      if (held.expiresAt > now) return false;
      onTakeover?.({ owner: held.owner, expiresAt: held.expiresAt });
      await this.col.deleteOne({ _id: name, owner: held.owner, expiresAt: held.expiresAt });
    }
    return false;
  }

  /** Extends the lease while `owner` holds it; false once someone else does (or nobody). */
  async renew(name: string, owner: string, ttlMs: number, now: Date): Promise<boolean> {
    const res = await this.col.updateOne(
      { _id: name, owner },
      { $set: { expiresAt: new Date(now.getTime() + ttlMs) } },
    );
    return res.matchedCount === 1;
  }

  /** Gives the lease up, if `owner` still holds it. */
  async release(name: string, owner: string): Promise<void> {
    await this.col.deleteOne({ _id: name, owner });
  }
}
