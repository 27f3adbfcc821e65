// API v1 end to end: the real service (its own process) on the real store, driven through the
// TypeScript client generated from docs/openapi.json.
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { MongoClient } from "mongodb";
import createClient from "openapi-fetch";
import type { components, paths } from "../client/schema.ts";
import { serviceEnv, startService, testToken, withAuth, type RunningService } from "../support/service.ts";
import { contractErrors } from "../support/contract.ts";
import { stack, uniqueName } from "../support/stack.ts";

type Course = components["schemas"]["Course"];
type Problem = components["schemas"]["Problem"];

let svc: RunningService;
let api: ReturnType<typeof createClient<paths>>;
let bearer: string;
const database = uniqueName("it_api").replaceAll("-", "_");

beforeAll(async () => {
  const s = await stack();
  svc = await startService(
    withAuth(
      serviceEnv(s, {
        COURSES_MONGO_DATABASE: database,
        COURSES_TELEMETRY_TRACING_ENABLED: "false",
        COURSES_HTTP_BODY_LIMIT: "65536",
      }),
    ),
  );
  // The API's own contract runs with authentication on, as a client with both scopes.
  bearer = `Bearer ${await testToken()}`;
  api = createClient<paths>({ baseUrl: svc.url, headers: { authorization: bearer } });
});
afterAll(async () => {
  await svc?.stop();
  const client = new MongoClient((await stack()).mongoUrl);
  await client
    .db(database)
    .dropDatabase()
    .catch(() => {});
  await client.close();
});

const instructor = { id: "inst-1", name: "Ada Lovelace" };
let seq = 0;
async function create(over: Partial<components["schemas"]["CourseCreate"]> = {}): Promise<Course> {
  const { data, error, response } = await api.POST("/v1/courses", {
    body: {
      title: `Course ${++seq} ${uniqueName("t")}`,
      language: "en",
      level: "beginner",
      instructor,
      summary: "S",
      description: "D",
      ...over,
    },
  });
  if (!data) throw new Error(`create failed: ${response.status} ${JSON.stringify(error)}`);
  return data;
}
const ifMatch = (c: { version: number }) => ({ "If-Match": `"${c.version}"` });

function expectProblem(error: unknown, response: Response, status: number): Problem {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  const p = error as Problem;
  expect(p.status).toBe(status);
  expect(p.type).toStartWith("/problems/");
  expect(p.title).toBeTruthy();
  return p;
}

