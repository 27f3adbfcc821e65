// The migration runner against the real store.
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { join } from "node:path";
import { type Db, MongoClient } from "mongodb";
import { captureLogs } from "../../lib/xlog/index.ts";
import { checksum, detectFeatures, migrate, MigrationEditedError } from "../../src/adapters/mongo/migrate.ts";
import { MIGRATIONS } from "../../src/adapters/mongo/migrations.ts";
import { stack, uniqueName } from "../support/stack.ts";
import { testMigrations } from "./fixtures/migrate-child.ts";

let client: MongoClient;
const dbs: Db[] = [];
function freshDb(): Db {
  const db = client.db(uniqueName("it_mig").replaceAll("-", "_"));
  dbs.push(db);
  return db;
}

beforeAll(async () => {
  client = new MongoClient((await stack()).mongoUrl);
});
afterAll(async () => {
  for (const db of dbs) await db.dropDatabase().catch(() => {});
  await client.close();
});

describe("migrations", () => {
  it("apply the service's migrations once, creating every index, and are a no-op the second time", async () => {
    const db = freshDb();
    const cap = captureLogs();
    const first = await cap.run(() => migrate(db, MIGRATIONS));
    expect(first.applied).toEqual(MIGRATIONS.map((m) => m.id));
    const names = (await db.collection("courses").indexes()).map((i) => i.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "slug_unique",
        "created",
        "title",
        "status_created",
        "tags",
        "search_tokens",
        "instructor",
        "id_version",
        "id_enrollment_rev",
      ]),
    );
    expect(names).not.toContain("outbox_pending");
    expect((await db.collection("outbox_pending").indexes()).map((i) => i.name)).toContain("since");
    const features = await detectFeatures(db);
    if (!features.validators) {
      expect(first.skippedSteps).toEqual([expect.stringContaining("0001_courses: validator on courses")]);
      expect(cap.find("migration step skipped: validators unsupported")).toBeDefined();
    } else {
      expect(first.skippedSteps).toEqual([]);
    }
    const second = await migrate(db, MIGRATIONS);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(MIGRATIONS.map((m) => m.id));
  });

  it("refuses to run when an applied migration was edited", async () => {
    const db = freshDb();
    const original = testMigrations(0);
    await migrate(db, original);
    const edited = structuredClone(original);
    edited[1]!.steps[0] = {
      op: "createIndex",
      collection: "markers",
      keys: { applied: -1 },
      options: { name: "applied" },
    };
    expect(checksum(edited[1]!)).not.toBe(checksum(original[1]!));
    const err = await migrate(db, edited).catch((e) => e);
    expect(err).toBeInstanceOf(MigrationEditedError);
    expect(String(err.message)).toContain("0002_index was edited after it was applied");
  });

  for (const staleLock of [false, true])
    it(`applies each migration exactly once when two processes start at the same time${staleLock ? ", over an expired lock" : ""}`, async () => {
      const db = freshDb();
      if (staleLock)
        await db
          .collection<{ _id: string }>("_migration_lock")
          .insertOne({ _id: "migrations", owner: "crashed", expiresAt: new Date(Date.now() - 1000) } as never);
      const mongoUrl = (await stack()).mongoUrl;
      const run = () =>
        Bun.spawn(["bun", join(import.meta.dir, "fixtures/migrate-child.ts"), db.databaseName, "300"], {
          env: { ...process.env, MONGO_URL: mongoUrl },
          stdout: "pipe",
          stderr: "pipe",
        });
      const [a, b] = [run(), run()];
      const [codeA, codeB] = await Promise.all([a.exited, b.exited]);
      const [outA, outB] = await Promise.all([new Response(a.stdout).text(), new Response(b.stdout).text()]);
      const errs = await Promise.all([new Response(a.stderr).text(), new Response(b.stderr).text()]);
      expect([codeA, codeB, errs]).toEqual([0, 0, ["", ""]]);
      const lastLine = (s: string) => s.trim().split("\n").at(-1)!;
      const results = [JSON.parse(lastLine(outA)), JSON.parse(lastLine(outB))];
      // Between them they applied all three, and no migration twice.
      expect([...results[0].applied, ...results[1].applied].sort()).toEqual([
        "0001_marker",
        "0002_index",
        "0003_many_steps",
      ]);
      expect((await db.collection<{ _id: string; applied: number }>("markers").findOne({ _id: "m1" }))?.applied).toBe(
        1,
      );
      const records = await db
        .collection<{ _id: string; runs: number; state: string }>("_migrations")
        .find({})
        .toArray();
      expect(records.map((r) => [r._id, r.runs, r.state])).toEqual([
        ["0001_marker", 1, "applied"],
        ["0002_index", 1, "applied"],
        ["0003_many_steps", 1, "applied"],
      ]);
    });

  it("finishes a migration that a crashed process left running, once its lease expired", async () => {
    const db = freshDb();
    const ms = testMigrations(0);
    // What a crash mid-migration leaves behind: a running record and a lock nobody renews.
    await db.collection<{ _id: string }>("_migrations").insertOne({
      _id: "0001_marker",
      checksum: checksum(ms[0]!),
      state: "running",
      owner: "dead",
      runs: 1,
      startedAt: new Date(),
    } as never);
    await db
      .collection<{ _id: string }>("_migration_lock")
      .insertOne({ _id: "migrations", owner: "dead", expiresAt: new Date(Date.now() + 1500) } as never);
    const t0 = Date.now();
    const result = await migrate(db, ms, { waitMs: 10_000 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    expect(result.applied).toEqual(["0001_marker", "0002_index", "0003_many_steps"]);
    const rec = await db
      .collection<{ _id: string; runs: number; state: string }>("_migrations")
      .findOne({ _id: "0001_marker" });
    expect(rec).toMatchObject({ state: "applied", runs: 2 });
    expect(await db.collection("_migration_lock").countDocuments()).toBe(0);
  });
});

describe("the service and migrations", () => {
  it("refuses to start when a shipped migration was edited", async () => {
    const { serviceEnv, startService } = await import("../support/service.ts");
    const db = freshDb();
    await migrate(db, MIGRATIONS);
    await db
      .collection<{ _id: string }>("_migrations")
      .updateOne({ _id: "0001_courses" }, { $set: { checksum: "0".repeat(64) } });
    const err = await startService(
      serviceEnv(await stack(), {
        COURSES_MONGO_DATABASE: db.databaseName,
        COURSES_TELEMETRY_TRACING_ENABLED: "false",
      }),
    ).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).toContain("exited with 1");
    expect(err?.message).toContain("migration 0001_courses was edited after it was applied");
  });

  it("applies pending migrations at start before it reports ready", async () => {
    const { serviceEnv, startService } = await import("../support/service.ts");
    const db = freshDb();
    const svc = await startService(
      serviceEnv(await stack(), {
        COURSES_MONGO_DATABASE: db.databaseName,
        COURSES_TELEMETRY_TRACING_ENABLED: "false",
      }),
    );
    try {
      expect((await fetch(`${svc.url}/readyz`)).status).toBe(200);
      const applied = await db
        .collection<{ _id: string; state: string }>("_migrations")
        .find({ state: "applied" })
        .toArray();
      expect(applied.map((r) => r._id).sort()).toEqual(MIGRATIONS.map((m) => m.id));
    } finally {
      await svc.stop();
    }
  });
});
