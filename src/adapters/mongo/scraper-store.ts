// The scraper's state in MongoDB: the import ledger (one record per source and external id), each
// source's conditional-GET validators and failure count, and the leases that let several scraper
// processes share the sources (won by an insert on the source's name: a unique key everywhere).
import { MongoLeases } from "./lease.ts";
import { createHash } from "node:crypto";
import type { Collection, Db } from "mongodb";
import type { ImportLedger, ImportRecord } from "../../app/imports.ts";
import type { ScraperStore, SourceState } from "../../app/scraper.ts";
import { storeError } from "./store-error.ts";

export const SCRAPER_ITEMS = "scraper_items";
export const SCRAPER_SOURCES = "scraper_sources";
export const SCRAPER_LEASES = "scraper_leases";

interface ItemDoc {
  _id: string;
  source: string;
  externalId: string;
  courseId: string;
  hash: string | null;
  updatedAt: Date;
}
interface SourceDoc extends SourceState {
  _id: string;
}

export class MongoImportLedger implements ImportLedger {
  private readonly items: Collection<ItemDoc>;
  constructor(db: Db) {
    this.items = db.collection<ItemDoc>(SCRAPER_ITEMS);
  }

  async get(source: string, externalId: string): Promise<ImportRecord | null> {
    try {
      const doc = await this.items.findOne({ _id: itemKey(source, externalId) });
      return doc ? { courseId: doc.courseId, hash: doc.hash } : null;
    } catch (e) {
      throw storeError(e, "read import record");
    }
  }

  async put(source: string, externalId: string, record: ImportRecord): Promise<void> {
    try {
      await this.items.updateOne(
        { _id: itemKey(source, externalId) },
        { $set: { source, externalId, courseId: record.courseId, hash: record.hash, updatedAt: new Date() } },
        { upsert: true },
      );
    } catch (e) {
      throw storeError(e, "write import record");
    }
  }
}

/** Ids of any length and content, as a fixed-size key. */
function itemKey(source: string, externalId: string): string {
  return createHash("sha256")
    .update(JSON.stringify([source, externalId]))
    .digest("hex");
}

export class MongoScraperStore implements ScraperStore {
  private readonly sources: Collection<SourceDoc>;
  private readonly leases: MongoLeases;
  constructor(db: Db) {
    this.sources = db.collection<SourceDoc>(SCRAPER_SOURCES);
    this.leases = new MongoLeases(db, SCRAPER_LEASES);
  }

  async acquire(source: string, owner: string, ttlMs: number, now: Date): Promise<boolean> {
    return this.leases.acquire(source, owner, ttlMs, now).catch((e) => {
      throw storeError(e, "acquire scraper lease");
    });
  }

  async renew(source: string, owner: string, ttlMs: number, now: Date): Promise<boolean> {
    return this.leases.renew(source, owner, ttlMs, now).catch((e) => {
      throw storeError(e, "renew scraper lease");
    });
  }

  async release(source: string, owner: string): Promise<void> {
    return this.leases.release(source, owner).catch((e) => {
      throw storeError(e, "release scraper lease");
    });
  }

  async state(source: string): Promise<SourceState> {
    try {
      const doc = await this.sources.findOne({ _id: source });
      if (!doc) return { failures: 0 };
      const { _id, ...state } = doc;
      return state;
    } catch (e) {
      throw storeError(e, "read scraper source state");
    }
  }

  async saveState(source: string, state: SourceState): Promise<void> {
    try {
      await this.sources.replaceOne({ _id: source }, state, { upsert: true });
    } catch (e) {
      throw storeError(e, "write scraper source state");
    }
  }
}