describe("creating and reading", () => {
  it("creates a draft: 201 with Location, ETag and the normalised course", async () => {
    const { data, response } = await api.POST("/v1/courses", {
      body: {
        title: "  Intro to   Bun ",
        language: "en-us",
        level: "beginner",
        instructor,
        tags: ["Bun", "bun", "TS"],
        price: { amount: 4900, currency: "EUR" },
      },
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("location")).toBe(`/v1/courses/${data!.id}`);
    expect(response.headers.get("etag")).toBe('"1"');
    expect(data).toMatchObject({
      title: "Intro to Bun",
      slug: "intro-to-bun",
      language: "en-US",
      tags: ["bun", "ts"],
      status: "draft",
      version: 1,
      lessons: [],
      totalDurationMinutes: 0,
      enrollmentCount: 0,
      source: { kind: "manual" },
      publishedAt: null,
    });
    expect(data!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    expect(contractErrors("#/components/schemas/Course", data)).toEqual([]);
  });

  it("gets by id and by slug, and answers 304 to a fresh If-None-Match", async () => {
    const c = await create();
    const byId = await api.GET("/v1/courses/{id}", { params: { path: { id: c.id } } });
    expect(byId.data).toEqual(c);
    expect(byId.response.headers.get("etag")).toBe('"1"');
    const bySlug = await api.GET("/v1/courses/by-slug/{slug}", { params: { path: { slug: c.slug } } });
    expect(bySlug.data!.id).toBe(c.id);
    const cached = await fetch(`${svc.url}/v1/courses/${c.id}`, { headers: { "If-None-Match": '"1"' } });
    expect(cached.status).toBe(304);
    expect(await cached.text()).toBe("");
    const stale = await fetch(`${svc.url}/v1/courses/${c.id}`, { headers: { "If-None-Match": '"0"' } });
    expect(stale.status).toBe(200);
    const cachedSlug = await fetch(`${svc.url}/v1/courses/by-slug/${c.slug}`, {
      headers: { "If-None-Match": 'W/"1"' },
    });
    expect(cachedSlug.status).toBe(304);
  });

  it("answers 404 problem for an unknown course, slug or route", async () => {
    const a = await api.GET("/v1/courses/{id}", { params: { path: { id: "01900000-0000-7000-8000-000000000000" } } });
    expectProblem(a.error, a.response, 404);
    const b = await api.GET("/v1/courses/by-slug/{slug}", { params: { path: { slug: "no-such-slug" } } });
    expectProblem(b.error, b.response, 404);
    const c = await fetch(`${svc.url}/v2/nothing`);
    expect(c.status).toBe(404);
    expect(c.headers.get("content-type")).toBe("application/problem+json");
  });
});

describe("bad input is a 400/413/415 problem and changes nothing", () => {
  it("validation errors list each field without echoing schemas or values", async () => {
    const { error, response } = await api.POST("/v1/courses", {
      body: {
        title: "x",
        language: "english!",
        level: "expert" as never,
        instructor: { id: "", name: "n" },
        price: { amount: -1, currency: "eu" },
      },
    });
    const p = expectProblem(error, response, 400);
    expect(p.errors!.length).toBeGreaterThan(0);
    const body = JSON.stringify(p);
    expect(body).not.toContain("expert");
    expect(body).not.toContain('"schema"');
  });

  it("domain rules are reported per field too", async () => {
    const { error, response } = await api.POST("/v1/courses", {
      body: { title: "ok title", language: "english!", level: "beginner", instructor },
    });
    const p = expectProblem(error, response, 400);
    expect(p.errors).toEqual([
      { field: "/language", message: "must be a BCP 47 language tag such as en, en-US or pt-BR", code: "invalid" },
    ]);
  });

  it("malformed JSON, a wrong content type and an oversized body", async () => {
    const before = (await api.GET("/v1/courses", { params: { query: { limit: 100 } } })).data!.items.length;
    const malformed = await fetch(`${svc.url}/v1/courses`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: bearer },
      body: '{"title": "broken',
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as Problem).detail).toBe("The request body is not valid JSON.");
    const text = await fetch(`${svc.url}/v1/courses`, {
      method: "POST",
      headers: { "content-type": "text/plain", authorization: bearer },
      body: "title=x",
    });
    expect(text.status).toBe(415);
    expect(text.headers.get("content-type")).toBe("application/problem+json");
    const big = await fetch(`${svc.url}/v1/courses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        title: "big",
        description: "x".repeat(70_000),
        language: "en",
        level: "beginner",
        instructor,
      }),
    });
    expect(big.status).toBe(413);
    expect(big.headers.get("content-type")).toBe("application/problem+json");
    // Far over the limit (Bun's own limit would answer with a bare 413), and chunked with no length.
    const huge = await fetch(`${svc.url}/v1/courses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "a".repeat(300_000),
    });
    expect(huge.status).toBe(413);
    expect(huge.headers.get("content-type")).toBe("application/problem+json");
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode("b".repeat(10_000)));
        controller.close();
      },
    });
    const chunked = await fetch(`${svc.url}/v1/courses`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: bearer },
      body: chunks,
    });
    expect(chunked.status).toBe(413);
    expect(chunked.headers.get("content-type")).toBe("application/problem+json");
    const unknownField = await fetch(`${svc.url}/v1/courses`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: bearer },
      body: JSON.stringify({ title: "Unknown field", language: "en", level: "beginner", instructor, colour: "red" }),
    });
    expect(unknownField.status).toBe(400);
    const after = (await api.GET("/v1/courses", { params: { query: { limit: 100 } } })).data!.items.length;
    expect(after).toBe(before);
  });

  it("bad query parameters", async () => {
    const limit = await fetch(`${svc.url}/v1/courses?limit=500`);
    expect(limit.status).toBe(400);
    const sort = await fetch(`${svc.url}/v1/courses?sort=colour`);
    expect(sort.status).toBe(400);
    const cursor = await fetch(`${svc.url}/v1/courses?cursor=forged`);
    expect(cursor.status).toBe(400);
    expect(cursor.headers.get("content-type")).toBe("application/problem+json");
  });

  it("a taken slug is a 409", async () => {
    const c = await create();
    const { error, response } = await api.POST("/v1/courses", {
      body: { title: "Other title", slug: c.slug, language: "en", level: "beginner", instructor },
    });
    expect(expectProblem(error, response, 409).errors).toEqual([
      { field: "/slug", message: "is already taken", code: "taken" },
    ]);
  });
});

