// The documented promise — a same-key retry gets the original answer — across store faults, on
// the real store: the idempotency record and the course cannot disagree, whichever write fails.
// Faults are injected where the adapters call the real store (the failing call never reaches it).
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { type Db, MongoClient } from "mongodb";
import { AppError } from "../../lib/xerrors/index.ts";
import { type CreatedResource, fingerprint, idempotent } from "../../src/adapters/http/idempotency.ts";
import { MongoCourseRepository } from "../../src/adapters/mongo/course-repository.ts";
import { MongoIdempotencyStore } from "../../src/adapters/mongo/idempotency-store.ts";
import { migrate } from "../../src/adapters/mongo/migrate.ts";
import { MIGRATIONS } from "../../src/adapters/mongo/migrations.ts";
import { OutboxMarkers } from "../../src/adapters/mongo/outbox-store.ts";
import * as uc from "../../src/app/courses.ts";
import type { IdempotencyStore } from "../../src/app/idempotency.ts";
import { stack, uniqueName } from "../support/stack.ts";

let client: MongoClient;
let db: Db;
beforeAll(async () => {
  client = new MongoClient((await stack()).mongoUrl);
  db = client.db(uniqueName("it_idem").replaceAll("-", "_"));
  await migrate(db, MIGRATIONS);
});
afterAll(async () => {
  await db.dropDatabase().catch(() => {});
  await client.close();
});

const down = () => AppError.unavailable("The course store is unavailable; retry later.", { code: "store_unavailable" });

function setup(store: IdempotencyStore = new MongoIdempotencyStore(db)) {
  const repo = new MongoCourseRepository(db, new OutboxMarkers(db), { outboxMaxEvents: 1000 });
  const d = { courses: repo, clock: { now: () => new Date() }, ids: { next: () => Bun.randomUUIDv7() } };
  const resource: CreatedResource = {
    newId: () => d.ids.next(),
    recover: async (id) => {
      const c = await repo.findById(id);
      return c ? Response.json({ id: c.id }, { status: 201 }) : undefined;
    },
  };
  const title = `Idempotent ${uniqueName("t")}`;
  const body = { title, language: "en", level: "beginner", instructor: { id: "i", name: "I" } } as const;
  const create = (key: string, fault?: () => void) =>
    idempotent(
      store,
      key,
      { method: "POST", path: "/v1/courses", body },
      async (id) => {
        const c = await uc.createCourse(d, { ...body, ...(id ? { id } : {}) });
        fault?.();
        return Response.json({ id: c.id }, { status: 201 });
      },
      resource,
    );
  const stored = () => db.collection("courses").find({ title }).toArray();
  return { create, stored, body };
}

describe("Idempotency-Key across store faults", () => {
  it("the insert committed but its answer was lost (the store went down): a retry answers with that course, none is created twice", async () => {
    const { create, stored } = setup();
    const key = `key-${crypto.randomUUID()}`;
    const first = await create(key, () => {
      throw down();
    }).catch((e) => e);
    // The course exists, so the request did what it was asked: its answer is the course.
    expect(first).toBeInstanceOf(Response);
    expect((first as Response).status).toBe(201);
    const retry = await create(key);
    expect(retry.status).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    const docs = await stored();
    expect(docs).toHaveLength(1);
    expect(((await retry.json()) as { id: string }).id).toBe(docs[0]!._id as unknown as string);
  });

  it("storing the response failed after the insert: the client still gets 201, and a retry replays the same course", async () => {
    const real = new MongoIdempotencyStore(db);
    const failing: IdempotencyStore = {
      claim: (...a) => real.claim(...a),
      complete: async () => {
        throw down();
      },
      completeRecovered: (...a) => real.completeRecovered(...a),
      release: (...a) => real.release(...a),
      expire: (...a) => real.expire(...a),
    };
    const { create, stored } = setup(failing);
    const key = `key-${crypto.randomUUID()}`;
    const first = await create(key);
    expect(first.status).toBe(201);
    const id = ((await first.json()) as { id: string }).id;
    const retry = await create(key);
    expect(retry.status).toBe(201);
    expect(((await retry.json()) as { id: string }).id).toBe(id);
    expect(await stored()).toHaveLength(1);
  });

  it("a crash before the insert: in progress (409 with Retry-After) until its window, then the retry creates under the reserved id", async () => {
    const store = new MongoIdempotencyStore(db, { ttlMs: 60_000, staleAfterMs: 300 });
    const { create, stored, body } = setup(store);
    const key = `key-${crypto.randomUUID()}`;
    // The first request claimed the key, reserving its id, then its process died before inserting.
    const crashed = await store.claim(
      `POST /v1/courses ${key}`,
      fingerprint("POST", "/v1/courses", body),
      "reserved-id",
    );
    expect(crashed.state).toBe("new");
    const busy = (await create(key).catch((e) => e)) as AppError;
    expect(busy).toBeInstanceOf(AppError);
    expect(busy.kind).toBe("conflict");
    expect(busy.code).toBe("idempotency_key_in_use");
    expect(busy.retryAfterSeconds).toBe(1);
    expect(await stored()).toHaveLength(0);
    await Bun.sleep(350);
    const retry = await create(key);
    expect(retry.status).toBe(201);
    expect(((await retry.json()) as { id: string }).id).toBe("reserved-id");
    expect(await stored()).toHaveLength(1);
  });

  it("the same key with another body is a 409 of its own code", async () => {
    const { create } = setup();
    const key = `key-${crypto.randomUUID()}`;
    expect((await create(key)).status).toBe(201);
    const other = setup();
    const reused = (await other.create(key).catch((e) => e)) as AppError;
    expect(reused.code).toBe("idempotency_key_reused");
  });
});
