// Versioned, declarative migrations for MongoDB and MongoDB wire-protocol stores.
//
// - Migrations are data (steps), applied in id order and recorded in `_migrations` with a
//   checksum of their steps; a start refuses to go on when an applied migration was edited.
// - A lease lock in `_migration_lock` makes concurrent starters (several replicas) apply each
//   migration exactly once: the others wait, then find it applied.
// - Every step is idempotent, and a migration is marked applied only after all its steps, so a
//   crash mid-migration is repaired by the next start (the lease expires, the steps run again).
// - Server differences are feature-detected (mongo-java-server has no collMod, so no
//   validators); what is skipped is logged.
import { createHash, randomUUID } from "node:crypto";
import type { CreateIndexesOptions, Db, Document, IndexSpecification, MongoServerError } from "mongodb";
import { wrap } from "../../../lib/xerrors/index.ts";
import { log } from "../../../lib/xlog/index.ts";
import { type Held, MongoLeases } from "./lease.ts";

export type MigrationStep =
  | { op: "createCollection"; collection: string }
  | {
      op: "createIndex";
      collection: string;
      keys: IndexSpecification;
      options: CreateIndexesOptions & { name: string };
    }
  | { op: "dropIndex"; collection: string; name: string }
  | { op: "updateMany"; collection: string; filter: Document; update: Document; upsert?: boolean }
  | { op: "validator"; collection: string; validator: Document };

export interface Migration {
  /** Sorts in apply order: "0001_course_indexes". */
  id: string;
  description: string;
  steps: MigrationStep[];
}

export interface ServerFeatures {
  /** "mongodb" when buildInfo looks like a MongoDB server's (it has a gitVersion). */
  server: "mongodb" | "mongodb-compatible";
  version: string;
  /** collMod with a $jsonSchema validator is available. */
  validators: boolean;
}

export interface MigrateOptions {
  /** Lease length; renewed after every step. */
  leaseMs?: number;
  /** How long to wait for another process's lease before giving up. */
  waitMs?: number;
  /** Identifies this process in the lock and the records. */
  owner?: string;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
  skippedSteps: string[];
}

const RECORDS = "_migrations";
const LOCK = "_migration_lock";
const LOCK_ID = "migrations";

export function checksum(m: Migration): string {
  return createHash("sha256")
    .update(JSON.stringify({ id: m.id, steps: m.steps }))
    .digest("hex");
}

export async function detectFeatures(db: Db): Promise<ServerFeatures> {
  const info = await db.admin().command({ buildInfo: 1 });
  let validators = true;
  try {
    // A no-op collMod: mongo-java-server answers CommandNotFound (59).
    await db.command({ collMod: RECORDS });
  } catch (e) {
    if ((e as MongoServerError)?.code !== 59) throw e;
    validators = false;
  }
  return {
    server: typeof info.gitVersion === "string" ? "mongodb" : "mongodb-compatible",
    version: String(info.version),
    validators,
  };
}

export class MigrationEditedError extends Error {}

interface MigrationRecord {
  _id: string;
  checksum: string;
  state: "running" | "applied";
  owner: string;
  runs: number;
  startedAt: Date;
  appliedAt?: Date;
  durationMs?: number;
}

async function ensureCollection(db: Db, name: string): Promise<void> {
  try {
    await db.createCollection(name);
  } catch (e) {
    // 48: NamespaceExists — another process (or an earlier run) created it.
    if ((e as MongoServerError)?.code !== 48) throw e;
  }
}