describe("Idempotency-Key", () => {
  it("replays the first response for the same key and body, without creating twice", async () => {
    const key = crypto.randomUUID();
    const body = { title: `Idem ${key}`, language: "en", level: "beginner" as const, instructor };
    const first = await api.POST("/v1/courses", { body, params: { header: { "Idempotency-Key": key } } });
    const second = await api.POST("/v1/courses", {
      body: { ...body, instructor: { name: instructor.name, id: instructor.id } },
      params: { header: { "Idempotency-Key": key } },
    });
    expect(first.response.status).toBe(201);
    expect(second.response.status).toBe(201);
    expect(second.data).toEqual(first.data!);
    expect(second.response.headers.get("idempotent-replayed")).toBe("true");
    expect(second.response.headers.get("location")).toBe(first.response.headers.get("location"));
    const list = await api.GET("/v1/courses", { params: { query: { q: key.split("-")[0] } } });
    expect(list.data!.items.filter((c) => c.title === body.title)).toHaveLength(1);
  });

  it("refuses the same key with a different body (409) and does not store failures", async () => {
    const key = crypto.randomUUID();
    const bad = await api.POST("/v1/courses", {
      body: { title: "x", language: "en", level: "beginner", instructor },
      params: { header: { "Idempotency-Key": key } },
    });
    expect(bad.response.status).toBe(400);
    const good = await api.POST("/v1/courses", {
      body: { title: `Idem good ${key}`, language: "en", level: "beginner", instructor },
      params: { header: { "Idempotency-Key": key } },
    });
    expect(good.response.status).toBe(201);
    const other = await api.POST("/v1/courses", {
      body: { title: `Idem other ${key}`, language: "en", level: "beginner", instructor },
      params: { header: { "Idempotency-Key": key } },
    });
    expect(expectProblem(other.error, other.response, 409).detail).toContain("different request body");
    const tooShort = await api.POST("/v1/courses", {
      body: { title: "Short key", language: "en", level: "beginner", instructor },
      params: { header: { "Idempotency-Key": "abc" } },
    });
    expectProblem(tooShort.error, tooShort.response, 400);
  });
});

describe("changing a course", () => {
  it("applies a merge patch with If-Match and refuses a stale one with 412", async () => {
    const c = await create({ price: { amount: 100, currency: "USD" }, tags: ["a"] });
    const patched = await api.PATCH("/v1/courses/{id}", {
      params: { path: { id: c.id }, header: ifMatch(c) as never },
      body: { title: "Patched title", price: null, tags: null },
    });
    expect(patched.response.status).toBe(200);
    expect(patched.data).toMatchObject({ title: "Patched title", price: null, tags: [], version: 2, summary: "S" });
    expect(patched.response.headers.get("etag")).toBe('"2"');
    const stale = await api.PATCH("/v1/courses/{id}", {
      params: { path: { id: c.id }, header: ifMatch(c) as never },
      body: { summary: "late" },
    });
    expectProblem(stale.error, stale.response, 412);
    expect((await api.GET("/v1/courses/{id}", { params: { path: { id: c.id } } })).data!.summary).toBe("S");
    const garbage = await fetch(`${svc.url}/v1/courses/${c.id}`, {
      method: "PATCH",
      headers: { "content-type": "application/merge-patch+json", "if-match": "not-an-etag", authorization: bearer },
      body: "{}",
    });
    expect(garbage.status).toBe(412);
    const merge = await fetch(`${svc.url}/v1/courses/${c.id}`, {
      method: "PATCH",
      headers: { "content-type": "application/merge-patch+json", authorization: bearer },
      body: JSON.stringify({ summary: "via merge-patch" }),
    });
    expect(merge.status).toBe(200);
    expect(((await merge.json()) as Course).summary).toBe("via merge-patch");
  });

  it("refuses to remove a required field with a merge patch", async () => {
    const c = await create();
    const res = await fetch(`${svc.url}/v1/courses/${c.id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json", authorization: bearer },
      body: JSON.stringify({ title: null }),
    });
    expect(res.status).toBe(400);
  });

  it("PATCH of an unknown course is 404", async () => {
    const r = await api.PATCH("/v1/courses/{id}", { params: { path: { id: "missing" } }, body: { summary: "x" } });
    expectProblem(r.error, r.response, 404);
  });
});

describe("lifecycle", () => {
  it("publish needs a lesson; then archive, unarchive; illegal transitions are 409", async () => {
    const c = await create();
    const early = await api.POST("/v1/courses/{id}/publish", { params: { path: { id: c.id } } });
    const incomplete = expectProblem(early.error, early.response, 409);
    expect(incomplete.code).toBe("incomplete");
    expect(incomplete.errors!.map((e) => e.field)).toEqual(["/lessons"]);
    const withLesson = await api.POST("/v1/courses/{id}/lessons", {
      params: { path: { id: c.id } },
      body: { title: "Setup", durationMinutes: 15 },
    });
    expect(withLesson.response.status).toBe(201);
    expect(withLesson.response.headers.get("location")).toBe(
      `/v1/courses/${c.id}/lessons/${withLesson.data!.lessons[0]!.id}`,
    );
    const published = await api.POST("/v1/courses/{id}/publish", {
      params: { path: { id: c.id }, header: ifMatch(withLesson.data!) as never },
    });
    expect(published.data).toMatchObject({ status: "published", version: 3 });
    expect(published.data!.publishedAt).not.toBeNull();
    const again = await api.POST("/v1/courses/{id}/publish", { params: { path: { id: c.id } } });
    expect(expectProblem(again.error, again.response, 409).detail).toBe("Cannot publish a course that is published.");
    const slug = await api.PATCH("/v1/courses/{id}", { params: { path: { id: c.id } }, body: { slug: "new-slug" } });
    expectProblem(slug.error, slug.response, 409);
    const del = await api.DELETE("/v1/courses/{id}", { params: { path: { id: c.id } } });
    expectProblem(del.error, del.response, 409);
    const archived = await api.POST("/v1/courses/{id}/archive", { params: { path: { id: c.id } } });
    expect(archived.data!.status).toBe("archived");
    const readOnly = await api.PATCH("/v1/courses/{id}", { params: { path: { id: c.id } }, body: { summary: "x" } });
    expectProblem(readOnly.error, readOnly.response, 409);
    const unarchived = await api.POST("/v1/courses/{id}/unarchive", { params: { path: { id: c.id } } });
    expect(unarchived.data).toMatchObject({ status: "draft", archivedAt: null });
    const stale = await api.POST("/v1/courses/{id}/archive", {
      params: { path: { id: c.id }, header: ifMatch(c) as never },
    });
    expectProblem(stale.error, stale.response, 412);
  });

  it("deletes a draft (204), honours If-Match, and it is gone", async () => {
    const c = await create();
    const stale = await api.DELETE("/v1/courses/{id}", {
      params: { path: { id: c.id }, header: { "If-Match": '"7"' } as never },
    });
    expectProblem(stale.error, stale.response, 412);
    const ok = await api.DELETE("/v1/courses/{id}", { params: { path: { id: c.id }, header: ifMatch(c) as never } });
    expect(ok.response.status).toBe(204);
    const gone = await api.GET("/v1/courses/{id}", { params: { path: { id: c.id } } });
    expectProblem(gone.error, gone.response, 404);
    const twice = await api.DELETE("/v1/courses/{id}", { params: { path: { id: c.id } } });
    expectProblem(twice.error, twice.response, 404);
  });
});

describe("lessons", () => {
  it("adds at a position, updates, reorders and removes, keeping the total", async () => {
    const c = await create();
    const add = async (title: string, durationMinutes: number, position?: number) =>
      (
        await api.POST("/v1/courses/{id}/lessons", {
          params: { path: { id: c.id } },
          body: { title, durationMinutes, position },
        })
      ).data!;
    await add("A", 10);
    await add("C", 30);
    const three = await add("B", 20, 1);
    expect(three.lessons.map((l) => [l.title, l.position])).toEqual([
      ["A", 0],
      ["B", 1],
      ["C", 2],
    ]);
    expect(three.totalDurationMinutes).toBe(60);
    const [a, b, cc] = three.lessons as [
      (typeof three.lessons)[0],
      (typeof three.lessons)[0],
      (typeof three.lessons)[0],
    ];
    const upd = await api.PATCH("/v1/courses/{id}/lessons/{lessonId}", {
      params: { path: { id: c.id, lessonId: b.id } },
      body: { durationMinutes: 25 },
    });
    expect(upd.data!.totalDurationMinutes).toBe(65);
    const reordered = await api.PUT("/v1/courses/{id}/lessons/order", {
      params: { path: { id: c.id } },
      body: { lessonIds: [cc.id, a.id, b.id] },
    });
    expect(reordered.data!.lessons.map((l) => l.title)).toEqual(["C", "A", "B"]);
    const badOrder = await api.PUT("/v1/courses/{id}/lessons/order", {
      params: { path: { id: c.id } },
      body: { lessonIds: [a.id] },
    });
    expect(expectProblem(badOrder.error, badOrder.response, 409).code).toBe("lesson_set_mismatch");
    const removed = await api.DELETE("/v1/courses/{id}/lessons/{lessonId}", {
      params: { path: { id: c.id, lessonId: a.id } },
    });
    expect(removed.data!.lessons.map((l) => [l.title, l.position])).toEqual([
      ["C", 0],
      ["B", 1],
    ]);
    const missing = await api.DELETE("/v1/courses/{id}/lessons/{lessonId}", {
      params: { path: { id: c.id, lessonId: a.id } },
    });
    expectProblem(missing.error, missing.response, 404);
    const invalid = await api.POST("/v1/courses/{id}/lessons", {
      params: { path: { id: c.id } },
      body: { title: "Zero", durationMinutes: 0 },
    });
    expectProblem(invalid.error, invalid.response, 400);
  });
});

describe("listing", () => {
  it("filters, searches, sorts and pages with an opaque cursor", async () => {
    const tag = uniqueName("tag").replaceAll("-", "");
    const made: Course[] = [];
    for (const [i, level] of (["beginner", "advanced", "beginner", "intermediate", "beginner"] as const).entries()) {
      made.push(
        await create({
          title: `Listing ${String.fromCharCode(69 - i)} ${tag}`,
          tags: [tag],
          level,
          instructor: { id: i % 2 ? "inst-odd" : "inst-even", name: i === 1 ? "Grace Hopper" : "Alan Turing" },
        }),
      );
    }
    const all = await api.GET("/v1/courses", { params: { query: { tag, sort: "title" } } });
    expect(contractErrors("#/components/schemas/CourseList", all.data)).toEqual([]);
    expect(all.data!.items.map((c) => c.title)).toEqual(made.map((c) => c.title).sort());
    expect(all.data!.nextCursor).toBeNull();
    const beginners = await api.GET("/v1/courses", { params: { query: { tag, level: "beginner" } } });
    expect(beginners.data!.items).toHaveLength(3);
    const byInstructor = await api.GET("/v1/courses", { params: { query: { tag, instructorId: "inst-odd" } } });
    expect(byInstructor.data!.items).toHaveLength(2);
    const search = await api.GET("/v1/courses", { params: { query: { q: `grace ${tag}` } } });
    expect(search.data!.items.map((c) => c.id)).toEqual([made[1]!.id]);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await api.GET("/v1/courses", { params: { query: { tag, limit: 2, cursor } } });
      expect(page.data!.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.data!.items.map((c) => c.id));
      cursor = page.data!.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(made.map((c) => c.id).reverse());
    // A cursor carries its sort: the next page by title needs only the cursor; another sort is a 400.
    const first = await api.GET("/v1/courses", { params: { query: { tag, sort: "-title", limit: 2 } } });
    const next = await api.GET("/v1/courses", { params: { query: { tag, cursor: first.data!.nextCursor! } } });
    expect([...first.data!.items, ...next.data!.items].map((c) => c.title)).toEqual(
      made
        .map((c) => c.title)
        .sort()
        .reverse(),
    );
    const mixed = await api.GET("/v1/courses", {
      params: { query: { tag, cursor: first.data!.nextCursor!, sort: "createdAt" } },
    });
    expect(expectProblem(mixed.error, mixed.response, 400).errors![0]!.field).toBe("/cursor");
  });
});

describe("documentation", () => {
  it("serves the committed OpenAPI document and a UI whose assets come from the service", async () => {
    const spec = await (await fetch(`${svc.url}/openapi.json`)).text();
    expect(spec).toBe(
      await Bun.file(`${import.meta.dir}/../../docs/openapi.json`)
        .text()
        .then((t) => t.trimEnd()),
    );
    const html = await (await fetch(`${svc.url}/docs`)).text();
    expect(html).toContain('src="/docs/swagger-ui-bundle.js"');
    expect(html).not.toMatch(/https?:\/\//);
    const js = await fetch(`${svc.url}/docs/swagger-ui-bundle.js`);
    expect(js.status).toBe(200);
    expect((await js.text()).length).toBeGreaterThan(100_000);
  });
});