async function applyStep(
  db: Db,
  step: MigrationStep,
  features: ServerFeatures,
  skipped: string[],
  migrationId: string,
): Promise<void> {
  switch (step.op) {
    case "createCollection":
      return ensureCollection(db, step.collection);
    case "createIndex":
      await db.collection(step.collection).createIndex(step.keys, step.options);
      return;
    case "dropIndex":
      try {
        await db.collection(step.collection).dropIndex(step.name);
      } catch (e) {
        // 27: IndexNotFound — already dropped.
        if ((e as MongoServerError)?.code !== 27) throw e;
      }
      return;
    case "updateMany":
      await db.collection(step.collection).updateMany(step.filter, step.update, { upsert: step.upsert ?? false });
      return;
    case "validator":
      if (!features.validators) {
        const what = `${migrationId}: validator on ${step.collection} (${features.server} ${features.version} has no collMod, so no $jsonSchema validators)`;
        skipped.push(what);
        log().info(
          { migration: migrationId, collection: step.collection, server: features.server },
          "migration step skipped: validators unsupported",
        );
        return;
      }
      await db.command({ collMod: step.collection, validator: step.validator, validationLevel: "moderate" });
      return;
  }
}

/** Applies every pending migration, exactly once across concurrent callers. */
export async function migrate(db: Db, migrations: Migration[], opts: MigrateOptions = {}): Promise<MigrateResult> {
  const ordered = [...migrations].sort((a, b) => a.id.localeCompare(b.id));
  const ids = new Set(ordered.map((m) => m.id));
  if (ids.size !== ordered.length) throw new Error("two migrations share an id");
  const leaseMs = opts.leaseMs ?? 30_000;
  const owner = opts.owner ?? `${process.pid}-${randomUUID()}`;
  await ensureCollection(db, RECORDS);
  await ensureCollection(db, LOCK);
  const lock = new MongoLeases(db, LOCK);
  const takeover = (previous: Held) =>
    log().warn(
      { previousOwner: previous.owner, expiredAt: previous.expiresAt },
      "taking over an expired migration lock",
    );

  const deadline = Date.now() + (opts.waitMs ?? 120_000);
  while (!(await lock.acquire(LOCK_ID, owner, leaseMs, new Date(), takeover))) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for the migration lock held by another process (lock collection ${LOCK})`);
    await Bun.sleep(250 + Math.random() * 250);
  }
  const result: MigrateResult = { applied: [], alreadyApplied: [], skippedSteps: [] };
  try {
    const features = await detectFeatures(db);
    const records = db.collection<MigrationRecord>(RECORDS);
    const done = new Map((await records.find({}).toArray()).map((r) => [r._id, r]));

    for (const m of ordered) {
      const r = done.get(m.id);
      if (r?.state === "applied" && r.checksum !== checksum(m)) {
        throw new MigrationEditedError(
          `migration ${m.id} was edited after it was applied (stored checksum ${r.checksum.slice(0, 12)}…, code ${checksum(m).slice(0, 12)}…); add a new migration instead`,
        );
      }
    }
    const unknown = [...done.keys()].filter((id) => !ids.has(id));
    if (unknown.length)
      log().warn(
        { migrations: unknown },
        "the database has migrations this build does not know (a newer version ran here)",
      );

    for (const m of ordered) {
      const r = done.get(m.id);
      if (r?.state === "applied") {
        result.alreadyApplied.push(m.id);
        continue;
      }
      if (r?.state === "running")
        log().warn(
          { migration: m.id, previousOwner: r.owner },
          "resuming a migration that did not finish (its steps are idempotent)",
        );
      const t0 = Date.now();
      await records.updateOne(
        { _id: m.id },
        {
          $set: { state: "running", owner, checksum: checksum(m), startedAt: new Date() },
          $inc: { runs: 1 },
        },
        { upsert: true },
      );
      for (const step of m.steps) {
        await applyStep(db, step, features, result.skippedSteps, m.id);
        if (!(await lock.renew(LOCK_ID, owner, leaseMs, new Date())))
          throw new Error("migration lease lost to another process (a step took longer than the lease)");
      }
      await records.updateOne(
        { _id: m.id },
        { $set: { state: "applied", appliedAt: new Date(), durationMs: Date.now() - t0 } },
      );
      result.applied.push(m.id);
      log().info({ migration: m.id, description: m.description, ms: Date.now() - t0 }, "migration applied");
    }
    return result;
  } catch (e) {
    if (e instanceof MigrationEditedError) throw e;
    throw wrap(e, "apply migrations");
  } finally {
    await lock.release(LOCK_ID, owner).catch(() => {});
  }
}
